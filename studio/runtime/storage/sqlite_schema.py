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
    # Crons die with their assistant or thread (LangGraph Server deletes them together).
    # `thread_ttl` holds a thread's own expiry, when it has one, and when it was last swept.
    """
    CREATE TABLE crons (
        cron_id TEXT PRIMARY KEY,
        assistant_id TEXT NOT NULL REFERENCES assistants ON DELETE CASCADE,
        thread_id TEXT REFERENCES threads ON DELETE CASCADE,
        user_id TEXT,
        schedule TEXT NOT NULL,
        timezone TEXT,
        end_time TEXT,
        payload TEXT NOT NULL,
        next_run_date TEXT,
        metadata TEXT NOT NULL,
        on_run_completed TEXT,
        enabled INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX crons_due ON crons (next_run_date) WHERE enabled = 1;
    CREATE INDEX crons_thread ON crons (thread_id);
    CREATE INDEX crons_assistant ON crons (assistant_id);
    CREATE TABLE thread_ttl (
        thread_id TEXT PRIMARY KEY REFERENCES threads ON DELETE CASCADE,
        strategy TEXT,
        ttl_minutes REAL,
        swept_at TEXT
    )
    """,
)
