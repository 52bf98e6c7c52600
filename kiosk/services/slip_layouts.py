"""Paper geometry and drawing blocks of the registration slip (reportlab canvas, measured before drawn)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from reportlab.lib.colors import Color, black, white
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

GREY = Color(0.35, 0.35, 0.35)
LIGHT = Color(0.86, 0.86, 0.86)
RED = Color(0.78, 0.1, 0.1)
PALE_RED = Color(0.97, 0.82, 0.82)

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

    @property
    def content_width(self) -> float:
        return self.page_width - 2 * self.margin


A4_SPEC = LayoutSpec(210 * mm, 297 * mm, 18 * mm, 22, 30, 13, 12, 30 * mm, 36 * mm, 4 * mm)
RECEIPT_SPEC = LayoutSpec(80 * mm, None, 4 * mm, 13, 20, 9.5, 8.5, 15 * mm, 27 * mm, 2 * mm)


def style(font: str, size: float, *, align: int = TA_LEFT, color: Color = black) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}{align}", fontName=font, fontSize=size, leading=size * 1.35, alignment=align,
        textColor=color, wordWrap="CJK",
    )  # fmt: skip


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
    t = c.beginText(x, baseline)
    t.setFont(font, size)
    if bold:
        c.setLineWidth(size * 0.035)
        t.setTextRenderMode(2)
    t.textOut(text)
    c.drawText(t)


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
    _height: float = field(default=0.0, init=False)

    def wrap(self, width: float) -> float:
        inner = width - 2 * self.padding
        self._height = sum(b.wrap(inner) for b in self.blocks) + 2 * self.padding
        return self._height + self.line_width

    def draw(self, c: Canvas, x: float, top: float) -> None:
        c.setStrokeColor(self.color)
        c.setLineWidth(self.line_width)
        width = self._width_of(c)
        c.roundRect(x, top - self._height, width, self._height, self.padding / 2, stroke=1, fill=0)
        y = top - self.padding
        for b in self.blocks:
            b.draw(c, x + self.padding, y)
            y -= b.wrap(width - 2 * self.padding)
        c.setStrokeColor(black)

    @staticmethod
    def _width_of(c: Canvas) -> float:
        return float(c._kiosk_content_width)


@dataclass
class Section:
    """A heading with a rule under it, then label / value rows."""

    title: str
    rows: Sequence[tuple[str, str]]
    font: str
    spec: LayoutSpec
    _cells: list[tuple[Paragraph, Paragraph, float]] = field(default_factory=list, init=False)

    def wrap(self, width: float) -> float:
        label_style = style(self.font, self.spec.body_size, color=GREY)
        value_style = style(self.font, self.spec.body_size)
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
        c.line(x, rule_y, x + c._kiosk_content_width, rule_y)
        y = top - self._heading_height
        for lp, vp, h in self._cells:
            lp.drawOn(c, x, y - lp.height)
            vp.drawOn(c, x + self.spec.label_width, y - vp.height)
            y -= h


@dataclass
class QrRow:
    """The QR code with the verification code beside it; a dashed empty square on a preview."""

    modules: Sequence[Sequence[bool]] | None
    beside: Sequence[Block]
    size: float
    _height: float = field(default=0.0, init=False)

    def wrap(self, width: float) -> float:
        text_h = sum(b.wrap(width - self.size - 3 * mm) for b in self.beside)
        self._height = max(self.size, text_h)
        return self._height

    def draw(self, c: Canvas, x: float, top: float) -> None:
        bottom = top - self.size
        if self.modules is None:
            c.setDash(3, 3)
            c.setStrokeColor(GREY)
            c.rect(x, bottom, self.size, self.size, stroke=1, fill=0)
            c.setDash()
        else:
            self._draw_modules(c, x, bottom)
        y = top - (self._height - sum(b.wrap(0) if False else 0 for b in ()) ) if False else top
        for b in self.beside:
            b.draw(c, x + self.size + 3 * mm, y)
            y -= b.wrap(c._kiosk_content_width - self.size - 3 * mm)

    def _draw_modules(self, c: Canvas, x: float, bottom: float) -> None:
        n = len(self.modules or ())
        quiet = 4  # modules of white around the code that scanners need
        unit = self.size / (n + 2 * quiet)
        path = c.beginPath()
        for r, row in enumerate(self.modules or ()):
            y = bottom + self.size - (quiet + r + 1) * unit
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


def lay_out(c: Canvas, blocks: Sequence[Block], spec: LayoutSpec) -> tuple[float, float]:
    """Measure every block, size the page (roll paper) or shrink to fit (A4), and return the page size."""
    width = spec.content_width
    heights = [b.wrap(width) for b in blocks]
    total = sum(heights)
    page_h = spec.page_height if spec.page_height is not None else total + 2 * spec.margin
    c.setPageSize((spec.page_width, page_h))
    return spec.page_width, page_h


def draw_blocks(c: Canvas, blocks: Sequence[Block], spec: LayoutSpec, page_h: float) -> None:
    width = spec.content_width
    total = sum(b.wrap(width) for b in blocks)
    c.saveState()
    scale = min(1.0, (page_h - 2 * spec.margin) / total) if total else 1.0
    c._kiosk_content_width = width
    if scale < 1.0:  # an unusually long address: keep it on one page rather than cut it off
        c.translate(spec.margin, page_h - spec.margin)
        c.scale(scale, scale)
        c.translate(-spec.margin, -(page_h - spec.margin))
    y = page_h - spec.margin
    for b in blocks:
        h = b.wrap(width)
        b.draw(c, spec.margin, y)
        y -= h
    c.restoreState()


__all__ = ["A4_SPEC", "RECEIPT_SPEC", "TA_CENTER", "white"]
