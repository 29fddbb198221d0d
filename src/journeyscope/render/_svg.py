"""SVG building blocks: escaping, text measured with the inlined typeface, wrapping, a builder.

Every picture draws its text in the report's typeface (:mod:`journeyscope.render._fontdata`),
whose advance widths are known here, so a label's width is computed, not guessed: text is
wrapped to fit its box, and what still does not fit is cut with an ellipsis and carried in
full by a ``<title>`` (the browser's tooltip).

>>> text_width("Pay deposit", 12) > text_width("Pay", 12)
True
>>> wrap("Upload documents and wait for the decision", 120, 12, max_lines=2)
(['Upload documents', 'and wait for the…'], True)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Final

from journeyscope.render import _fontdata

#: The font stack of every picture: the inlined face first, look-alikes after it.
FONT_FAMILY: Final = "'Journeyscope Sans', 'DejaVu Sans', Verdana, sans-serif"
_FAMILY_NAME: Final = "Journeyscope Sans"
#: Width of a character the subset does not hold (CJK and the like), in em: generous.
_UNKNOWN_EM: Final = 1.0
_LINE: Final = 1.25  # line height, in em


def font_face_css() -> str:
    """``@font-face`` rules inlining the typeface (regular and bold) as data URLs."""
    faces = []
    for weight, data in (("400", _fontdata.REGULAR_WOFF), ("700", _fontdata.BOLD_WOFF)):
        faces.append(
            f"@font-face{{font-family:'{_FAMILY_NAME}';font-style:normal;font-weight:{weight};"
            f"src:url(data:font/woff;base64,{data}) format('woff');}}"
        )
    return "\n".join(faces)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in pixels of ``text`` drawn at ``size`` px in the report's typeface."""
    widths = _fontdata.BOLD_WIDTHS if bold else _fontdata.REGULAR_WIDTHS
    em = _fontdata.UNITS_PER_EM
    total = 0
    for ch in text:
        total += widths.get(ord(ch), int(_UNKNOWN_EM * em))
    return total * size / em


def line_height(size: float) -> float:
    """Distance between the baselines of two wrapped lines at ``size`` px."""
    return size * _LINE


def _cut(word: str, width: float, size: float, bold: bool) -> tuple[str, str]:
    """The longest head of ``word`` that fits ``width`` (at least one character), and the rest."""
    lo = 1
    for n in range(len(word), 0, -1):
        if text_width(word[:n], size, bold=bold) <= width:
            lo = n
            break
    return word[:lo], word[lo:]


def ellipsize(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """``text`` cut to fit ``width`` with a trailing ellipsis (unchanged when it fits).

    Cuts at a word boundary when that keeps most of the line, else inside the word.
    """
    if text_width(text, size, bold=bold) <= width:
        return text
    room = width - text_width("…", size, bold=bold)
    cut = text
    while cut and text_width(cut, size, bold=bold) > room:
        cut = cut[:-1]
    space = cut.rfind(" ")
    if space > 0 and text_width(cut[:space], size, bold=bold) >= 0.6 * room:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


_BREAK = re.compile(r"(?<=[ /_-])|(?=\s)")


def wrap(
    text: str, width: float, size: float, *, max_lines: int = 3, bold: bool = False
) -> tuple[list[str], bool]:
    """Lines of ``text`` that fit ``width`` px, at most ``max_lines``; and whether it was cut.

    Breaks at spaces, after ``-``, ``/`` and ``_``; a word longer than the line is split
    with a hyphen (``confir-`` / ``med``), never silently. The last line ends with an ellipsis
    when the text did not fit.

    >>> wrap("Application confirmed", 60, 11)[0]
    ['Applicat-', 'ion', 'confirmed']
    """
    words = [w for w in _BREAK.split(" ".join(text.split())) if w.strip()]
    lines: list[str] = []
    current = ""
    pending = list(words)
    while pending:
        word = pending.pop(0)
        candidate = (
            (current + word)
            if current.endswith(("-", "/", "_")) or not current
            else (current + " " + word.strip())
        )
        if text_width(candidate, size, bold=bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
            pending.insert(0, word)
            continue
        head, rest = _cut(word.strip(), width - text_width("-", size, bold=bold), size, bold)
        if 0 < len(rest) < 3 < len(head):  # never leave one or two letters on their own
            head, rest = head[: len(head) + len(rest) - 3], head[len(head) + len(rest) - 3 :] + rest
        lines.append(head + "-" if rest else head)  # a word wider than the line
        if rest:
            pending.insert(0, rest)
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines, False
    kept = lines[:max_lines]
    kept[-1] = ellipsize(kept[-1] + " " + lines[max_lines], width, size, bold=bold)
    if not kept[-1].endswith("…"):
        kept[-1] = ellipsize(kept[-1] + "…", width, size, bold=bold)
    return kept, True


def fmt_number(value: float) -> str:
    """A count written short: 950, 12.3k, 4.1M.

    >>> fmt_number(950), fmt_number(12_345), fmt_number(4_100_000)
    ('950', '12.3k', '4.1M')
    """
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.1f}k"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def fmt_duration(seconds: float | None) -> str:
    """A duration written short: 45 s, 12 min, 5.2 h, 3.4 d, 6.1 wk.

    >>> fmt_duration(30), fmt_duration(5400), fmt_duration(86400 * 3.4)
    ('30 s', '1.5 h', '3.4 d')
    """
    if seconds is None or math.isnan(seconds):
        return "–"
    for unit, size in (("wk", 604800 * 2), ("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            size = 604800 if unit == "wk" else size
            value = seconds / size
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{seconds:.0f} s"


#: The currency money is shown in when none is configured (``Settings.currency``).
DEFAULT_CURRENCY: Final = "EUR"


def fmt_money(value: float, currency: str = DEFAULT_CURRENCY, *, decimals: int = 0) -> str:
    """Money with its currency code: ``EUR 12,300``; ``EUR -45.50`` with two decimals.

    >>> fmt_money(12_300.4), fmt_money(-45.5, "GBP", decimals=2)
    ('EUR 12,300', 'GBP -45.50')
    """
    return f"{currency} {value:,.{decimals}f}"


def fmt_share(value: float | None) -> str:
    """A share written as a percentage: 0.123 -> '12%' (one decimal below 10%).

    >>> fmt_share(0.123), fmt_share(0.056), fmt_share(None)
    ('12%', '5.6%', '–')
    """
    if value is None or math.isnan(value):
        return "–"
    pct = value * 100
    return f"{pct:.1f}%" if 0 < abs(pct) < 10 else f"{pct:.0f}%"


def _num(value: float) -> str:
    return (
        f"{value:.1f}".rstrip("0").rstrip(".") if not float(value).is_integer() else str(int(value))
    )


def attrs(**values: object) -> str:
    """SVG attributes from keywords (``class_`` -> ``class``, ``stroke_width`` -> ``stroke-width``)."""
    parts = []
    for key, value in values.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        text = (
            _num(value) if isinstance(value, float | int) and not isinstance(value, bool) else value
        )
        parts.append(f'{name}="{escape(str(text), quote=True)}"')
    return " ".join(parts)


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle, for placement and overlap checks."""

    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        return not (
            self.x + self.w + margin <= other.x
            or other.x + other.w + margin <= self.x
            or self.y + self.h + margin <= other.y
            or other.y + other.h + margin <= self.y
        )


@dataclass
class Svg:
    """A growing list of SVG elements, written out by :meth:`render`."""

    parts: list[str] = field(default_factory=list)

    def add(self, element: str) -> None:
        self.parts.append(element)

    def open(self, tag: str, **values: object) -> None:
        self.parts.append(f"<{tag} {attrs(**values)}>" if values else f"<{tag}>")

    def close(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def rect(self, x: float, y: float, w: float, h: float, **values: object) -> None:
        self.add(f"<rect {attrs(x=x, y=y, width=w, height=h, **values)}/>")

    def line(self, x1: float, y1: float, x2: float, y2: float, **values: object) -> None:
        self.add(f"<line {attrs(x1=x1, y1=y1, x2=x2, y2=y2, **values)}/>")

    def path(self, d: str, **values: object) -> None:
        self.add(f"<path {attrs(d=d, **values)}/>")

    def circle(self, cx: float, cy: float, r: float, **values: object) -> None:
        self.add(f"<circle {attrs(cx=cx, cy=cy, r=r, **values)}/>")

    def text(
        self,
        x: float,
        y: float,
        content: str,
        *,
        size: float,
        bold: bool = False,
        anchor: str = "start",
        title: str | None = None,
        **values: object,
    ) -> None:
        """One line of text with its baseline at ``y``; ``title`` adds a tooltip."""
        tip = f"<title>{escape(title)}</title>" if title else ""
        self.add(
            f"<text {attrs(x=x, y=y, font_size=size, font_weight='bold' if bold else None, text_anchor=anchor if anchor != 'start' else None, **values)}>"
            f"{tip}{escape(content)}</text>"
        )

    def text_block(
        self,
        x: float,
        y: float,
        content: str,
        *,
        width: float,
        size: float,
        max_lines: int = 3,
        bold: bool = False,
        anchor: str = "start",
        **values: object,
    ) -> float:
        """Wrapped text whose first line's top is at ``y``; returns the height used.

        A cut text carries the whole of it in a ``<title>`` tooltip.
        """
        lines, cut = wrap(content, width, size, max_lines=max_lines, bold=bold)
        if not lines:
            return 0.0
        lh = line_height(size)
        baseline = y + size * 0.95
        tip = f"<title>{escape(content)}</title>" if cut else ""
        spans = "".join(
            f"<tspan {attrs(x=x, y=baseline + i * lh)}>{escape(line)}</tspan>"
            for i, line in enumerate(lines)
        )
        self.add(
            f"<text {attrs(font_size=size, font_weight='bold' if bold else None, text_anchor=anchor if anchor != 'start' else None, **values)}>"
            f"{tip}{spans}</text>"
        )
        return len(lines) * lh

    def render(
        self,
        width: float,
        height: float,
        *,
        title: str,
        css: str = "",
        embed_font: bool = True,
        class_: str = "",
    ) -> str:
        """The finished ``<svg>`` document (``embed_font``: inline the typeface).

        ``css`` must be scoped to ``class_``: a ``<style>`` inside an SVG that is inlined in
        an HTML page applies to the whole page.
        """
        style = (font_face_css() + "\n" if embed_font else "") + css
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" '
            f"{attrs(viewBox=f'0 0 {_num(math.ceil(width))} {_num(math.ceil(height))}', width=math.ceil(width), height=math.ceil(height), role='img', class_=class_ or None, font_family=FONT_FAMILY)}>"
        )
        return "".join(
            [
                head,
                f"<title>{escape(title)}</title>",
                f"<style>{style}</style>" if style else "",
                *self.parts,
                "</svg>",
            ]
        )


def lines_height(lines: Iterable[str], size: float) -> float:
    """Height of a block of ``lines`` at ``size`` px."""
    return sum(1 for _ in lines) * line_height(size)
