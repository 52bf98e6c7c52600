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
from datetime import datetime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRect  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.common import emit, median, percentile  # noqa: E402
from kiosk.services.draw_views import DrawView, PublicListRow, SourceSpec  # noqa: E402
from kiosk.services.projection import Projection, ProjectionState  # noqa: E402
from kiosk.ui import theme  # noqa: E402
from kiosk.ui.hall.feed import HallFeed  # noqa: E402
from kiosk.ui.hall.projection_screen import ProjectionScreen  # noqa: E402
from kiosk_core import lottery  # noqa: E402

PAGE_TARGET_MS = 100.0
DIGITS = "3141592653589793238462643383279502884197"
NAMES = ("张*兰", "王*", "欧**国", "李*明")


def a_draw(n: int) -> tuple[DrawView, lottery.DrawResult, list[PublicListRow]]:
    pools = (
        lottery.Pool("P01/T01", tuple(f"1-{f:02d}{u:02d}" for f in range(1, 31) for u in range(1, 11)), ()),
        lottery.Pool("P01/T02", tuple(f"2-{f:02d}{u:02d}" for f in range(1, 31) for u in range(1, 11)), ()),
    )
    entries = [lottery.Entry(f"Q2611-01-{i:06d}", "P01/T01" if i % 2 else "P01/T02", "-") for i in range(n)]
    sources = (lottery.digits_source("公证员现场摇出的号码", DIGITS),)
    result = lottery.draw(entries, "units", pools, sources)
    list_text = lottery.list_text(entries)
    view = DrawView(
        draw_id=1,
        plan_code="Q2611",
        plan_name="2026年第四批公共租赁住房快速配租",
        state="drawn",
        algorithm=lottery.ALGORITHM,
        mode="units",
        list_text=list_text,
        list_hash=lottery.sha256_hex(list_text),
        pools_text=lottery.pools_text("units", pools),
        pools_hash="",
        source_specs=(SourceSpec.digits("公证员现场摇出的号码", len(DIGITS)),),
        sources_text=lottery.sources_text(sources),
        seed=result.seed.hex(),
        cancelled=(),
        result_text=None,
        result_hash=lottery.sha256_hex(lottery.result_text(result)),
        frozen_at=datetime(2026, 12, 2, 9, 0),
        drawn_at=None,
        published_at=None,
        retracted_at=None,
        retract_reason=None,
        replaces=None,
        public_url="",
    )
    rows = [
        PublicListRow(
            rank=o.rank,
            reg_no=o.reg_no,
            applicant_masked=NAMES[o.rank % len(NAMES)],
            id_masked="1101**********002X",
            pool=o.pool,
            pool_label="东坝嘉园 · 一居室" if o.pool == "P01/T01" else "东坝嘉园 · 两居室",
            group_label="",
            kind=o.kind,
            outcome_label=f"{o.unit}室" if o.kind == "unit" else f"轮候号 {o.number}",
        )
        for o in result.outcomes
    ]
    return view, result, rows


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

    view, result, rows = a_draw(args.entries)
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
