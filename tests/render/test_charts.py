"""The Plotly figures: Sankey of paths, funnel, emotion curve, channel switches."""

from __future__ import annotations

import json

from journeyscope.render import palette as pal
from journeyscope.render.charts import (
    ChannelSwitch,
    EmotionPoint,
    FunnelBar,
    channel_switch_figure,
    emotion_figure,
    funnel_figure,
)
from journeyscope.render.sankey import PathCount, sankey_figure

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


def test_sankey_flows_add_up_and_loops_are_back_flows():
    links, names, trace = _links(sankey_figure(PATHS, outcome={"Pay"}))
    assert names[0] == "Start" and names[-2:] == ["Reached the outcome", "Left before the outcome"]
    assert links[("Start", "Apply")][0] == 100
    assert links[("Apply", "Upload")][0] == 100  # the repeat Apply, Apply is drawn once
    assert links[("Decide", "Upload")][0] == 15
    assert links[("Decide", "Pay")][0] == 75
    assert links[("Pay", "Reached the outcome")][0] == 75
    assert links[("Upload", "Left before the outcome")][0] == 20
    assert "213,94,0" in links[("Decide", "Upload")][1]  # vermillion: a back-flow
    assert "213,94,0" not in links[("Upload", "Decide")][1]
    for node in names[1:-2]:  # what flows in flows out
        inflow = sum(v for (a, b), (v, _) in links.items() if b == node)
        outflow = sum(v for (a, b), (v, _) in links.items() if a == node)
        assert inflow == outflow
    xs = trace["node"]["x"]
    assert xs[0] < xs[names.index("Apply")] < xs[names.index("Pay")] < xs[-1]
    assert all(0 < x < 1 for x in xs) and all(0 < y < 1 for y in trace["node"]["y"])


def test_sankey_without_outcome_has_one_end_and_wraps_long_names():
    name = "T06 Determine necessity of stop advice for the municipality"
    fig = sankey_figure([PathCount((name,), 3)])
    trace = fig["data"][0]
    assert trace["node"]["customdata"] == ["Start", name, "End"]
    assert "<br>" in trace["node"]["label"][1]
    json.dumps(fig)  # JSON-ready


def test_funnel_shows_reached_and_dropped():
    fig = funnel_figure([FunnelBar("Apply", 100), FunnelBar("Upload", 80), FunnelBar("Pay", 50)])
    reached, dropped = fig["data"]
    assert reached["y"] == [100, 80, 50]
    assert dropped["y"] == [None, 20, 30]
    assert dropped["text"][1] == "−20 (20%)" and dropped["text"][2] == "−30 (38%)"
    assert reached["text"][2] == "50<br>50%"
    assert dropped["marker"]["pattern"]["shape"] == "/"  # not colour alone
    assert fig["layout"]["barmode"] == "stack"


def test_emotion_curve_expected_felt_and_moments():
    points = [
        EmotionPoint("Apply", 1, 0.4, 120),
        EmotionPoint("Upload documents and wait", -1, -1.6, 80, moment_of_truth=True),
        EmotionPoint("Keys", 2, None),
    ]
    fig = emotion_figure(points)
    names = [t["name"] for t in fig["data"]]
    assert names == ["expected (design)", "felt (measured)", "moment of truth"]
    expected, felt, moments = fig["data"]
    assert expected["y"] == [1, -1, 2]
    assert felt["y"] == [0.4, -1.6, None]
    assert felt["line"]["dash"] == "dash" and felt["marker"]["symbol"] == "square"
    assert len(moments["x"]) == 1
    assert expected["line"]["color"] == pal.EXPECTED and felt["line"]["color"] == pal.ACTUAL


def test_emotion_curve_with_design_only():
    fig = emotion_figure([EmotionPoint("Apply", 1), EmotionPoint("Pay", -1)])
    assert [t["name"] for t in fig["data"]] == ["expected (design)"]


def test_channel_switch_heat_map():
    fig = channel_switch_figure(
        [
            ChannelSwitch("web", "phone", 30),
            ChannelSwitch("phone", "web", 5),
            ChannelSwitch("web", "web", 100),
            ChannelSwitch("app", "branch", 2),
        ]
    )
    heat = fig["data"][0]
    axis = heat["x"]
    assert axis == heat["y"]
    z = heat["z"]
    web, phone = axis.index("web"), axis.index("phone")
    assert z[web][phone] == 30 and z[phone][web] == 5
    assert z[web][web] is None  # staying is not a switch
    assert heat["colorscale"][0][1].lower() == "#440154"  # viridis
    assert heat["text"][web][phone] == "30"
