"""The reader's fast path for a plan's actions (`_plain_actions`) gives the reference's answer.

CONTRACT §1 `plan_made.actions`: a list of `{"kind": …, "owner": …}`, each optionally with its
own `due` and `action_id`. The fast path reads only the common shape and leaves everything else
to the hook that the reference converter uses, so events and errors are the same.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from missing_protocol.formats.fields import parse_object, reference_object
from missing_protocol.model import ActionKind

KINDS = [kind.value for kind in ActionKind]
values = st.one_of(
    st.sampled_from([*KINDS, "nope", "", " other "]),
    st.sampled_from([" YOS ", "Police", "", "   "]),
    st.integers(-3, 3),
    st.none(),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=2),
    st.just("2026-05-31"),
)
items = st.one_of(
    st.fixed_dictionaries(
        {"kind": st.sampled_from(KINDS), "owner": st.sampled_from([" YOS ", "Police"])}
    ),
    st.dictionaries(
        st.sampled_from(["kind", "owner", "due", "action_id", "note"]), values, max_size=4
    ),
    values,
)
actions = st.one_of(st.lists(items, max_size=4), values)


@settings(max_examples=300, deadline=None)
@given(actions=actions)
def test_plan_actions_fast_path_equals_the_reference(actions: Any) -> None:
    """PLAN-ACTION-DUE reads these actions: the fast reader must give the reference's event or
    the reference's error (field and message) for any value of `actions`."""
    obj = {
        "type": "plan_made",
        "episode_id": "E1",
        "at": "2026-03-04T10:00:00+00:00",
        "actions": actions,
    }
    assert parse_object(obj, 7, "log.jsonl") == reference_object(obj, 7, "log.jsonl")
