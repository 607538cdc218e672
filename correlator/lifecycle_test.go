package correlator

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
)

// lived is the expected shape of a lifecycle/long-lived-secret finding.
type lived struct {
	where   string // repo:path:line
	basis   []string
	ageDays any // int, or nil when not known
	expired any // bool, or nil when there is no expiry
	related int
}

func where(l detectors.Location) string { return fmt.Sprintf("%s:%s:%d", l.Repo, l.Path, l.StartLine) }

func TestLongLived(t *testing.T) {
	exp30 := now.Add(30 * 24 * time.Hour)
	iatOld := daysAgo(10)
	expPast := daysAgo(2)
	iatShort := expPast.Add(-time.Hour)
	tests := []struct {
		name     string
		findings []detectors.Finding
		want     []lived
		msg      []string // substrings of the first finding's message
	}{
		{
			name:     "AKIA key is long-lived by format",
			findings: []detectors.Finding{sec("aws-access-token", "aws-access-key", "AKIAEXAMPLEKEY01", repoA, "config/app.yml", 3)},
			want:     []lived{{where: "acme/api:config/app.yml:3", basis: []string{"format"}}},
			msg:      []string{"AWS IAM user access key (AKIA…) is long-lived", "does not expire on its own", "Deactivate and delete"},
		},
		{
			name: "AKIA key committed 200 days ago: format and age",
			findings: []detectors.Finding{hist(sec("aws-access-token", "aws-access-key", "AKIAEXAMPLEKEY02", repoA, "deploy.sh", 1),
				"a1", 200, "", 0)},
			want: []lived{{where: "acme/api:deploy.sh:1", basis: []string{"format", "age"}, ageDays: 200}},
			msg:  []string{"in the repository for 200 days (max 90)"},
		},
		{
			name: "temporary ASIA credentials are short-lived even when old",
			findings: []detectors.Finding{hist(sec("aws-access-token", "aws-temporary-credentials", "ASIAEXAMPLEKEY03", repoA, "deploy.sh", 1),
				"a2", 400, "", 0)},
		},
		{
			name:     "GitHub App installation token is short-lived",
			findings: []detectors.Finding{sec("github-app-token", "github-app-token", "ghs_example0004", repoA, "ci/token.txt", 1)},
		},
		{
			name:     "GitLab PAT: its format allows a year",
			findings: []detectors.Finding{sec("gitlab-pat", "gitlab-pat", "glpat-example0005", repoA, "ci/.netrc", 1)},
			want:     []lived{{where: "acme/api:ci/.netrc:1", basis: []string{"format"}}},
			msg:      []string{"its format allows a lifetime of 365 days"},
		},
		{
			name: "JWT whose claims give 40 days",
			findings: []detectors.Finding{withClaims(sec("jwt", "jwt", "eyJexample0006", repoA, "test/token.json", 2),
				&iatOld, &exp30, false)},
			want: []lived{{where: "acme/api:test/token.json:2", basis: []string{"claims"}, expired: false}},
			msg:  []string{"its token claims give a lifetime of 40 days"},
		},
		{
			name:     "JWT without exp",
			findings: []detectors.Finding{withClaims(sec("jwt", "jwt", "eyJexample0007", repoA, "a.txt", 2), &iatOld, nil, true)},
			want:     []lived{{where: "acme/api:a.txt:2", basis: []string{"claims"}}},
			msg:      []string{"its token claims set no expiry"},
		},
		{
			name:     "expired one-hour JWT is neither long-lived nor old",
			findings: []detectors.Finding{hist(withClaims(sec("jwt", "jwt", "eyJexample0008", repoA, "a.txt", 2), &iatShort, &expPast, false), "a3", 300, "", 0)},
		},
		{
			name: "expired JWT that lived 8 days says it expired",
			findings: []detectors.Finding{withClaims(sec("jwt", "jwt", "eyJexample0009", repoA, "a.txt", 2),
				&iatOld, &expPast, false)},
			want: []lived{{where: "acme/api:a.txt:2", basis: []string{"claims"}, expired: true}},
			msg:  []string{"It already expired on 2026-05-30"},
		},
		{
			name: "generic secret older than the max age",
			findings: []detectors.Finding{hist(sec("generic-api-key", "generic-secret", "s3cr3tvalue0010", repoA, "app/settings.py", 9),
				"a4", 120, "", 0)},
			want: []lived{{where: "acme/api:app/settings.py:9", basis: []string{"age"}, ageDays: 120}},
		},
		{
			name: "generic secret younger than the max age",
			findings: []detectors.Finding{hist(sec("generic-api-key", "generic-secret", "s3cr3tvalue0011", repoA, "app/settings.py", 9),
				"a5", 30, "", 0)},
		},
		{
			name: "one result per secret and repository, copies related, age from the oldest copy",
			findings: []detectors.Finding{
				hist(sec("slack-bot-token", "slack-token", "xoxb-example0012", repoA, "b.yml", 4), "b1", 10, "", 0),
				hist(sec("slack-bot-token", "slack-token", "xoxb-example0012", repoA, "a.yml", 4), "b2", 20, "", 0),
				sec("slack-bot-token", "slack-token", "xoxb-example0012", repoB, "notify.py", 7),
			},
			want: []lived{
				{where: "acme/api:a.yml:4", basis: []string{"format"}, ageDays: 20, related: 1},
				{where: "acme/ops:notify.py:7", basis: []string{"format"}, ageDays: 20},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := correlate(tt.findings...)
			got := derived(r, LongLivedRule)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d long-lived findings, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				f := got[i]
				if where(f.Location) != w.where {
					t.Errorf("[%d] at %s, want %s", i, where(f.Location), w.where)
				}
				if !reflect.DeepEqual(f.Properties["basis"], w.basis) {
					t.Errorf("[%d] basis %v, want %v", i, f.Properties["basis"], w.basis)
				}
				if f.Properties["ageDays"] != w.ageDays {
					t.Errorf("[%d] ageDays %v, want %v", i, f.Properties["ageDays"], w.ageDays)
				}
				if f.Properties["expired"] != w.expired {
					t.Errorf("[%d] expired %v, want %v", i, f.Properties["expired"], w.expired)
				}
				if len(f.Related) != w.related {
					t.Errorf("[%d] %d related, want %d", i, len(f.Related), w.related)
				}
				if f.Secret == nil || f.Secret.Link != "" || f.Secret.Fingerprint == "" {
					t.Errorf("[%d] derived secret facts %+v: want fingerprint, no link", i, f.Secret)
				}
			}
			for _, m := range tt.msg {
				if !strings.Contains(got[0].Message, m) {
					t.Errorf("message %q lacks %q", got[0].Message, m)
				}
			}
		})
	}
}

func TestSecretInHistory(t *testing.T) {
	tests := []struct {
		name     string
		findings []detectors.Finding
		want     []string // where, removedIn
	}{
		{
			name: "removed from HEAD, alive in history",
			findings: []detectors.Finding{hist(sec("generic-api-key", "generic-secret", "histvalue0001", repoA, "old/config.env", 2),
				"c1", 50, "c2", 40)},
			want: []string{"acme/api:old/config.env:2 c2000000"},
		},
		{
			name: "still at HEAD",
			findings: []detectors.Finding{hist(sec("generic-api-key", "generic-secret", "histvalue0002", repoA, "config.env", 2),
				"c3", 50, "", 0)},
		},
		{
			name: "moved: removed at one path, at HEAD at another",
			findings: []detectors.Finding{
				hist(sec("generic-api-key", "generic-secret", "histvalue0003", repoA, "old.env", 2), "c4", 50, "c5", 40),
				hist(sec("generic-api-key", "generic-secret", "histvalue0003", repoA, "new.env", 2), "c5", 40, "", 0),
			},
		},
		{
			name: "removed in one repo, in the working tree of another",
			findings: []detectors.Finding{
				hist(sec("generic-api-key", "generic-secret", "histvalue0004", repoA, "old.env", 2), "c6", 50, "c7", 40),
				sec("generic-api-key", "generic-secret", "histvalue0004", repoB, "app.env", 1),
			},
		},
		{
			name: "two rules at one path give one result",
			findings: []detectors.Finding{
				hist(sec("generic-api-key", "generic-secret", "histvalue0005", repoA, "old.env", 2), "c8", 50, "c9", 40),
				hist(sec("config-secret", "generic-secret", "histvalue0005", repoA, "old.env", 2), "c8", 50, "c9", 40),
			},
			want: []string{"acme/api:old.env:2 c9000000"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := derived(correlate(tt.findings...), InHistoryRule)
			var ws []string
			for _, f := range got {
				rm, _ := f.Properties["removedIn"].(string)
				ws = append(ws, where(f.Location)+" "+shortHash(rm))
				if !strings.Contains(f.Message, "deleting it is not a fix") || !strings.Contains(f.Message, "Revoke or rotate") {
					t.Errorf("message %q does not say deleting is not a fix", f.Message)
				}
				if f.Location.Commit == nil {
					t.Errorf("no introducing commit on %s", where(f.Location))
				}
			}
			if !reflect.DeepEqual(ws, tt.want) {
				t.Errorf("got %q, want %q", ws, tt.want)
			}
		})
	}
}

func TestDuplicates(t *testing.T) {
	a := sec("generic-api-key", "generic-secret", "dupvalue0001", repoA, "a.env", 1)
	tests := []struct {
		name     string
		findings []detectors.Finding
		want     []string // location and occurrences
	}{
		{
			name: "same blob reached by two refs is one place",
			findings: []detectors.Finding{
				hist(a, "d1", 30, "", 0),
				hist(a, "d2", 20, "", 0),
			},
		},
		{
			name: "two paths in one repository",
			findings: []detectors.Finding{
				a,
				sec("generic-api-key", "generic-secret", "dupvalue0001", repoA, "b.env", 5),
			},
			want: []string{"acme/api:a.env:1 2 1"},
		},
		{
			name: "across repositories, oldest first",
			findings: []detectors.Finding{
				sec("generic-api-key", "generic-secret", "dupvalue0001", repoB, "x.env", 1),
				hist(sec("generic-api-key", "generic-secret", "dupvalue0001", repoA, "z.env", 5), "d3", 10, "", 0),
			},
			want: []string{"acme/api:z.env:5 2 2"},
		},
		{
			name: "different secrets are not duplicates",
			findings: []detectors.Finding{
				a,
				sec("generic-api-key", "generic-secret", "othervalue002", repoA, "b.env", 5),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range Duplicates(tt.findings) {
				got = append(got, fmt.Sprintf("%s %v %v", where(f.Location), f.Properties["occurrences"], f.Properties["repositories"]))
				if len(f.Related) != f.Properties["occurrences"].(int)-1 {
					t.Errorf("%d related for %v occurrences", len(f.Related), f.Properties["occurrences"])
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCorrelateKeepsFindingsAndAddsDerived(t *testing.T) {
	in := []detectors.Finding{
		sec("aws-access-token", "aws-access-key", "AKIAEXAMPLEKEY99", repoA, "a.env", 1),
		sec("aws-access-token", "aws-access-key", "AKIAEXAMPLEKEY99", repoA, "b.env", 1),
	}
	r := correlate(in...)
	count := map[string]int{}
	for _, f := range r.Findings {
		count[f.RuleID]++
	}
	want := map[string]int{"secret/aws-access-token": 2, DuplicatedRule: 1, LongLivedRule: 1, "identity/workload-identity": 1}
	if !reflect.DeepEqual(count, want) {
		t.Errorf("rule counts %v, want %v", count, want)
	}
	if r.MaxAge != 90*24*time.Hour {
		t.Errorf("max age %v", r.MaxAge)
	}
}

func TestRefList(t *testing.T) {
	tests := []struct {
		names []string
		total int
		want  string
	}{
		{[]string{"refs/pull/7/head"}, 1, "refs/pull/7/head"},
		{[]string{"refs/pull/7/head", "refs/stash"}, 2, "refs/pull/7/head and refs/stash"},
		{[]string{"a", "b", "c"}, 3, "a, b and c"},
		{[]string{"a", "b"}, 6, "a, b and 4 more refs"},
	}
	for _, tt := range tests {
		if got := RefList(tt.names, tt.total); got != tt.want {
			t.Errorf("RefList(%v, %d) = %q, want %q", tt.names, tt.total, got, tt.want)
		}
	}
}
