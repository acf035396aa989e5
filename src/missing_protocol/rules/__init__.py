"""Protocol rules: the registry and one module per family of duties."""

from missing_protocol.rules.registry import REGISTRY, Finding, Rule, Status, rule, rules_of

__all__ = ["REGISTRY", "Finding", "Rule", "Status", "rule", "rules_of"]
