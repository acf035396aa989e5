"""Persons of concern from the hand-made log: links, flags, time order, groups, detail."""

from __future__ import annotations

import pendulum
import pytest

from intelligence_log import LOG, build, link, reported
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import INTERNAL, PUBLISHED
from missing_protocol.intelligence.persons import Person, PersonFlag, Persons, persons_of_concern
from missing_protocol.intelligence.render import persons_dict
from missing_protocol.intelligence.render_text import persons_text
from missing_protocol.model import DisruptionKind, PersonRole

MARCH = Period(pendulum.date(2026, 3, 1), pendulum.date(2026, 4, 1))


@pytest.fixture(scope="module")
def found() -> Persons:
    return persons_of_concern(build(LOG), MARCH)


def person(found: Persons, pid: str) -> Person:
    return next(p for p in found.persons if p.person_id == pid)


def test_a_person_linked_to_three_children_across_two_hotspots(found: Persons) -> None:
    p1 = person(found, "P1")
    assert p1.children == ("C1", "C2", "C3")
    assert p1.episodes == ("E1", "E2", "E3")
    assert p1.places == ("Market Square", "Station Road Park")
    assert p1.roles == (PersonRole.SUSPECTED_EXPLOITER,)
    assert p1.first_link == pendulum.datetime(2026, 3, 4, 10, tz="UTC")
    assert p1.last_link == pendulum.datetime(2026, 3, 12, 10, tz="UTC")
    assert PersonFlag.LINKED_TO_MULTIPLE_CHILDREN in p1.flags


def test_contact_after_a_disruption_is_flagged(found: Persons) -> None:
    p1 = person(found, "P1")
    # The warning notice came on 4 March; E2 and E3 were reported after it, E1 before.
    assert [d.kind for d in p1.disruptions] == [DisruptionKind.WARNING_NOTICE]
    assert {k.episode_id for k in p1.links_after_disruption} == {"E2", "E3"}
    assert PersonFlag.LINKS_AFTER_DISRUPTION in p1.flags
    assert [x.outcome.value for x in p1.prosecutions] == ["charged"]


def test_a_disruption_with_no_later_contact_is_not_flagged(found: Persons) -> None:
    assert person(found, "P2").flags == ()


def test_a_link_recorded_after_a_disruption_about_an_earlier_episode_is_not_flagged(
    found: Persons,
) -> None:
    p4 = person(found, "P4")
    assert p4.first_link is not None and p4.first_disruption is not None
    assert p4.first_link > p4.first_disruption  # recorded after the arrest ...
    assert p4.flags == ()  # ... but E0 was in February, before it


def test_groups_are_connected_components_through_shared_persons(found: Persons) -> None:
    # P1 joins C1-C3, P3 chains in C5, P4 adds nothing new (C1); C4 (P2) stands alone.
    assert [g.children for g in found.groups] == [("C1", "C2", "C3", "C5")]
    assert found.groups[0].persons == ("P1", "P3", "P4")


def test_events_are_in_time_order_whatever_the_input_order() -> None:
    shuffled = build(list(reversed(LOG)))
    again = persons_of_concern(shuffled, MARCH)
    assert again == persons_of_concern(build(LOG), MARCH)


def test_the_period_lists_only_persons_active_in_it() -> None:
    feb = Period(pendulum.date(2026, 2, 1), pendulum.date(2026, 3, 1))
    assert persons_of_concern(build(LOG), feb).persons == ()
    early = Period(pendulum.date(2026, 3, 1), pendulum.date(2026, 3, 6))
    p1 = next(p for p in persons_of_concern(build(LOG), early).persons if p.person_id == "P1")
    assert p1.episodes == ("E1",)  # later links were not known yet
    assert persons_of_concern(build(LOG)).period is None


def test_two_children_through_one_person_form_a_group() -> None:
    events = [
        reported("E1", "C1", "2026-03-01T10:00:00Z"),
        reported("E2", "C2", "2026-03-01T10:00:00Z"),
        link("E1", "PX", "2026-03-02T10:00:00Z"),
        link("E2", "PX", "2026-03-02T10:00:00Z"),
    ]
    found = persons_of_concern(build(events))
    assert [g.children for g in found.groups] == [("C1", "C2")]


def test_figures_and_restricted_detail(found: Persons) -> None:
    plain = persons_dict(found, INTERNAL)
    assert "persons" not in plain and "groups" not in plain
    f = plain["figures"]
    assert (f["persons"], f["children_linked"], f["episodes_linked"]) == (4, 5, 6)
    assert f["flags"] == {"linked_to_multiple_children": 2, "links_after_disruption": 1}
    assert f["disruptions"]["total"] == 3 and f["prosecutions"]["by_outcome"]["charged"] == 1
    assert f["groups"] == {"groups": 1, "children_in_groups": 4, "largest": 4}
    published = persons_dict(found, PUBLISHED)["figures"]
    assert published["persons"] == 4 and published["flags"]["linked_to_multiple_children"] == "c"
    detail = persons_dict(found, PUBLISHED, detail=True)
    p1 = next(p for p in detail["persons"] if p["person_id"] == "P1")
    assert p1["flags"] == ["linked_to_multiple_children", "links_after_disruption"]
    assert p1["links_after_disruption"] == ["E2", "E3"]
    text = persons_text(persons_dict(found, INTERNAL))
    assert "P1" not in text and "--include-intelligence" in text
    assert "group 1: children C1, C2, C3, C5" in persons_text(
        persons_dict(found, INTERNAL, detail=True)
    )
