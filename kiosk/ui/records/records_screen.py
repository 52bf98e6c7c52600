"""Records: find a household's registrations by one scan, then reprint, cancel or change the phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui import messages
from kiosk.ui.masked_edit import MaskedNumberEdit
from kiosk.ui.records.dialogs.cancel_dialog import CancelDialog
from kiosk.ui.records.dialogs.export_dialog import ExportDialog
from kiosk.ui.records.dialogs.phone_dialog import PhoneDialog
from kiosk.ui.records.registration_table import RegistrationTable
from kiosk.ui.records.slip_verdict import SlipVerdict
from kiosk.ui.theme import InlineError, set_kind
from kiosk.ui.workers import Lane, run_in_background
from kiosk_core.model import Role

if TYPE_CHECKING:
    from kiosk.services.exports import ExportService
    from kiosk.services.records import Found, RecordsService
    from kiosk.services.slip_printing import PrintOutcome, SlipService
    from kiosk.services.views import OperatorSession, RegistrationView


class RecordsScreen(QWidget):
    back_requested = Signal()
    draw_results_requested = Signal(str)  # the search box's query: the lottery's result lookup finds it too
    selection_results_requested = Signal(str)  # likewise the chosen unit and its 选房确认书

    def __init__(
        self,
        records: RecordsService,
        slips: SlipService,
        operator_getter: Callable[[], OperatorSession | None],
        parent: QWidget | None = None,
        exports: ExportService | None = None,
    ):
        super().__init__(parent)
        self._records = records
        self._exports = exports
        self.export_dialog: ExportDialog | None = None
        self._slips = slips
        self._operator = operator_getter
        self._query = ""
        self._searched = ""
        self._busy = False
        self._reload: Callable[[], None] | None = (
            None  # the last search or list, to show it again after a change
        )

        title = QLabel(self.tr("Registration records"))
        set_kind(title, "title")
        # A resident ID number searched for shows masked once searched; the service gets it whole.
        self.query = MaskedNumberEdit("id", objectName="recordsQuery")
        self.query.setPlaceholderText(
            self.tr("Scan or type a resident ID, filing number, registration number, or a slip's QR or code")
        )
        self.query.setClearButtonEnabled(True)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.setObjectName("search")
        set_kind(self.search_button, "primary")
        self.back = QPushButton(self.tr("Back"))
        self.back.setObjectName("recordsBack")
        self.error = InlineError()
        self.error.setObjectName("recordsError")
        self.summary = QLabel()
        self.summary.setObjectName("recordsSummary")
        self.summary.setWordWrap(True)
        set_kind(self.summary, "subtitle")
        self.verdict = SlipVerdict()  # a slip check's answer, coloured by its level

        self.table = RegistrationTable()

        self.reprint = QPushButton(self.tr("Reprint slip"))
        self.reprint.setObjectName("reprint")
        self.cancel = QPushButton(self.tr("Cancel registration"))
        self.cancel.setObjectName("cancelRegistration")
        set_kind(self.cancel, "danger")
        self.change_phone = QPushButton(self.tr("Change phone"))
        self.change_phone.setObjectName("changePhone")
        self.draw_results = QPushButton(self.tr("Draw results"))
        self.draw_results.setObjectName("openDrawResults")
        self.selection_results = QPushButton(self.tr("Selection results"))
        self.selection_results.setObjectName("openSelectionResults")
        self.export = QPushButton(self.tr("Export registrations"))
        self.export.setObjectName("exportRegistrations")
        self.export.setShortcut(QKeySequence("Ctrl+E"))  # inactive while hidden: clerks do not have it
        self.export.hide()

        search_row = QHBoxLayout()
        search_row.addWidget(self.query, 1)
        search_row.addWidget(self.search_button)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.back)
        actions = QHBoxLayout()
        actions.addWidget(self.reprint)
        actions.addWidget(self.change_phone)
        actions.addStretch(1)
        actions.addWidget(self.cancel)
        results = QHBoxLayout()  # a row of their own: five in one overflow 1366 px at the largest text
        results.addWidget(self.draw_results)
        results.addWidget(self.selection_results)
        results.addStretch(1)
        results.addWidget(self.export)
        column = QVBoxLayout(self)
        column.setSpacing(12)
        column.addLayout(top)
        column.addLayout(search_row)
        column.addWidget(self.error)
        column.addWidget(self.verdict)
        column.addWidget(self.summary)
        column.addWidget(self.table, 1)
        column.addLayout(actions)
        column.addLayout(results)

        self.query.returnPressed.connect(lambda: self.search())
        self.search_button.clicked.connect(lambda: self.search())
        self.back.clicked.connect(self.back_requested)
        self.table.itemSelectionChanged.connect(self._update_actions)
        self.reprint.clicked.connect(self._reprint)
        self.cancel.clicked.connect(self._cancel)
        self.change_phone.clicked.connect(self._change_phone)
        self.export.clicked.connect(self._export)
        self.draw_results.clicked.connect(
            lambda: self.draw_results_requested.emit(self.query.number().strip())
        )
        self.selection_results.clicked.connect(
            lambda: self.selection_results_requested.emit(self.query.number().strip())
        )
        self.setFocusProxy(self.query)
        self._update_actions()

    # --- public slots -------------------------------------------------------------------------------------

    def search(self, query: str | None = None) -> None:
        """Find by whatever is in the box (a scanner types and presses Enter), or by ``query`` if given."""
        if query is not None:
            self.query.setText(query)
        text = self.query.number()
        self._reload = lambda: self.search(text)
        self._searched = text  # what refresh() runs again
        self.error.clear()
        self.summary.clear()
        self.verdict.show_check(None)
        records, operator = self._records, self._operator()
        counter = operator.counter if operator else ""
        run_in_background(
            self, lambda: records.search(text, counter), lambda found: self._found(text, found), self._failed
        )

    def show_rejected(self) -> None:
        """Every registration the centre turned down: staff call these households back."""
        self.query.clear()
        self.error.clear()
        self.verdict.show_check(None)
        self._reload = self.show_rejected
        records = self._records
        run_in_background(self, records.rejected, self._show_rejected, self._failed)

    def refresh(self) -> None:
        """Registrations changed elsewhere (the change notice): the table shows the database again.

        The search box, the slip check and the focus are left as they are: staff may be typing the next scan.
        """
        if self._reload is None:
            return
        records, query = self._records, self._searched
        if self._reload == self.show_rejected:
            run_in_background(self, records.rejected, self._show_rejected, lambda _exc: None)
            return
        operator = self._operator()
        counter = operator.counter if operator else ""
        run_in_background(
            self,
            lambda: records.search(query, counter),
            lambda found: self._show(query, found.registrations),
            lambda _exc: None,  # logged where it failed; the table stays as it was
        )

    def clear(self) -> None:
        """Nothing of the last household left (sign-out, next household)."""
        self.query.clear()
        self.error.clear()
        self.summary.clear()
        self.verdict.show_check(None)
        self._query = ""
        self._reload = None
        self.table.show_views([])
        self._update_actions()

    def reset(self) -> None:
        """The shell's word for it (next household, sign-out)."""
        self.clear()

    def selected(self) -> RegistrationView | None:
        return self.table.selected()

    # --- rendering ----------------------------------------------------------------------------------------

    def _found(self, query: str, found: Found) -> None:
        self._show(query, found.registrations)
        self.verdict.show_check(found.check)
        if found.check is not None and not found.registrations:
            self.summary.clear()  # the verdict says what there is to say
        self.query.selectAll()  # the next scan replaces this one

    def _show(self, query: str, views: list[RegistrationView]) -> None:
        self._query = query
        self.query.conceal()
        self.table.show_views(views)
        if views:
            first = views[0]
            self.summary.setText(
                self.tr("{name} · filing {filing_no} · phone {phone} · {n} registration(s)").format(
                    name=first.applicant_name,
                    filing_no=first.filing_no,
                    phone=first.phone_masked,
                    n=len(views),
                )
            )
        else:
            self.summary.setText(self.tr("No registrations found for {query}").format(query=query.strip()))
        self._update_actions()

    def _show_rejected(self, views: list[RegistrationView]) -> None:
        self._show("", views)
        self.summary.setText(self.tr("Registrations the centre turned down: {n}").format(n=len(views)))

    def _replace(self, view: RegistrationView) -> None:
        self.table.replace(view)
        self._update_actions()

    def _update_actions(self) -> None:
        view = self.selected()
        # A turned-down registration prints as the household's notice of why.
        printable = view is not None and view.status in ("active", "rejected")
        self.reprint.setEnabled(printable and not self._busy)
        self.cancel.setEnabled(view is not None and view.status == "active")
        self.change_phone.setEnabled(view is not None)
        operator = self._operator()
        supervisor = operator is not None and operator.role == Role.SUPERVISOR
        self.export.setVisible(self._exports is not None and supervisor)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self._update_actions()  # whoever signed in since it was last shown
        super().showEvent(event)

    def _failed(self, exc: Exception) -> None:
        self.error.show_error(exc)
        self.query.conceal()  # a well-formed ID number searched in vain is not shown whole either
        self.query.setFocus()
        self.query.selectAll()

    # --- actions ------------------------------------------------------------------------------------------

    def _reprint(self) -> None:
        view, operator = self.selected(), self._operator()
        if view is None or operator is None or self._busy:
            return
        self._busy = True
        self._update_actions()
        slips = self._slips
        run_in_background(
            self,
            lambda: slips.print_slip(view.reg_no, operator, reprint=True),
            self._printed,
            self._print_failed,
            lane=Lane.NETWORK,  # the printer may take a while: not on the database queue
        )

    def _printed(self, outcome: PrintOutcome) -> None:
        self._busy = False
        self._replace(outcome.registration)
        level = messages.Level.SUCCESS if outcome.printed else messages.Level.WARNING
        messages.show(level, outcome.message)

    def _print_failed(self, exc: Exception) -> None:
        self._busy = False
        self._update_actions()
        messages.show_error(exc)

    def _cancel(self) -> None:
        view, operator = self.selected(), self._operator()
        if view is None or operator is None:
            return
        cancelled = CancelDialog.ask(self, self._records, view, operator)
        self._read_again()
        if cancelled is not None:
            self._replace(cancelled)
            messages.show(
                messages.Level.SUCCESS,
                self.tr("Registration {reg_no} has been cancelled").format(reg_no=cancelled.reg_no),
            )

    def _change_phone(self) -> None:
        view, operator = self.selected(), self._operator()
        if view is None or operator is None:
            return
        changed = PhoneDialog.ask(self, self._records, view, operator)
        self._read_again()  # every active registration of the household carries the phone
        if changed is not None:
            messages.show(
                messages.Level.SUCCESS,
                self.tr("Contact phone changed to {phone}").format(phone=changed.phone_masked),
            )

    def _export(self) -> None:
        operator = self._operator()
        if self._exports is None or operator is None or operator.role != Role.SUPERVISOR:
            return
        dialog = ExportDialog(self._exports, operator, self)
        dialog.finished.connect(self._export_closed)
        self.export_dialog = dialog
        dialog.open()  # modal without a nested event loop: the worker's answer arrives as usual

    def _export_closed(self) -> None:
        if self.export_dialog is not None:
            self.export_dialog.deleteLater()
            self.export_dialog = None

    def _read_again(self) -> None:
        """After a dialog, whatever it did: the table shows the database, never what it was before."""
        if self._reload is not None:
            self._reload()
