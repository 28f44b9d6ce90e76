-- Symbiont server schema, SQLite. Timestamps are integer milliseconds since the Unix epoch.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    department_id TEXT,
    entity_id TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    side TEXT NOT NULL,
    region TEXT NOT NULL,
    sector TEXT NOT NULL,
    chain TEXT NOT NULL,
    endowments TEXT NOT NULL,
    needs TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX entities_kind ON entities(kind);

CREATE TABLE scenarios (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    latest_version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE scenario_versions (
    scenario_id TEXT NOT NULL REFERENCES scenarios(id),
    version BIGINT NOT NULL,
    source TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT,
    PRIMARY KEY (scenario_id, version)
);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    scenario_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    params TEXT NOT NULL,
    state TEXT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    result TEXT,
    interruptions BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    created_by BIGINT NOT NULL
);
CREATE INDEX jobs_state ON jobs(state);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id TEXT NOT NULL,
    park_id TEXT NOT NULL,
    title TEXT NOT NULL,
    dossier TEXT NOT NULL,
    state TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    decided_at BIGINT,
    created_by BIGINT NOT NULL
);
CREATE INDEX cases_entity ON cases(entity_id);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    department_id TEXT NOT NULL,
    state TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    handling_ms BIGINT NOT NULL DEFAULT 0,
    decided_at BIGINT,
    decided_by BIGINT,
    note TEXT
);
CREATE INDEX tasks_case ON tasks(case_id);
CREATE INDEX tasks_department ON tasks(department_id, state);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    at BIGINT NOT NULL,
    actor BIGINT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_case ON audit(case_id);

-- The audit log is append-only: the database itself refuses to change or remove an entry.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
