"""Step 2: the plans open for registration now or soon, each with its window, countdown and reasons."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.services.catalog import CatalogService
from kiosk.services.clock import Clock, system_clock
from kiosk.services.views import PlanOption
from kiosk.ui.registration.screens import (
    MessageLabel,
    OptionCard,
    Screen,
    countdown,
    discard,
    label,
    option_list,
    refusal_lines,
    repolish,
    when,
)

if TYPE_CHECKING:
    from kiosk.ui.registration.draft_state import DraftState

ANNOUNCEMENT_PREVIEW = 38  # characters of the announcement on one line before "more"


class PlanCard(OptionCard):
    def __init__(self, plan: PlanOption, parent: QWidget | None = None, *, now: datetime | None = None):
        super().__init__(plan.available, parent)
        self.plan = plan
        self.setObjectName("planCard")
        kind = label(plan.kind_label, name="kindBadge", wrap=False)
        kind.setProperty("planKind", plan.kind.value)
        title = label(f"{plan.name}", factor=1.2, bold=True)
        code = label(plan.code, kind="hint", wrap=False)
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(kind, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(title, 1)
        head.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(code, 0, Qt.AlignmentFlag.AlignVCenter)
        self.body.addLayout(head)
        window = self.tr("Registration: {start} to {end}").format(
            start=when(plan.window_start), end=when(plan.window_end)
        )
        self.countdown = label(name="countdown", wrap=False)
        self.count = label(self._count_text(now or datetime.now()), name="planCount", wrap=False)
        line = QHBoxLayout()
        line.addWidget(label(window), 1)
        self.body.addLayout(line)
        line2 = QHBoxLayout()
        line2.addWidget(self.countdown)
        line2.addSpacing(24)
        line2.addWidget(self.count)
        line2.addStretch(1)
        self.body.addLayout(line2)
        self.announcement = label(name="announcement")
        self.more = QPushButton(objectName="linkButton")
        self.more.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.more.setCursor(Qt.CursorShape.PointingHandCursor)
        self.more.clicked.connect(self._on_more_clicked)
        ann = QHBoxLayout()
        ann.addWidget(self.announcement, 1)
        ann.addWidget(self.more, 0, Qt.AlignmentFlag.AlignBottom)
        self.body.addLayout(ann)
        # Only once it has a parent: a parentless widget made visible becomes a window of its own.
        self.more.setVisible(len(plan.announcement) > ANNOUNCEMENT_PREVIEW)
        self._expanded = False
        self._show_announcement()
        if plan.refusals:
            self.body.addWidget(label(refusal_lines(plan.refusals), name="refusal"))

    def _count_text(self, now: datetime) -> str:
        """The centre's figure for the whole plan with the (centre's) time it was counted, and this counter's
        registrations it does not include yet; this counter's own figure when there is no centre's."""
        p = self.plan
        n = f"{p.registered_count:,}".replace(",", "\u00a0")  # 1 234: grouped, never broken across lines
        if p.count_central_at is None:
            return self.tr("{n} households registered").format(n=n)
        at = p.count_central_at
        shown = at.strftime("%H:%M") if at.date() == now.date() else at.strftime("%m-%d %H:%M")
        if p.count_not_included:
            return self.tr("{n} households registered (centre {at}), {m} more here not yet counted").format(
                n=n, at=shown, m=p.count_not_included
            )
        return self.tr("{n} households registered (centre {at})").format(n=n, at=shown)

    def update_countdown(self, now_phase: tuple[str, str]) -> None:
        text, phase = now_phase
        self.countdown.setText(text)
        if self.countdown.property("phase") != phase:
            self.countdown.setProperty("phase", phase)
            repolish(self.countdown)

    def _show_announcement(self) -> None:
        text = self.plan.announcement.strip()
        if not self._expanded:
            text = " ".join(text.split())  # one line: the card stays short
            if len(text) > ANNOUNCEMENT_PREVIEW:
                text = text[:ANNOUNCEMENT_PREVIEW].rstrip() + "…"
        self.announcement.setText(self.tr("Announcement: {text}").format(text=text))
        self.more.setText(self.tr("Less ▴") if self._expanded else self.tr("Full announcement ▾"))

    def _on_more_clicked(self) -> None:
        self._expanded = not self._expanded
        self._show_announcement()


class PlanScreen(Screen):
    def __init__(
        self,
        state: DraftState,
        catalog: CatalogService,
        clock: Clock = system_clock,
        parent: QWidget | None = None,
    ):
        super().__init__(state, parent)
        self._catalog = catalog
        self._clock = clock
        self.cards: list[PlanCard] = []
        self.title = label(self.tr("Choose a plan"), kind="subtitle")
        self.message = MessageLabel()
        self.empty = label(self.tr("No plan is open for registration now or soon."), kind="hint")
        self.empty.hide()
        self._list, self.scroll_area = option_list(14)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.scroll_area, 1)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._on_tick)
        self._phases: list[str] = []
        state.plan_changed.connect(self._on_plan_changed)

    # --- wizard ---
    def primary_enabled(self) -> bool:
        return not self.busy and self.state.plan is not None

    def enter(self) -> None:
        self._load()

    def leave(self) -> None:
        self._timer.stop()

    def clear(self) -> None:
        self._timer.stop()
        self._set_cards([])
        self.message.clear_message()

    def default_focus(self) -> QWidget | None:
        """The chosen plan's card, else the first one that can be chosen (Space chooses it)."""
        chosen = next((c for c in self.cards if c.plan is self.state.plan), None)
        return chosen or next((c for c in self.cards if c.available), None)

    # --- slots ---
    def _load(self) -> None:
        household = self.state.household
        if household is None:
            return
        self.message.clear_message()
        self.run(lambda: self._catalog.plan_options(household.id), self._on_loaded, self._on_failed)

    def _on_loaded(self, plans: list[PlanOption]) -> None:
        self._set_cards(plans)
        chosen = self.state.plan
        keep = next((p for p in plans if chosen is not None and p.id == chosen.id and p.available), None)
        available = [p for p in plans if p.available]
        if keep is None and len(available) == 1:
            keep = available[0]  # the only possible choice: pre-selected, still shown
        self.state.set_plan(keep)
        self._on_tick()
        self._timer.start()
        focus = self.default_focus()
        if focus is not None and self.isVisible():
            focus.setFocus()

    def _on_failed(self, exc: Exception) -> None:
        self._set_cards([])
        self.message.show_error(exc)

    def _set_cards(self, plans: list[PlanOption]) -> None:
        for card in self.cards:
            discard(card)
        self.cards = []
        for plan in plans:
            card = PlanCard(plan, now=self._clock())
            card.chosen.connect(lambda p=plan: self.state.set_plan(p))
            card.activated.connect(self._on_card_activated)
            self._list.addWidget(card)
            card.show()  # now, not on the next event loop turn: staff may click at once
            self.cards.append(card)
        self._phases = []
        self.empty.setVisible(not plans and self.state.household is not None and not self.message.isVisible())
        self._on_plan_changed(self.state.plan)

    def _on_card_activated(self) -> None:
        if self.primary_enabled():
            self.go_on()

    def _on_tick(self) -> None:
        now = self._clock()
        phases = []
        for card in self.cards:
            shown = countdown(now, card.plan.window_start, card.plan.window_end)
            card.update_countdown(shown)
            phases.append(shown[1])
        if self._phases and phases != self._phases and self.isVisible():
            self._load()  # a window opened or closed: the service says again what may be chosen
        self._phases = phases

    def _on_plan_changed(self, plan: PlanOption | None) -> None:
        for card in self.cards:
            card.set_selected(plan is not None and card.plan.id == plan.id)
        self.primary_changed.emit()
