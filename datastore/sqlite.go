package datastore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// SQLite is the embedded Store.
type SQLite struct {
	*sqlStore
}

var _ Store = (*SQLite)(nil)

// Open opens (creating if needed) the SQLite datastore at path and applies
// pending migrations. The file is created readable by its owner only.
func Open(ctx context.Context, path string) (*SQLite, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("datastore: %w", err)
		}
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, fmt.Errorf("datastore: %w", err)
		}
		f.Close()
	}
	dsn := sqliteURI(path, "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate")
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("datastore: %w", err)
	}
	// One writer at a time keeps SQLite simple; workers queue here.
	db.SetMaxOpenConns(1)
	// Inventory reads in a deferred (read-only) transaction: one WAL
	// snapshot, without taking the write lock.
	s := &SQLite{&sqlStore{db: &dbx{db: db, rebind: noRebind}, now: time.Now, snapshot: &sql.TxOptions{ReadOnly: true}}}
	if err := s.migrate(ctx, migrations, nil); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// sqliteURI returns the driver's file: URI for path with the query params:
// '%', '?' and '#' in the path are escaped, or SQLite would read them as
// an escape, the query or a fragment and open another file.
func sqliteURI(path, params string) string {
	path = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + path + "?" + params
}
