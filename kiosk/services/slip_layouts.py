"""Paper geometry and drawing blocks of the registration slip (reportlab canvas, measured before drawn)."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

GREY = Color(0.35, 0.35, 0.35)
LIGHT = Color(0.9, 0.9, 0.9)
RED = Color(0.78, 0.1, 0.1)
PALE_RED = Color(0.98, 0.85, 0.85)
AMBER = Color(
    0.7, 0.38, 0.0
)  # provisional: valid, not yet confirmed (neither the black of final nor red of void)

Canvas = Any  # reportlab ships no type information


@dataclass(frozen=True)
class LayoutSpec:
    page_width: float
    page_height: float | None  # None: as tall as the content (roll paper)
    margin: float
    title_size: float
    reg_no_size: float
    body_size: float
    small_size: float
    label_width: float
    qr_size: float
    gap: float
    two_columns: bool  # household and record sections side by side (A4 has the width, not the height)

    @property
    def content_width(self) -> float:
        return self.page_width - 2 * self.margin


# Sizes in points: A4 is read at the counter and at home (body >= 12 pt); the roll is 72 mm of print width.
A4_SPEC = LayoutSpec(
    page_width=210 * mm, page_height=297 * mm, margin=16 * mm, title_size=22, reg_no_size=30, body_size=13,
    small_size=12, label_width=22 * mm, qr_size=36 * mm, gap=4 * mm, two_columns=True,
)  # fmt: skip
RECEIPT_SPEC = LayoutSpec(
    page_width=80 * mm, page_height=None, margin=4 * mm, title_size=13, reg_no_size=20, body_size=9.5,
    small_size=8.5, label_width=15 * mm, qr_size=27 * mm, gap=2 * mm, two_columns=False,
)  # fmt: skip


@functools.lru_cache(maxsize=64)
def style(font: str, size: float, *, align: int = TA_LEFT, color: Color = black) -> ParagraphStyle:
    """Paragraph style with CJK line breaking (any character may start a line, except punctuation)."""
    name = f"{font}-{size}-{align}-{color.hexval()}"
    return ParagraphStyle(
        name,
        fontName=font,
        fontSize=size,
        leading=size * 1.35,
        alignment=align,
        textColor=color,
        wordWrap="CJK",
    )


class Block(Protocol):
    def wrap(self, width: float) -> float:
        """Height the block takes at this width."""
        ...

    def draw(self, c: Canvas, x: float, top: float) -> None: ...


@dataclass
class Para:
    """Wrapped text; ``markup`` is reportlab paragraph markup, already escaped."""

    markup: str
    style: ParagraphStyle
    _p: Any = field(default=None, init=False)

    def wrap(self, width: float) -> float:
        self._p = Paragraph(self.markup, self.style)
        return float(self._p.wrap(width, 10_000)[1])

    def draw(self, c: Canvas, x: float, top: float) -> None:
        self._p.drawOn(c, x, top - self._p.height)


@dataclass
class Gap:
    height: float

    def wrap(self, width: float) -> float:
        return self.height

    def draw(self, c: Canvas, x: float, top: float) -> None:
        pass


def draw_line(
    c: Canvas, text: str, font: str, size: float, x: float, baseline: float, *, bold: bool = False
) -> None:
    """One line of text; a CJK font has no bold face, so bold is fill plus a thin outline."""
    c.saveState()  # the text render mode outlives the text object: keep it from bolding what follows
    t = c.beginText(x, baseline)
    t.setFont(font, size)
    if bold:
        c.setLineWidth(size * 0.035)
        t.setTextRenderMode(2)
    t.textOut(text)
    c.drawText(t)
    c.restoreState()


@dataclass
class Line:
    """One centred line that shrinks to fit rather than wrap (titles, the registration number)."""

    text: str
    font: str
    size: float
    color: Color = black
    bold: bool = True
    _size: float = field(default=0.0, init=False)
    _width: float = field(default=0.0, init=False)

    def wrap(self, width: float) -> float:
        natural = stringWidth(self.text, self.font, self.size)
        self._size = min(self.size, self.size * width / natural) if natural else self.size
        self._width = width
        return self._size * 1.3

    def draw(self, c: Canvas, x: float, top: float) -> None:
        c.setFillColor(self.color)
        c.setStrokeColor(self.color)
        w = stringWidth(self.text, self.font, self._size)
        baseline = top - self._size * 1.05
        draw_line(c, self.text, self.font, self._size, x + (self._width - w) / 2, baseline, bold=self.bold)
        c.setFillColor(black)


@dataclass
class Framed:
    """Blocks inside a rectangle (the registration number, the cancel notice, status marks)."""

    blocks: Sequence[Block]
    padding: float
    color: Color = black
    line_width: float = 1.2
    _heights: list[float] = field(default_factory=list, init=False)
    _size: tuple[float, float] = field(default=(0.0, 0.0), init=False)

    def wrap(self, width: float) -> float:
        self._heights = [b.wrap(width - 2 * self.padding) for b in self.blocks]
        self._size = (width, sum(self._heights) + 2 * self.padding)
        return self._size[1] + self.line_width

    def draw(self, c: Canvas, x: float, top: float) -> None:
        width, height = self._size
        c.setStrokeColor(self.color)
        c.setLineWidth(self.line_width)
        c.roundRect(x, top - height, width, height, self.padding / 2, stroke=1, fill=0)
        c.setStrokeColor(black)
        y = top - self.padding
        for b, h in zip(self.blocks, self._heights, strict=True):
            b.draw(c, x + self.padding, y)
            y -= h


@dataclass
class Section:
    """A heading with a rule under it, then label / value rows."""

    title: str
    rows: Sequence[tuple[str, str]]
    font: str
    spec: LayoutSpec
    _cells: list[tuple[Any, Any, float]] = field(default_factory=list, init=False)
    _width: float = field(default=0.0, init=False)

    def wrap(self, width: float) -> float:
        label_style = style(self.font, self.spec.body_size, color=GREY)
        value_style = style(self.font, self.spec.body_size)
        self._width = width
        self._cells = []
        for label, value in self.rows:
            lp, vp = Paragraph(label, label_style), Paragraph(value, value_style)
            lh = lp.wrap(self.spec.label_width, 10_000)[1]
            vh = vp.wrap(width - self.spec.label_width, 10_000)[1]
            self._cells.append((lp, vp, max(lh, vh) + self.spec.body_size * 0.25))
        return self._heading_height + sum(h for _, _, h in self._cells)

    @property
    def _heading_height(self) -> float:
        return self.spec.body_size * 2.0

    def draw(self, c: Canvas, x: float, top: float) -> None:
        size = self.spec.body_size + 1
        draw_line(c, self.title, self.font, size, x, top - size * 1.1, bold=True)
        c.setLineWidth(0.6)
        c.setStrokeColor(GREY)
        rule_y = top - self._heading_height + self.spec.body_size * 0.45
        c.line(x, rule_y, x + self._width, rule_y)
        c.setStrokeColor(black)
        y = top - self._heading_height
        for lp, vp, h in self._cells:
            lp.drawOn(c, x, y - lp.height)
            vp.drawOn(c, x + self.spec.label_width, y - vp.height)
            y -= h


@dataclass
class Columns:
    """Two blocks side by side, each half the width less the gap."""

    left: Block
    right: Block
    gap: float
    _half: float = field(default=0.0, init=False)

    def wrap(self, width: float) -> float:
        self._half = (width - self.gap) / 2
        return max(self.left.wrap(self._half), self.right.wrap(self._half))

    def draw(self, c: Canvas, x: float, top: float) -> None:
        self.left.draw(c, x, top)
        self.right.draw(c, x + self._half + self.gap, top)


@dataclass
class QrRow:
    """The QR code with the verification code beside it; a dashed empty square on a preview."""

    modules: Sequence[Sequence[bool]] | None
    beside: Sequence[Block]
    size: float
    _heights: list[float] = field(default_factory=list, init=False)

    def wrap(self, width: float) -> float:
        self._heights = [b.wrap(width - self.size - 3 * mm) for b in self.beside]
        return max(self.size, sum(self._heights))

    def draw(self, c: Canvas, x: float, top: float) -> None:
        bottom = top - self.size
        if self.modules is None:
            c.setDash(3, 3)
            c.setStrokeColor(GREY)
            c.rect(x, bottom, self.size, self.size, stroke=1, fill=0)
            c.setDash()
            c.setStrokeColor(black)
        else:
            draw_qr(c, self.modules, x, bottom, self.size)
        y = top - max(0.0, (self.size - sum(self._heights)) / 2)  # text centred against the code
        for b, h in zip(self.beside, self._heights, strict=True):
            b.draw(c, x + self.size + 3 * mm, y)
            y -= h


def draw_qr(c: Canvas, modules: Sequence[Sequence[bool]], x: float, bottom: float, size: float) -> None:
    n = len(modules)
    quiet = 4  # modules of white around the code that scanners need
    unit = size / (n + 2 * quiet)
    path = c.beginPath()
    for r, row in enumerate(modules):
        y = bottom + size - (quiet + r + 1) * unit
        col = 0
        while col < n:  # one rectangle per horizontal run keeps the PDF small and fast
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                path.rect(x + (quiet + start) * unit, y, (col - start) * unit, unit)
            else:
                col += 1
    c.setFillColor(black)
    c.drawPath(path, stroke=0, fill=1)


def draw_watermark(c: Canvas, text: str, font: str, color: Color, width: float, height: float) -> None:
    """Large diagonal text under the content, so a preview or a cancelled slip cannot pass for a live one."""
    angle = math.degrees(math.atan2(height, width))
    size = min(0.7 * math.hypot(width, height) / stringWidth(text, font, 1), 80.0)
    c.saveState()
    c.setFillColor(color)
    c.translate(width / 2, height / 2)
    c.rotate(angle)
    c.setFont(font, size)
    c.drawCentredString(0, -size / 3, text)
    c.restoreState()


@dataclass(frozen=True)
class Measured:
    blocks: Sequence[Block]
    heights: list[float]
    page_height: float


def measure(blocks: Sequence[Block], spec: LayoutSpec) -> Measured:
    """Wrap every block at the content width; roll paper gets a page as tall as the content."""
    heights = [b.wrap(spec.content_width) for b in blocks]
    page_h = spec.page_height if spec.page_height is not None else sum(heights) + 2 * spec.margin
    return Measured(blocks, heights, page_h)


def draw_blocks(c: Canvas, m: Measured, spec: LayoutSpec) -> None:
    top = m.page_height - spec.margin
    total = sum(m.heights)
    c.saveState()
    if total > m.page_height - 2 * spec.margin:  # an unusually long address: shrink rather than cut off
        scale = (m.page_height - 2 * spec.margin) / total
        c.translate(spec.margin, top)
        c.scale(scale, scale)
        c.translate(-spec.margin, -top)
    y = top
    for b, h in zip(m.blocks, m.heights, strict=True):
        b.draw(c, spec.margin, y)
        y -= h
    c.restoreState()
