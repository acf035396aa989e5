"""The seeded example-year generator: a realistic year of events for the invented borough Harryford.

The published figures of issue 5 are built in as shares: cohorts, ethnic groups and sex are
shared out exactly (largest remainder), so the default size reproduces 806 episodes, 190
children, 82/18/90 and the percentages exactly, and any other size keeps the same shape. Timing,
risk, interviews and places are drawn from one `random.Random(seed)`: same arguments, same log.

Partnership intelligence (issue 6) is added afterwards from a second generator seeded from the
same seed, so it never changes the episodes: persons of concern linked to episodes (one linked
to several children at two hotspots, with contact going on after a warning notice), their
disruptions and prosecutions, and young people's self-reports (most matching a recorded
episode, some unknown to services, one or two conflicting), with strategy discussions following
up the unmatched ones. Split by what it makes: `borough` (the invented place and the published
shares), `episodes`, `intelligence`, `year` (all of it in order) and `jsonl` (the edge: JSON Lines
out and the command line). Everything is pure except `jsonl`.

    python -m missing_protocol.synth src/missing_protocol/data/example_year.jsonl
"""

from missing_protocol.synth.borough import (
    AUTHORITY,
    AUTHORITY_NAME,
    COHORT_SHARES,
    EXAMPLE_AS_OF,
    EXAMPLE_CHILDREN,
    EXAMPLE_EPISODES,
    EXAMPLE_SEED,
    PERIOD,
    apportion,
)
from missing_protocol.synth.jsonl import dumps, main, record, write
from missing_protocol.synth.year import generate

__all__ = [
    "AUTHORITY",
    "AUTHORITY_NAME",
    "COHORT_SHARES",
    "EXAMPLE_AS_OF",
    "EXAMPLE_CHILDREN",
    "EXAMPLE_EPISODES",
    "EXAMPLE_SEED",
    "PERIOD",
    "apportion",
    "dumps",
    "generate",
    "main",
    "record",
    "write",
]
