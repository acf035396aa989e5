"""The lifecycle drawn from the state machine's own transition table (mermaid or Graphviz dot)."""

from __future__ import annotations

from missing_protocol.lifecycle import FINAL_STATES, INITIAL, RECORDING_EVENTS, TRANSITIONS


def mermaid() -> str:
    lines = ["stateDiagram-v2"]
    for (source, event), target in TRANSITIONS.items():
        src = "[*]" if source == INITIAL else source
        lines.append(f"    {src} --> {target} : {event}")
    for state in sorted(FINAL_STATES):
        lines.append(f"    {state} --> [*]")
    note = ", ".join(sorted(RECORDING_EVENTS))
    lines.append(f"    %% {note}: accepted in any state of a known episode; state unchanged")
    return "\n".join(lines) + "\n"


def dot() -> str:
    lines = [
        "digraph episode_lifecycle {",
        "    rankdir=LR;",
        "    node [shape=box, style=rounded];",
    ]
    lines.append(f'    {INITIAL} [shape=point, label=""];')
    for state in sorted(FINAL_STATES):
        lines.append(f"    {state} [peripheries=2];")
    for (source, event), target in TRANSITIONS.items():
        lines.append(f'    {source} -> {target} [label="{event}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


FORMATS = {"mermaid": mermaid, "dot": dot}
