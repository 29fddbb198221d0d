"""The Sankey of paths (render/sankey.py): flows that add up, back-moves as their own marked
links, depth and hidden activities, and the activities scattered over many columns."""

from __future__ import annotations

import json

import pytest

from journeyscope.render import palette as pal
from journeyscope.render.sankey import PathCount, sankey_figure, scattered

PATHS = [
    PathCount(("Apply", "Upload", "Decide", "Pay"), 60),
    PathCount(("Apply", "Upload", "Decide", "Upload", "Decide", "Pay"), 15),
    PathCount(("Apply", "Upload"), 20),
    PathCount(("Apply", "Apply", "Upload", "Decide"), 5),
]


def _links(fig):
    trace = fig["data"][0]
    names = trace["node"]["customdata"]
    link = trace["link"]
    return (
        {
            (names[s], names[t]): (v, c)
            for s, t, v, c in zip(
                link["source"], link["target"], link["value"], link["color"], strict=True
            )
        },
        names,
        trace,
    )


def test_sankey_flows_add_up_and_back_moves_are_their_own_marked_links():
    links, names, trace = _links(sankey_figure(PATHS, outcome={"Pay"}))
    assert names[0] == "Start" and names[-2:] == ["Reached the outcome", "Left before the outcome"]
    assert links[("Start", "Apply")][0] == 100
    assert links[("Apply", "Upload")][0] == 100  # the repeat Apply, Apply is drawn once
    # the 15 cases that went back from Decide to Upload: a marked link into its own node,
    # never a link leftwards into Upload (Plotly would draw it as a loop across the labels)
    assert ("Decide", "Upload") not in links
    back = links[("Decide", "↺ back to Upload")]
    assert back[0] == 15 and "213,94,0" in back[1]  # vermillion
    assert "213,94,0" not in links[("Upload", "Decide")][1]
    assert links[("Upload", "Decide")][0] == 80 + 15  # first passes, and the returning cases
    assert links[("Decide", "Pay")][0] == 75
    assert links[("Pay", "Reached the outcome")][0] == 75
    assert links[("Upload", "Left before the outcome")][0] == 20
    xs = dict(zip(names, trace["node"]["x"], strict=True))
    for (a, b), _ in links.items():  # every link runs rightwards: no loops under the nodes
        assert xs[a] < xs[b], (a, b)
    assert xs["Decide"] < xs["↺ back to Upload"] < xs["Pay"]
    colours = dict(zip(names, trace["node"]["color"], strict=True))
    assert colours["↺ back to Upload"] == pal.LOOP
    labels = dict(zip(names, trace["node"]["label"], strict=True))
    assert labels["↺ back to Upload"] == "↺ Upload"
    # what flows in flows out, but for the returning cases, which carry on from Upload
    for node in ("Apply", "Decide", "Pay"):
        inflow = sum(v for (a, b), (v, _) in links.items() if b == node)
        outflow = sum(v for (a, b), (v, _) in links.items() if a == node)
        assert inflow == outflow, node
    assert all(0 < x < 1 for x in xs.values()) and all(0 < y < 1 for y in trace["node"]["y"])


def test_sankey_depth_cuts_long_paths_and_says_so():
    links, names, trace = _links(sankey_figure(PATHS, outcome={"Pay"}, depth=2))
    assert "Decide" not in names and "Pay" not in names
    cut = links[("Upload", "Reached the outcome")]
    assert cut[0] == 75  # reached by the whole path, though Pay is not drawn
    texts = dict(
        zip(
            [
                (names[s], names[t])
                for s, t in zip(trace["link"]["source"], trace["link"]["target"], strict=True)
            ],
            trace["link"]["customdata"],
            strict=True,
        )
    )
    assert "up to 4 more steps not drawn" in texts[("Upload", "Reached the outcome")]
    with pytest.raises(ValueError, match="depth"):
        sankey_figure(PATHS, depth=0)


def test_sankey_hides_activities_a_reader_leaves_out():
    paths = [
        PathCount(("Apply", "Survey sent", "Upload", "Survey sent", "Pay"), 10),
        PathCount(("Apply", "Upload", "Survey sent"), 5),
    ]
    shown = _links(sankey_figure(paths, outcome={"Pay"}))[1]
    assert "Survey sent" in shown
    links, names, _ = _links(sankey_figure(paths, outcome={"Pay"}, hide={"Survey sent"}))
    assert "Survey sent" not in names and not any("Survey" in n for n in names)
    assert links[("Apply", "Upload")][0] == 15
    assert links[("Pay", "Reached the outcome")][0] == 10


def test_sankey_without_outcome_has_one_end_and_wraps_long_names():
    name = "T06 Determine necessity of stop advice for the municipality"
    fig = sankey_figure([PathCount((name,), 3)])
    trace = fig["data"][0]
    assert trace["node"]["customdata"] == ["Start", name, "End"]
    assert "<br>" in trace["node"]["label"][1]
    json.dumps(fig)  # JSON-ready


def test_an_activity_first_met_at_many_positions_is_scattered():
    paths = [
        PathCount(("Apply", "Survey", "Upload", "Pay"), 5),  # Survey first at position 2
        PathCount(("Survey", "Apply", "Upload"), 3),  # at 1
        PathCount(("Apply", "Upload", "Survey", "Survey"), 4),  # at 3 (the repeat: not again)
        PathCount(("Apply", "Upload", "Pay", "Error", "Survey"), 1),  # at 5
        PathCount(("Error",), 9),
    ]
    # first positions: Survey {1, 2, 3, 5}; Apply {1, 2}; Upload {2, 3}; Pay {3, 4}; Error {1, 4}
    assert scattered(paths) == ["Survey"]
    assert scattered(paths, min_columns=5) == []
    # most cases first (Apply, Survey, Upload: 13 each, by name), then Error 10, Pay 6
    assert scattered(paths, min_columns=2) == ["Apply", "Survey", "Upload", "Error", "Pay"]
    assert scattered([]) == []
