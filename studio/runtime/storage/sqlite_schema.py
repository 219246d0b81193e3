"""Versioned schema of the embedded database; append a migration, never edit a shipped one."""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE assistants (
        assistant_id TEXT PRIMARY KEY,
        graph_id TEXT NOT NULL,
        config TEXT NOT NULL,
        context TEXT NOT NULL,
        metadata TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX assistants_graph ON assistants (graph_id);
    CREATE INDEX assistants_created ON assistants (created_at);
    CREATE TABLE assistant_versions (
        assistant_id TEXT NOT NULL REFERENCES assistants ON DELETE CASCADE,
        version INTEGER NOT NULL,
        graph_id TEXT NOT NULL,
        config TEXT NOT NULL,
        context TEXT NOT NULL,
        metadata TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (assistant_id, version)
    );
    CREATE TABLE threads (
        thread_id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        state_updated_at TEXT NOT NULL,
        metadata TEXT NOT NULL,
        status TEXT NOT NULL,
        config TEXT NOT NULL,
        "values" TEXT,
        interrupts TEXT NOT NULL,
        error TEXT
    );
    CREATE INDEX threads_created ON threads (created_at);
    CREATE INDEX threads_status ON threads (status);
    CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        thread_id TEXT NOT NULL REFERENCES threads ON DELETE CASCADE,
        assistant_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        status TEXT NOT NULL,
        metadata TEXT NOT NULL,
        kwargs TEXT NOT NULL,
        multitask_strategy TEXT NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 0,
        temporary INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX runs_thread ON runs (thread_id, created_at);
    CREATE INDEX runs_active ON runs (status, created_at) WHERE status IN ('pending', 'running')
    """,
    """
    ALTER TABLE runs ADD COLUMN traceback TEXT
    """,
)
