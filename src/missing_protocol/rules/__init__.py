"""Protocol rules: the registry and one module per family of duties (imported to register them)."""

# Imported for registration, in the catalogue's order (PROTOCOL.md table).
from missing_protocol.rules import rhi  # noqa: F401, I001
from missing_protocol.rules import notify, strategy, plan  # noqa: F401
from missing_protocol.rules import self_report  # noqa: F401
from missing_protocol.rules.judge import Context
from missing_protocol.rules.registry import (
    REGISTRY,
    Finding,
    Rule,
    Status,
    Subject,
    rule,
    rules_of,
)

__all__ = ["REGISTRY", "Context", "Finding", "Rule", "Status", "Subject", "rule", "rules_of"]
