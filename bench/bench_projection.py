"""The hall's projection: how long from the console's "next page" to the hall's window painted with it.

A draw of ``--entries`` registrations (100 000 by default: a large city's quick plan) is taken by the
projection after its check (``projection_check``: the console's result hashed and compared row by row with
the public list, once per draw), then revealed one page of ranks at a time on a real ``ProjectionScreen`` at
1920×1080 in the counter's theme (offscreen Qt): each page is timed from ``Projection.next_page`` to the
window's synchronous repaint. Target: a page within 100 ms. One JSON line a figure.

python -m bench.bench_projection [--entries 100000] [--pages 50]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRect  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.common import emit, median, percentile  # noqa: E402
from kiosk.services.projection import Projection, ProjectionState  # noqa: E402
from kiosk.ui import theme  # noqa: E402
from kiosk.ui.hall.feed import HallFeed  # noqa: E402
from kiosk.ui.hall.projection_screen import ProjectionScreen  # noqa: E402
from tests.services.test_projection import a_draw, rows_of  # noqa: E402

PAGE_TARGET_MS = 100.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    theme.apply(app, 20, theme.load_font())
    feed: HallFeed[ProjectionState] = HallFeed(ProjectionState(title="公租房登记中心"))
    projection = Projection(feed.publish, centre="公租房登记中心")
    screen = ProjectionScreen(feed)
    screen.place_in(QRect(0, 0, 1920, 1080))
    screen.show()
    app.processEvents()

    view, result = a_draw(args.entries)  # the projection tests' draw: real files, real hashes
    rows = rows_of(result)
    started = time.perf_counter()
    projection.show_result(view, result, rows)
    emit("projection_check", time.perf_counter() - started, "s")

    pages: list[float] = []
    for _ in range(args.pages):
        started = time.perf_counter()
        projection.next_page()
        screen.repaint()  # synchronous: the page is on the window when this returns
        pages.append((time.perf_counter() - started) * 1000)
        app.processEvents()
    emit("projection_page_p50", median(pages), "ms", PAGE_TARGET_MS)
    emit("projection_page_p95", percentile(pages, 95), "ms", PAGE_TARGET_MS)
    emit("projection_page_max", max(pages), "ms", PAGE_TARGET_MS)


if __name__ == "__main__":
    main()
