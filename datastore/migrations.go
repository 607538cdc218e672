package datastore

// migrations are applied in order; each runs once, in one transaction, and
// is recorded in schema_migrations. Never edit a released migration: add a
// new one. The SQL is kept to what SQLite and PostgreSQL both accept
// (BIGINT ids from the backend, TEXT timestamps in RFC 3339 UTC).
var migrations = []string{
	// 1: initial schema.
	`
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
CREATE TABLE sweeps (
	id          INTEGER PRIMARY KEY,
	started_at  TEXT NOT NULL,
	finished_at TEXT,
	status      TEXT NOT NULL,
	shard       TEXT NOT NULL DEFAULT ''
);
CREATE TABLE repos (
	id          INTEGER PRIMARY KEY,
	url         TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	head        TEXT NOT NULL DEFAULT '',
	first_sweep INTEGER NOT NULL,
	last_sweep  INTEGER NOT NULL,
	last_outcome TEXT NOT NULL DEFAULT '',
	last_error  TEXT NOT NULL DEFAULT ''
);
CREATE TABLE repo_refs (
	repo_id INTEGER NOT NULL REFERENCES repos(id),
	ref     TEXT NOT NULL,
	commit_id TEXT NOT NULL,
	PRIMARY KEY (repo_id, ref)
);
CREATE TABLE sweep_repos (
	sweep_id    INTEGER NOT NULL REFERENCES sweeps(id),
	repo_id     INTEGER NOT NULL REFERENCES repos(id),
	outcome     TEXT NOT NULL,
	error       TEXT NOT NULL DEFAULT '',
	attempts    INTEGER NOT NULL DEFAULT 0,
	commits     INTEGER NOT NULL DEFAULT 0,
	findings    INTEGER NOT NULL DEFAULT 0,
	started_at  TEXT NOT NULL,
	duration_ms INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (sweep_id, repo_id)
);
CREATE TABLE findings (
	repo_id      INTEGER NOT NULL REFERENCES repos(id),
	fkey         TEXT NOT NULL,
	rule         TEXT NOT NULL,
	fingerprint  TEXT NOT NULL DEFAULT '',
	preview      TEXT NOT NULL DEFAULT '',
	kind         TEXT NOT NULL DEFAULT '',
	identity_key TEXT NOT NULL DEFAULT '',
	path         TEXT NOT NULL,
	line         INTEGER NOT NULL DEFAULT 0,
	commit_id    TEXT NOT NULL DEFAULT '',
	message      TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL,
	first_sweep  INTEGER NOT NULL,
	last_sweep   INTEGER NOT NULL,
	fixed_sweep  INTEGER NOT NULL DEFAULT 0,
	first_seen   TEXT NOT NULL,
	last_seen    TEXT NOT NULL,
	fixed_at     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (repo_id, fkey)
);
CREATE INDEX findings_fingerprint ON findings(fingerprint) ;
CREATE TABLE identities (
	repo_id         INTEGER NOT NULL REFERENCES repos(id),
	ikey            TEXT NOT NULL,
	kind            TEXT NOT NULL DEFAULT '',
	name            TEXT NOT NULL DEFAULT '',
	workload        TEXT NOT NULL DEFAULT '',
	recommendation  TEXT NOT NULL DEFAULT '',
	current_control TEXT NOT NULL DEFAULT '',
	misfit          INTEGER NOT NULL DEFAULT 0,
	reasons         TEXT NOT NULL DEFAULT '[]',
	first_action    TEXT NOT NULL DEFAULT '',
	copies          INTEGER NOT NULL DEFAULT 0,
	first_sweep     INTEGER NOT NULL,
	last_sweep      INTEGER NOT NULL,
	first_seen      TEXT NOT NULL,
	last_seen       TEXT NOT NULL,
	PRIMARY KEY (repo_id, ikey)
);
`, // 2: sweep uids (merge recognises a sweep it already has) and run names
	// (the shards of one run share one; a re-run shard continues its sweep),
	// a finding's report detail (SARIF is rebuilt from the store), and an
	// index for per-repository sweep outcomes.
	`
ALTER TABLE sweeps ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE sweeps ADD COLUMN run TEXT NOT NULL DEFAULT '';
UPDATE sweeps SET uid = lower(hex(randomblob(16))) WHERE uid = '';
CREATE UNIQUE INDEX sweeps_uid ON sweeps(uid);
CREATE UNIQUE INDEX sweeps_run_shard ON sweeps(run, shard) WHERE run <> '';
ALTER TABLE findings ADD COLUMN detail TEXT NOT NULL DEFAULT '';
CREATE INDEX sweep_repos_repo ON sweep_repos(repo_id);
`,
}
