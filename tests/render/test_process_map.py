"""The process map: thresholds, layout quality, labels that never collide, both modes."""

from __future__ import annotations

import itertools
import re

import pytest
from render_kit import NS, big_graph, by_class, drawn_text, overlapping, parse, text_lines

from journeyscope.render._svg import Box
from journeyscope.render.process_map import Activity, Move, ProcessGraph, process_map_svg


def _chain(*loops: tuple[str, str, int]) -> ProcessGraph:
    names = ["Apply", "Upload", "Decide", "Pay"]
    moves = [Move(None, "Apply", 100)]
    moves += [Move(a, b, 90) for a, b in itertools.pairwise(names)]
    moves += [Move(a, b, n, median_seconds=3600.0) for a, b, n in loops]
    moves += [Move("Pay", None, 80), Move("Upload", None, 10)]
    return ProcessGraph(tuple(Activity(n, 100) for n in names), tuple(moves), cases=100)


def _rects(root, cls: str) -> list[Box]:
    return [
        Box(float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height")))
        for r in by_class(root, "rect", cls)
    ]


def _label_boxes(root) -> list[Box]:
    out = []
    for g in by_class(root, "g", "move-label"):
        r = g.find(f"{NS}rect")
        out.append(
            Box(float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height")))
        )
    return out


def test_a_chain_is_a_straight_column_and_a_loop_is_a_back_flow():
    root = parse(process_map_svg(_chain(("Decide", "Upload", 12))))
    nodes = {r.get("data-activity"): r for r in by_class(root, "rect", "activity")}
    assert list(nodes) == ["Apply", "Upload", "Decide", "Pay"]
    ys = [float(nodes[n].get("y")) for n in ["Apply", "Upload", "Decide", "Pay"]]
    assert ys == sorted(ys) and len(set(ys)) == 4  # one layer each, top to bottom
    xs = {round(float(r.get("x")) + float(r.get("width")) / 2) for r in nodes.values()}
    assert len(xs) == 1  # straight
    back = by_class(root, "g", "back-flow")
    assert [(g.get("data-source"), g.get("data-target")) for g in back] == [("Decide", "Upload")]
    assert len(by_class(root, "g", "move")) == 5  # start + 3 + the loop
    assert "ended here: 10" in drawn_text(root)


def test_self_loops_are_drawn_beside_the_box():
    root = parse(process_map_svg(_chain(("Upload", "Upload", 7))))
    loops = by_class(root, "g", "self-loop")
    assert [(g.get("data-source"), g.get("data-target")) for g in loops] == [("Upload", "Upload")]


def test_thirty_plus_activities_stay_readable():
    graph = big_graph(36)
    svg = process_map_svg(graph)
    root = parse(svg)
    nodes = _rects(root, "activity")
    assert len(nodes) == 30  # the 30 most frequent
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            assert not a.overlaps(b, margin=8), "boxes too close"
    labels = _label_boxes(root)
    assert labels, "moves should carry labels"
    for i, a in enumerate(labels):
        assert not any(a.overlaps(n) for n in nodes), "a move label covers a box"
        assert not any(a.overlaps(b) for b in labels[i + 1 :]), "two move labels collide"
    assert overlapping(text_lines(root)) == []
    text = drawn_text(root)
    match = re.search(
        r"Showing (\d+) of (\d+) activities and (\d+) of (\d+) moves", text.replace("\n", " ")
    )
    assert match, text
    shown, total, moves_shown, moves_total = map(int, match.groups())
    assert (shown, total) == (30, 36)
    drawn = len(by_class(root, "g", "move"))
    assert drawn == moves_shown < moves_total
    assert moves_shown <= round(1.6 * 30) + 2 * 30  # the budget plus each box's way in and out


def test_every_drawn_activity_keeps_a_way_in_and_out():
    graph = big_graph(36)
    root = parse(process_map_svg(graph, max_moves=10))
    drawn = {r.get("data-activity") for r in by_class(root, "rect", "activity")}
    moves = [(g.get("data-source"), g.get("data-target")) for g in by_class(root, "g", "move")]
    has_in = {t for _, t in moves}
    has_out = {s for s, t in moves if s != t}
    kept_in = {
        e.target
        for e in graph.edges
        if e.target in drawn and (e.source in drawn or e.source is None)
    }
    kept_out = {
        e.source
        for e in graph.edges
        if e.source in drawn and e.target in drawn and e.source != e.target
    }
    assert kept_in <= has_in
    assert kept_out <= has_out


def test_duration_mode_labels_times():
    root = parse(process_map_svg(_chain(("Decide", "Upload", 12)), mode="duration"))
    labels = [g.find(f"{NS}text").text for g in by_class(root, "g", "move-label")]
    assert "1.0 h" in labels
    assert "Process map — duration" in drawn_text(root)


def test_deterministic_and_empty_graph():
    graph = big_graph(20)
    assert process_map_svg(graph) == process_map_svg(graph)
    empty = process_map_svg(ProcessGraph((), ()))
    assert "No activities to draw" in empty


@pytest.mark.parametrize("mode", ["frequency", "duration"])
def test_no_text_overlap_in_either_mode(mode):
    assert overlapping(text_lines(parse(process_map_svg(big_graph(32, seed=9), mode=mode)))) == []
