// Command benchtool supports `make bench`: it generates a git history as a
// git fast-import stream (with planted fake secrets), and compares a
// gitleaks JSON report with a sprawl JSON report by (path, keyed
// fingerprint) without printing any secret. For the sweep bench it writes
// many generated bare repositories and makes throwaway PostgreSQL schemas.
//
//	benchtool gen -commits N -files N -seed N | git -C repo fast-import
//	benchtool compare -repo DIR -gitleaks gl.json -sprawl sp.json
//	benchtool sweeprepos -dir DIR -repos 100 [-append]
//	benchtool pgschema create|drop URL
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/repoinfo"
)

func main() {
	const usage = "usage: benchtool gen|compare|sweeprepos|pgschema [flags]"
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	switch os.Args[1] {
	case "gen":
		gen(os.Args[2:])
	case "compare":
		os.Exit(compare(os.Args[2:]))
	case "sweeprepos":
		os.Exit(sweepRepos(os.Args[2:]))
	case "pgschema":
		os.Exit(pgSchema(os.Args[2:]))
	default:
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
}

var words = strings.Fields(`the quick service reads config from store retries request handler queue worker batch deploy
cluster region bucket object stream parse encode decode timeout metric trace span cache client server token limit`)

func gen(args []string) {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	commits := fs.Int("commits", 3000, "number of commits")
	files := fs.Int("files", 1500, "number of distinct files")
	seed := fs.Uint64("seed", 1, "random seed")
	secretEvery := fs.Int("secret-every", 60, "plant a secret every N commits")
	flat := fs.Int("flat", 0, "instead: one commit holding this many files (for --staged latency)")
	repeat := fs.Bool("repeat", false, "also replay every commit's changes on a second branch: twice the commits, no new content")
	fs.Parse(args)
	if *flat > 0 {
		genFlat(*flat)
		return
	}
	r := rand.New(rand.NewPCG(*seed, 7))
	g := fake.New(*seed)
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	contents := make([][]string, *files)
	when := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	type change struct{ path, body string }
	var replay [][]change
	for c := 1; c <= *commits; c++ {
		var changes []change
		when = when.Add(time.Duration(1+r.IntN(600)) * time.Minute)
		fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\ncommitter Bench <bench@example.test> %d +0000\n", c, when.Unix())
		msg := fmt.Sprintf("change %d", c)
		fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
		if c > 1 {
			fmt.Fprintf(w, "from :%d\n", c-1)
		}
		for k := 0; k < 1+r.IntN(4); k++ {
			f := r.IntN(*files)
			lines := contents[f]
			for n := 0; n < 1+r.IntN(20); n++ {
				var b strings.Builder
				for m := 0; m < 4+r.IntN(10); m++ {
					b.WriteString(words[r.IntN(len(words))])
					b.WriteByte(' ')
				}
				lines = append(lines, b.String())
			}
			if c%*secretEvery == k {
				switch r.IntN(4) {
				case 0:
					lines = append(lines, "aws_access_key_id = "+g.AWSKeyID())
				case 1:
					lines = append(lines, "GITHUB_TOKEN="+g.GitHubPAT())
				case 2:
					lines = append(lines, "slack: "+g.SlackBot())
				default:
					lines = append(lines, "DATABASE_URL=postgres://app:"+g.Password(16)+"@db.internal/app")
				}
			}
			if len(lines) > 400 {
				lines = lines[len(lines)-300:]
			}
			contents[f] = lines
			body := strings.Join(lines, "\n") + "\n"
			path := fmt.Sprintf("src/pkg%02d/file%04d.txt", f%50, f)
			fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", path, len(body), body)
			if *repeat {
				changes = append(changes, change{path, body})
			}
		}
		w.WriteString("\n")
		replay = append(replay, changes)
	}
	// The replay branch commits the same file versions again: git stores
	// no new blob, and a scanner that scans each distinct blob once should
	// barely notice the extra commits.
	for i, changes := range replay {
		if !*repeat {
			break
		}
		when = when.Add(time.Minute)
		fmt.Fprintf(w, "commit refs/heads/replay\nmark :%d\ncommitter Bench <bench@example.test> %d +0000\n", *commits+i+1, when.Unix())
		msg := fmt.Sprintf("replay %d", i+1)
		fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
		if i > 0 {
			fmt.Fprintf(w, "from :%d\n", *commits+i)
		}
		for _, ch := range changes {
			fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", ch.path, len(ch.body), ch.body)
		}
		w.WriteString("\n")
	}
}

// genFlat writes one commit with n small files in 500 folders.
func genFlat(n int) {
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	fmt.Fprintf(w, "commit refs/heads/main\ncommitter Bench <bench@example.test> %d +0000\ndata 4\nflat\n", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	for i := 0; i < n; i++ {
		body := fmt.Sprintf("package p%d\n\n// file %d\nfunc F%d() int { return %d }\n", i%500, i, i, i)
		fmt.Fprintf(w, "M 100644 inline pkg%03d/file%05d.go\ndata %d\n%s\n", i%500, i, len(body), body)
	}
	w.WriteString("\n")
}

func compare(args []string) int {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	repoDir := fs.String("repo", "", "repository both tools scanned")
	glPath := fs.String("gitleaks", "", "gitleaks JSON report")
	spPath := fs.String("sprawl", "", "sprawl JSON report")
	fs.Parse(args)
	repo := &scanners.Repo{Name: *repoDir}
	if r, err := git.PlainOpenWithOptions(*repoDir, &git.PlainOpenOptions{DetectDotGit: true}); err == nil {
		repoinfo.Fill(repo, r)
	}
	var shared []byte
	if k := os.Getenv("SPRAWL_FINGERPRINT_KEY"); k != "" {
		shared = []byte(k)
	}
	key, _ := engine.FingerprintKey(shared, repo)
	h := detectors.NewHasher(key, nil)

	var gl []struct {
		File, Secret, RuleID, Commit string
		StartLine                    int
	}
	if err := readJSON(*glPath, &gl); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var sp struct {
		Findings []struct {
			RuleID   string
			Location struct{ Path string }
			Secret   *struct{ Fingerprint string }
		}
	}
	if err := readJSON(*spPath, &sp); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	have := map[string]bool{}
	for _, f := range sp.Findings {
		if f.Secret != nil {
			have[f.Location.Path+"\x00"+f.Secret.Fingerprint] = true
		}
	}
	want := map[string]string{}
	abs, _ := filepath.Abs(*repoDir)
	for _, f := range gl {
		// gitleaks dir reports paths as given on its command line.
		f.File = filepath.ToSlash(strings.TrimPrefix(strings.TrimPrefix(f.File, abs), "/"))
		f.File = strings.TrimPrefix(f.File, filepath.ToSlash(filepath.Clean(*repoDir))+"/")
		secret := f.Secret
		if secret == "" {
			secret = "file:" + f.File // a rule on paths alone: sprawl keys the file by its path
		}
		where := fmt.Sprintf("%s in %s line %d", f.RuleID, f.File, f.StartLine)
		if len(f.Commit) >= 12 {
			where += " (commit " + f.Commit[:12] + ")"
		}
		want[f.File+"\x00"+h.Fingerprint(secret)] = where
	}
	missed := 0
	for k, what := range want {
		if !have[k] {
			missed++
			if missed <= 20 {
				fmt.Printf("  missed: %s\n", what)
			}
		}
	}
	fmt.Printf("recall vs gitleaks: %d of %d distinct (path, secret) pairs found\n", len(want)-missed, len(want))
	if missed > 0 {
		return 1
	}
	return 0
}

func readJSON(path string, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
