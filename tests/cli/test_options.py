"""The command line's shared options (cli/options.py): the one Settings built in the
callback, copied with a command's own ``--store`` / ``--engine`` / ``--cohort``; a query
built from options with one error line naming each field at fault and the command line's
``--activity-key``; durations, case rules and ``--cost`` pairs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
import pytest
import typer

from journeyscope.analytics.funnels import FunnelQuery
from journeyscope.cli import options
from journeyscope.config import Settings
from journeyscope.errors import InvalidQueryError


def _context(settings: Settings) -> typer.Context:
    root = typer.Context(click.Command("journeyscope"), obj=settings)
    return typer.Context(click.Command("funnel"), parent=root)


def test_a_command_copies_the_one_settings_with_its_own_options(tmp_path: Path) -> None:
    base = Settings(store=tmp_path / "a.duckdb", engine="duckdb")
    ctx = _context(base)
    assert options.root_settings(ctx) is base
    assert options.settings(ctx) is base, "nothing to change: the same object"
    mine = options.settings(ctx, store=tmp_path / "b.duckdb", engine="spark", cohort="vip")
    assert (mine.store, mine.engine, mine.cohort) == (tmp_path / "b.duckdb", "spark", "vip")
    assert base.store == tmp_path / "a.duckdb", "the callback's settings are left alone"
    with pytest.raises(RuntimeError, match="no Settings on the command line's context"):
        options.root_settings(_context(None))  # type: ignore[arg-type]


def test_a_query_from_options_names_every_field_at_fault(tmp_path: Path) -> None:
    with pytest.raises(InvalidQueryError) as wrong:
        options.build_query(FunnelQuery, steps=("A", "B"), mode="sideways", ties="maybe")
    message = str(wrong.value)
    assert "mode:" in message and "ties:" in message and "\n" not in message
    settings = Settings(store=tmp_path / "s.duckdb", activity_key="concept:name+org:resource")
    with _context(settings):
        query = options.build_query(FunnelQuery, steps=("A", "B"))
        assert query.activity_key == ("concept:name", "org:resource")
        own = options.build_query(FunnelQuery, steps=("A", "B"), activity_key=())
        assert own.activity_key == (), "the command's own key wins"
    assert options.build_query(FunnelQuery, steps=("A", "B")).activity_key == ()


def test_durations_case_rules_and_costs() -> None:
    assert options.duration(None) is None
    assert options.duration("90m") == timedelta(minutes=90)
    assert options.case_rule("gap", "30d", None).gap == timedelta(days=30)
    assert options.case_rule("start", None, ["Apply"]).activities == ("Apply",)
    chosen = Settings(channel_costs={"phone": 5.0, "web": 0.1})
    assert options.channel_costs(chosen, ["phone=6.5", "field visit=40"]) == {
        "phone": 6.5,
        "web": 0.1,
        "field visit": 40.0,
    }
    assert options.channel_costs(chosen, None) == {"phone": 5.0, "web": 0.1}
    for bad in ("phone", "phone=cheap", "=3"):
        with pytest.raises(InvalidQueryError, match="write CHANNEL=AMOUNT"):
            options.channel_costs(chosen, [bad])


def test_a_choice_out_of_the_list_is_named_with_the_options_spelling_and_the_closest() -> None:
    steps = ({"activities": ("a",)}, {"activities": ("b",)})
    with pytest.raises(InvalidQueryError) as refused:
        options.build_query(FunnelQuery, steps=steps, mode="any_ordr", ties="strict")
    assert str(refused.value) == (
        "mode: 'any-ordr' is not one of sequential, strict, any-order (did you mean any-order?); "
        "ties: 'strict' is not one of advance, strict-increase (did you mean strict-increase?)"
    )
