"""What the studio shows before a project is open: recent projects, open a folder, the
bundled example, or connect to a server by URL."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class StartPage(QWidget):
    project_requested = Signal(str)
    """The user wants to open this project folder."""
    open_folder_requested = Signal()
    example_requested = Signal()
    url_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("lg-studio")
        title.setProperty("role", "title")
        subtitle = QLabel(
            "Build and debug LangGraph agents: open a project, or connect to a server."
        )
        subtitle.setProperty("role", "hint")
        open_button = QPushButton("Open Project Folder…")
        open_button.setProperty("primary", True)
        open_button.clicked.connect(self.open_folder_requested)
        example_button = QPushButton("Open the Example Project")
        example_button.clicked.connect(self.example_requested)
        self.url = QLineEdit()
        self.url.setPlaceholderText("http://127.0.0.1:2024")
        self.url.returnPressed.connect(self._on_connect)
        connect_button = QPushButton("Connect")
        connect_button.clicked.connect(self._on_connect)
        self.recent = QListWidget()
        self.recent.itemActivated.connect(self._on_recent)
        self.recent_hint = QLabel("Projects you open appear here.")
        self.recent_hint.setProperty("role", "hint")

        actions = QHBoxLayout()
        actions.addWidget(open_button)
        actions.addWidget(example_button)
        actions.addStretch(1)
        server = QHBoxLayout()
        server.addWidget(QLabel("Server URL"))
        server.addWidget(self.url, 1)
        server.addWidget(connect_button)

        card = QFrame()
        card.setProperty("role", "card")
        card.setMaximumWidth(720)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(title)
        inner.addWidget(subtitle)
        inner.addSpacing(8)
        inner.addLayout(actions)
        inner.addLayout(server)
        inner.addSpacing(8)
        inner.addWidget(QLabel("Recent projects"))
        inner.addWidget(self.recent_hint)
        inner.addWidget(self.recent, 1)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 4)
        row.addStretch(1)
        outer.addLayout(row, 6)
        outer.addStretch(1)

    def set_recent(self, projects: list[str]) -> None:
        self.recent.clear()
        for project in projects:
            item = QListWidgetItem(f"{Path(project).name}    {project}")
            item.setData(Qt.ItemDataRole.UserRole, project)
            self.recent.addItem(item)
        self.recent_hint.setVisible(not projects)

    def _on_recent(self, item: QListWidgetItem) -> None:
        self.project_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def _on_connect(self) -> None:
        url = self.url.text().strip()
        if url:
            self.url_requested.emit(url if "://" in url else f"http://{url}")
