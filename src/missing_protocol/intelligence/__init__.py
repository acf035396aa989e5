"""Partnership intelligence: hotspots, persons of concern, young people's self-reports.

Everything here is restricted: outputs show person and self-report detail only when asked
(`--include-intelligence`, or the `persons` and `self-reports` commands). The modules are pure
(pseudonyms are applied to the events before they get here: `missing_protocol.privacy`). Import the submodules directly; this
package imports nothing so that `rules` can use `matching` without an import cycle.
"""
