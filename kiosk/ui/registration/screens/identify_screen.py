"""Step 1: the filing number (scanned or typed) and the applicant's resident ID identify the household."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.households import HouseholdService
from kiosk.services.views import HouseholdView, is_slip_qr
from kiosk.ui.flow_layout import FlowLayout
from kiosk.ui.masked_edit import MaskedNumberEdit
from kiosk.ui.registration.screens import MessageLabel, Screen, label, repolish

if TYPE_CHECKING:
    from kiosk.ui.registration.draft_state import DraftState


class IdentifyScreen(Screen):
    records_requested = Signal(str)  # filing_no

    def __init__(self, state: DraftState, households: HouseholdService, parent: QWidget | None = None):
        super().__init__(state, parent)
        self._households = households
        self.filing_edit = QLineEdit(objectName="filingEdit")
        self.filing_edit.setPlaceholderText(self.tr("Scan the barcode on the filing notice, or type it"))
        # Shows the number masked once the lookup is done (or the clerk moved on); the service gets it whole.
        self.id_edit = MaskedNumberEdit("id", objectName="idEdit")
        self.id_edit.setPlaceholderText(self.tr("18 characters; the last may be X"))
        for edit in (self.filing_edit, self.id_edit):
            edit.setMinimumHeight(64)
            edit.setClearButtonEnabled(True)
            edit.textEdited.connect(self._on_input_edited)
        self.message = MessageLabel()

        form = QVBoxLayout()
        form.setSpacing(8)
        form.addWidget(label(self.tr("Scan or type the household's identity"), kind="subtitle"))
        form.addSpacing(8)
        form.addWidget(label(self.tr("Filing number"), bold=True))
        form.addWidget(self.filing_edit)
        form.addSpacing(12)
        form.addWidget(label(self.tr("Applicant's resident ID number"), bold=True))
        form.addWidget(self.id_edit)
        form.addSpacing(12)
        form.addWidget(self.message)
        form.addStretch(1)
        form.addWidget(
            label(
                self.tr(
                    "After a scan the cursor moves to the ID number by itself; Enter after the ID number verifies."
                ),
                kind="hint",
            )
        )

        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 8)
        layout.setSpacing(32)
        layout.addLayout(form, 5)
        layout.addWidget(self._build_result(), 6)
        state.household_changed.connect(self._on_household_changed)
        self._on_household_changed(None)

    def _build_result(self) -> QFrame:
        panel = QFrame(objectName="resultPanel")
        box = QVBoxLayout(panel)
        box.setContentsMargins(20, 16, 20, 16)
        self.placeholder = label(self.tr("The household appears here after verification."), kind="hint")
        self.name_label = label(factor=1.5, bold=True, name="applicantName")
        self.status_label = label(name="filingStatus", wrap=False)
        head = QHBoxLayout()
        head.addWidget(self.name_label, 1)
        head.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignTop)
        self.fields: dict[str, QLabel] = {}
        self.details = QWidget(objectName="householdDetails")
        # Title and value never wrap; the pairs stand two abreast when they fit, else one below the other.
        grid = FlowLayout(self.details, spacing=8, uniform=True)
        titles = [
            ("filing", self.tr("Filing number")),
            ("id", self.tr("Resident ID")),
            ("district", self.tr("District")),
            ("valid", self.tr("Valid until")),
            ("phone", self.tr("Phone")),
            ("size", self.tr("Family size")),
        ]
        title_width = max(QFontMetrics(self.font()).horizontalAdvance(t + "：") for _, t in titles)
        for key, title in titles:
            pair = QWidget()
            line = QHBoxLayout(pair)
            line.setContentsMargins(0, 0, 16, 0)
            line.setSpacing(12)
            name = label(title + "：", name="fieldTitle", wrap=False)
            name.setMinimumWidth(title_width)  # values line up in a column
            self.fields[key] = label(name="fieldValue", wrap=False)
            line.addWidget(name)
            line.addWidget(self.fields[key], 1)
            grid.addWidget(pair)
        self.members = QTableWidget(0, 3, objectName="membersTable")
        self.members.setHorizontalHeaderLabels([self.tr("Relation"), self.tr("Name"), self.tr("Resident ID")])
        self.members.verticalHeader().hide()
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.members.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.members.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.members.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.records_button = QPushButton(self.tr("View registration records"), objectName="recordsButton")
        self.records_button.setMinimumHeight(56)
        self.records_button.clicked.connect(self._on_records_clicked)
        box.addWidget(self.placeholder)
        box.addLayout(head)
        box.addWidget(self.details)
        self.members_title = label(self.tr("Family members"), bold=True, wrap=False)
        # The button beside the members' title, never over their rows (a six-person household fills the box).
        members_head = QHBoxLayout()
        members_head.addWidget(self.members_title, 1, Qt.AlignmentFlag.AlignBottom)
        members_head.addWidget(self.records_button)
        box.addLayout(members_head)
        box.addWidget(self.members, 1)
        box.addStretch(0)
        self._result_widgets: list[QWidget] = [
            self.name_label,
            self.status_label,
            self.details,
            self.members_title,
            self.members,
            self.records_button,
        ]
        return panel

    # --- wizard ---
    def primary_text(self) -> str:
        if self.busy:
            return self.tr("Verifying…")
        return self.tr("Next: choose a plan ›") if self.state.household else self.tr("Verify")

    def default_focus(self) -> QWidget:
        return self.filing_edit

    def handle_enter(self) -> bool:
        if self._open_slip_check():
            return True
        # A keyboard-wedge scanner types the filing number and Enter: go on to the ID field.
        if (
            self.filing_edit.hasFocus()
            and self.filing_edit.text().strip()
            and not self.id_edit.text().strip()
        ):
            self.id_edit.setFocus()
            return True
        return False

    def _open_slip_check(self) -> bool:
        """A slip's QR scanned here asks to check that registration, not to identify a household: Records does."""
        for edit in (self.filing_edit, self.id_edit):
            if is_slip_qr(edit.text()):
                scanned = edit.text()
                edit.clear()
                self.records_requested.emit(scanned)
                return True
        return False

    def begin_scan(self, text: str) -> None:
        """Typing (a scanner) reached the screen while no field had the focus: it is a new filing number."""
        self.clear()
        self.state.set_household(None)
        self.filing_edit.setFocus()
        self.filing_edit.insert(text)

    def go_on(self) -> None:
        if self.busy:
            return
        if self.state.household is not None:
            self.step_done.emit()
            return
        filing, id_number = self.filing_edit.text(), self.id_edit.number()
        self.message.clear_message()
        self.run(lambda: self._households.identify(filing, id_number), self._on_identified, self._on_failed)

    def clear(self) -> None:
        self.filing_edit.clear()
        self.id_edit.clear()
        self.message.clear_message()
        self._on_household_changed(None)

    # --- slots ---
    def _on_identified(self, household: HouseholdView) -> None:
        self.id_edit.conceal()
        self.state.set_household(household)

    def _on_failed(self, exc: Exception) -> None:
        # A well-formed number was not the problem (or not the only one): it is shown masked, and typing over it
        # enters another; a malformed one stays as typed for the clerk to correct.
        self.id_edit.conceal()
        self.message.show_error(exc)
        self.id_edit.setFocus()
        self.id_edit.selectAll()

    def _on_input_edited(self, _text: str) -> None:
        # Typing again means another household: the shown one no longer matches the fields.
        self.message.clear_message()
        if self.state.household is not None:
            self.state.set_household(None)

    def _on_records_clicked(self) -> None:
        if self.state.household is not None:
            self.records_requested.emit(self.state.household.filing_no)

    def _on_household_changed(self, household: HouseholdView | None) -> None:
        self.placeholder.setVisible(household is None)
        for widget in self._result_widgets:
            widget.setVisible(household is not None)
        self.members.setRowCount(0)
        if household is None:
            for field in self.fields.values():
                field.clear()
            self.name_label.clear()
            self.status_label.clear()
            self.primary_changed.emit()
            return
        self.name_label.setText(self.tr("Applicant: {name}").format(name=household.applicant_name))
        self.status_label.setText(household.status_label)
        self.status_label.setProperty("level", "success" if household.status == "valid" else "error")
        repolish(self.status_label)
        values = {
            "filing": household.filing_no,
            "id": household.applicant_id_masked,
            "district": household.district,
            "valid": household.valid_until.strftime("%Y-%m-%d"),
            "phone": household.phone_masked or "—",
            "size": self.tr("{n} person(s)").format(n=household.family_size),
        }
        for key, value in values.items():
            self.fields[key].setText(value)
        self.members.setRowCount(len(household.members))
        for row, member in enumerate(household.members):
            for col, text in enumerate((member.relation, member.name, member.id_masked)):
                self.members.setItem(row, col, QTableWidgetItem(text))
        self.members_title.setVisible(bool(household.members))
        self.members.setVisible(bool(household.members))
        # As tall as its rows, so a small family does not leave an empty box; with less room (1366×768, A+)
        # it keeps at least two rows and scrolls the rest.
        self.members.resizeRowsToContents()
        header = self.members.horizontalHeader().sizeHint().height() + 2 * self.members.frameWidth()
        rows = [self.members.rowHeight(r) for r in range(self.members.rowCount())]
        self.members.setMaximumHeight(header + sum(rows))
        self.members.setMinimumHeight(header + sum(rows[:2]))
        self.primary_changed.emit()
