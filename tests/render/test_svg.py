"""SVG building blocks (render/_svg.py): text measured with the inlined typeface, wrapping
and cutting that always fit, short numbers, attributes and the SVG builder."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from journeyscope.render import _fontdata
from journeyscope.render._svg import (
    DEFAULT_CURRENCY,
    Box,
    Svg,
    attrs,
    ellipsize,
    fmt_duration,
    fmt_money,
    fmt_number,
    fmt_share,
    line_height,
    lines_height,
    text_width,
    wrap,
)

NS = "{http://www.w3.org/2000/svg}"


def test_text_width_adds_the_advance_of_each_character() -> None:
    em = _fontdata.UNITS_PER_EM
    assert text_width("a", 10) == pytest.approx(_fontdata.REGULAR_WIDTHS[ord("a")] * 10 / em)
    assert text_width("ab", 12) == pytest.approx(text_width("a", 12) + text_width("b", 12))
    assert text_width("Pay deposit", 24) == pytest.approx(2 * text_width("Pay deposit", 12))
    assert text_width("Pay", 12, bold=True) > text_width("Pay", 12)
    assert text_width("", 12) == 0
    assert text_width("汉", 10) == 10  # a character the face lacks: a whole em, generously


def test_line_heights() -> None:
    assert line_height(12) == 15
    assert lines_height(["a", "b", "c"], 12) == 45
    assert lines_height(iter(()), 12) == 0


def test_ellipsize_keeps_what_fits_and_cuts_the_rest_with_an_ellipsis() -> None:
    assert ellipsize("Pay", 100, 12) == "Pay"
    text = "Upload documents and wait for the decision"
    for width in (40.0, 90.0, 150.0, 240.0):
        cut = ellipsize(text, width, 12)
        assert cut.endswith("…") and text_width(cut, 12) <= width
        assert text.startswith(cut[:-1])
    assert ellipsize(text, 150, 12) == "Upload documents…"  # at a word, keeping most of the line
    assert ellipsize("Uploaddocumentsandwait", 100, 12) == "Uploaddocum…"  # inside the word


@pytest.mark.parametrize("width", [40.0, 60.0, 95.0, 150.0, 300.0])
@pytest.mark.parametrize(
    "text",
    [
        "Upload documents and wait for the decision",
        "Supercalifragilistic expialidocious",
        "a well-known snake_case value and/or another",
        "Pay",
    ],
)
def test_every_wrapped_line_fits_and_nothing_is_lost_unless_cut(text: str, width: float) -> None:
    lines, cut = wrap(text, width, 12, max_lines=3)
    assert 1 <= len(lines) <= 3
    assert all(text_width(line, 12) <= width for line in lines)
    if cut:
        assert lines[-1].endswith("…")
    else:  # the same characters, split with hyphens where a word was too long
        assert "".join("".join(lines).split()).replace("-", "") == "".join(text.split()).replace(
            "-", ""
        )


def test_wrap_breaks_between_words_and_marks_a_split_word() -> None:
    assert wrap("Application confirmed", 60, 11) == (["Applicat-", "ion", "confirmed"], False)
    assert wrap("well-known snake_case x/y", 50, 12, max_lines=5) == (
        ["well-", "known", "snake_", "case x/y"],
        False,
    )
    assert wrap("Upload   documents\n and  wait", 1000, 12) == (
        ["Upload documents and wait"],
        False,
    )
    assert wrap("", 100, 12) == ([], False) and wrap("   ", 100, 12) == ([], False)
    lines, cut = wrap("one two three four five six seven", 40, 12, max_lines=2)
    assert cut and len(lines) == 2 and lines[0] == "one" and lines[1].endswith("…")


def test_numbers_durations_money_and_shares_are_written_short() -> None:
    assert [fmt_number(v) for v in (7, 999.5, 1000, 9999.4, 10_000, -12_345, 2_500_000)] == [
        "7",
        "999.5",
        "1,000",
        "9,999",
        "10.0k",
        "-12.3k",
        "2.5M",
    ]
    assert [fmt_duration(s) for s in (None, math.nan, 59, 60, 5400, 43_200, 86_400 * 13)] == [
        "–",
        "–",
        "59 s",
        "1.0 min",
        "1.5 h",
        "12 h",
        "13 d",
    ]
    # weeks only from two weeks on: 13 days stay days
    assert fmt_duration(604_800 * 2) == "2.0 wk" and fmt_duration(604_800 * 30) == "30 wk"
    assert fmt_money(12_300.4) == f"{DEFAULT_CURRENCY} 12,300" == "EUR 12,300"
    assert fmt_money(-45.5, "GBP", decimals=2) == "GBP -45.50"
    assert [fmt_share(v) for v in (None, math.nan, 0, 0.056, -0.05, 0.0999, 0.1, 1)] == [
        "–",
        "–",
        "0%",
        "5.6%",
        "-5.0%",
        "10.0%",
        "10%",
        "100%",
    ]


def test_attributes_are_named_the_svg_way_and_escaped() -> None:
    assert attrs(class_="a b", stroke_width=1.5, x=2.0, y=3, hidden=None, off=False) == (
        'class="a b" stroke-width="1.5" x="2" y="3"'
    )
    assert attrs(data_step='<"&>') == 'data-step="&lt;&quot;&amp;&gt;"'
    assert attrs(x=1.04) == 'x="1"' and attrs(x=12.345) == 'x="12.3"'  # one decimal at most


def test_boxes_that_only_touch_do_not_overlap() -> None:
    a = Box(0, 0, 10, 10)
    assert not a.overlaps(Box(10, 0, 5, 5)) and not a.overlaps(Box(0, 10, 5, 5))
    assert a.overlaps(Box(9.9, 9.9, 5, 5)) and Box(9.9, 9.9, 5, 5).overlaps(a)
    assert not a.overlaps(Box(12, 0, 5, 5)) and a.overlaps(Box(12, 0, 5, 5), margin=3)


def test_the_builder_writes_a_document_with_escaped_text_and_tooltips() -> None:
    svg = Svg()
    svg.open("g", class_="lane")
    svg.rect(1, 2, 30.5, 4, fill="#FFFFFF")
    svg.text(5, 6, "Pay <now>", size=12, anchor="middle", title="Pay & go")
    used = svg.text_block(0, 10, "one two three four five six seven", width=40, size=12)
    svg.close("g")
    assert used == 3 * line_height(12)  # three lines, the last one cut
    doc = svg.render(100.2, 50.5, title="Map <1>", embed_font=False, class_="js-x")
    root = ET.fromstring(doc)
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == (
        "101",
        "51",
        "0 0 101 51",
    )
    assert root.get("class") == "js-x" and root.find(f"{NS}title").text == "Map <1>"
    assert root.find(f"{NS}style") is None  # no font, no css: no style element
    texts = list(root.iter(f"{NS}text"))
    assert texts[0].get("text-anchor") == "middle"
    assert texts[0].find(f"{NS}title").text == "Pay & go"
    assert texts[0].find(f"{NS}title").tail == "Pay <now>"
    spans = texts[1].findall(f"{NS}tspan")
    assert len(spans) == 3 and spans[-1].text.endswith("…")
    assert texts[1].find(f"{NS}title").text == "one two three four five six seven"  # cut: tip
    assert Svg().text_block(0, 0, "", width=40, size=12) == 0.0
    assert "@font-face" in Svg().render(10, 10, title="t")  # the typeface, inlined by default


def test_text_that_fits_gets_no_tooltip() -> None:
    svg = Svg()
    svg.text_block(0, 0, "Pay", width=100, size=12)
    svg.text(0, 0, "Pay", size=12)
    assert "<title>" not in "".join(svg.parts)
