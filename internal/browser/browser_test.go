package browser_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sprawl-dev/sprawl/internal/browser"
	"github.com/sprawl-dev/sprawl/internal/browser/browsertest"
)

// TestRecordsProblems checks the harness itself: each page breaks in one
// way, and the page must report exactly that (a browser test that cannot
// see errors proves nothing).
func TestRecordsProblems(t *testing.T) {
	b := browsertest.Start(t, 800, 600)
	for _, tc := range []struct {
		name, body string
		want       string // substring of the one problem; "" = none
	}{
		{"clean", `<p id="x">fine</p><script>console.log("hello"); console.warn("just a warning")</script>`, ""},
		{"exception", `<script>throw new Error("boom-exception")</script>`, "boom-exception"},
		{"console error", `<script>console.error("boom-console", 42)</script>`, "boom-console 42"},
		{"failed assert", `<script>console.assert(1 === 2, "boom-assert")</script>`, "boom-assert"},
		{"rejected promise", `<script>Promise.reject(new Error("boom-promise"))</script>`, "boom-promise"},
		{"external image", `<img alt="" src="http://example.invalid/boom.png">`, "example.invalid/boom.png"},
		{"error in a handler", `<button id="b" onclick="undefinedFunction()">b</button>`, "undefinedFunction"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := browsertest.WriteFile(t, "page.html", []byte("<!DOCTYPE html><html lang=en><title>t</title>"+tc.body))
			p := browsertest.Open(t, b, url)
			if tc.name == "error in a handler" {
				if err := chromedp.Do(p.Ctx, chromedp.Click(chromedp.CSS("#b"))); err != nil {
					t.Fatal(err)
				}
			}
			probs, err := p.Problems()
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if len(probs) != 0 {
					t.Errorf("problems on a clean page: %q", probs)
				}
				return
			}
			found := false
			for _, pr := range probs {
				found = found || strings.Contains(pr, tc.want)
			}
			if !found {
				t.Errorf("problem %q not recorded; got %q", tc.want, probs)
			}
			if again, _ := p.Problems(); len(again) != 0 {
				t.Errorf("problems reported twice: %q", again)
			}
		})
	}
}

// TestOffline checks that the page cannot reach the network: a fetch of
// an IP address (no name to resolve) must fail, and is recorded.
func TestOffline(t *testing.T) {
	b := browsertest.Start(t, 800, 600)
	url := browsertest.WriteFile(t, "fetch.html", []byte(`<!DOCTYPE html><html lang=en><title>t</title><p id="r">pending</p>
<script>
fetch("http://1.1.1.1/").then(function () { document.getElementById("r").textContent = "reached"; },
  function () { document.getElementById("r").textContent = "failed"; });
</script>`))
	p := browsertest.Open(t, b, url)
	got, err := chromedp.Run(p.Ctx, chromedp.Poll[string](`(function () { var t = document.getElementById("r").textContent; return t === "pending" ? null : t; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if got != "failed" {
		t.Errorf("fetch of 1.1.1.1: %s, want failed", got)
	}
	probs, err := p.Problems()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, pr := range probs {
		found = found || strings.Contains(pr, "request for http://1.1.1.1/")
	}
	if !found {
		t.Errorf("the request was not recorded: %q", probs)
	}
}

// TestStartGivesUp checks that a browser which exits at once is retried,
// and that the error names the program and every attempt.
func TestStartGivesUp(t *testing.T) {
	exit, err := exec.LookPath("false")
	if err != nil {
		t.Skip("no false(1) on PATH")
	}
	b, err := browser.Start(context.Background(), browser.Options{ExecPath: exit, UserDataDir: t.TempDir()})
	if err == nil {
		b.Close()
		t.Fatal("a browser that exits at once started")
	}
	for _, want := range []string{exit, "attempt 1", "attempt 3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}
