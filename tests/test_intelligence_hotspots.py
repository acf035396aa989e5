"""Hotspots from the hand-made log: by name, by H3 cell, change, and disclosure control."""

from __future__ import annotations

import h3
import pendulum
import pytest

from intelligence_log import LOG, PARK, SQUARE, build, found, reported
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import INTERNAL, PUBLISHED
from missing_protocol.intelligence.hotspots import (
    Hotspot,
    Hotspots,
    PlaceKind,
    hotspots,
    place_key,
    previous_period,
)
from missing_protocol.intelligence.render import hotspots_dict
from missing_protocol.intelligence.render_text import hotspots_text

MARCH = Period(pendulum.date(2026, 3, 1), pendulum.date(2026, 4, 1))


@pytest.fixture(scope="module")
def spots() -> Hotspots:
    return hotspots(build(LOG), MARCH)


def by_label(spots: tuple[Hotspot, ...]) -> dict[str, Hotspot]:
    return {s.label: s for s in spots}


def test_previous_period_has_the_same_length() -> None:
    before = previous_period(MARCH)
    assert (before.start, before.end) == (pendulum.date(2026, 1, 29), pendulum.date(2026, 3, 1))


def test_places_by_name_ignore_case_and_spacing(spots: Hotspots) -> None:
    missing = by_label(spots.of(PlaceKind.MISSING_FROM))
    park = missing["Station Road Park"]
    # E1, E2 ("station road  park") and E5; E0 was in February.
    assert (park.current.episodes, park.current.children) == (3, 3)
    assert (park.previous.episodes, park.change) == (1, 2)
    # The cancelled report E6 at the square is not counted.
    assert missing["Market Square"].current.episodes == 1
    assert missing["Home"].current.episodes == 1
    assert place_key(" Station  ROAD park") == place_key("station road park")


def test_found_at_counts_episodes_found_in_the_period(spots: Hotspots) -> None:
    found_at = by_label(spots.of(PlaceKind.FOUND_AT))
    assert found_at["Market Square"].current.episodes == 3
    assert found_at["Market Square"].previous.episodes == 0
    assert "Bus Depot" not in found_at  # found in February


def test_cells_group_nearby_coordinates_at_the_chosen_resolution(spots: Hotspots) -> None:
    cells = {s.key: s for s in spots.of(PlaceKind.MISSING_FROM, cells=True)}
    park_cell = h3.latlng_to_cell(PARK["lat"], PARK["lon"], 8)
    assert set(cells) == {park_cell, h3.latlng_to_cell(SQUARE["lat"], SQUARE["lon"], 8)}
    assert cells[park_cell].current.episodes == 3
    assert cells[park_cell].places == ("Station Road Park",)  # one spelling per place
    lat, lon = cells[park_cell].centre or (0.0, 0.0)
    assert abs(lat - PARK["lat"]) < 0.01 and abs(lon - PARK["lon"]) < 0.01
    # "Home" has no coordinates: by name only.
    assert spots.totals.missing_from_named == 5
    assert spots.totals.with_coordinates == 8


def test_a_coarse_resolution_merges_both_hotspots() -> None:
    coarse = hotspots(build(LOG), MARCH, resolution=4)
    cells = coarse.of(PlaceKind.MISSING_FROM, cells=True)
    assert len(cells) == 1 and cells[0].current.episodes == 4
    with pytest.raises(ValueError, match="0 to 15"):
        hotspots(build(LOG), MARCH, resolution=16)


def test_totals(spots: Hotspots) -> None:
    t = spots.totals
    assert (t.episodes_reported, t.episodes_found, t.found_at_named) == (5, 5, 5)


def test_disclosure_hides_small_counts_and_the_change_they_give_away(spots: Hotspots) -> None:
    shown = hotspots_dict(spots, PUBLISHED)
    park = next(r for r in shown["missing_from"]["places"] if r["place"] == "Station Road Park")
    assert park == {
        "place": "Station Road Park",
        "episodes": "c",
        "children": "c",
        "previous_episodes": "c",
        "change": "c",
    }
    assert shown["totals"]["episodes_reported"] == 5  # totals stay
    internal = hotspots_dict(spots, INTERNAL)
    park = next(r for r in internal["missing_from"]["places"] if r["place"] == "Station Road Park")
    assert (park["episodes"], park["change"]) == (3, 2)
    assert "NOT SUPPRESSED" in internal["notice"]


def test_hidden_rows_sort_by_name_so_their_order_tells_nothing(spots: Hotspots) -> None:
    places = [r["place"] for r in hotspots_dict(spots, PUBLISHED)["found_at"]["places"]]
    assert places == sorted(places, key=str.casefold)
    ranked = [r["place"] for r in hotspots_dict(spots, INTERNAL)["found_at"]["places"]]
    assert ranked[0] == "Market Square"


def test_a_large_hotspot_shows_its_figures_under_disclosure_control() -> None:
    events: list[dict[str, object]] = []
    for n in range(7):
        events.append(reported(f"E{n}", f"C{n}", f"2026-03-{n + 2:02d}T18:00:00Z", SQUARE))
        events.append(found(f"E{n}", f"2026-03-{n + 2:02d}T22:00:00Z"))
    for n in range(7, 14):  # seven in February too: a change of 0
        events.append(reported(f"E{n}", f"C{n}", f"2026-02-{n:02d}T18:00:00Z", SQUARE))
    shown = hotspots_dict(hotspots(build(events), MARCH), PUBLISHED)
    row = shown["missing_from"]["places"][0]
    assert (row["episodes"], row["children"], row["previous_episodes"], row["change"]) == (
        7,
        7,
        7,
        0,
    )


def test_top_limits_each_list(spots: Hotspots) -> None:
    shown = hotspots_dict(spots, INTERNAL, top=1)
    assert len(shown["missing_from"]["places"]) == 1
    assert shown["missing_from"]["places"][0]["place"] == "Station Road Park"


def test_text(spots: Hotspots) -> None:
    text = hotspots_text(hotspots_dict(spots, INTERNAL))
    assert "Station Road Park" in text and "+2" in text and "H3 resolution 8" in text
    assert "Disclosure control" in hotspots_text(hotspots_dict(spots, PUBLISHED))
