"""How the console writes a draw's facts: hashes in groups of eight, the sources one a line."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.services.draw_views import DrawView
from kiosk.services.projection import known_seed


def grouped(hex_text: str | None) -> str:
    text = hex_text or ""
    return " ".join(text[i : i + 8] for i in range(0, len(text), 8))


def facts(draw: DrawView) -> str:
    """Plan, list hash and, as far as known, the seed: what the console and the hall compare aloud."""
    lines = [
        f"{draw.plan_name}（{draw.plan_code}）· {draw.state_label}",
        QCoreApplication.translate("LotteryConsole", "Frozen list: {n} households, SHA-256 {hash}").format(
            n=draw.entries, hash=grouped(draw.list_hash)
        ),
    ]
    seed = known_seed(draw)  # the console's own computation, the one the hall shows
    if seed:
        lines.append(QCoreApplication.translate("LotteryConsole", "Seed {seed}").format(seed=grouped(seed)))
    return "\n".join(lines)
