package html

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sprawl-dev/sprawl/internal/browser"
	"github.com/sprawl-dev/sprawl/internal/browser/browsertest"
	"github.com/sprawl-dev/sprawl/report/inventory"
)

// TestBrowser loads the report of the generated multi-repo fixture in
// headless Chromium and uses it as a person would: sort by a column,
// filter, expand a row, do it all again from the keyboard, print. Any
// console error, uncaught exception or request for another document fails
// the test. Screenshots are saved to $SPRAWL_TEST_ARTIFACTS (default: the
// system's temporary folder, sprawl-test-artifacts/) and their paths
// logged.
func TestBrowser(t *testing.T) {
	b := browsertest.Start(t, 1280, 900)
	sweeps := []SweepPoint{{ID: 1, Started: now.AddDate(0, 0, -14), New: 12, Open: 12},
		{ID: 2, Started: now.AddDate(0, 0, -7), New: 3, Fixed: 5, Open: 10, Shard: "1/2"},
		{ID: 3, Started: now, New: 0, Fixed: 2, Open: 8}}
	r, page, secrets := renderWith(t, Options{ToolVersion: "test", Sweeps: sweeps})
	rows := inventory.Rows(r)
	url := browsertest.WriteFile(t, "report.html", []byte(page))
	p := browsertest.Open(t, b, url)
	browsertest.Problems(t, p, "loading the page")
	defer func() {
		// Whatever failed, keep a picture of how the page ended up.
		browsertest.Problems(t, p, "at the end")
		screenshot(t, p, "report-browser.png")
	}()

	if got := visible(t, p, 0); len(got) != len(rows) {
		t.Fatalf("%d rows shown, want %d", len(got), len(rows))
	}
	if w := eval[[]int](t, p, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
		t.Errorf("the page is %d px wide in a %d px window: it scrolls sideways", w[0], w[1])
	}
	t.Run("semantics", func(t *testing.T) { checkSemantics(t, p) })
	t.Run("charts", func(t *testing.T) { checkCharts(t, p, len(sweeps)) })
	t.Run("sort", func(t *testing.T) { checkSort(t, p, rows) })
	t.Run("filter", func(t *testing.T) { checkFilter(t, p, rows) })
	t.Run("expand", func(t *testing.T) { checkExpand(t, p, r.Identities[0].Key, len(r.Identities[0].Occurrences)) })
	t.Run("keyboard", func(t *testing.T) { checkKeyboard(t, p) })
	t.Run("print", func(t *testing.T) { checkPrint(t, p) })

	// What the page shows, after all that, still holds no secret.
	text := eval[string](t, p, `document.body.innerText`)
	for _, s := range secrets {
		if strings.Contains(text, s) || strings.Contains(text, s[4:]) {
			t.Fatalf("the rendered page shows a planted secret value (%.4s…)", s)
		}
	}
}

// eval runs a JavaScript expression in the page and decodes its value.
func eval[T any](t *testing.T, p *browser.Page, js string) T {
	t.Helper()
	v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

func do(t *testing.T, p *browser.Page, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(p.Ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	browsertest.Problems(t, p, what)
}

// visible returns the data-sort values of column col of the inventory rows
// that are shown, in page order.
func visible(t *testing.T, p *browser.Page, col int) []string {
	t.Helper()
	return eval[[]string](t, p, fmt.Sprintf(`Array.from(document.querySelectorAll("#identities tbody.ident"))
		.filter(function (tb) { return tb.getClientRects().length > 0; })
		.map(function (tb) { return tb.rows[0].cells[%d].getAttribute("data-sort"); })`, col))
}

func ariaSort(t *testing.T, p *browser.Page) map[string]string {
	t.Helper()
	return eval[map[string]string](t, p, `Object.fromEntries(Array.from(document.querySelectorAll("#identities > thead th"))
		.map(function (th) { return [th.textContent.trim(), th.getAttribute("aria-sort") || ""]; }))`)
}

func checkSemantics(t *testing.T, p *browser.Page) {
	// Every table has a caption and header cells with a scope.
	bad := eval[[]string](t, p, `Array.from(document.querySelectorAll("table")).flatMap(function (tb) {
		var out = [];
		var name = tb.id || (tb.caption && tb.caption.textContent) || "a table";
		if (!tb.caption || !tb.caption.textContent.trim()) { out.push(name + ": no caption"); }
		if (!tb.tHead) { out.push(name + ": no thead"); }
		tb.querySelectorAll("th").forEach(function (th) { if (!th.getAttribute("scope")) { out.push(name + ": th without scope: " + th.textContent.trim()); } });
		return out;
	})`)
	for _, b := range bad {
		t.Error(b)
	}
	// Every control has an accessible name, as the accessibility tree
	// (what a screen reader reads) has it.
	tree, err := chromedp.Call(p.Ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]int{}
	for _, n := range tree.Nodes {
		if n.Ignored || n.Role == nil {
			continue
		}
		var role, name string
		_ = json.Unmarshal([]byte(n.Role.Value), &role)
		if n.Name != nil {
			_ = json.Unmarshal([]byte(n.Name.Value), &name)
		}
		switch role {
		case "button", "combobox", "searchbox", "textbox", "link", "DisclosureTriangle", "columnheader", "table", "image", "img", "search":
			roles[role]++
			if strings.TrimSpace(name) == "" {
				t.Errorf("a %s has no accessible name", role)
			}
		}
	}
	for _, role := range []string{"button", "combobox", "searchbox", "columnheader", "table", "image", "DisclosureTriangle"} {
		if roles[role] == 0 {
			t.Errorf("no %s in the accessibility tree (roles seen: %v)", role, roles)
		}
	}
	// Sortable columns say they are sortable, and how they are sorted.
	for name, v := range ariaSort(t, p) {
		if v != "none" {
			t.Errorf("column %q: aria-sort=%q before any sort, want none", name, v)
		}
	}
	// Colour is never the only cue: a misfit carries a sign and a word,
	// and each verdict badge has its own border style.
	misfit := eval[[]string](t, p, `Array.from(document.querySelectorAll("#identities .misfit")).map(function (e) {
		return getComputedStyle(e, "::before").content + "|" + e.textContent.trim(); })`)
	if len(misfit) == 0 {
		t.Error("no misfit marked in the inventory")
	}
	for _, m := range misfit {
		before, word, _ := strings.Cut(m, "|")
		if before == "none" || before == "" || word == "" {
			t.Errorf("a misfit is marked by colour only (::before %s, text %q)", before, word)
		}
	}
	styles := eval[map[string]string](t, p, `Object.fromEntries(["workload-identity", "dynamic-secret", "rotation"].map(function (v) {
		var e = document.createElement("span"); e.className = "badge v-" + v; document.body.appendChild(e);
		var s = getComputedStyle(e).borderTopStyle; e.remove(); return [v, s]; }))`)
	seen := map[string]string{}
	for v, s := range styles {
		if o, dup := seen[s]; dup {
			t.Errorf("verdicts %s and %s share the border style %s", v, o, s)
		}
		seen[s] = v
	}
}

// checkCharts: three charts drawn, every bar inside its chart, and the
// sweep chart's bars in groups of three with a legend.
func checkCharts(t *testing.T, p *browser.Page, sweeps int) {
	charts := eval[map[string]int](t, p, `Object.fromEntries(Array.from(document.querySelectorAll("svg[role=img]")).map(function (svg) {
		var box = svg.getBoundingClientRect(), outside = 0;
		svg.querySelectorAll("rect, text").forEach(function (e) {
			var r = e.getBoundingClientRect();
			if (r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)) { outside++; }
		});
		return [svg.id, outside * 1000 + svg.querySelectorAll("rect.bar").length];
	}))`)
	if len(charts) != 3 {
		t.Fatalf("charts %v, want age, copies and sweeps", charts)
	}
	for id, v := range charts {
		if v >= 1000 {
			t.Errorf("%s: %d shapes drawn outside the chart", id, v/1000)
		}
	}
	if got := charts["chart-sweeps"] % 1000; got < 2*sweeps+3 {
		t.Errorf("sweep chart: %d bars and swatches, want at least %d", got, 2*sweeps+3)
	}
	if n := eval[int](t, p, `document.querySelectorAll("table.chart-data tbody tr").length`); n != sweeps {
		t.Errorf("sweep data table: %d rows, want %d", n, sweeps)
	}
}

func checkSort(t *testing.T, p *browser.Page, rows []inventory.Row) {
	before := visible(t, p, 0)
	// Age, ascending then descending, by clicking its header.
	do(t, p, "click Age", chromedp.Click(chromedp.CSS(`#identities th button[data-col="4"]`)))
	ages := numbers(t, visible(t, p, 4))
	if !slices.IsSorted(ages) {
		t.Errorf("after one click on Age: ages %v, want ascending", ages)
	}
	if got := ariaSort(t, p)["Age (days)"]; got != "ascending" {
		t.Errorf("Age aria-sort=%q, want ascending", got)
	}
	do(t, p, "click Age again", chromedp.Click(chromedp.CSS(`#identities th button[data-col="4"]`)))
	desc := numbers(t, visible(t, p, 4))
	want := slices.Clone(ages)
	slices.Reverse(want)
	if !slices.Equal(desc, want) || slices.Equal(desc, ages) {
		t.Errorf("after two clicks on Age: ages %v, want %v", desc, want)
	}
	as := ariaSort(t, p)
	if as["Age (days)"] != "descending" {
		t.Errorf("Age aria-sort=%q, want descending", as["Age (days)"])
	}
	for name, v := range as {
		if name != "Age (days)" && v != "none" {
			t.Errorf("column %q aria-sort=%q while sorted by age", name, v)
		}
	}
	after := visible(t, p, 0)
	if slices.Equal(before, after) {
		t.Errorf("sorting by age did not change the order: %v", after)
	}
	// Identity, a text column: the order is the sorted keys (keys are
	// ASCII here, so the page's locale order and Go's agree on letters).
	do(t, p, "click Identity", chromedp.Click(chromedp.CSS(`#identities th button[data-col="0"]`)))
	keys := visible(t, p, 0)
	var wantKeys []string
	for _, r := range rows {
		wantKeys = append(wantKeys, r.Identity)
	}
	slices.SortFunc(wantKeys, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	if !slices.Equal(keys, wantKeys) {
		t.Errorf("sorted by identity: %v, want %v", keys, wantKeys)
	}
	if got := ariaSort(t, p)["Identity"]; got != "ascending" {
		t.Errorf("Identity aria-sort=%q, want ascending", got)
	}
}

func numbers(t *testing.T, vals []string) []int {
	t.Helper()
	out := make([]int, len(vals))
	for i, v := range vals {
		if _, err := fmt.Sscan(v, &out[i]); err != nil {
			t.Fatalf("not a number: %q", v)
		}
	}
	return out
}

func shown(t *testing.T, p *browser.Page) string {
	return eval[string](t, p, `document.getElementById("shown").textContent`)
}

func checkFilter(t *testing.T, p *browser.Page, rows []inventory.Row) {
	count := func(f func(inventory.Row) bool) int {
		n := 0
		for _, r := range rows {
			if f(r) {
				n++
			}
		}
		return n
	}
	// Verdict, chosen from the keyboard as a person would (typing in a
	// closed select picks the first option that starts with the letters).
	do(t, p, "choose verdict rotation", chromedp.Focus(chromedp.CSS("#f-verdict")), chromedp.KeyEvent("rot"))
	if v := eval[string](t, p, `document.getElementById("f-verdict").value`); v != "rotation" {
		t.Fatalf("verdict filter is %q, want rotation", v)
	}
	want := count(func(r inventory.Row) bool { return r.Verdict == "rotation" })
	if want == 0 || want == len(rows) {
		t.Fatalf("fixture: %d of %d rows are rotation; the filter would prove nothing", want, len(rows))
	}
	verdicts := visible(t, p, 7)
	if len(verdicts) != want {
		t.Errorf("verdict=rotation shows %d rows, want %d", len(verdicts), want)
	}
	for _, v := range verdicts {
		if v != "rotation" {
			t.Errorf("verdict=rotation shows a %s row", v)
		}
	}
	if got, w := shown(t, p), fmt.Sprintf("Showing %d of %d identities.", want, len(rows)); got != w {
		t.Errorf("status %q, want %q", got, w)
	}

	// Plus a repository: the one whose name is markup.
	repo := "acme/<script>alert(1)</script>"
	do(t, p, "choose a repository", chromedp.SetValue(chromedp.CSS("#f-repo"), repo),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-repo").dispatchEvent(new Event("change", {bubbles: true}))`))
	want = count(func(r inventory.Row) bool { return r.Verdict == "rotation" && slices.Contains(r.Repos, repo) })
	if got := len(visible(t, p, 0)); got != want || want == 0 {
		t.Errorf("verdict=rotation, repo=%s shows %d rows, want %d (> 0)", repo, got, want)
	}

	// Clear, then search for a path only one identity has.
	do(t, p, "clear filters", chromedp.Click(chromedp.CSS("#f-reset")))
	if got := len(visible(t, p, 0)); got != len(rows) {
		t.Errorf("after clearing the filters %d rows are shown, want %d", got, len(rows))
	}
	do(t, p, "type a search", chromedp.SendKeys(chromedp.CSS("#f-text"), "billing/keys"))
	if got := visible(t, p, 0); len(got) != 1 || !strings.HasPrefix(got[0], "stripe") {
		t.Errorf("search billing/keys shows %v, want the stripe key's identity", got)
	}
	do(t, p, "type a search nothing matches", chromedp.SendKeys(chromedp.CSS("#f-text"), "-no-such-path"))
	if got := len(visible(t, p, 0)); got != 0 {
		t.Errorf("a search matching nothing shows %d rows", got)
	}
	if got := shown(t, p); got != fmt.Sprintf("Showing 0 of %d identities.", len(rows)) {
		t.Errorf("status %q with no match", got)
	}
	do(t, p, "clear filters", chromedp.Click(chromedp.CSS("#f-reset")))
	if got := len(visible(t, p, 0)); got != len(rows) {
		t.Errorf("after clearing again %d rows are shown, want %d", got, len(rows))
	}
}

func checkExpand(t *testing.T, p *browser.Page, key string, occurrences int) {
	sel := fmt.Sprintf(`(function () { var th = Array.from(document.querySelectorAll("#identities tbody.ident th[scope=row]")).find(function (th) { return th.getAttribute("data-sort") === %q; }); return th.closest("tbody").querySelector("details"); })()`, key)
	if eval[bool](t, p, sel+".open") {
		t.Fatal("a row is expanded before any click")
	}
	id := eval[string](t, p, sel+".id")
	do(t, p, "expand a row", chromedp.Click(chromedp.CSS("#"+id+" > summary")))
	if !eval[bool](t, p, sel+".open") {
		t.Fatal("clicking the row's summary did not expand it")
	}
	got := eval[int](t, p, sel+`.querySelector("table").tBodies[0].rows.length`)
	height := eval[float64](t, p, sel+`.querySelector("table").getBoundingClientRect().height`)
	if got != occurrences || height <= 0 {
		t.Errorf("expanded row shows %d occurrences (table %.0f px high), want %d", got, height, occurrences)
	}
	if !eval[bool](t, p, sel+`.textContent.indexOf("Reasons") >= 0`) {
		t.Error("expanded row does not give the reasons")
	}
	do(t, p, "collapse the row", chromedp.Click(chromedp.CSS("#"+id+" > summary")))
	if eval[bool](t, p, sel+".open") {
		t.Error("a second click did not collapse the row")
	}
}

// press sends one key to whatever has the focus.
func press(t *testing.T, p *browser.Page, key string) {
	t.Helper()
	do(t, p, "press "+key, chromedp.KeyEvent(key))
}

// tabTo presses Tab until the focused element matches the CSS selector.
func tabTo(t *testing.T, p *browser.Page, css string) {
	t.Helper()
	for i := 0; i < 80; i++ {
		if eval[bool](t, p, fmt.Sprintf(`document.activeElement.matches(%q)`, css)) {
			return
		}
		press(t, p, kb.Tab)
	}
	t.Fatalf("80 presses of Tab never reached %s", css)
}

func checkKeyboard(t *testing.T, p *browser.Page) {
	// Load the page afresh: the first Tab starts from the top.
	do(t, p, "reload", chromedp.Navigate(eval[string](t, p, "location.href")))
	// The first Tab lands on the link that skips to the inventory.
	press(t, p, kb.Tab)
	if got := eval[string](t, p, `document.activeElement.getAttribute("href") || document.activeElement.tagName`); got != "#inventory" {
		t.Errorf("the first Tab focuses %s, want the skip link to #inventory", got)
	}
	// Sort by Copies with Enter, then Space.
	tabTo(t, p, `#identities th button[data-col="5"]`)
	if o := eval[string](t, p, `getComputedStyle(document.activeElement).outlineStyle`); o == "none" {
		t.Error("the focused sort button shows no focus outline")
	}
	press(t, p, kb.Enter)
	if got := ariaSort(t, p)["Copies"]; got != "ascending" {
		t.Errorf("Enter on Copies: aria-sort=%q, want ascending", got)
	}
	if c := numbers(t, visible(t, p, 5)); !slices.IsSorted(c) {
		t.Errorf("Enter on Copies: copies %v, want ascending", c)
	}
	press(t, p, " ")
	if got := ariaSort(t, p)["Copies"]; got != "descending" {
		t.Errorf("Space on Copies: aria-sort=%q, want descending", got)
	}
	// Expand the first row with Enter, collapse it with Space.
	tabTo(t, p, `#identities tbody.ident summary`)
	open := `document.activeElement.parentElement.open`
	press(t, p, kb.Enter)
	if !eval[bool](t, p, open) {
		t.Error("Enter on a row's summary did not expand it")
	}
	press(t, p, " ")
	if eval[bool](t, p, open) {
		t.Error("Space on an expanded row's summary did not collapse it")
	}
	// The search box filters as one types.
	do(t, p, "focus the search box", chromedp.Focus(chromedp.CSS("#f-text")))
	do(t, p, "type in the search box", chromedp.KeyEvent("aws"))
	n := len(visible(t, p, 0))
	if n == 0 {
		t.Error("typing aws in the search box shows no row")
	}
	do(t, p, "clear", chromedp.Click(chromedp.CSS("#f-reset")))
}

func checkPrint(t *testing.T, p *browser.Page) {
	media := func(m string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return err
		})
	}
	do(t, p, "print media", media("print"), chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event("beforeprint"))`))
	defer do(t, p, "screen media", chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event("afterprint"))`), media(""))

	if eval[string](t, p, `getComputedStyle(document.getElementById("filters")).display`) != "none" {
		t.Error("the filters are printed")
	}
	if closed := eval[int](t, p, `document.querySelectorAll("#identities details:not([open])").length`); closed != 0 {
		t.Errorf("%d rows stay collapsed in print", closed)
	}
	// Black and white: every colour a printed element uses is a grey.
	colours := eval[[]string](t, p, `(function () {
		var out = {};
		document.querySelectorAll("body, body *").forEach(function (e) {
			if (e.getClientRects().length === 0) { return; }
			var s = getComputedStyle(e);
			["color", "backgroundColor", "borderTopColor", "borderBottomColor", "borderLeftColor", "borderRightColor", "outlineColor", "fill", "stroke"].forEach(function (k) {
				var v = s[k];
				if (!v || v === "none" || v.indexOf("url(") === 0) { return; }
				var m = v.match(/rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/);
				if (!m) { out[k + " " + v] = e.tagName; return; }
				if (m[4] === "0") { return; }
				if (m[1] !== m[2] || m[2] !== m[3]) { out[k + " " + v] = e.tagName + (e.className ? "." + e.className : "") + (e.id ? "#" + e.id : ""); }
			});
		});
		return Object.keys(out).map(function (k) { return k + " on " + out[k]; });
	})()`)
	for _, c := range colours {
		t.Errorf("printed in colour: %s", c)
	}
	screenshot(t, p, "report-print.png")
}

func screenshot(t *testing.T, p *browser.Page, name string) {
	t.Helper()
	png, err := chromedp.Run(p.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	path := filepath.Join(browsertest.ArtifactDir(t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("saving the screenshot: %v", err)
		return
	}
	t.Logf("screenshot: %s", path)
}
