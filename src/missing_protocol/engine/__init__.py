"""The engine: whole-log checks at scale (routing by child, `--jobs`, bounded memory) and the
per-partition entry point for distributed engines (Dask `map_partitions`, Spark `applyInPandas`).

Everything here is derived from the core: the same reader, lifecycle, assembly and rule registry
judge each partition; partitions hold whole children, so their answers merge into exactly the
answer of one whole check (proved by tests/test_engine_equality.py).
"""

from missing_protocol.check import judge
from missing_protocol.engine.partition import (
    PartitionCheck,
    check_partition,
    counts_frame,
    findings_frame,
    merge_counts,
)
from missing_protocol.engine.problems import Problems
from missing_protocol.engine.run import Options, Outcome, run

__all__ = [
    "Options",
    "Outcome",
    "PartitionCheck",
    "Problems",
    "check_partition",
    "counts_frame",
    "findings_frame",
    "judge",
    "merge_counts",
    "run",
]
