"""Domain value types: the child, one class per event type of CONTRACT §1, and closed sets.

Every class is a frozen attrs value. Instants are aware stdlib datetimes (the reader gives them in
UTC; London time is for display at the edges); dates are calendar days. The reader
(formats.events) turns JSON into these and the core never sees raw dicts.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import ClassVar, NamedTuple

import attrs
import pendulum

from missing_protocol.clock import end_of_london_day, start_of_london_day


class MissingFrom(enum.StrEnum):
    HOME = "home"
    CARE = "care"


class Risk(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NO_APPARENT_RISK = "no_apparent_risk"


class DeclinedBy(enum.StrEnum):
    CHILD = "child"
    PARENT = "parent"


class Party(enum.StrEnum):
    RESPONSIBLE_AUTHORITY = "responsible_authority"
    HOST_AUTHORITY = "host_authority"
    POLICE = "police"
    PARENT = "parent"
    IRO = "iro"


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


class ActionKind(enum.StrEnum):
    MENTAL_HEALTH_REFERRAL = "mental_health_referral"
    FAMILY_NETWORK = "family_network"
    DISRUPTION = "disruption"
    EDUCATION = "education"
    OTHER = "other"


class PersonRole(enum.StrEnum):
    """How an adult is connected to a missing episode (partnership intelligence)."""

    SUSPECTED_EXPLOITER = "suspected_exploiter"
    ASSOCIATE = "associate"
    HARBOURER = "harbourer"
    OTHER = "other"


class LinkSource(enum.StrEnum):
    INTERVIEW = "interview"
    POLICE = "police"
    OTHER = "other"


class DisruptionKind(enum.StrEnum):
    WARNING_NOTICE = "warning_notice"
    CLOSURE_ORDER = "closure_order"
    ARREST = "arrest"
    OTHER = "other"


class Partner(enum.StrEnum):
    POLICE = "police"
    COUNCIL = "council"
    OTHER = "other"


class ProsecutionOutcome(enum.StrEnum):
    CHARGED = "charged"
    CONVICTED = "convicted"
    ACQUITTED = "acquitted"
    NO_FURTHER_ACTION = "no_further_action"


class EthnicGroup(enum.StrEnum):
    """The DfE major ethnic groups used in children's social care statistics."""

    WHITE = "White"
    MIXED = "Mixed"
    ASIAN = "Asian"
    BLACK = "Black"
    OTHER = "Other"
    REFUSED_OR_NOT_OBTAINED = "Refused/Not obtained"


# DfE ethnicity codes (CIN/SSDA903) and their major group; Chinese counts under "Other".
ETHNICITY_GROUPS: dict[str, EthnicGroup] = {
    **dict.fromkeys(("WBRI", "WIRI", "WIRT", "WOTH", "WROM"), EthnicGroup.WHITE),
    **dict.fromkeys(("MWBC", "MWBA", "MWAS", "MOTH"), EthnicGroup.MIXED),
    **dict.fromkeys(("AIND", "APKN", "ABAN", "AOTH"), EthnicGroup.ASIAN),
    **dict.fromkeys(("BCRB", "BAFR", "BOTH"), EthnicGroup.BLACK),
    **dict.fromkeys(("CHNE", "OOTH"), EthnicGroup.OTHER),
    **dict.fromkeys(("REFU", "NOBT"), EthnicGroup.REFUSED_OR_NOT_OBTAINED),
}


def _known_ethnicity(_: object, __: attrs.Attribute[str], code: str) -> None:
    if code not in ETHNICITY_GROUPS:
        raise ValueError(f"unknown DfE ethnicity code {code!r}")


@attrs.frozen
class Ethnicity:
    code: str = attrs.field(validator=_known_ethnicity)

    @property
    def group(self) -> EthnicGroup:
        return ETHNICITY_GROUPS[self.code]

    def __str__(self) -> str:
        return self.code


@attrs.frozen
class Location:
    name: str
    lat: float | None = None
    lon: float | None = None

    def __str__(self) -> str:
        return self.name


@attrs.frozen
class PlanAction:
    """One action of a plan; with a `due` (its own, else the plan's) it is a duty (PLAN-ACTION-DUE)."""

    kind: ActionKind
    owner: str
    due: ApproxTime | None = None
    action_id: str | None = None


class Source(NamedTuple):
    """Where an event came from: file (or None for in-memory input) and 1-based line.

    A named tuple, not an attrs class: one is made per event read, and a tuple is made fastest.
    """

    line: int
    file: str | None = None
    # Field names the event type does not define (a producer's typo?): CONTRACT §3 warnings.
    unknown: tuple[str, ...] = ()
    # The object's place among those starting on its line (a JSON array on one line): orders
    # its errors and warnings after the line's earlier objects'; 0 for the first or only one.
    place: int = 0


_NO_SOURCE = Source(line=0)


def _origin_field() -> Source:
    # Provenance is not part of an event's identity: two equal records stay equal.
    return attrs.field(default=_NO_SOURCE, eq=False, kw_only=True, repr=False)


@attrs.frozen
class Child:
    type: ClassVar[str] = "child"
    child_id: str
    born: pendulum.Date | None = None
    sex: Sex | None = None
    ethnicity: Ethnicity | None = None
    looked_after_by: str | None = None
    placed_in: str | None = None
    origin: Source = _origin_field()


@attrs.frozen
class Reported:
    type: ClassVar[str] = "reported"
    episode_id: str
    child_id: str
    at: dt.datetime
    missing_from: MissingFrom
    responsible_authority: str
    host_authority: str | None = None
    risk: Risk | None = None
    location: Location | None = None
    origin: Source = _origin_field()

    @property
    def host(self) -> str:
        return self.host_authority or self.responsible_authority


@attrs.frozen
class Found:
    type: ClassVar[str] = "found"
    episode_id: str
    at: dt.datetime
    location: Location | None = None
    found_in_authority: str | None = None
    origin: Source = _origin_field()


@attrs.frozen
class InterviewOffered:
    type: ClassVar[str] = "interview_offered"
    episode_id: str
    at: dt.datetime
    provider: str | None = None
    independent: bool = True
    origin: Source = _origin_field()


@attrs.frozen
class InterviewDeclined:
    type: ClassVar[str] = "interview_declined"
    episode_id: str
    at: dt.datetime
    declined_by: DeclinedBy
    reason: str | None = None
    origin: Source = _origin_field()


@attrs.frozen
class InterviewCompleted:
    type: ClassVar[str] = "interview_completed"
    episode_id: str
    at: dt.datetime
    independent: bool = True
    reasons: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    origin: Source = _origin_field()


@attrs.frozen
class PlanMade:
    type: ClassVar[str] = "plan_made"
    episode_id: str
    at: dt.datetime
    actions: tuple[PlanAction, ...]
    due: ApproxTime | None = None  # a plan's target: a date, or a date-time with its offset
    origin: Source = _origin_field()


@attrs.frozen
class ActionCompleted:
    """A plan's action done (CONTRACT §1): accepted only once the episode has its plan."""

    type: ClassVar[str] = "action_completed"
    episode_id: str
    at: dt.datetime
    kind: ActionKind
    action_id: str | None = None
    note: str | None = None
    origin: Source = _origin_field()


@attrs.frozen
class ReportCancelled:
    type: ClassVar[str] = "report_cancelled"
    episode_id: str
    at: dt.datetime
    reason: str | None = None
    origin: Source = _origin_field()


@attrs.frozen
class StrategyDiscussion:
    type: ClassVar[str] = "strategy_discussion"
    child_id: str
    at: dt.datetime
    episode_id: str | None = None
    origin: Source = _origin_field()


@attrs.frozen
class Notified:
    type: ClassVar[str] = "notified"
    episode_id: str
    at: dt.datetime
    party: Party
    origin: Source = _origin_field()


@attrs.frozen
class PersonLinked:
    """An adult linked to an episode (e.g. named at the return interview or by the police)."""

    type: ClassVar[str] = "person_linked"
    episode_id: str
    person_id: str
    at: dt.datetime
    role: PersonRole
    source: LinkSource | None = None
    origin: Source = _origin_field()


@attrs.frozen
class Disruption:
    """An action by a partner against a person of concern (warning notice, closure order, ...)."""

    type: ClassVar[str] = "disruption"
    person_id: str
    at: dt.datetime
    kind: DisruptionKind
    partner: Partner
    location: Location | None = None
    origin: Source = _origin_field()


@attrs.frozen
class Prosecution:
    type: ClassVar[str] = "prosecution"
    person_id: str
    at: dt.datetime
    outcome: ProsecutionOutcome
    origin: Source = _origin_field()


# A young person's own account may give only the day ("2026-03-04") or a moment with an offset.
# A datetime is also a date, so code must test for datetime first.
ApproxTime = dt.datetime | pendulum.Date


def _start_of(value: ApproxTime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return start_of_london_day(value)


def _end_of(value: ApproxTime) -> dt.datetime:
    # A day given as the end means "some time that day": the interval runs to its end.
    if isinstance(value, dt.datetime):
        return value
    return end_of_london_day(value)


@attrs.frozen
class SelfReport:
    """A young person's own report of being away (e.g. from a council app): never an episode.

    `away_from` and `away_to` may be dates (London days, the whole day counted) or date-times.
    """

    type: ClassVar[str] = "self_report"
    report_id: str
    child_id: str
    at: dt.datetime
    away_from: ApproxTime
    away_to: ApproxTime
    reasons: tuple[str, ...] = ()
    location: Location | None = None
    origin: Source = _origin_field()

    @property
    def away_start(self) -> dt.datetime:
        return _start_of(self.away_from)

    @property
    def away_end(self) -> dt.datetime:
        return _end_of(self.away_to)


EpisodeEvent = (
    Reported
    | Found
    | InterviewOffered
    | InterviewDeclined
    | InterviewCompleted
    | PlanMade
    | ActionCompleted
    | ReportCancelled
    | Notified
)
IntelligenceEvent = PersonLinked | Disruption | Prosecution | SelfReport
Event = Child | EpisodeEvent | StrategyDiscussion | IntelligenceEvent

EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        Child,
        Reported,
        Found,
        InterviewOffered,
        InterviewDeclined,
        InterviewCompleted,
        PlanMade,
        ActionCompleted,
        ReportCancelled,
        StrategyDiscussion,
        Notified,
        PersonLinked,
        Disruption,
        Prosecution,
        SelfReport,
    )
}


# The typed event classes (what the readers pass through as they are).
EVENT_CLASSES: frozenset[type[Event]] = frozenset(EVENT_TYPES.values())


class Private(NamedTuple):
    """A rejection as a pseudonymised run shows it: its field and message quote nothing from the
    log (an id typed into the wrong field must not reach a shared output)."""

    field: str | None
    message: str


@attrs.frozen
class EventError:
    """A rejected event: where it was, which field, and why (CONTRACT §1 error record)."""

    line: int
    field: str | None
    message: str
    file: str | None = None
    # The field and message worded with no value from the log, shown in their place when ids
    # are pseudonymised (privacy); None where the producer worded none (a generic reason then).
    private: Private | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)
    # Its event's place on its line (Source.place): an order, not part of what it says.
    place: int = attrs.field(default=0, eq=False, repr=False, kw_only=True)


def error_order(error: EventError) -> tuple[str, int, int]:
    """Where an error stands among a check's (CONTRACT §3 `errors`, `warnings`): by file, line,
    then the object's place on its line (a JSON array's objects may share one)."""
    return (error.file or "", error.line, error.place)
