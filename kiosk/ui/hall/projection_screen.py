"""The lottery's projection in the hall: the plan, the list hash, the sources and the seed, then the ranks."""

from __future__ import annotations

from string import Template
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.services.projection import PAGE_SIZE, ProjectionState, ShownOutcome, Stage
from kiosk.ui import theme
from kiosk.ui.hall.feed import HallFeed
from kiosk.ui.hall.hall_screen import HallScreen

COLUMNS = ("rank", "reg_no", "name", "pool", "outcome")


def grouped(hex_text: str, per_line: int = 32) -> str:
    """A SHA-256 in groups of eight, two lines: read aloud and compared group by group from the back row."""
    groups = [hex_text[i : i + 8] for i in range(0, len(hex_text), 8)]
    per = max(1, per_line // 8)
    return "\n".join(" ".join(groups[i : i + per]) for i in range(0, len(groups), per))


class ProjectionScreen(HallScreen):
    """Renders a ProjectionState: between draws the schedule; during one what is known, then a page of ranks.

    Nothing here reads a service: the console's Projection publishes each state, masked already.
    """

    STYLE = Template("""
QLabel#projTitle { font-size: ${title_pt}pt; font-weight: bold; color: $header; }
QLabel#projKey { color: $hint; }
QLabel#projValue { color: $text; }
QLabel#projHash { font-family: "DejaVu Sans Mono", monospace; color: $text; }
QLabel#projHead { color: $hint; border-bottom: 4px solid $border; padding-bottom: 6px; }
QLabel#projCell { color: $text; }
QLabel#projCell[skipped="true"] { color: $hint; text-decoration: line-through; }
QLabel#projCell[column="outcome"] { font-weight: bold; color: $header; }
QLabel#projCell[column="outcome"][skipped="true"] { color: $hint; font-weight: normal; }
QLabel#projSchedule { background: $surface; border-left: 12px solid $primary; padding: ${pt}px; }
QLabel#projNotice { background: $surface; border-left: 12px solid $primary; padding: 12px ${pt}px; }
QLabel#projNotice[stage="halted"] { background: $error; color: $on_error; border-left-color: $danger_pressed; }
QLabel#projPage { color: $hint; padding: 12px 0; }
""")

    def __init__(self, feed: HallFeed[ProjectionState], parent: QWidget | None = None):
        super().__init__(feed, parent)
        self.title = self._label("projTitle", wrap=True)
        # What the hall checks the draw by: entries, the list's hash, the sources, the seed (key | value rows).
        self.facts = QWidget(objectName="projFacts")
        self._facts = QGridLayout(self.facts)
        self._facts.setContentsMargins(0, 0, 0, 0)
        self._facts.setHorizontalSpacing(32)
        self._facts.setVerticalSpacing(14)
        self._facts.setColumnStretch(1, 1)
        self._fact_labels: list[QLabel] = []
        self.schedule = self._label("projSchedule", wrap=True)
        self.notice = self._label("projNotice", wrap=True)
        self.page = self._label("projPage")
        self.page.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.table = QWidget(objectName="projTable")
        grid = QGridLayout(self.table)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(0)
        heads = (
            self.tr("No."),
            self.tr("Registration no."),
            self.tr("Name"),
            self.tr("Pool"),
            self.tr("Outcome"),
        )
        self.heads = [self._label("projHead", text=h) for h in heads]
        self.cells: list[list[QLabel]] = []
        for column, head in enumerate(self.heads):
            grid.addWidget(head, 0, column)
        self._grid = grid
        self._add_rows(PAGE_SIZE)
        # The pool and the outcome share what the short columns leave; one line a rank, so a page always fits.
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(4, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(40, 24, 40, 24)
        column.setSpacing(8)
        column.addWidget(self.title)
        column.addWidget(self.facts)
        column.addWidget(self.schedule)
        column.addWidget(self.table, 1)
        column.addStretch(0)
        foot = QHBoxLayout()  # the page beside the notice: a line of its own would push the last rank off
        foot.setSpacing(24)
        foot.addWidget(self.notice, 1)
        foot.addWidget(self.page)
        column.addLayout(foot)
        self.render(feed.current)

    def _add_rows(self, n: int) -> None:
        """Labels for ``n`` rows, made once and reused: a page is shown by setting texts (≤ 100 ms)."""
        while len(self.cells) < n:
            cells = []
            for column, name in enumerate(COLUMNS):
                cell = self._label("projCell")
                cell.setProperty("column", name)
                if name == "pool":  # a long project name is cut at the column's edge, never widens the page
                    cell.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
                self._grid.addWidget(cell, len(self.cells) + 1, column)
                cells.append(cell)
            self.cells.append(cells)
        self._grid.setRowStretch(len(self.cells) + 1, 1)

    def apply_theme(self, pt: int) -> None:
        super().apply_theme(pt)
        # The facts a size smaller than the ranks (36 pt, 48 px on 1080 lines): the ranks are what the hall reads.
        small = max(theme.MAX_PT, round(pt * 0.8))
        facts = (
            f"QLabel#projKey, QLabel#projValue, QLabel#projHash {{ font-size: {small}pt; }}\n"
            f"QLabel#projTitle {{ font-size: {round(pt * 1.3)}pt; }}"
        )
        self.setStyleSheet(f"{self.styleSheet()}\n{facts}")

    def _label(self, name: str, *, text: str = "", wrap: bool = False) -> QLabel:
        label = QLabel(text, objectName=name)
        label.setWordWrap(wrap)
        return label

    def render(self, state: Any) -> None:
        assert isinstance(state, ProjectionState)
        self.title.setText(state.title)
        self.notice.setText(state.notice)
        self.notice.setVisible(bool(state.notice))
        self.notice.setProperty("stage", state.stage.value)
        self.notice.style().unpolish(self.notice)
        self.notice.style().polish(self.notice)
        between = state.stage is Stage.SCHEDULE
        showing = state.stage is Stage.RESULT and state.revealed > 0  # checked, then revealed by the console
        self.schedule.setVisible(between)
        self.schedule.setText(self._schedule(state))
        self.facts.setVisible(not between)
        if not between:
            self._show_facts(self._fact_rows(state, compact=showing))
        self.table.setVisible(showing)
        self.page.setVisible(showing and state.pages > 1)
        self.page.setText(self.tr("Page {page} of {pages}").format(page=state.page + 1, pages=state.pages))
        if showing:
            self._fill(state.rows)

    def _schedule(self, state: ProjectionState) -> str:
        if not state.schedule:
            return self.tr("No draw is scheduled")
        lines = [self.tr("Today's draws")]
        lines += [f"· {item.title}　{item.detail}" for item in state.schedule]
        return "\n".join(lines)

    def _fact_rows(self, state: ProjectionState, compact: bool) -> list[tuple[str, str, str]]:
        """(key, value, kind) rows; the full hash and seed while the hall waits, their first groups beside the
        ranks (the page needs the room; the full ones are in the public record and on every notice)."""
        entries = self.tr("{n} households").format(n=state.entries)
        if compact:
            line = f"{grouped(state.list_hash[:16])}…"
            if state.seed:
                line += "　" + self.tr("Seed {seed}…").format(seed=grouped(state.seed[:16]))
            return [
                (self.tr("Frozen list"), entries, "projValue"),
                (self.tr("List SHA-256"), line, "projHash"),
            ]
        rows = [(self.tr("Frozen list"), entries, "projValue")]
        if state.list_hash:
            rows.append((self.tr("List SHA-256"), grouped(state.list_hash), "projHash"))
        for n, source in enumerate(state.sources, 1):
            # Digits in tens, as the notary reads them out; the hall compares them group by group.
            value = " ".join(source.value[i : i + 10] for i in range(0, len(source.value), 10))
            value = value or self.tr("to be entered")
            rows.append((self.tr("Source {n}").format(n=n), f"{source.label}\n{value}", "projValue"))
        if state.seed:
            rows.append((self.tr("Seed"), grouped(state.seed), "projHash"))
        return rows

    def _show_facts(self, rows: list[tuple[str, str, str]]) -> None:
        while len(self._fact_labels) < 2 * len(rows):
            n = len(self._fact_labels) // 2
            key, value = self._label("projKey"), self._label("projValue")  # its lines are its own
            key.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self._facts.addWidget(key, n, 0)
            self._facts.addWidget(value, n, 1)
            self._fact_labels += [key, value]
        for n, label in enumerate(self._fact_labels):
            row = rows[n // 2] if n // 2 < len(rows) else None
            label.setVisible(row is not None)
            if row is None:
                continue
            if n % 2 == 0:
                label.setText(row[0])
            else:
                label.setText(row[1])
                if label.objectName() != row[2]:
                    label.setObjectName(row[2])
                    label.style().unpolish(label)
                    label.style().polish(label)

    def _fill(self, rows: tuple[ShownOutcome, ...]) -> None:
        self._add_rows(len(rows))
        for index, cells in enumerate(self.cells):
            row = rows[index] if index < len(rows) else None
            texts = ("", "", "", "", "") if row is None else _texts(row)
            for cell, text in zip(cells, texts, strict=True):
                cell.setText(text)
                skipped = row is not None and row.skipped
                if cell.property("skipped") != skipped:
                    cell.setProperty("skipped", skipped)
                    cell.style().unpolish(cell)
                    cell.style().polish(cell)


def _texts(row: ShownOutcome) -> tuple[str, str, str, str, str]:
    return (str(row.rank), row.reg_no, row.name or "—", row.pool, row.outcome)
