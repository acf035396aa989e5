"""Partnership intelligence: hotspots, persons of concern, young people's self-reports.

Everything here is restricted: outputs show person and self-report detail only when asked
(`--include-intelligence`, or the `persons` and `self-reports` commands). The modules are pure
(pseudonyms are applied to the events before they get here: `missing_protocol.privacy`). Import
the submodules directly. Matching a self-report to episodes is core (`missing_protocol.matching`):
the SELF-REPORT-FOLLOW-UP rule needs it, and the core imports nothing from here.
"""
