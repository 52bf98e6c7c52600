"""Step 3 of a quick plan: a project and one of its unit types (photos, address, area, rent, limits)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.services.catalog import CatalogService
from kiosk.services.views import ProjectOption, UnitTypeOption
from kiosk.ui.flow_layout import FlowLayout
from kiosk.ui.registration.screens import (
    MessageLabel,
    OptionCard,
    Screen,
    area,
    discard,
    family_range,
    label,
    option_list,
    refusal_lines,
    rent,
)

if TYPE_CHECKING:
    from kiosk.ui.registration.draft_state import DraftState

THUMB = QSize(280, 190)

# Decoded, scaled photos by path: decoding runs on the worker (QImage is thread-safe, QPixmap is not).
_images: dict[str, QImage] = {}
_images_lock = threading.Lock()
# Pixmaps made from them on the GUI thread.
_pixmaps: dict[str, QPixmap] = {}


def load_thumbnails(paths: list[str]) -> None:
    """Decode each photo once at thumbnail size (QImageReader scales JPEGs while decoding: cheap)."""
    for path in paths:
        with _images_lock:
            if path in _images:
                continue
        reader = QImageReader(path)
        reader.setAutoTransform(True)
        size = reader.size()
        if size.isValid():
            reader.setScaledSize(size.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio))
        image = reader.read() if Path(path).is_file() else QImage()
        with _images_lock:
            _images[path] = image


def thumbnail(path: str) -> QPixmap:
    pixmap = _pixmaps.get(path)
    if pixmap is None:
        with _images_lock:
            image = _images.get(path, QImage())
        pixmap = QPixmap.fromImage(image) if not image.isNull() else QPixmap()
        _pixmaps[path] = pixmap
    return pixmap


class UnitTypeRow(OptionCard):
    def __init__(self, project: ProjectOption, unit_type: UnitTypeOption, parent: QWidget | None = None):
        super().__init__(unit_type.available, parent)
        self.setObjectName("unitTypeRow")
        self.project = project
        self.unit_type = unit_type
        t = unit_type
        # The facts wrap onto a second line at large text instead of widening the screen.
        line = FlowLayout(spacing=28)
        line.addWidget(label(t.name, factor=1.1, bold=True, wrap=False))
        line.addWidget(label(area(t.area), wrap=False))
        line.addWidget(label(rent(t.rent), wrap=False))
        line.addWidget(label(self.tr("{n} units").format(n=t.unit_count), wrap=False))
        line.addWidget(label(family_range(t.min_family, t.max_family), wrap=False))
        line.addWidget(self.mark)
        self.body.addLayout(line)
        if t.refusals:
            self.body.addWidget(label(refusal_lines(t.refusals), name="refusal"))


class ProjectCard(QFrame):
    def __init__(self, project: ProjectOption, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("projectCard")
        self.project = project
        self._photo_index = 0
        self.photo = QLabel(objectName="photo")
        self.photo.setFixedSize(THUMB)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo_button = QPushButton(objectName="linkButton")
        self.photo_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.photo_button.clicked.connect(self._on_next_photo)
        left = QVBoxLayout()
        left.addWidget(self.photo)
        left.addWidget(self.photo_button, 0, Qt.AlignmentFlag.AlignHCenter)
        left.addStretch(1)
        info = QVBoxLayout()
        info.setSpacing(4)
        info.addWidget(label(project.name, factor=1.25, bold=True))
        info.addWidget(label(f"{project.district} · {project.address}"))
        if project.description:
            info.addWidget(label(project.description, kind="hint"))
        self.rows = [UnitTypeRow(project, t) for t in project.unit_types]
        info.addSpacing(6)
        for row in self.rows:
            info.addWidget(row)
        if not self.rows:
            info.addWidget(label(self.tr("No unit type is offered in this project."), kind="hint"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(20)
        layout.addLayout(left)
        layout.addLayout(info, 1)
        # Only once it has a parent: a parentless widget made visible becomes a window of its own.
        self.photo_button.setVisible(len(project.photos) > 1)
        self._show_photo()

    def _show_photo(self) -> None:
        photos = self.project.photos
        pixmap = thumbnail(photos[self._photo_index]) if photos else QPixmap()
        if pixmap.isNull():
            self.photo.setPixmap(QPixmap())
            self.photo.setText(self.tr("No photo"))
        else:
            self.photo.setPixmap(pixmap)
        n = len(photos)
        self.photo_button.setText(self.tr("Photo {i}/{n} ›").format(i=self._photo_index + 1, n=n))

    def _on_next_photo(self) -> None:
        self._photo_index = (self._photo_index + 1) % max(1, len(self.project.photos))
        self._show_photo()


class ProjectScreen(Screen):
    def __init__(self, state: DraftState, catalog: CatalogService, parent: QWidget | None = None):
        super().__init__(state, parent)
        self._catalog = catalog
        self.cards: list[ProjectCard] = []
        self.title = label(self.tr("Choose a project and a unit type"), kind="subtitle")
        self.message = MessageLabel()
        self._list, self.scroll_area = option_list(16)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll_area, 1)
        state.choice_changed.connect(self._on_choice_changed)

    @property
    def rows(self) -> list[UnitTypeRow]:
        return [row for card in self.cards for row in card.rows]

    # --- wizard ---
    def primary_enabled(self) -> bool:
        return not self.busy and self.state.unit_type is not None

    def enter(self) -> None:
        household, plan = self.state.household, self.state.plan
        if household is None or plan is None:
            return
        self.message.clear_message()

        def load() -> list[ProjectOption]:
            projects = self._catalog.project_options(household.id, plan.id)
            load_thumbnails([photo for p in projects for photo in p.photos])
            return projects

        self.run(load, self._on_loaded, self._on_failed)

    def clear(self) -> None:
        self._set_cards([])
        self.message.clear_message()

    def default_focus(self) -> QWidget | None:
        """The chosen unit type's row, else the first one that can be chosen (Space chooses it)."""
        chosen = next((r for r in self.rows if r.unit_type is self.state.unit_type), None)
        return chosen or next((r for r in self.rows if r.available), None)

    # --- slots ---
    def _on_loaded(self, projects: list[ProjectOption]) -> None:
        self._set_cards(projects)
        chosen = self.state.unit_type
        rows = [r for r in self.rows if r.available]
        keep = next((r for r in rows if chosen is not None and r.unit_type.id == chosen.id), None)
        if keep is None and len(rows) == 1:
            keep = rows[0]  # the only possible choice: pre-selected, still shown
        if keep is not None:
            self.state.set_choice(keep.project, keep.unit_type)
        else:
            self.state.set_choice(None, None)
        focus = self.default_focus()
        if focus is not None and self.isVisible():
            focus.setFocus()
            self.scroll_area.ensureWidgetVisible(focus)

    def _on_failed(self, exc: Exception) -> None:
        self._set_cards([])
        self.message.show_error(exc)

    def _set_cards(self, projects: list[ProjectOption]) -> None:
        for card in self.cards:
            discard(card)
        self.cards = []
        for project in projects:
            card = ProjectCard(project)
            for row in card.rows:
                row.chosen.connect(lambda r=row: self.state.set_choice(r.project, r.unit_type))
                row.activated.connect(self._on_row_activated)
            self._list.addWidget(card)
            card.show()  # now, not on the next event loop turn: staff may click at once
            self.cards.append(card)
        self._on_choice_changed()

    def _on_row_activated(self) -> None:
        if self.primary_enabled():
            self.go_on()

    def _on_choice_changed(self) -> None:
        chosen = self.state.unit_type
        for row in self.rows:
            row.set_selected(chosen is not None and row.unit_type.id == chosen.id)
        self.primary_changed.emit()
