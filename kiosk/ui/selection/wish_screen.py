"""The wish list (预选) and the formal turn (正选): filters, free units, the ordered list, the countdown, confirm."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
)

from kiosk.services.selection_filters import offered, pool_units, unit_label
from kiosk.ui.selection.countdown import CountdownLabel
from kiosk.ui.selection.identify_screen import household_line
from kiosk.ui.selection.state import CounterState
from kiosk.ui.selection.step import SelectionStep
from kiosk.ui.selection.unit_filters import UnitFilters
from kiosk.ui.selection.unit_tables import reselect, selected_code, unit_table
from kiosk.ui.theme import set_kind
from kiosk.ui.workers import Lane, run_in_background
from kiosk_core.selection import MAX_WISHES

if TYPE_CHECKING:
    from kiosk.services.selection_confirm import ConfirmOutcome
    from kiosk.services.selection_views import TurnView, WishView


class WishScreen(SelectionStep):
    """Staff add up to five free units of the household's pool to an ordered list and order it; once the
    household's turn opens (every household before it in its pool finished) they confirm one unit of the list.

    A unit taken by another household leaves the free units at once and is marked on the list, where it may
    stay (it is skipped by the auto-pick) or be deleted.
    """

    def __init__(self, state: CounterState):
        super().__init__(state)
        # The household is the title (one line less at the largest text size); the countdown beside it.
        self.household = self.title
        self.household.setWordWrap(True)
        self.countdown = CountdownLabel(state)
        # The time left on the title's line, right of the household: seen with the list and the confirmation.
        column = self.layout()
        assert isinstance(column, QVBoxLayout)
        column.removeWidget(self.title)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.countdown, 1)
        column.insertLayout(0, head)

        self.filters = UnitFilters()
        self.filters.changed.connect(self._show_offered)
        self.body.addWidget(self.filters)

        # No unit type column: a pool is one unit type.
        self.free = unit_table(
            [self.tr("Unit"), self.tr("Orientation"), self.tr("Area"), self.tr("Rent")], "selectionFree"
        )
        self.add = QPushButton(self.tr("Add to the list"), objectName="wishAdd")
        self.wishes = unit_table([self.tr("No."), self.tr("Unit"), self.tr("Status")], "selectionWishes")
        self.up = QPushButton(self.tr("Up"), objectName="wishUp")
        self.down = QPushButton(self.tr("Down"), objectName="wishDown")
        self.top = QPushButton(self.tr("To the top"), objectName="wishTop")
        self.delete = QPushButton(self.tr("Delete"), objectName="wishDelete")
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Free units of the household's pool")))
        left.addWidget(self.free, 1)
        left.addWidget(self.add)
        moves = QGridLayout()  # two by two: the theme's buttons are wide at the largest text size
        for n, button in enumerate((self.up, self.down, self.top, self.delete)):
            moves.addWidget(button, n // 2, n % 2)
        right = QVBoxLayout()
        self.list_title = QLabel(objectName="wishListTitle")
        self.taken_note = QLabel(
            self.tr("Units chosen by households before this one: delete them and add others"),
            objectName="wishTakenNote",
            wordWrap=True,
        )
        set_kind(self.taken_note, "notice")
        self.taken_note.hide()
        right.addWidget(self.list_title)
        right.addWidget(self.wishes, 1)
        right.addWidget(self.taken_note)
        right.addLayout(moves)
        panes = QHBoxLayout()
        panes.addLayout(left, 1)
        panes.addLayout(right, 1)
        self.body.addLayout(panes, 1)

        self.decline = QPushButton(self.tr("Household declines"), objectName="selectionDecline")
        set_kind(self.decline, "danger")
        self.actions.insertWidget(0, self.decline)
        self.primary.setText(self.tr("Confirm this unit (final)"))

        self.add.clicked.connect(self.add_selected)
        self.up.clicked.connect(lambda: self.move("up"))
        self.down.clicked.connect(lambda: self.move("down"))
        self.top.clicked.connect(lambda: self.move("top"))
        self.delete.clicked.connect(self.delete_selected)
        self.decline.clicked.connect(self.decline_turn)
        self.free.activated.connect(lambda _i: self.add_selected())  # Enter on a free unit adds it
        self.wishes.activated.connect(
            lambda _i: self._primary_clicked()
        )  # Enter on a wish confirms it (open turn)
        self.wishes.itemSelectionChanged.connect(self._refresh_buttons)
        self.free.itemSelectionChanged.connect(self._refresh_buttons)
        for keys, action in (
            ("Ctrl+Up", lambda: self.move("up")),
            ("Ctrl+Down", lambda: self.move("down")),
            ("Ctrl+Home", lambda: self.move("top")),
            ("Delete", self.delete_selected),
        ):
            shortcut = QShortcut(QKeySequence(keys), self.wishes)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(action)
        state.selection_changed.connect(self._show)
        state.turn_changed.connect(self._show)
        self._units: list[Mapping[str, Any]] = []
        self._offered: list[Mapping[str, Any]] = []
        self._list: tuple[str, ...] = ()
        self._was_open = False
        self._key: str | None = None  # the last confirm's key, while its answer is not known
        self._key_unit: str | None = None

    # --- showing ---

    def first_focus(self) -> Any:
        return self.primary if self.primary.isEnabled() else self.free

    def enter(self) -> None:
        self._key = self._key_unit = None
        self.primary.setText(self.tr("Confirm this unit (final)"))
        self.filters.fill(self._pool())
        self._show()

    def _pool(self) -> list[Mapping[str, Any]]:
        turn = self.state.turn
        return pool_units(self.state.units(), turn.pool) if turn is not None else []

    def _show(self) -> None:
        turn = self.state.turn
        if turn is None or self.state.finished:
            return
        self.household.setText(household_line(self.state, turn))
        self._units = self._pool()
        self._list = turn.wish_codes
        self._show_offered()
        self._show_wishes(turn.wishes)
        self.countdown.refresh()
        opened = turn.state == "open"
        if opened and not self._was_open and self.isVisible():
            # The turn has just opened: the next action is the confirmation of the list's first free unit.
            self._select_first_free()
            self.primary.setFocus()
        self._was_open = opened
        self._refresh_buttons()

    def _show_offered(self) -> None:
        keep = selected_code(self.free, self._offered)
        self._offered = offered(self._units, self._list, self.filters.unit_filter())
        self.free.setRowCount(len(self._offered))
        for row, unit in enumerate(self._offered):
            cells = (
                unit_label(unit),
                str(unit.get("orientation", "")),
                f"{float(unit.get('area', 0)):.1f}㎡",
                f"{float(unit.get('rent', 0)):.0f}",
            )
            for column, text in enumerate(cells):
                self.free.setItem(row, column, QTableWidgetItem(text))
        reselect(self.free, self._offered, keep)

    def _show_wishes(self, rows: Sequence[WishView]) -> None:
        codes = [w.unit_code for w in rows]
        keep = selected_code(self.wishes, [{"unit_code": c} for c in codes])
        self.wishes.setRowCount(len(rows))
        for row, wish in enumerate(rows):
            unit = self.state.unit(wish.unit_code)
            taken = wish.taken
            label = unit_label(unit) if unit is not None else wish.unit_code
            status = self.tr("Chosen by another") if taken else self.tr("Free")
            for column, text in enumerate((str(row + 1), label, status)):
                item = QTableWidgetItem(text)
                if taken:
                    font = item.font()
                    font.setStrikeOut(column == 1)
                    item.setFont(font)
                    item.setForeground(self.palette().placeholderText())
                self.wishes.setItem(row, column, item)
        self.list_title.setText(self.tr("Wish list ({n} of {max})").format(n=len(rows), max=MAX_WISHES))
        self.taken_note.setVisible(any(w.taken for w in rows))
        reselect(self.wishes, [{"unit_code": c} for c in codes], keep)

    def _select_first_free(self) -> None:
        rows = self.state.turn.wishes if self.state.turn is not None else ()
        for index, wish in enumerate(rows):
            if not wish.taken:
                self.wishes.selectRow(index)
                return

    def selected_wish(self) -> WishView | None:
        rows = self.state.turn.wishes if self.state.turn is not None else ()
        selected = self.wishes.selectionModel().selectedRows()
        return rows[selected[0].row()] if selected and selected[0].row() < len(rows) else None

    def _refresh_buttons(self) -> None:
        has_free = bool(self.free.selectionModel().selectedRows())
        has_wish = self.selected_wish() is not None
        self.add.setEnabled(not self.busy and has_free and len(self._list) < MAX_WISHES)
        for button in (self.up, self.down, self.top, self.delete):
            button.setEnabled(not self.busy and has_wish)
        self.refresh_primary()

    def primary_enabled(self) -> bool:
        wish = self.selected_wish()
        turn = self.state.turn
        return bool(turn and turn.state == "open" and wish is not None and not wish.taken)

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self._refresh_buttons()

    # --- the list ---

    def add_selected(self) -> None:
        selected = self.free.selectionModel().selectedRows()
        turn = self.state.turn
        if not selected or self.busy or turn is None:
            return
        code = str(self._offered[selected[0].row()].get("unit_code"))
        service, plan = self.state.service, self.state.plan_code
        self._send(lambda: service.add_wish(plan, turn.reg_no, code), focus=self.free)

    def move(self, where: str) -> None:
        wish, turn = self.selected_wish(), self.state.turn
        if wish is None or self.busy or turn is None:
            return
        service, plan, code = self.state.service, self.state.plan_code, wish.unit_code
        self._send(lambda: service.move_wish(plan, turn.reg_no, code, where), focus=self.wishes, keep=code)

    def delete_selected(self) -> None:
        wish, turn = self.selected_wish(), self.state.turn
        if wish is None or self.busy or turn is None:
            return
        service, plan, code = self.state.service, self.state.plan_code, wish.unit_code
        self._send(lambda: service.remove_wish(plan, turn.reg_no, code), focus=self.wishes)

    def _send(self, change: Any, *, focus: Any, keep: str | None = None) -> None:
        """One change of the list at the centre (the service checks the core's rules first: five at most, the
        pool's units, none taken); refused, the state is read again, so the list shows what the centre has."""

        def done(turn: TurnView) -> None:
            self.state.take_turn(turn)
            if keep is not None:
                reselect(self.wishes, [{"unit_code": c} for c in turn.wish_codes], keep)
            focus.setFocus()

        self.run_network(change, done, lambda _e: self._reread())

    def _reread(self) -> None:
        """The state read again after a refusal; the refusal's words stay on screen meanwhile."""
        service, plan = self.state.service, self.state.plan_code
        run_in_background(
            self, lambda: service.state(plan), self.state.take_reading, lambda _e: None, Lane.NETWORK
        )

    # --- the turn ---

    def go_on(self) -> None:
        """Confirm the selected unit of the list: final. The centre arbitrates; a refusal says why. After a lost
        answer the same key asks again (the centre answers one key once: never a second choice)."""
        wish, turn = self.selected_wish(), self.state.turn
        if wish is None or turn is None:
            return
        service, plan, unit = self.state.service, self.state.plan_code, wish.unit_code
        operator = self.state.signed_in()
        key = self._key if self._key_unit == unit else None
        self.run_network(lambda: service.confirm(plan, turn.reg_no, unit, operator, key), self._confirmed)

    def _confirmed(self, outcome: ConfirmOutcome) -> None:
        if outcome.turn is not None:
            self.state.take_turn(outcome.turn)
        if self.state.finished:
            self._key, self._key_unit = None, None
            self.moved_on.emit()
            return
        # Not chosen (refused, not through) or not known yet: said on screen, nothing told the household.
        self._key, self._key_unit = outcome.key, outcome.unit_code
        self.error.show_text(f"{outcome.message}\n→ {outcome.hint}" if outcome.hint else outcome.message)
        if outcome.status == "unknown":
            self.primary.setText(self.tr("Check the result with the centre"))
            # The centre is away: the link and the countdown say so (paused there) until a read succeeds.
            self.state.offline, self.state.link_message = True, outcome.message
            self.state.selection_changed.emit()
        else:
            self.primary.setText(self.tr("Confirm this unit (final)"))
        self._reread()

    def decline_turn(self) -> None:
        turn = self.state.turn
        if turn is None or self.busy or not self.ask_decline():
            return
        service, plan, reg_no = self.state.service, self.state.plan_code, turn.reg_no
        reason = self.tr("The household gave up selection at the counter")
        self.run_network(lambda: service.decline(plan, reg_no, reason), self._declined)

    def _declined(self, turn: TurnView) -> None:
        self.state.take_turn(turn)
        self.moved_on.emit()

    def ask_decline(self) -> bool:
        """Staff confirm a decline (no supplementary selection after it); tests answer for them."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            self.tr("Household declines"),
            self.tr(
                "Record that the household gives up its selection? It may not apply for supplementary selection."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
