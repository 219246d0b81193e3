"""Versioned schema of the Postgres storage; append a migration, never edit a shipped one.

The tables and columns are SQLite's (storage/sqlite_schema.py; storage/tables.py lists them),
with JSON as `jsonb`, so `@>` filters use GIN indexes. Times stay the fixed-width ISO text the
API returns (`ids.iso`), so rows convert without reformatting; they and the ids sort with
`COLLATE "C"`, byte by byte, as SQLite sorts them, whatever the database's locale.

Two tables are the scale-out queue's own: `workers` (one row per live server process, with
the heartbeat that is its lease) and `run_leases` (the runs a worker executes now, one per
thread, which is what keeps a thread's runs one at a time across processes). See
storage/postgres_leases.py.

`deployment` holds one random id, made with the database: the processes sharing the database
name their Redis keys with it (studio/runtime/scaleout.py), so two deployments on one Redis
never mix their streams.
"""

from __future__ import annotations

MIGRATIONS_TABLE = "lg_studio_migrations"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE assistants (
        assistant_id TEXT COLLATE "C" PRIMARY KEY,
        graph_id TEXT COLLATE "C" NOT NULL,
        config JSONB NOT NULL,
        context JSONB NOT NULL,
        metadata JSONB NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        version INTEGER NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX assistants_graph ON assistants (graph_id);
    CREATE INDEX assistants_created ON assistants (created_at);
    CREATE INDEX assistants_metadata ON assistants USING gin (metadata jsonb_path_ops);
    CREATE TABLE assistant_versions (
        assistant_id TEXT COLLATE "C" NOT NULL REFERENCES assistants ON DELETE CASCADE,
        version INTEGER NOT NULL,
        graph_id TEXT NOT NULL,
        config JSONB NOT NULL,
        context JSONB NOT NULL,
        metadata JSONB NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        created_at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (assistant_id, version)
    );
    CREATE TABLE threads (
        thread_id TEXT COLLATE "C" PRIMARY KEY,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL,
        state_updated_at TEXT COLLATE "C" NOT NULL,
        metadata JSONB NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        config JSONB NOT NULL,
        "values" JSONB,
        interrupts JSONB NOT NULL,
        error JSONB
    );
    CREATE INDEX threads_created ON threads (created_at);
    CREATE INDEX threads_status ON threads (status);
    CREATE INDEX threads_metadata ON threads USING gin (metadata jsonb_path_ops);
    CREATE TABLE runs (
        run_id TEXT COLLATE "C" PRIMARY KEY,
        thread_id TEXT COLLATE "C" NOT NULL REFERENCES threads ON DELETE CASCADE,
        assistant_id TEXT COLLATE "C" NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        metadata JSONB NOT NULL,
        kwargs JSONB NOT NULL,
        multitask_strategy TEXT NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 0,
        temporary BOOLEAN NOT NULL DEFAULT false,
        traceback TEXT
    );
    CREATE INDEX runs_thread ON runs (thread_id, created_at);
    CREATE INDEX runs_pending ON runs (created_at, run_id) WHERE status = 'pending';
    CREATE INDEX runs_active ON runs (thread_id, created_at, run_id)
        WHERE status IN ('pending', 'running');
    CREATE TABLE crons (
        cron_id TEXT COLLATE "C" PRIMARY KEY,
        assistant_id TEXT COLLATE "C" NOT NULL REFERENCES assistants ON DELETE CASCADE,
        thread_id TEXT COLLATE "C" REFERENCES threads ON DELETE CASCADE,
        user_id TEXT,
        schedule TEXT NOT NULL,
        timezone TEXT,
        end_time TEXT COLLATE "C",
        payload JSONB NOT NULL,
        next_run_date TEXT COLLATE "C",
        metadata JSONB NOT NULL,
        on_run_completed TEXT,
        enabled BOOLEAN NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX crons_due ON crons (next_run_date) WHERE enabled;
    CREATE INDEX crons_thread ON crons (thread_id);
    CREATE INDEX crons_assistant ON crons (assistant_id);
    CREATE TABLE thread_ttl (
        thread_id TEXT COLLATE "C" PRIMARY KEY REFERENCES threads ON DELETE CASCADE,
        strategy TEXT,
        ttl_minutes DOUBLE PRECISION,
        swept_at TEXT COLLATE "C"
    );
    CREATE TABLE workers (
        worker_id INTEGER PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE SEQUENCE workers_seq AS INTEGER CYCLE;
    CREATE TABLE run_leases (
        thread_id TEXT COLLATE "C" PRIMARY KEY,
        run_id TEXT COLLATE "C" NOT NULL UNIQUE,
        worker_id INTEGER NOT NULL REFERENCES workers ON DELETE CASCADE
    );
    CREATE INDEX run_leases_worker ON run_leases (worker_id);
    CREATE TABLE deployment (deployment_id TEXT NOT NULL);
    INSERT INTO deployment VALUES (gen_random_uuid()::text)
    """,
)
