package datastore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
)

// The PostgreSQL backend joins the suite when SPRAWL_TEST_POSTGRES_URL
// names a database the tests may create schemas in (.ci/run starts one).
func init() {
	openers["postgres"] = openPostgresTest
}

func openPostgresTest(t *testing.T) Store {
	t.Helper()
	dsn := os.Getenv("SPRAWL_TEST_POSTGRES_URL")
	if dsn == "" {
		t.Skip("PostgreSQL backend not tested: set SPRAWL_TEST_POSTGRES_URL=postgres://user:pass@127.0.0.1:5432/db (.ci/run starts a throwaway server)")
	}
	s, err := OpenPostgres(context.Background(), freshSchema(t, dsn))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// freshSchema creates an empty schema, dropped when t ends, and returns dsn
// with its search_path set to it, so every test starts from nothing.
func freshSchema(t *testing.T, dsn string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "sprawl_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(scrub(dsn, err))
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`)
		admin.Close()
	})
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(scrub(dsn, err))
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal("SPRAWL_TEST_POSTGRES_URL is not a URL")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestPostgresMigrationsOnce(t *testing.T) {
	dsn := os.Getenv("SPRAWL_TEST_POSTGRES_URL")
	if dsn == "" {
		t.Skip("PostgreSQL backend not tested: SPRAWL_TEST_POSTGRES_URL not set")
	}
	dsn = freshSchema(t, dsn)
	ctx := context.Background()
	// Shards opening a new database at once migrate it once.
	var wg sync.WaitGroup
	stores := make([]*Postgres, 4)
	errs := make([]error, 4)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = OpenPostgres(ctx, dsn)
		}()
	}
	wg.Wait()
	var key []byte
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		defer s.Close()
		if v, err := s.SchemaVersion(ctx); err != nil || v != len(pgMigrations) {
			t.Fatalf("schema version %d, %v", v, err)
		}
		k, err := s.FingerprintKey(ctx)
		if err != nil || len(k) != 32 {
			t.Fatalf("key %x %v", k, err)
		}
		if key != nil && string(k) != string(key) {
			t.Fatal("shards got different fingerprint keys")
		}
		key = k
	}
	if len(pgMigrations) != len(migrations) {
		t.Fatalf("%d PostgreSQL migrations, %d SQLite: keep them version for version", len(pgMigrations), len(migrations))
	}
}

func TestRedactDSN(t *testing.T) {
	const pw = "s3cr3t-Pa55"
	for _, dsn := range []string{
		"postgres://sprawl:" + pw + "@db.example:5432/inv?sslmode=require",
		"postgresql://sprawl@db.example/inv?password=" + pw,
	} {
		r := RedactDSN(dsn)
		if strings.Contains(r, pw) || !strings.Contains(r, "db.example") {
			t.Errorf("RedactDSN(%q) = %q", dsn, r)
		}
	}
	if RedactDSN("/var/lib/sprawl.db") != "/var/lib/sprawl.db" {
		t.Error("SQLite path changed")
	}
	// A server that is not there: the error names it without the password.
	ctx, cancel := context.WithTimeout(context.Background(), 5e9)
	defer cancel()
	for _, dsn := range []string{
		"postgres://sprawl:" + pw + "@127.0.0.1:1/inv?sslmode=disable&connect_timeout=2",
		"postgres://sprawl:" + pw + "@127.0.0.1:1/inv?sslmode=bogus",
		"postgresql://sprawl@127.0.0.1:1/inv?sslmode=disable&password=" + pw,
	} {
		_, err := OpenAny(ctx, dsn)
		if err == nil {
			t.Fatal("no error from a server that is not there")
		}
		if strings.Contains(err.Error(), pw) {
			t.Errorf("password in error: %v", err)
		}
		if !strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("error does not name the server: %v", err)
		}
	}
}

func TestOpenAnySQLite(t *testing.T) {
	s, err := OpenAny(context.Background(), t.TempDir()+"/x.db")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.(*SQLite); !ok {
		t.Fatalf("OpenAny of a path gave %T", s)
	}
}
