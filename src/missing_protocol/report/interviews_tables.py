"""'What interviews told us' laid out: rows shared by text and HTML, the text section, CSV tables.

Everything here reads the section as published (`interviews.shown`): counts of 1 to 5 are
already `c` and rare free text already pooled, so no layout can give a hidden count away.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from missing_protocol.common.period import Cohort
from missing_protocol.common.texttable import table
from missing_protocol.report import wording as w

Rows = list[list[str]]
Section = dict[str, Any]
# Risk codes as a panel reads them; any other code is shown with its underscores as spaces.
RISK_LABELS = {
    "cse": "child sexual exploitation",
    "cce": "child criminal exploitation",
    "mental_health": "mental health",
    "substance_misuse": "substance misuse",
    "county_lines": "county lines",
    "online_harm": "harm online",
}
KIND_LABELS = {
    "mental_health_referral": "Referral to mental-health services",
    "family_network": "Support from the wider family network",
    "disruption": "Disruption of adults of concern",
    "education": "Education",
    "other": "Other",
}
COHORT_HEADER = ["Looked after here", "Placed here", "From home"]
TITLE = "What interviews told us"
TALLY = ("actions", "plans", "children")
MENTION_HEADER = ["Interviews", "Children", *COHORT_HEADER]
NONE_ROW = ["(none)", *([""] * len(MENTION_HEADER))]
KIND_HEADER = ["Action", "Actions", "Plans", "Children"]
OWNER_HEADER = ["Owner", "Actions", "Plans", "Children"]
MONTH_HEADER = ["Month", "Plans made", "With a family-network action"]


def risk_label(code: str) -> str:
    return RISK_LABELS.get(code, w.words(code))


def mentions(rows: Sequence[dict[str, Any]], risks: bool = False) -> Rows:
    """Reasons or risks: label, interviews, children, then interviews by cohort."""
    out = []
    for r in rows:
        label = r["label"] if r.get("pooled") or not risks else risk_label(r["label"])
        by = r.get("by_cohort")
        cohorts = [w.shown(by[c.value]) for c in Cohort] if by else ["", "", ""]
        out.append([label, w.shown(r["interviews"]), w.shown(r.get("children", "")), *cohorts])
    return out


def plans(s: Section) -> Rows:
    p = s["plans"]
    deadline = " or ".join(p["deadlines"]) or "the plan deadline"
    return [
        ["Interviews completed", str(s["interviews"]), ""],
        ["With a plan after the interview", w.shown(p["after_interview"]), ""],
        [
            f"Plan made within {deadline} (PLAN-AFTER-RHI)",
            w.shown(p["within_deadline"]),
            w.percent(p["percent_within_deadline"]),
        ],
    ]


def kinds(s: Section) -> Rows:
    return [
        [KIND_LABELS.get(k["label"], k["label"]), *(w.shown(k[n]) for n in TALLY)]
        for k in s["plans"]["by_kind"]
    ]


def owners(s: Section) -> Rows:
    return [
        [
            o["label"],
            w.shown(o["actions"]),
            w.shown(o.get("plans", "")),
            w.shown(o.get("children", "")),
        ]
        for o in s["plans"]["by_owner"]
    ]


def months(s: Section) -> Rows:
    return [
        [w.month_label(m["month"]), w.shown(m["plans"]), w.shown(m["family_network"])]
        for m in s["by_month"]
    ]


def summary(s: Section) -> str:
    top = ", ".join(s["top_reasons"]) or "none shown"
    return (
        f"{s['interviews']} return interviews were completed in the period, with "
        f"{s['children']} children. Reasons most often given: {top}."
    )


def text(s: Section) -> list[str]:
    """The section for the plain-text report."""
    versions = ", ".join(s["versions"])
    return [
        "",
        TITLE,
        "=" * len(TITLE),
        f"  {summary(s)}",
        "  Each reason or risk counts once per interview; children are counted once each.",
        "",
        *table(["Reason given", *MENTION_HEADER], mentions(s["reasons"]) or [NONE_ROW]),
        "",
        *table(["Risk named", *MENTION_HEADER], mentions(s["risks"], True) or [NONE_ROW]),
        "",
        *table(["Plans", "Episodes", "%"], plans(s)),
        "",
        *table(KIND_HEADER, kinds(s)),
        "",
        *table(OWNER_HEADER, owners(s) or [["(none)", "", "", ""]]),
        "",
        *table(MONTH_HEADER, months(s)),
        *([f"  Profile versions from {versions} (marked on the HTML chart)."] if versions else []),
    ]


Cell = str | int | float | None


def _count(value: Any) -> Cell:
    return value if isinstance(value, int | float | str) else None


def csv_tables(s: Section) -> dict[str, list[Sequence[Cell]]]:
    """The section's CSV files (name -> rows, header first), `c` kept as published."""
    cohorts = [c.value for c in Cohort]

    def mention_rows(rows: list[dict[str, Any]], head: str) -> list[Sequence[Cell]]:
        out: list[Sequence[Cell]] = [[head, "interviews", "children", *cohorts, "pooled"]]
        for r in rows:
            by = r.get("by_cohort") or {}
            out.append(
                [
                    r["label"],
                    r["interviews"],
                    _count(r.get("children")),
                    *(_count(by.get(c)) for c in cohorts),
                    str(bool(r.get("pooled"))).lower(),
                ]
            )
        return out

    p = s["plans"]
    return {
        "interview_reasons.csv": mention_rows(s["reasons"], "reason"),
        "interview_risks.csv": mention_rows(s["risks"], "risk"),
        "plans.csv": [
            ["figure", "value"],
            ["interviews_completed", s["interviews"]],
            ["children", s["children"]],
            *([f"interviews_{c}", s["by_cohort"][c]] for c in cohorts),
            ["with_reasons", s["with_reasons"]],
            ["with_risks", s["with_risks"]],
            ["plans_after_interview", p["after_interview"]],
            ["plans_within_deadline", p["within_deadline"]],
            ["percent_within_deadline", p["percent_within_deadline"]],
            ["plan_deadlines", "; ".join(p["deadlines"])],
            ["actions", p["actions"]],
        ],
        "plan_actions_by_kind.csv": [
            ["kind", *TALLY],
            *([k["label"], *(k[n] for n in TALLY)] for k in p["by_kind"]),
        ],
        "plan_actions_by_owner.csv": [
            ["owner", *TALLY, "pooled"],
            *(
                [
                    o["label"],
                    *(_count(o.get(n)) for n in TALLY),
                    str(bool(o.get("pooled"))).lower(),
                ]
                for o in p["by_owner"]
            ),
        ],
        "plans_by_month.csv": [
            ["month", "plans", "family_network"],
            *([m["month"], m["plans"], m["family_network"]] for m in s["by_month"]),
        ],
    }
