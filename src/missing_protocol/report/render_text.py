"""The report as plain text for a terminal or an email: headline sentences, then tables."""

from __future__ import annotations

from collections.abc import Sequence

from missing_protocol import clock
from missing_protocol.report import wording as w
from missing_protocol.report.figures import Cohort, Hotspot, PeriodFigures
from missing_protocol.report.suppression import PUBLISHED, Disclosure


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    # First column left-aligned (labels), the rest right-aligned (figures).
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [row[0].ljust(widths[0])] + [
            v.rjust(n) for v, n in zip(row[1:], widths[1:], strict=True)
        ]
        return "  " + "  ".join(cells).rstrip()

    return [line(header), "  " + "  ".join("-" * n for n in widths), *map(line, rows)]


def _section(title: str) -> list[str]:
    return ["", title, "=" * len(title)]


def _places(title: str, spots: tuple[Hotspot, ...], d: Disclosure) -> list[str]:
    if not spots:
        return [*_section(title), "  (no places recorded)"]
    return [
        *_section(title),
        *_table(["Place", "Episodes"], [[s.place, w.count(d, s.episodes)] for s in spots]),
    ]


def render(figures: PeriodFigures, disclosure: Disclosure = PUBLISHED) -> str:
    f, d = figures, disclosure
    rhi = f.interviews
    out = [
        f"Children missing from home and care: {f.authority}",
        f"Period: {w.period_text(f)} ({clock.LONDON})",
        d.notice,
        "",
        *w.headline(f, d),
        *_section("Headline figures"),
        *_table(
            ["Figure", "Value"],
            [
                ["Missing episodes", str(f.episodes)],
                ["Children", str(f.children)],
                ["Children with 3 or more episodes", w.count(d, f.repeat_children)],
                ["Median time missing", w.length(f.duration.median)],
                ["Longest time missing", w.length(f.duration.longest)],
                ["Still missing at the end of the log", w.count(d, f.duration.still_missing)],
            ],
        ),
        *_section("Children by cohort (the cohort of each child's latest episode)"),
        *_table(
            ["Cohort", "Children", "%"],
            [
                [
                    c.label(f.authority),
                    w.count(d, f.cohorts[c]),
                    w.percent(d, f.cohorts[c], f.children),
                ]
                for c in Cohort
            ]
            + [["Total", str(f.children), ""]],
        ),
        *_section("Ethnicity (DfE major group)"),
        *_table(
            ["Group", "Children", "%"],
            [
                [s.group, w.count(d, s.children), w.percent(d, s.children, f.children)]
                for s in f.ethnicity
            ],
        ),
        *_section("Sex"),
        *_table(
            ["Sex", "Children", "%"],
            [
                [w.group_label(s), w.count(d, s.children), w.percent(d, s.children, f.children)]
                for s in f.sex
            ],
        ),
        *_section("Return home interviews (per found episode)"),
        *_table(
            ["Stage", "Episodes", "% of found"],
            [
                ["Found episodes", str(rhi.found_episodes), ""],
                [
                    "Offered an interview",
                    w.count(d, rhi.offered),
                    w.percent(d, rhi.offered, rhi.found_episodes),
                ],
                [
                    "Declined by the child",
                    w.count(d, rhi.declined_by_child),
                    w.percent(d, rhi.declined_by_child, rhi.found_episodes),
                ],
                [
                    "Declined by a parent",
                    w.count(d, rhi.declined_by_parent),
                    w.percent(d, rhi.declined_by_parent, rhi.found_episodes),
                ],
                [
                    "Interview completed",
                    w.count(d, rhi.completed),
                    w.percent(d, rhi.completed, rhi.found_episodes),
                ],
                [
                    f"Completed within {w.rhi_deadline(rhi)}",
                    w.count(d, rhi.completed_within_deadline),
                    w.percent(d, rhi.completed_within_deadline, rhi.found_episodes),
                ],
            ],
        ),
        *_section("Episodes by month and cohort"),
        *_table(
            ["Month", "Looked after here", "Placed here", "From home", "Total"],
            [
                [
                    w.month_label(m.month),
                    *(w.count(d, m.episodes[c]) for c in Cohort),
                    str(m.episodes.total),
                ]
                for m in f.by_month
            ],
        ),
        *_places("Places most often missing from", f.missing_from, d),
        *_places("Places most often found at", f.found_at, d),
        *_section("Data"),
        f"  Cancelled reports (not in fact missing, not counted above): {w.count(d, f.cancelled_reports)}",
        f"  Rejected events: {f.rejected_events}"
        + (
            " (not counted; run `missing-protocol check` to list them)" if f.rejected_events else ""
        ),
    ]
    return "\n".join(out) + "\n"
