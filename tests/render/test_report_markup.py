"""The report's HTML pieces (render/_report_markup.py): every value escaped, figures as JSON
that cannot close their script, numeric columns marked, pictures in their frames."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from markupsafe import Markup

from journeyscope.render import _report_markup as markup
from journeyscope.render._report_markup import Section


class _Cells(HTMLParser):
    """The text of every <th>/<td>, with whether it is marked numeric."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str, bool]] = []
        self._open: tuple[str, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("th", "td"):
            self._open = (tag, ("class", "num") in attrs)
            self.cells.append((tag, "", self._open[1]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td"):
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            tag, num = self._open
            self.cells[-1] = (tag, self.cells[-1][1] + data, num)


def _cells(html: str) -> list[tuple[str, str, bool]]:
    parser = _Cells()
    parser.feed(html)
    return parser.cells


def test_a_table_escapes_its_values_and_marks_numeric_columns() -> None:
    html = markup.table(["step", "cases <n>"], [["<b>Apply</b>", 1200], ["Pay & go", 3.5]], {1})
    assert isinstance(html, Markup)
    assert "<b>" not in html and "&lt;b&gt;Apply&lt;/b&gt;" in html
    assert _cells(html) == [
        ("th", "step", False),
        ("th", "cases <n>", True),
        ("td", "<b>Apply</b>", False),
        ("td", "1200", True),
        ("td", "Pay & go", False),
        ("td", "3.5", True),
    ]
    assert 'class="table-scroll"' in html  # a wide table scrolls inside its frame
    assert not [c for c in _cells(markup.table(["a"], [["x"]])) if c[2]]  # none numeric


def test_a_figure_is_json_that_cannot_end_its_script_and_is_sized_by_its_layout() -> None:
    plot = {"data": [{"name": "</script><script>alert(1)</script>"}], "layout": {"height": 300}}
    html = markup.figure("funnel-chart", plot, label='Funnel "of" <steps>')
    payload = html.split('data-figure="funnel-chart">')[1].removesuffix("</script></figure>")
    assert "</" not in payload
    assert json.loads(payload) == plot  # "<\/" is still the same JSON string
    assert 'id="funnel-chart" style="height:300px;"' in html
    assert 'aria-label="Funnel &#34;of&#34; &lt;steps&gt;"' in html
    wide = markup.figure("sankey", {"data": [], "layout": {"width": 1234.9}}, label="x")
    assert 'style="height:450px;width:1234px;"' in wide  # the default height; a fixed width


def test_an_svg_is_put_in_its_frame_as_it_is() -> None:
    picture = '<svg xmlns="http://www.w3.org/2000/svg"><text>a &amp; b</text></svg>'
    html = markup.svg("journey-map", picture)
    assert picture in html  # already markup: not escaped again
    assert html.startswith('<figure class="picture" data-picture="journey-map">')
    assert 'data-zoom="fit"' in html and 'data-zoom="full"' in html


def test_text_pieces_are_escaped() -> None:
    assert markup.missing("no <data>") == '<div class="missing">no &lt;data&gt;</div>'
    assert markup.heading("Loops & rework") == "<h3>Loops &amp; rework</h3>"
    assert (
        markup.notes(["one", "t<w>o"]) == '<p class="note">one</p><p class="note">t&lt;w&gt;o</p>'
    )
    assert markup.notes([]) == ""
    cards = markup.cards([("12%", "of <cases>"), ("3", "steps")])
    assert re.findall(r'<div class="value">(.*?)</div>', cards) == ["12%", "3"]
    assert re.findall(r'<div class="label">(.*?)</div>', cards) == ["of &lt;cases&gt;", "steps"]


def test_markup_pieces_are_composed_without_escaping_them_again() -> None:
    a, b = markup.heading("A"), markup.heading("B")
    assert markup.side_by_side([a, b]) == '<div class="tables"><h3>A</h3><h3>B</h3></div>'
    modes = markup.modes(a, b)
    assert '<div class="pm-frequency"><h3>A</h3></div>' in modes
    assert '<div class="pm-duration"><h3>B</h3></div>' in modes
    assert modes.count('type="radio"') == 2 and "checked" in modes  # frequency first


def test_a_section_starts_empty_and_the_templates_escape() -> None:
    s = Section("paths", "Paths")
    assert (s.lead, str(s.body), s.notes, s.technical) == ("", "", [], [])
    s.notes.append("x")
    assert Section("paths", "Paths").notes == []  # no list shared between sections
    env = markup.environment()
    assert env is markup.environment() and env.autoescape
    assert markup.template("report_parts.html") is markup.template("report_parts.html")


def test_a_missing_value_is_a_dash_not_the_word_none() -> None:
    cells = _cells(markup.table(["step", "median"], [["Apply", None], ["Pay", 0]], {1}))
    assert ("td", "–", True) in cells and ("td", "0", True) in cells
    assert not [c for c in cells if c[1] == "None"]
