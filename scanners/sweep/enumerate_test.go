package sweep

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

func ghRepo(name string, archived, fork bool) string {
	return fmt.Sprintf(`{"name":%q,"full_name":"acme/%s","clone_url":"https://github.example/acme/%s.git","archived":%v,"fork":%v,"disabled":false}`,
		name, name, name, archived, fork)
}

func TestListGitHubPaginationAndRateLimits(t *testing.T) {
	clk := &instantClock{now: time.Unix(1_700_000_000, 0)}
	reset := func(after time.Duration) string {
		return strconv.FormatInt(clk.clock().Now().Add(after).Unix(), 10)
	}
	var mu sync.Mutex
	var auths []string
	page2Calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		auths = append(auths, r.Header.Get("Authorization"))
		if r.URL.Path != "/api/v3/orgs/acme/repos" || r.URL.Query().Get("per_page") != "100" || r.URL.Query().Get("type") != "all" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-RateLimit-Limit", "5000")
		switch r.URL.Query().Get("page") {
		case "", "1":
			// Last request of the budget: the client must wait for reset.
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", reset(30*time.Second))
			w.Header().Set("Link", fmt.Sprintf(`<http://%s/api/v3/orgs/acme/repos?page=2&per_page=100&type=all>; rel="next"`, r.Host))
			fmt.Fprintf(w, "[%s,%s,%s]", ghRepo("app", false, false), ghRepo("old", true, false), ghRepo("forked", false, true))
		case "2":
			page2Calls++
			switch page2Calls {
			case 1: // primary limit exceeded
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", reset(60*time.Second))
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, `{"message":"API rate limit exceeded for user."}`)
			case 2: // secondary limit
				w.Header().Set("X-RateLimit-Remaining", "4000")
				w.Header().Set("Retry-After", "7")
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, `{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`)
			default:
				w.Header().Set("X-RateLimit-Remaining", "3999")
				fmt.Fprintf(w, "[%s]", ghRepo("svc", false, false))
			}
		}
	}))
	defer srv.Close()

	var logs []string
	targets, err := ListGitHub(context.Background(), GitHubOptions{Orgs: []string{"acme"}, Token: testToken,
		APIURL: srv.URL + "/", Clock: clk.clock(), Log: func(s string) { logs = append(logs, s) }})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tg := range targets {
		names = append(names, tg.Name+"="+tg.URL)
		ba, ok := tg.Auth.(*githttp.BasicAuth)
		if !ok || ba.Password != testToken {
			t.Fatalf("%s: clone auth %v", tg.Name, tg.Auth)
		}
	}
	if got := strings.Join(names, " "); got != "acme/app=https://github.example/acme/app.git acme/svc=https://github.example/acme/svc.git" {
		t.Fatalf("targets %s", got)
	}
	if fmt.Sprint(clk.sleeps) != "[31s 1m1s 7s]" {
		t.Fatalf("sleeps %v", clk.sleeps)
	}
	for _, a := range auths {
		if a != "Bearer "+testToken {
			t.Fatalf("authorization %q", a)
		}
	}
	for _, l := range logs {
		if strings.Contains(l, testToken) {
			t.Fatal("token logged")
		}
	}

	// Archived and forks on request.
	page2Calls = 2
	targets, err = ListGitHub(context.Background(), GitHubOptions{Orgs: []string{"acme"}, APIURL: srv.URL + "/",
		IncludeArchived: true, IncludeForks: true, Clock: clk.clock()})
	if err != nil || len(targets) != 4 {
		t.Fatalf("%d targets, %v", len(targets), err)
	}
}

func TestListGitHubErrorHidesToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"Not Found"}`)
	}))
	defer srv.Close()
	_, err := ListGitHub(context.Background(), GitHubOptions{Orgs: []string{"nope"}, Token: testToken, APIURL: srv.URL + "/",
		Clock: (&instantClock{}).clock()})
	if err == nil || strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v", err)
	}
}

func TestListGitLab(t *testing.T) {
	clk := &instantClock{now: time.Unix(1_700_000_000, 0)}
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.Header.Get("PRIVATE-TOKEN") != testToken || r.URL.EscapedPath() != "/api/v4/groups/acme%2Fplatform/projects" ||
			r.URL.Query().Get("include_subgroups") != "true" {
			http.Error(w, "bad request "+r.URL.String(), http.StatusBadRequest)
			return
		}
		if calls == 1 {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		switch r.URL.Query().Get("page") {
		case "1":
			w.Header().Set("X-Next-Page", "2")
			fmt.Fprint(w, `[{"path_with_namespace":"acme/platform/api","http_url_to_repo":"https://gitlab.example/acme/platform/api.git","archived":false},
				{"path_with_namespace":"acme/platform/fork","http_url_to_repo":"https://gitlab.example/acme/platform/fork.git","forked_from_project":{"id":1}}]`)
		case "2":
			w.Header().Set("X-Next-Page", "")
			fmt.Fprint(w, `[{"path_with_namespace":"acme/platform/web","http_url_to_repo":"https://gitlab.example/acme/platform/web.git"}]`)
		}
	}))
	defer srv.Close()
	targets, err := ListGitLab(context.Background(), GitLabOptions{Groups: []string{"acme/platform"}, Token: testToken,
		BaseURL: srv.URL, Clock: clk.clock()})
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != 2 || targets[0].Name != "acme/platform/api" || targets[1].Name != "acme/platform/web" {
		t.Fatalf("targets %+v", targets)
	}
	if fmt.Sprint(clk.sleeps) != "[3s]" {
		t.Fatalf("sleeps %v", clk.sleeps)
	}
}
