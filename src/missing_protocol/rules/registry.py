"""The rule registry: one entry per rule id, the single source for findings, `rules` and docs.

A rule is a small function registered with its id, title, source, owner and the profile
parameters it reads. Families keep apart rules that judge different things: `protocol` rules
judge episodes (PROTOCOL.md); `ssda903` rules validate the DfE 903 Missing table.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from missing_protocol import clock


class Status(enum.StrEnum):
    """CONTRACT §3 finding statuses."""

    MET = "met"
    LATE = "late"
    PENDING = "pending"
    OVERDUE = "overdue"
    BREACHED = "breached"
    NOT_REQUIRED = "not_required"

    @property
    def is_problem(self) -> bool:
        return self in PROBLEMS


PROBLEMS = frozenset({Status.LATE, Status.OVERDUE, Status.BREACHED})


class Subject(enum.StrEnum):
    """What a protocol rule judges, and so what `evaluate` is called with besides the context."""

    EPISODE = "episode"
    # Young people's self-reports: restricted intelligence, judged only when asked for.
    SELF_REPORT = "self_report"


@attrs.frozen
class Finding:
    """One rule's verdict on one subject (an episode, a child, a self-report, a 903 row)."""

    rule: str
    status: Status
    episode_id: str | None
    child_id: str | None
    responsible: str | None
    due: dt.datetime | None
    done: dt.datetime | None
    message: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "status": self.status.value,
            "episode_id": self.episode_id,
            "child_id": self.child_id,
            "responsible": self.responsible,
            "due": clock.iso(self.due),
            "done": clock.iso(self.done),
            "message": self.message,
            "source": self.source,
        }


@attrs.frozen
class Rule:
    id: str
    title: str
    source: str
    owner: str
    parameters: tuple[str, ...]
    family: str
    evaluate: Callable[..., Any] = attrs.field(eq=False, repr=False)
    summary: str = ""
    subject: Subject = Subject.EPISODE


REGISTRY: dict[str, Rule] = {}

F = TypeVar("F", bound=Callable[..., Any])


def rule(
    id: str,
    *,
    title: str,
    source: str,
    owner: str,
    parameters: tuple[str, ...] = (),
    family: str = "protocol",
    subject: Subject = Subject.EPISODE,
) -> Callable[[F], F]:
    """Register the decorated function as the rule `id` (its docstring is the summary)."""

    def register(func: F) -> F:
        if id in REGISTRY:
            raise ValueError(f"rule {id} is registered twice")
        summary = " ".join((func.__doc__ or "").split())
        REGISTRY[id] = Rule(id, title, source, owner, parameters, family, func, summary, subject)
        return func

    return register


def rules_of(family: str, subject: Subject | None = None) -> tuple[Rule, ...]:
    """The family's rules in catalogue order; only those judging `subject` when it is given."""
    return tuple(
        r
        for r in REGISTRY.values()
        if r.family == family and (subject is None or r.subject is subject)
    )
