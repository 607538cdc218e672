package main

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for pgschema

	"github.com/sprawl-dev/sprawl/fixtures/fake"
)

// sweepRepos writes -repos bare repositories under -dir, each a generated
// history (gen's generator, its own seed), for `make bench`'s sweep
// throughput; with -append it adds one commit holding a new secret to each.
//
//	benchtool sweeprepos -dir D -repos 100 -commits 40 -files 60
//	benchtool sweeprepos -dir D -repos 100 -append
func sweepRepos(args []string) int {
	fs := flag.NewFlagSet("sweeprepos", flag.ExitOnError)
	dir := fs.String("dir", "", "folder to create the repositories in")
	n := fs.Int("repos", 100, "number of repositories")
	commits := fs.Int("commits", 40, "commits per repository")
	files := fs.Int("files", 60, "distinct files per repository")
	appendOne := fs.Bool("append", false, "add one commit with a new secret to each existing repository")
	fs.Parse(args)
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "sweeprepos: -dir is required")
		return 2
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	g := fake.New(uint64(time.Now().UnixNano()))
	for i := range *n {
		repo := filepath.Join(*dir, fmt.Sprintf("repo-%03d.git", i))
		var stream []byte
		if *appendOne {
			body := "GITHUB_TOKEN=" + g.GitHubPAT() + "\n"
			stream = fmt.Appendf(nil, "commit refs/heads/main\ncommitter Bench <bench@example.test> %d +0000\ndata 6\nappend\nfrom refs/heads/main^0\nM 100644 inline deploy/new-%d.env\ndata %d\n%s\n\n",
				time.Now().Unix(), time.Now().UnixNano(), len(body), body)
		} else {
			if err := run("", "git", "init", "-q", "--bare", "-b", "main", repo); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			out, err := exec.Command(self, "gen", "-commits", fmt.Sprint(*commits), "-files", fmt.Sprint(*files),
				"-seed", fmt.Sprint(i+1), "-secret-every", "10").Output()
			if err != nil {
				fmt.Fprintln(os.Stderr, "gen:", err)
				return 1
			}
			stream = out
		}
		cmd := exec.Command("git", "-C", repo, "fast-import", "--quiet")
		cmd.Stdin = bytes.NewReader(stream)
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "fast-import into %s: %v\n%s", repo, err, out)
			return 1
		}
	}
	return 0
}

var benchSchema = regexp.MustCompile(`^sprawl_bench_[0-9a-f]{12}$`)

func run(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %v: %v\n%s", name, args, err, out)
	}
	return nil
}

// pgSchema creates (or drops) a schema for one bench run on the server the
// URL names, so the bench starts from an empty datastore and leaves nothing
// behind; create prints the URL with that schema as search_path. Errors
// never print the URL.
//
//	benchtool pgschema create URL
//	benchtool pgschema drop URL-WITH-SEARCH-PATH
func pgSchema(args []string) int {
	if len(args) != 2 || (args[0] != "create" && args[0] != "drop") {
		fmt.Fprintln(os.Stderr, "usage: benchtool pgschema create|drop URL")
		return 2
	}
	u, err := url.Parse(args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgschema: not a URL")
		return 2
	}
	q := u.Query()
	schema := q.Get("search_path")
	if args[0] == "create" {
		b := make([]byte, 6)
		rand.Read(b)
		schema = "sprawl_bench_" + hex.EncodeToString(b)
		q.Set("search_path", schema)
	}
	if !benchSchema.MatchString(schema) {
		fmt.Fprintln(os.Stderr, "pgschema drop: the URL's search_path is not a schema pgschema create made")
		return 2
	}
	base := *u
	bq := base.Query()
	bq.Del("search_path")
	base.RawQuery = bq.Encode()
	db, err := sql.Open("pgx", base.String())
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgschema: cannot connect")
		return 1
	}
	defer db.Close()
	stmt := `CREATE SCHEMA ` + schema
	if args[0] == "drop" {
		stmt = `DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`
	}
	if _, err := db.Exec(stmt); err != nil {
		fmt.Fprintf(os.Stderr, "pgschema %s %s failed (server %s)\n", args[0], schema, u.Host)
		return 1
	}
	if args[0] == "create" {
		u.RawQuery = q.Encode()
		fmt.Println(u.String())
	}
	return 0
}
