"""Words and numbers as the published report shows them (shared by text, HTML and CSV)."""

from __future__ import annotations

import datetime as dt

from missing_protocol import clock
from missing_protocol.common.period import Cohort
from missing_protocol.common.suppression import Ratio, Shown, rounded
from missing_protocol.model import EthnicGroup
from missing_protocol.report.disclosed import Disclosed, ShownInterviews, ShownShare

MAJOR_GROUPS = frozenset(
    g.value for g in EthnicGroup if g is not EthnicGroup.REFUSED_OR_NOT_OBTAINED
)
OWN, PLACED, HOME = Cohort.OWN_LOOKED_AFTER, Cohort.PLACED_HERE_BY_OTHERS, Cohort.FROM_HOME
SEX_LABELS = {"male": "Male", "female": "Female", "other": "Other", "unknown": "Unknown"}


def day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def period_text(figures: Disclosed) -> str:
    return f"{day(figures.period.start)} to {day(figures.period.last_day)}"


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{dt.date(int(year), int(number), 1):%b %Y}"


def count(n: Shown) -> str:
    return str(n)


def percent(share: Ratio) -> str:
    """A whole percentage, 'c' when its count is hidden, '-' when there is no base."""
    value = rounded(share, 0)
    if value is None:
        return "-"
    return f"{value:.0f}%" if isinstance(value, float) else str(value)


def deadline(duration: clock.Duration) -> str:
    if isinstance(duration, clock.Elapsed):
        hours, rest = divmod(duration.seconds, 3600)
        return f"{hours} hours" if not rest else str(duration)
    return str(duration)


def rhi_deadline(rhi: ShownInterviews) -> str:
    """The interview deadline in words; both (or all) when the profile changed in the period."""
    used = rhi.deadlines or (rhi.deadline,)
    if len(used) == 1:
        return deadline(used[0])
    return "the deadline in force (" + ", then ".join(deadline(d) for d in used) + ")"


def length(value: dt.timedelta | None) -> str:
    if value is None:
        return "-"
    hours = value.total_seconds() / 3600
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"


def group_label(share: ShownShare) -> str:
    return SEX_LABELS.get(share.group, share.group)


def headline(figures: Disclosed) -> list[str]:
    """The scrutiny-panel sentences: totals, cohorts, ethnicity and sex."""
    f = figures
    c = {cohort: count(cell.count) for cohort, cell in f.cohorts}
    own, placed, home = (c[x] for x in (OWN, PLACED, HOME))
    lines = [
        f"From {period_text(f)} there were {f.episodes} missing episodes involving "
        f"{f.children} children: {own} were looked after by "
        f"{f.authority}, {placed} were looked after by other "
        f"authorities but placed in {f.authority}, and {home} went missing "
        "from their family homes."
    ]
    # Groups named are those with a shown, non-zero count, largest first: none is hidden.
    named = [
        (s.children.count, s)
        for s in f.ethnicity
        if s.group in MAJOR_GROUPS and isinstance(s.children.count, int) and s.children.count
    ]
    groups = [s for _, s in sorted(named, key=lambda ns: (-ns[0], ns[1].group))]
    parts = [f"{percent(s.children.percent)} {s.group}" for s in groups]
    males = next(s.children for s in f.sex if s.group == "male")
    if parts:
        listed = ", ".join(parts).replace(" ", " were ", 1)
        lines.append(f"Of the children, {listed}; {percent(males.percent)} were male.")
    rhi = f.interviews
    lines.append(
        f"Of {rhi.found_episodes} found episodes, {count(rhi.offered.count)} were offered a return "
        f"interview; {count(rhi.completed.count)} took place "
        f"({count(rhi.completed_within_deadline.count)} within {rhi_deadline(rhi)}), "
        f"{count(rhi.declined_by_child.count)} were declined by the child and "
        f"{count(rhi.declined_by_parent.count)} by a parent."
    )
    return lines


# ---- partnership intelligence (issue 6): figures arrive JSON-ready, `c` already applied -------

RESTRICTED = (
    "RESTRICTED: this report includes persons of concern and individual self-reports "
    "(--include-intelligence). Share only with partners entitled to see it; not for publication."
)
CLASS_LABELS = {
    "matched": "Matched a recorded episode",
    "unknown_to_services": "Unknown to services (hidden missing)",
    "conflicting": "Conflicting with the records",
}
CONFLICT_LABELS = {
    "report_cancelled": "The report was cancelled (records: not missing)",
    "episode_open": "The episode is still open (records: not back)",
    "dates_disagree": "The dates disagree",
}
FOLLOW_UP_LABELS = {
    "met": "Followed up in time",
    "late": "Followed up late",
    "pending": "Not yet due",
    "overdue": "Overdue",
    "not_required": "Not required (matched)",
}


def shown(value: object) -> str:
    """A count as published: the number, or `c`; '-' for nothing."""
    return "-" if value is None else str(value)


def signed(value: object) -> str:
    """A change: +3, -2, 0, or `c` when hidden."""
    if isinstance(value, int):
        return f"{value:+d}" if value else "0"
    return shown(value)


def iso_day(value: str | None) -> str:
    """An ISO date or instant as its London day: 9 Jul 2025."""
    if not value:
        return "-"
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = clock.local(moment)
    return f"{moment.day} {moment:%b %Y}"


def period_days(period: dict[str, str]) -> str:
    """A JSON period {from, to (exclusive)} in words: 1 April 2024 to 31 March 2025."""
    start = dt.date.fromisoformat(period["from"])
    last = dt.date.fromisoformat(period["to"]) - dt.timedelta(days=1)
    return f"{day(start)} to {day(last)}"


def span(duration: clock.Duration) -> str:
    """A tolerance in words: whole days as days (P1D: 1 day), otherwise as a deadline."""
    if isinstance(duration, clock.Elapsed) and duration.seconds and not duration.seconds % 86400:
        days = duration.seconds // 86400
        return f"{days} day" if days == 1 else f"{days} days"
    return deadline(duration)


def reason(text: str) -> str:
    """A reason as listed: compared without case, shown with a capital letter."""
    return text[:1].upper() + text[1:]


def words(value: str) -> str:
    """An enum value for people: suspected_exploiter -> suspected exploiter."""
    return value.replace("_", " ")
