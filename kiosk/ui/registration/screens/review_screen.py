"""Step 5: everything that will be registered, in large type beside the slip preview; confirm registers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk.services.online import OnlineAnswer, offline
from kiosk.services.registration import ClaimRefused, Prepared
from kiosk.services.views import OperatorSession, RegistrationView
from kiosk.ui import messages
from kiosk.ui.registration.screens import MessageLabel, Screen, area, discard, label, rent
from kiosk.ui.workers import Lane, run_in_background

if TYPE_CHECKING:
    from kiosk.services.registration import RegistrationService
    from kiosk.services.slip_printing import SlipService
    from kiosk.ui.registration.draft_state import DraftState

log = logging.getLogger(__name__)
PREVIEW_WIDTH = 900  # pixels the slip is rendered at; the widget scales it down to fit


def render_pdf_page(pdf: bytes, width: int = PREVIEW_WIDTH) -> QImage:
    """The first page as an image on white (QPdfDocument renders onto transparent). Safe on a worker."""
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    try:
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
            raise ValueError(f"slip preview could not be read: {document.error()}")
        points = document.pagePointSize(0)
        size = QSize(width, round(width * points.height() / points.width()))
        page = document.render(0, size)
        image = QImage(size, QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        painter.drawImage(0, 0, page)
        painter.end()
        return image
    finally:
        document.close()
        buffer.close()


class SlipPreview(QWidget):
    """The rendered slip, scaled to the space it has and kept in proportion."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("slipPreview")
        self.image = QImage()
        self.setMinimumWidth(360)

    def set_image(self, image: QImage) -> None:
        self.image = image
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if self.image.isNull():
            return
        fitted = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(0, 0, fitted.width(), fitted.height())
        target.moveCenter(self.rect().center())
        target.moveTop(0)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, self.image)
        painter.setPen(Qt.GlobalColor.darkGray)
        painter.drawRect(target.adjusted(0, 0, -1, -1))
        painter.end()


class SummaryScroll(QScrollArea):
    """Scrolls up and down, never sideways: as wide as its words need (large text), the preview gets the rest."""

    def __init__(self, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # Its content changing (a household's data filled in) makes the layout ask its width again.
        self.setSizeAdjustPolicy(QScrollArea.SizeAdjustPolicy.AdjustToContents)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is None:
            return hint
        width = content.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(max(hint.width(), width), hint.height())


@dataclass(frozen=True)
class _Preview:
    view: RegistrationView
    image: QImage


class ReviewScreen(Screen):
    def __init__(
        self,
        state: DraftState,
        registration: RegistrationService,
        slips: SlipService,
        operator_getter: Callable[[], OperatorSession],
        parent: QWidget | None = None,
    ):
        super().__init__(state, parent)
        self._registration = registration
        self._slips = slips
        self._operator = operator_getter
        self.view: RegistrationView | None = None
        self._sections: list[tuple[str, list[tuple[str, str]]]] = []
        self._stacked = False
        self.title = label(self.tr("Check everything, then confirm"), kind="subtitle")
        self.message = MessageLabel()
        self.summary = QWidget(objectName="reviewSummary")
        self._grid = QGridLayout(self.summary)
        self._grid.setHorizontalSpacing(18)
        self._grid.setVerticalSpacing(6)
        self._grid.setColumnStretch(1, 1)
        scroll = SummaryScroll(objectName="optionScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.summary)
        self.preview = SlipPreview()
        right = QVBoxLayout()
        caption = label(self.tr("Slip preview"), kind="hint")
        caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        right.addWidget(caption)
        right.addWidget(self.preview, 1)
        body = QHBoxLayout()
        body.setSpacing(24)
        body.addWidget(scroll, 2)  # the words first: at large text they need the room more than the picture
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)

    # --- wizard ---
    def primary_text(self) -> str:
        return self.tr("Registering…") if self.busy else self.tr("Confirm registration")

    def primary_enabled(self) -> bool:
        return not self.busy and self.view is not None and self.state.ack is not None

    def can_leave(self) -> bool:
        return not self.busy

    def enter(self) -> None:
        self._show(None)
        draft, operator = self.state.draft(), self._operator()
        if draft is None:
            return

        def build() -> _Preview:
            view = self._registration.preview(draft, operator)
            return _Preview(view, render_pdf_page(self._slips.preview_pdf(view)))

        self.run(build, self._on_preview, self._on_failed)

    def go_on(self) -> None:
        draft, operator = self.state.draft(), self._operator()
        if not self.primary_enabled() or draft is None:
            return
        self.message.clear_message()
        if draft.unit_id is None:  # a quick plan: nothing to claim, the outbox tells the centre
            self.run(
                lambda: self._registration.register(draft, operator), self._on_registered, self._on_failed
            )
            return
        # A real-time unit: claimed at the centre before anything is printed. Prepare registers it (provisional)
        # and finish records the centre's answer, on the database lane; the claim waits on the network lane.
        self.run(lambda: self._registration.prepare(draft, operator), self._claim, self._claim_failed)

    def clear(self) -> None:
        self._show(None)

    # --- the real-time claim ---
    def _claim(self, prepared: Prepared) -> None:
        self._set_busy(True)  # until finish: confirm stays off, and the way back closed
        self.message.show_text(self.tr("Asking the centre for this unit…"), "info")

        def lost(exc: Exception) -> None:
            # The claim may have reached the centre: recorded as unanswered (provisional), the outbox asks again.
            log.error("claim of %s failed unexpectedly", prepared.reg_no, exc_info=exc)
            self._finish(prepared, offline(type(exc).__name__))

        run_in_background(
            self,
            lambda: self._registration.claim(prepared),
            lambda answer: self._finish(prepared, answer),
            lost,
            lane=Lane.NETWORK,
        )

    def _finish(self, prepared: Prepared, answer: OnlineAnswer) -> None:
        """Recorded whatever the screen does meanwhile (next household): it is this registration's answer."""
        generation = self.state.generation

        def done(view: RegistrationView) -> None:
            self._set_busy(False)
            if generation == self.state.generation:
                self._on_registered(view)
            else:
                messages.show(
                    messages.Level.INFO, self.tr("Registration {reg_no} saved").format(reg_no=view.reg_no)
                )

        def failed(exc: Exception) -> None:
            self._set_busy(False)
            if generation != self.state.generation:
                messages.show_error(exc)
            else:
                self._claim_failed(exc)

        run_in_background(
            self, lambda: self._registration.finish(prepared, answer), done, failed, lane=Lane.DATABASE
        )

    def _claim_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        if isinstance(exc, ClaimRefused) and exc.unit_taken:
            self.message.clear_message()
            self.choice_refused.emit(exc)  # back to the units, where it now shows taken
        else:
            self._on_failed(exc)

    # --- slots ---
    def _on_preview(self, preview: _Preview) -> None:
        self._show(preview.view)
        self.preview.set_image(preview.image)

    def _on_registered(self, view: RegistrationView) -> None:
        self.state.set_registration(view)
        self.step_done.emit()

    def _on_failed(self, exc: Exception) -> None:
        self.message.show_error(exc)

    def _show(self, view: RegistrationView | None) -> None:
        self.view = view
        self.message.clear_message()
        self.preview.set_image(QImage())
        self._clear_grid()
        if view is not None:
            self._fill(view)
        self.primary_changed.emit()

    def _fill(self, v: RegistrationView) -> None:
        reading = self.tr("read aloud") if v.notice_read_aloud else self.tr("read by the applicant")
        sections = [
            (
                self.tr("Household"),
                [
                    (self.tr("Applicant"), v.applicant_name),
                    (self.tr("Filing number"), v.filing_no),
                    (self.tr("Resident ID"), v.applicant_id_masked),
                    (
                        self.tr("Family"),
                        self.tr("{n} person(s), {district}").format(n=v.family_size, district=v.district),
                    ),
                    (self.tr("Phone"), v.phone_masked or "—"),
                ],
            ),
            (
                self.tr("Registering for"),
                [
                    (self.tr("Plan"), f"【{v.plan_kind_label}】{v.plan_name}"),
                    (self.tr("Project"), v.project_name),
                    (self.tr("Address"), v.project_address),
                    (self.tr("Unit type"), f"{v.unit_type_name} · {area(v.area)} · {rent(v.rent)}"),
                ]
                + ([(self.tr("Unit"), v.unit_label)] if v.unit_label else []),
            ),
            (
                self.tr("Record"),
                [
                    (
                        self.tr("Notice"),
                        self.tr("version {n}, {how}").format(n=v.notice_version, how=reading),
                    ),
                    (
                        self.tr("Counter"),
                        self.tr("{counter}, {operator}").format(counter=v.counter, operator=v.operator_name),
                    ),
                ],
            ),
        ]
        self._sections = sections
        self._stacked = self._needs_stacking()
        self._lay_out()

    def _needs_stacking(self) -> bool:
        """At large text on a narrow screen a title beside an ID number does not fit: the value goes below."""
        widest_value = self.fontMetrics().horizontalAdvance("0" * 18) * 1.1
        widest_title = self.fontMetrics().horizontalAdvance("备案编号" + "0")
        return widest_title + widest_value + 64 > self.width() * 0.6

    def _clear_grid(self) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                discard(item.widget())
        for row in range(self._grid.rowCount()):
            self._grid.setRowStretch(row, 0)

    def _lay_out(self) -> None:
        self._clear_grid()
        row = 0
        for title, rows in self._sections:
            self._grid.addWidget(label(title, factor=1.1, bold=True, name="sectionTitle"), row, 0, 1, 2)
            row += 1
            for name, value in rows:
                title_label = label(name, name="fieldTitle", wrap=False)
                value_label = label(value, factor=1.1, name="fieldValue")
                if self._stacked:
                    self._grid.addWidget(title_label, row, 0, 1, 2)
                    self._grid.addWidget(value_label, row + 1, 0, 1, 2)
                    row += 2
                else:
                    self._grid.addWidget(title_label, row, 0, Qt.AlignmentFlag.AlignBaseline)
                    self._grid.addWidget(value_label, row, 1, Qt.AlignmentFlag.AlignBaseline)
                    row += 1
        self._grid.setRowStretch(row, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.view is not None and self._needs_stacking() != self._stacked:
            self._stacked = not self._stacked
            self._lay_out()
