"""The layered layout of the process map (render/_layered.py): cycles broken against the
lightest flow, one dummy point per crossed layer, pinned first and last layers, no avoidable
crossing and no two boxes of a layer overlapping."""

from __future__ import annotations

import itertools

from journeyscope.render._layered import Layout, layered_layout


def _no_box_overlaps_in_a_layer(layout: Layout, size: dict[str, float], gap: float) -> None:
    centre = {**layout.x}
    for edge in layout.edges:  # dummies: their centres are the routed points
        for x, _ in edge.points:
            assert x >= 0
    for row in layout.order:
        real = [n for n in row if n in centre]
        for a, b in itertools.pairwise(real):
            assert centre[b] - centre[a] >= (size[a] + size[b]) / 2 + gap - 1e-6, (a, b)


def test_layout_removes_avoidable_crossings():
    # a ladder: the input order would cross every rung; the layout must not
    nodes = ["a1", "a2", "a3", "b3", "b2", "b1"]
    edges = [("a1", "a2", 5.0), ("a2", "a3", 5.0), ("b1", "b2", 5.0), ("b2", "b3", 5.0)]
    edges += [("s", "a1", 1.0), ("s", "b1", 1.0)]
    layout = layered_layout(
        ["s", *nodes], edges, width=dict.fromkeys(["s", *nodes], 100.0), first="s"
    )
    assert layout.crossings == 0
    assert layout.layer["a3"] == layout.layer["b3"] == 3


def test_a_chain_with_a_light_loop_back_keeps_the_chain_downwards():
    edges = [("a", "b", 5.0), ("b", "c", 5.0), ("c", "d", 5.0), ("d", "b", 1.0)]
    layout = layered_layout(list("abcd"), edges, width=dict.fromkeys("abcd", 80.0))
    assert [layout.layer[n] for n in "abcd"] == [0, 1, 2, 3]
    routed = {(e.source, e.target): e for e in layout.edges}
    assert set(routed) == {("a", "b"), ("b", "c"), ("c", "d"), ("d", "b")}  # as given
    assert [n for n, e in routed.items() if e.reversed] == [("d", "b")]
    # the loop back crosses layer 2 on its way up: one dummy point, at that layer
    assert [layer for _, layer in routed[("d", "b")].points] == [2.0]
    assert all(not routed[k].points for k in [("a", "b"), ("b", "c"), ("c", "d")])


def test_the_step_the_start_enters_is_not_pushed_below_its_loop():
    # the start's own flow into b must not count against b: the light loop d -> b goes back
    edges = [("a", "b", 5.0), ("b", "c", 5.0), ("c", "d", 5.0), ("d", "b", 1.0)]
    layout = layered_layout(list("abcd"), edges, width=dict.fromkeys("abcd", 80.0), first="a")
    assert [layout.layer[n] for n in "abcd"] == [0, 1, 2, 3]
    assert [(e.source, e.target) for e in layout.edges if e.reversed] == [("d", "b")]


def test_a_process_map_keeps_its_main_flow_downwards_with_a_rework_loop():
    nodes = ["start", "Apply", "Upload", "Decide", "Pay", "end"]
    edges = [("start", "Apply", 100.0), ("Apply", "Upload", 90.0), ("Upload", "Decide", 90.0)]
    edges += [("Decide", "Pay", 80.0), ("Decide", "Apply", 12.0), ("Pay", "end", 80.0)]
    layout = layered_layout(
        nodes, edges, width=dict.fromkeys(nodes, 90.0), first="start", last="end"
    )
    assert [layout.layer[n] for n in nodes] == [0, 1, 2, 3, 4, 5]
    assert [(e.source, e.target) for e in layout.edges if e.reversed] == [("Decide", "Apply")]


def test_self_loops_and_edges_to_unknown_nodes_are_left_out():
    edges = [("a", "b", 5.0), ("b", "b", 9.0), ("a", "nowhere", 4.0)]
    layout = layered_layout(["a", "b"], edges, width={"a": 50.0, "b": 50.0})
    assert [(e.source, e.target) for e in layout.edges] == [("a", "b")]
    assert layout.layer == {"a": 0, "b": 1}


def test_a_long_edge_gets_a_point_per_crossed_layer_listed_from_its_source():
    size = {"a": 100.0, "b": 60.0, "c": 140.0, "d": 80.0}
    edges = [("a", "b", 5.0), ("b", "c", 5.0), ("c", "d", 5.0), ("a", "d", 2.0), ("d", "a", 1.0)]
    layout = layered_layout(list("abcd"), edges, width=size, first="a", gap=30.0)
    routed = {(e.source, e.target): e for e in layout.edges}
    assert [layer for _, layer in routed[("a", "d")].points] == [1.0, 2.0]
    assert routed[("d", "a")].reversed
    assert [layer for _, layer in routed[("d", "a")].points] == [2.0, 1.0]  # d upwards to a
    # layers 1 and 2 hold their node and both edges' dummies (named "\0...")
    assert [sorted(n for n in row if not n.startswith("\0")) for row in layout.order] == [
        ["a"],
        ["b"],
        ["c"],
        ["d"],
    ]
    assert [len(row) for row in layout.order] == [1, 3, 3, 1]
    _no_box_overlaps_in_a_layer(layout, size, 30.0)
    lefts = [layout.x[n] - size[n] / 2 for n in size]
    rights = [layout.x[n] + size[n] / 2 for n in size]
    assert min(lefts) >= 0 and max(rights) <= layout.width


def test_boxes_of_one_layer_keep_the_gap_between_them():
    size = {"s": 40.0} | {f"n{i}": 50.0 + 20 * i for i in range(6)}
    edges = [("s", f"n{i}", float(i + 1)) for i in range(6)]
    layout = layered_layout(list(size), edges, width=size, first="s", gap=36.0)
    assert layout.order[1] and len(layout.order) == 2
    assert sorted(layout.order[1]) == sorted(f"n{i}" for i in range(6))
    _no_box_overlaps_in_a_layer(layout, size, 36.0)
    assert min(layout.x[n] - size[n] / 2 for n in size) == 0  # shifted to start at zero
    assert layout.width == max(layout.x[n] + size[n] / 2 for n in size)


def test_first_and_last_are_pinned_to_the_top_and_bottom_layers():
    edges = [("s", "a", 5.0), ("a", "b", 5.0), ("a", "e", 1.0), ("b", "f", 1.0), ("s", "e", 1.0)]
    nodes = ["s", "a", "b", "e", "f"]
    layout = layered_layout(nodes, edges, width=dict.fromkeys(nodes, 50.0), first="s", last="e")
    assert layout.layer["s"] == 0
    assert layout.layer["e"] == max(layout.layer.values())
    assert layout.layer["e"] > layout.layer["f"] >= layout.layer["b"]
    both = layered_layout(
        nodes, edges, width=dict.fromkeys(nodes, 50.0), first="s", last=("e", "f")
    )
    assert both.layer["e"] == both.layer["f"] == 1 + max(both.layer[n] for n in "sab")


def test_the_same_graph_gives_the_same_layout_and_an_empty_one_is_empty():
    edges = [("a", "b", 3.0), ("b", "c", 2.0), ("c", "a", 1.0), ("a", "c", 1.0), ("b", "d", 2.0)]
    size = dict.fromkeys("abcd", 90.0)
    assert layered_layout(list("abcd"), edges, width=size) == layered_layout(
        list("abcd"), edges, width=size
    )
    empty = layered_layout([], [], width={})
    assert (empty.layer, empty.x, empty.edges, empty.crossings, empty.width) == ({}, {}, [], 0, 0)
