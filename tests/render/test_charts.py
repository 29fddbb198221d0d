"""The Plotly figures: funnel, emotion curve, channel switches."""

from __future__ import annotations

from journeyscope.render import palette as pal
from journeyscope.render.charts import (
    ChannelSwitch,
    EmotionPoint,
    FunnelBar,
    channel_switch_figure,
    emotion_figure,
    funnel_figure,
)


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
