"""The paths Sankey of the workspace: back-moves as links of their own, nodes at their step."""

from __future__ import annotations

from journeyscope.analytics.paths import PathEdge, PathNode
from journeyscope.web import views


class _Paths:
    def __init__(self, edges: list[PathEdge], nodes: list[PathNode]) -> None:
        self.edges, self.nodes = edges, nodes


def test_back_moves_are_links_of_their_own_and_nodes_sit_at_their_step() -> None:
    r = _Paths(
        [
            PathEdge(step=1, source="A", target="B", cases=10, back_cases=0),
            PathEdge(step=2, source="B", target="A", cases=4, back_cases=3),
            PathEdge(step=3, source="C", target="D", cases=2),  # C's incoming link grouped away
        ],
        [PathNode(step=1, activity="A", cases=10, ended=0)],
    )
    sankey = views.chart("paths", r)["data"][0]
    link, node = sankey["link"], sankey["node"]
    assert link["value"] == [10, 1, 3, 2]  # B -> A: 1 forward, 3 back-moves apart
    assert link["customdata"] == ["", "", "back-move", ""]
    assert link["color"][2] != link["color"][1]
    assert node["label"] == ["A", "B", "A", "C", "D"]  # A at step 1, and again at step 3
    xs = [round(x, 2) for x in node["x"]]
    assert xs == [0.01, 0.34, 0.66, 0.66, 0.99]  # C at step 3, not in the first column
    assert all(0 < y < 1 for y in node["y"])
