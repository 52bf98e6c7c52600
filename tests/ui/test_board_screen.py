"""The hall's unit board at 1920×1080: every unit by building × floor × number, free or taken, counts per type."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.config import Config, HallConfig
from kiosk.services.hall_board import BoardState
from kiosk.services.hall_calling import CallingState
from kiosk.services.hall_selection import SelectionHall
from kiosk.ui import theme
from kiosk.ui.hall.board_screen import BoardScreen
from kiosk.ui.hall.feed import HallFeed
from kiosk.ui.hall.launcher import HallLauncher
from tests.ui.conftest import Hold
from tests.ui.selection_states import SERVER_TIME, WHOLE_IDS, WHOLE_NAMES, selection_state, turn, units
from tests.ui.test_calling_screen import assert_masked

HALL = QRect(0, 0, 1920, 1080)
INSET = QPoint(3, 3)  # inside a cell, off its struck-through line


def board_hall(qtbot: QtBot, hold: Hold) -> tuple[SelectionHall, BoardScreen]:
    feed: HallFeed[BoardState] = HallFeed(BoardState())
    callings: HallFeed[CallingState] = HallFeed(CallingState())
    hall = SelectionHall(callings.publish, feed.publish, clock=lambda: SERVER_TIME)
    screen = BoardScreen(feed)
    hold(screen)
    screen.place_in(HALL)
    screen.show()
    qtbot.waitExposed(screen)
    return hall, screen


def shown_text(screen: BoardScreen) -> str:
    return "\n".join(label.text() for label in screen.findChildren(QLabel) if label.isVisibleTo(screen))


def test_the_board_shows_every_unit_free_or_taken_and_the_counts_per_unit_type(
    qtbot: QtBot, hold: Hold, screenshot
) -> None:
    hall, screen = board_hall(qtbot, hold)
    assert screen.empty.isVisible()
    rows = units(buildings=("1", "2", "3"), floors=18, per_floor=4, taken=9)
    hall.take(selection_state([turn(1, state="open", counter="3", left=60)], rows))
    painted = screen.grid.painted
    qtbot.waitUntil(lambda: screen.grid.painted > painted)
    cells = screen.grid.layout_cells()
    assert len(cells) == 3 * 18 * 4  # every unit has its cell
    grid = screen.grid.rect()
    assert all(grid.contains(rect) for _cell, rect in cells)  # all on the screen, none cut off
    rects = [rect for _cell, rect in cells]
    assert not any(a.intersects(b) for n, a in enumerate(rects) for b in rects[n + 1 :])
    assert screen.geometry() == HALL
    # A free and a taken cell look different on screen, and not by colour alone (a struck-through line).
    picture = screen.grid.grab().toImage()
    free = next(rect for cell, rect in cells if not cell.taken)
    taken = next(rect for cell, rect in cells if cell.taken)
    assert picture.pixelColor(free.topLeft() + INSET) == QColor(theme.colors()["success"])
    assert picture.pixelColor(taken.topLeft() + INSET) != picture.pixelColor(free.topLeft() + INSET)
    assert screen.grid.cell_font().pixelSize() >= 16  # room numbers readable at 18 floors × 12 columns
    counts = [label.text() for label in screen.counts if label.isVisible()]
    assert counts == ["一居室：可选 103 套，已选 5 套", "两居室：可选 104 套，已选 4 套"]
    text = shown_text(screen)
    assert "1栋" not in text  # painted, not labels: the test reads the grid's cells
    assert_masked(text)
    assert not any(name in repr(screen.feed.current) for name in WHOLE_NAMES)
    assert not any(number in repr(screen.feed.current) for number in WHOLE_IDS)
    screenshot(screen, "selection_board")


def test_a_unit_chosen_at_any_counter_shows_taken_on_the_next_state(
    qtbot: QtBot, hold: Hold, screenshot
) -> None:
    hall, screen = board_hall(qtbot, hold)
    rows = units(buildings=("1", "2"), floors=6, per_floor=4)
    hall.take(selection_state([], rows, version=3))
    chosen = rows[9]["unit_code"]
    assert not next(cell for cell, _ in screen.grid.layout_cells() if cell.unit_code == chosen).taken
    rows[9]["taken"], rows[9]["taken_by_order"] = True, 1
    painted = screen.grid.painted
    hall.take(selection_state([], rows, version=4))
    qtbot.waitUntil(lambda: screen.grid.painted > painted)
    assert next(cell for cell, _ in screen.grid.layout_cells() if cell.unit_code == chosen).taken
    assert [label.text() for label in screen.counts if label.isVisible()][
        0
    ] == "一居室：可选 23 套，已选 1 套"
    screenshot(screen, "selection_board_small")


def test_the_hall_window_shows_the_board(qtbot: QtBot) -> None:
    launcher = HallLauncher(Config(hall=HallConfig(screen=0)))
    feed: HallFeed[BoardState] = HallFeed(BoardState(title="2026年第12期快速配租选房"))
    launcher.project(feed, BoardScreen)
    assert launcher.open()
    window = launcher.window
    assert isinstance(window, BoardScreen) and window.isFullScreen()
    assert window.title.text() == "2026年第12期快速配租选房"
    launcher.close()
