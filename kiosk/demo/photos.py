"""Illustrations standing in for estate photos: sky, residential blocks with window grids, lawns and trees."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 800, 500
_SCALE = 2  # drawn at twice the size and scaled down: smooth edges without an anti-aliasing library
Color = tuple[int, int, int]


@dataclass(frozen=True)
class Style:
    sky_top: Color
    sky_horizon: Color
    sun: Color
    facades: tuple[Color, ...]
    accent: Color
    window: Color
    lit: Color  # lit windows, more of them at dusk
    lit_share: float
    lawn: Color
    leaves: tuple[Color, ...]


STYLES = {
    "P-CY-01": Style(
        (96, 160, 222),
        (206, 228, 244),
        (255, 246, 214),
        ((238, 226, 204), (230, 214, 190)),
        (196, 104, 74),
        (150, 186, 210),
        (255, 226, 150),
        0.04,
        (120, 176, 92),
        ((62, 128, 70), (86, 150, 76), (110, 168, 84)),
    ),
    "P-HD-01": Style(
        (70, 136, 214),
        (190, 222, 248),
        (255, 252, 232),
        ((236, 240, 244), (214, 222, 232)),
        (66, 118, 178),
        (132, 170, 204),
        (255, 232, 170),
        0.03,
        (112, 170, 96),
        ((52, 112, 72), (76, 140, 84), (120, 170, 96)),
    ),
    "P-FT-01": Style(
        (92, 104, 168),
        (252, 190, 140),
        (255, 214, 150),
        ((234, 212, 186), (222, 196, 170)),
        (170, 70, 60),
        (120, 128, 160),
        (255, 206, 120),
        0.35,
        (104, 146, 84),
        ((58, 104, 64), (84, 128, 70), (128, 146, 78)),
    ),
    "P-CP-01": Style(
        (130, 182, 226),
        (232, 238, 224),
        (255, 250, 222),
        ((244, 234, 196), (236, 224, 184)),
        (98, 152, 92),
        (156, 190, 204),
        (255, 230, 160),
        0.03,
        (134, 182, 100),
        ((70, 136, 74), (96, 156, 80), (146, 180, 92)),
    ),
}


def _mix(a: Color, b: Color, t: float) -> Color:
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return (r, g, bl)


def _shade(c: Color, f: float) -> Color:
    r, g, b = (max(0, min(255, round(x * f))) for x in c)
    return (r, g, b)


class _Canvas:
    def __init__(self, style: Style, rng: random.Random, horizon: float) -> None:
        self.s, self.rng = style, rng
        self.w, self.h = WIDTH * _SCALE, HEIGHT * _SCALE
        self.horizon = int(self.h * horizon)
        self.img = Image.new("RGB", (self.w, self.h))
        self.d = ImageDraw.Draw(self.img)

    def sky(self) -> None:
        for y in range(self.horizon + 1):
            self.d.line(
                [(0, y), (self.w, y)], fill=_mix(self.s.sky_top, self.s.sky_horizon, y / self.horizon)
            )
        glow = Image.new("RGBA", (self.w, self.h), (0, 0, 0, 0))
        g = ImageDraw.Draw(glow)
        sx, sy = self.rng.randint(self.w // 8, self.w - self.w // 8), self.rng.randint(90, self.horizon // 2)
        for radius, alpha in ((150, 30), (110, 50), (80, 90)):
            g.ellipse([sx - radius, sy - radius, sx + radius, sy + radius], fill=(*self.s.sun, alpha))
        g.ellipse([sx - 56, sy - 56, sx + 56, sy + 56], fill=(*self.s.sun, 255))
        for _ in range(self.rng.randint(2, 4)):
            cx, cy = self.rng.randint(0, self.w), self.rng.randint(60, self.horizon // 2)
            for _ in range(6):
                dx, dy, r = self.rng.randint(-110, 110), self.rng.randint(-18, 18), self.rng.randint(34, 62)
                g.ellipse(
                    [cx + dx - r * 1.6, cy + dy - r, cx + dx + r * 1.6, cy + dy + r],
                    fill=(255, 255, 255, 150),
                )
        self.img.paste(Image.alpha_composite(self.img.convert("RGBA"), glow).convert("RGB"))

    def skyline(self) -> None:
        haze = _mix(self.s.sky_horizon, (150, 160, 176), 0.35)
        x = -20
        while x < self.w:
            bw, bh = self.rng.randint(60, 150), self.rng.randint(60, 190)
            self.d.rectangle([x, self.horizon - bh, x + bw, self.horizon], fill=haze)
            x += bw + self.rng.randint(-10, 40)

    def ground(self) -> None:
        for y in range(self.horizon, self.h):
            t = (y - self.horizon) / (self.h - self.horizon)
            self.d.line([(0, y), (self.w, y)], fill=_shade(self.s.lawn, 1.08 - 0.25 * t))

    def building(self, x: int, width: int, floors: int, base: int, floor_h: int = 34) -> None:
        s, d = self.s, self.d
        facade = self.rng.choice(s.facades)
        top = base - floors * floor_h - 30
        depth = width // 6
        # side face, receding to the right
        side = [
            (x + width, top),
            (x + width + depth, top - depth // 2),
            (x + width + depth, base - depth // 2),
        ]
        d.polygon([*side, (x + width, base)], fill=_shade(facade, 0.72))
        d.polygon(
            [(x, top), (x + depth, top - depth // 2), side[1], (x + width, top)], fill=_shade(facade, 1.05)
        )
        d.rectangle([x, top, x + width, base], fill=facade)
        d.rectangle([x, top, x + width, top + 16], fill=_shade(facade, 0.85))  # parapet
        stripe = x + width // 2 - 14
        d.rectangle([stripe, top + 16, stripe + 28, base], fill=s.accent)  # stairwell stripe
        cols = max(2, (width - 40) // 46)
        gap = (width - 40 - 28) / cols
        for f in range(floors):
            wy = top + 30 + f * floor_h
            d.line([(x, wy + floor_h - 4), (x + width, wy + floor_h - 4)], fill=_shade(facade, 0.9), width=3)
            for c in range(cols):
                wx = x + 20 + c * gap + (28 if x + 20 + c * gap >= stripe else 0)
                lit = self.rng.random() < s.lit_share
                d.rectangle(
                    [wx + 4, wy + 6, wx + gap - 8, wy + floor_h - 10], fill=s.lit if lit else s.window
                )
                d.line([(wx + gap / 2, wy + 6), (wx + gap / 2, wy + floor_h - 10)], fill=facade, width=2)
            for k in range(max(1, depth // 22)):
                sx = x + width + 6 + k * 22
                sy = wy + 6 - (sx - x - width) // 2
                d.rectangle([sx, sy, sx + 10, sy + floor_h - 16], fill=_shade(s.window, 0.8))
        d.rectangle([stripe - 10, base - 40, stripe + 38, base], fill=_shade(s.accent, 0.7))  # entrance

    def tree(self, x: int, base: int, size: int) -> None:
        d, leaves = self.d, self.s.leaves
        d.rectangle([x - size // 10, base - size, x + size // 10, base], fill=(110, 82, 60))
        if self.rng.random() < 0.3:  # a conifer
            color = leaves[0]
            for k in range(3):
                w, top = size * (0.7 - k * 0.15), base - size * (0.6 + k * 0.45)
                d.polygon([(x - w, top + size * 0.75), (x + w, top + size * 0.75), (x, top)], fill=color)
            return
        for _ in range(5):
            r = self.rng.uniform(0.35, 0.55) * size
            cx, cy = x + self.rng.uniform(-0.35, 0.35) * size, base - size * self.rng.uniform(1.0, 1.45)
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=self.rng.choice(leaves))

    def path(self) -> None:
        top_w, bottom_w = self.w * 0.06, self.w * 0.5
        cx = self.w * self.rng.uniform(0.35, 0.65)
        paving = (214, 206, 192)
        self.d.polygon(
            [
                (cx - top_w, self.horizon),
                (cx + top_w, self.horizon),
                (cx + bottom_w, self.h),
                (cx - bottom_w, self.h),
            ],
            fill=paving,
        )

    def lamp(self, x: int, base: int, height: int) -> None:
        self.d.rectangle([x - 3, base - height, x + 3, base], fill=(70, 76, 84))
        self.d.ellipse([x - 12, base - height - 16, x + 12, base - height + 4], fill=(250, 240, 200))

    def done(self) -> Image.Image:
        return self.img.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def draw(project: str, index: int, seed: int) -> Image.Image:
    """Photo ``index`` (1: street view, 2: close to one block, 3: the garden) of a project's estate."""
    style = STYLES[project]
    rng = random.Random(f"{project}-{index}-{seed}")
    c = _Canvas(style, rng, horizon=(0.68, 0.78, 0.62)[(index - 1) % 3])
    c.sky()
    c.skyline()
    c.ground()
    if index % 3 == 2:
        x, width = rng.randint(120, 380), rng.randint(560, 680)
        c.building(x, width, rng.randint(14, 19), c.horizon + 30, floor_h=40)
        c.building(
            x + width + rng.randint(130, 200), rng.randint(380, 460), rng.randint(10, 14), c.horizon + 10
        )
        trees = [(x, c.h - rng.randint(20, 60), rng.randint(150, 220)) for x in range(80, c.w, 320)]
    else:
        x = rng.randint(-80, 20)
        while x < c.w - 100:
            width = rng.randint(240, 340)
            c.building(x, width, rng.randint(9, 17) if index == 1 else rng.randint(6, 11), c.horizon + 10)
            x += width + rng.randint(90, 170)
        if index % 3 == 0:
            c.path()
        trees = [(x, c.horizon + rng.randint(60, c.h - c.horizon - 20), 0) for x in range(30, c.w, 110)]
        trees = [(x + rng.randint(-40, 40), y, 70 + (y - c.horizon) // 3) for x, y, _ in trees]
    for x in range(120, c.w, 520):
        c.lamp(x, c.horizon + 70, 150)
    for x, y, size in sorted(trees, key=lambda t: t[1]):
        c.tree(x, y, size)
    return c.done()


def write_photos(folder: Path, photos: dict[str, list[str]], seed: int) -> None:
    """``photos``: project code to file names; each file is quantised to a small palette to stay light."""
    folder.mkdir(parents=True, exist_ok=True)
    for project, files in photos.items():
        for index, name in enumerate(files, start=1):
            image = draw(project, index, seed).quantize(colors=192, dither=Image.Dither.NONE)
            image.save(folder / name, optimize=True)
