-- The actionqueues PostgreSQL schema, with the default table prefix. Idempotent: safe to run again.
-- To use another prefix, replace every identifier prefix below (JdbcBackendFactory does this itself
-- when it creates the schema on demand). Tables are created in the connection's current schema.
--
-- One row per job. A row is waiting (available when due_at has passed, delayed before) or leased
-- until lease_until. Rows of queue 'error' are the error queue's entries.
CREATE SEQUENCE IF NOT EXISTS aq_job_tokens;

CREATE TABLE IF NOT EXISTS aq_jobs (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    grp         TEXT        NOT NULL,
    queue       TEXT        NOT NULL CHECK (queue IN ('main', 'error')),
    id          TEXT        NOT NULL,
    payload     TEXT        NOT NULL,
    state       TEXT        NOT NULL CHECK (state IN ('waiting', 'leased')),
    due_at      TIMESTAMPTZ NOT NULL,
    lease_until TIMESTAMPTZ,
    token       BIGINT      NOT NULL DEFAULT 0,
    deliveries  INTEGER     NOT NULL DEFAULT 0,
    unique_id   BOOLEAN     NOT NULL DEFAULT FALSE,
    debounce_key TEXT,
    CHECK ((state = 'leased') = (lease_until IS NOT NULL))
);

-- A queue table churns: every job is an insert, an update or two and a delete. Vacuum it after a
-- fixed number of dead rows rather than a fraction of the table, without cost-based pauses, so the
-- claim's index scans do not wade through dead entries. (Vacuum can only remove rows that no open
-- transaction may still see: keep transactions elsewhere in the database short.)
ALTER TABLE aq_jobs SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
    autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 10000,
    autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000);

-- The claim reads waiting rows in due order and expired leases in expiry order.
CREATE INDEX IF NOT EXISTS aq_jobs_ready ON aq_jobs (grp, queue, due_at, seq) WHERE state = 'waiting';
CREATE INDEX IF NOT EXISTS aq_jobs_leased ON aq_jobs (grp, queue, lease_until) WHERE state = 'leased';
CREATE INDEX IF NOT EXISTS aq_jobs_by_id ON aq_jobs (grp, queue, id);
-- pushIfAbsent: one live job per id among those pushed that way.
CREATE UNIQUE INDEX IF NOT EXISTS aq_jobs_unique_live ON aq_jobs (grp, queue, id) WHERE unique_id;

-- Debouncing: per key, the job pushed under it and not claimed yet (pending_id), when the key's
-- last job started (its claim time, or its due time until it is claimed), the longest window it
-- was pushed with, and until when the row matters (last start + window). Rows without a pending
-- job past keep_until decide nothing any more and are pruned.
CREATE TABLE IF NOT EXISTS aq_debounce (
    grp        TEXT NOT NULL,
    queue      TEXT NOT NULL,
    key        TEXT NOT NULL,
    pending_id TEXT,
    last_start TIMESTAMPTZ,
    PRIMARY KEY (grp, queue, key)
);
ALTER TABLE aq_debounce ADD COLUMN IF NOT EXISTS window_us BIGINT NOT NULL DEFAULT 0;
ALTER TABLE aq_debounce ADD COLUMN IF NOT EXISTS keep_until TIMESTAMPTZ;
CREATE INDEX IF NOT EXISTS aq_debounce_prune ON aq_debounce (grp, queue, keep_until) WHERE pending_id IS NULL;

-- Durable sagas: one row per saga, its journal (JSON, the engine's), and its lease: a token that
-- grows with every acquisition and the time the lease runs out (NULL: free).
CREATE TABLE IF NOT EXISTS aq_sagas (
    grp              TEXT        NOT NULL,
    id               TEXT        NOT NULL,
    name             TEXT        NOT NULL,
    status           TEXT        NOT NULL,
    journal          TEXT        NOT NULL,
    token            BIGINT      NOT NULL DEFAULT 0,
    lease_until      TIMESTAMPTZ,
    cancel_requested BOOLEAN     NOT NULL DEFAULT FALSE,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (grp, id)
);
CREATE INDEX IF NOT EXISTS aq_sagas_by_update ON aq_sagas (grp, updated_at DESC, id);
CREATE INDEX IF NOT EXISTS aq_sagas_by_status ON aq_sagas (grp, status, updated_at DESC, id);

-- Worker heartbeats: one row per worker, upserted every second or so with the leases it holds, and
-- kept until expires_at unless renewed. A live worker deletes (takes over) the row of a worker whose
-- heartbeat stopped, and ends the leases it lists.
CREATE TABLE IF NOT EXISTS aq_workers (
    grp            TEXT        NOT NULL,
    name           TEXT        NOT NULL,
    host           TEXT        NOT NULL,
    pid            BIGINT      NOT NULL,
    concurrency    INTEGER     NOT NULL,
    in_flight      INTEGER     NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    last_seen      TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    lease_ids      TEXT[]      NOT NULL,
    lease_tokens   BIGINT[]    NOT NULL,
    lease_receipts TEXT[]      NOT NULL,
    PRIMARY KEY (grp, name)
);
