"""docs/rules.md is generated from the rule registry (`render_rules_page`) and must be current."""

from __future__ import annotations

from builders import ROOT
from missing_protocol import REGISTRY, load_profile
from missing_protocol.profiles import profile_from_mapping
from missing_protocol.rules.catalogue import COMMAND, render_rules_page


def test_docs_rules_page_is_current() -> None:
    page = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert page == render_rules_page(), f"docs/rules.md is stale: regenerate it with {COMMAND}"


def test_the_page_lists_every_protocol_rule_with_source_owner_and_parameters() -> None:
    page = render_rules_page(load_profile("statutory"))
    for rule in (r for r in REGISTRY.values() if r.family == "protocol"):
        assert f"\n## {rule.id}\n\n**{rule.title}**\n" in page
        assert f"- Source: {rule.source}\n" in page
        for name in rule.parameters:
            assert f"[`{name}`](#parameters)" in page
    assert "[`rhi_within`](#parameters) = `PT72H`" in page
    assert "[`strategy_repeat_within`](#parameters) = `5 working days`" in page
    assert "| `one_interview_covers_open_episodes` | `false` | yes |" in page


def test_the_page_shows_the_profile_values_and_local_sources() -> None:
    page = render_rules_page(load_profile("london"))
    assert "[`rhi_owner_out_of_area`](#parameters) = `host`" in page
    assert "- Source: London-PG32, Local (London-PG32)\n" in page  # STRAT-LONG under london


def test_dated_versions_get_a_column_each_and_rules_show_the_latest() -> None:
    profile = profile_from_mapping(
        {"name": "relaunch", "versions": [{"effective_from": "2026-07-01", "rhi_within": "PT48H"}]}
    )
    page = render_rules_page(profile)
    assert "| parameter | value | from 2026-07-01 | local | meaning |" in page
    assert "| `rhi_within` | `PT72H` | `PT48H` | no |" in page
    assert "[`rhi_within`](#parameters) = `PT48H`" in page
    assert render_rules_page(profile) == page  # pure
