"""Scheduled runs of the assistant in view: the list, a form to add one, and delete.

The schedule is standard five-field cron syntax, evaluated in UTC as LangGraph Server does
when no timezone is given; the form previews the next fire times in the user's own time
before anything is sent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from croniter import croniter
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.protocol.schema import Cron
from studio.ui.widgets.json_editor import JsonEditor
from studio.ui.widgets.json_text import JsonError

ID_ROLE = Qt.ItemDataRole.UserRole
PREVIEW_COUNT = 3
DEFAULT_SCHEDULE = "*/5 * * * *"


def next_fire_times(schedule: str, after: datetime, count: int = PREVIEW_COUNT) -> list[datetime]:
    """The next `count` times (UTC) a cron with `schedule` fires after `after`.

    Raises:
        ValueError: `schedule` is not five-field cron syntax.
    """
    if len(schedule.split()) != 5 or not croniter.is_valid(schedule):
        raise ValueError("a schedule has five fields: minute hour day month weekday")
    times = croniter(schedule, after.astimezone(UTC))
    return [times.get_next(datetime) for _ in range(count)]


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%a %b %d %H:%M")


def _when(iso: str | None) -> str:
    if not iso:
        return "—"
    try:
        return _local(datetime.fromisoformat(iso))
    except ValueError:
        return iso


class CronsPanel(QWidget):
    """Lists the crons the session's service found and asks it for changes."""

    create_requested = Signal(str, object, bool)
    """Schedule runs: the cron schedule, the run input, and whether on the thread in view."""
    delete_requested = Signal(str)
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTreeWidget()
        self.table.setHeaderLabels(["Schedule", "Runs on", "Next run", "Created"])
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self._on_delete)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.schedule = QLineEdit(DEFAULT_SCHEDULE)
        self.schedule.setToolTip("minute hour day-of-month month day-of-week, in UTC")
        self.schedule.textChanged.connect(lambda _text: self._preview())
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setProperty("role", "hint")
        self.input = JsonEditor(line_numbers=False)
        self.input.set_value({})
        self.on_thread = QCheckBox("On the selected thread")
        self.on_thread.setToolTip(
            "Each run continues the thread in view; otherwise each run gets a new thread"
        )
        self.create_button = QPushButton("Create")
        self.create_button.clicked.connect(self._on_create)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.refresh_button)
        list_buttons.addStretch(1)
        list_buttons.addWidget(self.delete_button)
        listing = QWidget()
        list_layout = QVBoxLayout(listing)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.table, 1)
        list_layout.addLayout(list_buttons)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Schedule", self.schedule)
        form.addRow("", self.preview)
        form.addRow("Input", self.input)
        create_buttons = QHBoxLayout()
        create_buttons.addWidget(self.on_thread)
        create_buttons.addStretch(1)
        create_buttons.addWidget(self.create_button)
        creating = QWidget()
        create_layout = QVBoxLayout(creating)
        create_layout.setContentsMargins(0, 0, 0, 0)
        create_layout.addLayout(form, 1)
        create_layout.addLayout(create_buttons)
        split = QSplitter()
        split.addWidget(listing)
        split.addWidget(creating)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([560, 380])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(split)
        self.crons: list[Cron] = []
        self._preview()
        self._update_buttons()

    # --- public API ---------------------------------------------------------------------

    def set_crons(self, crons: list[Cron]) -> None:
        self.crons = list(crons)
        self.table.clear()
        for cron in crons:
            thread = cron.get("thread_id")
            row = QTreeWidgetItem(
                [
                    cron["schedule"],
                    f"thread {thread[:8]}…" if thread else "new thread per run",
                    _when(cron.get("next_run_date")) if cron.get("enabled", True) else "disabled",
                    _when(cron.get("created_at")),
                ]
            )
            row.setData(0, ID_ROLE, cron["cron_id"])
            row.setToolTip(0, f"Cron {cron['cron_id']}")
            if thread:
                row.setToolTip(1, thread)
            self.table.addTopLevelItem(row)
        self._update_buttons()

    def selected_id(self) -> str | None:
        rows = self.table.selectedItems()
        return str(rows[0].data(0, ID_ROLE)) if rows else None

    # --- private ------------------------------------------------------------------------

    def _preview(self) -> None:
        try:
            times = next_fire_times(self.schedule.text().strip(), datetime.now(UTC))
        except ValueError as exc:
            self.preview.setText(f"Not a schedule: {exc}")
            self.create_button.setEnabled(False)
            return
        self.preview.setText("Next: " + ", ".join(_local(t) for t in times) + " (your time)")
        self.create_button.setEnabled(True)

    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(self.selected_id() is not None)

    def _on_create(self) -> None:
        try:
            graph_input: Any = self.input.value()
        except JsonError as exc:
            self.preview.setText(f"The input is not valid JSON: {exc}")
            return
        self.create_requested.emit(
            self.schedule.text().strip(), graph_input, self.on_thread.isChecked()
        )

    def _on_delete(self) -> None:
        cron_id = self.selected_id()
        if cron_id is not None:
            self.delete_requested.emit(cron_id)
