package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v89/github"
)

// Clock abstracts time for rate-limit waits and retry backoff, so tests do
// not wait.
type Clock struct {
	// Now returns the current time (nil: time.Now).
	Now func() time.Time
	// Sleep waits d or until ctx ends (nil: a real timer).
	Sleep func(ctx context.Context, d time.Duration) error
}

func (c Clock) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c Clock) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// MaxRateLimitWait bounds one wait for a rate-limit reset.
const MaxRateLimitWait = 65 * time.Minute

// apiRetries is how often a listing request is retried on 5xx or a
// secondary rate limit before giving up.
const apiRetries = 6

// GitHubOptions select the repositories of GitHub organisations.
type GitHubOptions struct {
	Orgs []string
	// Token authenticates the API and the clones (GITHUB_TOKEN).
	Token string
	// APIURL is the REST API root for GitHub Enterprise Server, e.g.
	// https://ghe.example.com/api/v3/ ("" = api.github.com).
	APIURL          string
	IncludeArchived bool
	IncludeForks    bool
	HTTPClient      *http.Client
	Clock           Clock
	// Log receives progress lines (rate-limit waits); nil discards them.
	Log func(string)
}

// ListGitHub lists the repositories of every organisation in opts, page by
// page (100 a page), waiting for the rate limit's reset when the remaining
// budget reaches zero and honouring retry-after on secondary limits.
// Archived, disabled and fork repositories are skipped unless asked for.
func ListGitHub(ctx context.Context, opts GitHubOptions) ([]Target, error) {
	copts := []github.ClientOptionsFunc{github.WithDisableRateLimitCheck(), github.WithUserAgent("sprawl")}
	if opts.HTTPClient != nil {
		copts = append(copts, github.WithHTTPClient(opts.HTTPClient))
	}
	if opts.Token != "" {
		copts = append(copts, github.WithAuthToken(opts.Token))
	}
	if opts.APIURL != "" {
		copts = append(copts, github.WithEnterpriseURLs(opts.APIURL, opts.APIURL))
	}
	gh, err := github.NewClient(copts...)
	if err != nil {
		return nil, fmt.Errorf("github: %s", Redact(err.Error(), opts.Token))
	}
	var out []Target
	for _, org := range opts.Orgs {
		lo := &github.RepositoryListByOrgOptions{Type: "all", Sort: "full_name", ListOptions: github.ListOptions{PerPage: 100}}
		for {
			var repos []*github.Repository
			var resp *github.Response
			err := withAPIRetries(ctx, opts.Clock, opts.Log, func(attempt int) (time.Duration, error) {
				var err error
				repos, resp, err = gh.Repositories.ListByOrg(ctx, org, lo)
				return githubWait(err, opts.Clock, attempt), err
			})
			if err != nil {
				return nil, fmt.Errorf("github: listing %s: %s", org, Redact(err.Error(), opts.Token))
			}
			for _, r := range repos {
				if (r.GetArchived() && !opts.IncludeArchived) || r.GetDisabled() || (r.GetFork() && !opts.IncludeForks) {
					continue
				}
				t, err := NewTarget(r.GetCloneURL(), "")
				if err != nil || t.Local {
					continue
				}
				if n := r.GetFullName(); n != "" {
					t.Name = n
				}
				out = append(out, t.WithToken("x-access-token", opts.Token))
			}
			if resp == nil || resp.NextPage == 0 {
				break
			}
			// Out of budget: wait for the reset instead of hammering.
			if resp.Rate.Limit > 0 && resp.Rate.Remaining == 0 {
				if err := waitUntil(ctx, opts.Clock, opts.Log, resp.Rate.Reset.Time); err != nil {
					return nil, err
				}
			}
			lo.Page = resp.NextPage
		}
	}
	return out, nil
}

// githubWait says how long to wait before retrying after err (0: do not
// retry).
func githubWait(err error, clock Clock, attempt int) time.Duration {
	var rl *github.RateLimitError
	var abuse *github.AbuseRateLimitError
	var er *github.ErrorResponse
	switch {
	case err == nil:
		return 0
	case errors.As(err, &rl):
		return max(rl.Rate.Reset.Time.Sub(clock.now())+time.Second, time.Second)
	case errors.As(err, &abuse):
		if abuse.RetryAfter != nil {
			return max(*abuse.RetryAfter, time.Second)
		}
		return time.Minute << attempt
	case errors.As(err, &er) && er.Response != nil && er.Response.StatusCode >= 500:
		return 2 * time.Second << attempt
	case errors.As(err, &er) && er.Response != nil && (er.Response.StatusCode == 429 || er.Response.StatusCode == 403):
		// Throttled without the documented markers: honour retry-after,
		// else wait a minute and back off.
		if s, perr := strconv.Atoi(er.Response.Header.Get("Retry-After")); perr == nil && s > 0 {
			return time.Duration(s) * time.Second
		}
		if er.Response.StatusCode == 429 {
			return time.Minute << attempt
		}
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return 2 * time.Second << attempt
	}
	return 0
}

// withAPIRetries calls fn until it succeeds, it says not to retry (wait 0)
// or the retries run out; waits longer than MaxRateLimitWait fail. fn
// grows its own backoff from the attempt number.
func withAPIRetries(ctx context.Context, clock Clock, log func(string), fn func(attempt int) (time.Duration, error)) error {
	for attempt := 0; ; attempt++ {
		wait, err := fn(attempt)
		if err == nil || wait == 0 || attempt >= apiRetries {
			return err
		}
		if wait > MaxRateLimitWait {
			return fmt.Errorf("rate limited for %s, longer than sprawl waits: %w", wait.Round(time.Second), err)
		}
		if log != nil {
			log(fmt.Sprintf("API rate limit or server error: waiting %s", wait.Round(time.Second)))
		}
		if err := clock.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

func waitUntil(ctx context.Context, clock Clock, log func(string), t time.Time) error {
	d := t.Sub(clock.now()) + time.Second
	if d <= 0 {
		return nil
	}
	if d > MaxRateLimitWait {
		return fmt.Errorf("rate limit resets in %s, longer than sprawl waits", d.Round(time.Second))
	}
	if log != nil {
		log(fmt.Sprintf("API rate limit reached: waiting %s for the reset", d.Round(time.Second)))
	}
	return clock.sleep(ctx, d)
}

// GitLabOptions select the projects of GitLab groups.
type GitLabOptions struct {
	Groups []string
	// Token authenticates the API (PRIVATE-TOKEN) and the clones.
	Token string
	// BaseURL is the GitLab root ("" = https://gitlab.com).
	BaseURL         string
	IncludeArchived bool
	IncludeForks    bool
	HTTPClient      *http.Client
	Clock           Clock
	Log             func(string)
}

type gitlabProject struct {
	PathWithNamespace string          `json:"path_with_namespace"`
	HTTPURL           string          `json:"http_url_to_repo"`
	Archived          bool            `json:"archived"`
	ForkedFrom        json.RawMessage `json:"forked_from_project"`
}

// ListGitLab lists the projects of every group in opts, subgroups included,
// following offset pagination (x-next-page) and backing off on 429 and 5xx.
func ListGitLab(ctx context.Context, opts GitLabOptions) ([]Target, error) {
	base := strings.TrimSuffix(opts.BaseURL, "/")
	if base == "" {
		base = "https://gitlab.com"
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: time.Minute}
	}
	var out []Target
	for _, group := range opts.Groups {
		page := "1"
		for page != "" {
			q := url.Values{"include_subgroups": {"true"}, "per_page": {"100"}, "page": {page}, "order_by": {"id"}, "sort": {"asc"}}
			if !opts.IncludeArchived {
				q.Set("archived", "false")
			}
			u := base + "/api/v4/groups/" + url.PathEscape(group) + "/projects?" + q.Encode()
			var projects []gitlabProject
			var next string
			err := withAPIRetries(ctx, opts.Clock, opts.Log, func(attempt int) (time.Duration, error) {
				backoff := 2 * time.Second << attempt
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
				if err != nil {
					return 0, err
				}
				if opts.Token != "" {
					req.Header.Set("PRIVATE-TOKEN", opts.Token)
				}
				resp, err := hc.Do(req)
				if err != nil {
					return backoff, err
				}
				defer resp.Body.Close()
				if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
					wait := backoff
					if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
						wait = time.Duration(s) * time.Second
					}
					return wait, fmt.Errorf("HTTP %d", resp.StatusCode)
				}
				if resp.StatusCode != http.StatusOK {
					return 0, fmt.Errorf("HTTP %d", resp.StatusCode)
				}
				body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
				if err != nil {
					return backoff, err
				}
				next = resp.Header.Get("X-Next-Page")
				return 0, json.Unmarshal(body, &projects)
			})
			if err != nil {
				return nil, fmt.Errorf("gitlab: listing %s: %s", group, Redact(err.Error(), opts.Token))
			}
			for _, p := range projects {
				isFork := len(p.ForkedFrom) > 0 && string(p.ForkedFrom) != "null"
				if (p.Archived && !opts.IncludeArchived) || (isFork && !opts.IncludeForks) {
					continue
				}
				t, err := NewTarget(p.HTTPURL, "")
				if err != nil || t.Local {
					continue
				}
				if p.PathWithNamespace != "" {
					t.Name = p.PathWithNamespace
				}
				out = append(out, t.WithToken("oauth2", opts.Token))
			}
			page = next
		}
	}
	return out, nil
}
