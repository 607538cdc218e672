// Command screenshot photographs an HTML report in headless Chromium (offline,
// see internal/browser) for the README. `make screenshot` runs it on the
// report of the bundled example:
//
//	screenshot -html report.html -out docs/report.png [-width 1100] [-max-height 2200] [-expand 1]
//
// It fails when the page logs an error or asks for anything over the
// network, so a broken page is never photographed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sprawl-dev/sprawl/internal/browser"
)

func main() {
	in := flag.String("html", "", "the report `FILE` to photograph")
	out := flag.String("out", "docs/report.png", "write the PNG to `FILE`")
	width := flag.Int("width", 1100, "viewport width in CSS pixels")
	maxHeight := flag.Int("max-height", 2200, "cut the picture at this height (0: the whole page)")
	expand := flag.Int("expand", 1, "expand the first `N` inventory rows, to show occurrences and reasons, and end the picture below them")
	flag.Parse()
	if *in == "" {
		fmt.Fprintln(os.Stderr, "screenshot: -html FILE is required")
		os.Exit(2)
	}
	if err := run(*in, *out, *width, *maxHeight, *expand); err != nil {
		fmt.Fprintln(os.Stderr, "screenshot:", err)
		os.Exit(1)
	}
}

func run(in, out string, width, maxHeight, expand int) error {
	abs, err := filepath.Abs(in)
	if err != nil {
		return err
	}
	profile, err := os.MkdirTemp("", "sprawl-screenshot-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := browser.Start(ctx, browser.Options{UserDataDir: profile, Width: width, Height: 900})
	if err != nil {
		return err
	}
	defer b.Close()
	p, err := b.Open("file://" + filepath.ToSlash(abs))
	if err != nil {
		return err
	}
	defer p.Close()
	// Expand the rows, and end the picture below the last one expanded.
	bottom, err := chromedp.Run(p.Ctx, chromedp.Evaluate[int](fmt.Sprintf(`(function () {
		var ds = Array.from(document.querySelectorAll("#identities details")).slice(0, %d);
		ds.forEach(function (d) { d.open = true; });
		return ds.length ? Math.ceil(ds[ds.length - 1].closest("tbody").getBoundingClientRect().bottom + window.scrollY + 1) : 0;
	})()`, expand)))
	if err != nil {
		return err
	}
	if bottom > 0 && (maxHeight <= 0 || bottom < maxHeight) {
		maxHeight = bottom
	}
	probs, err := p.Problems()
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		return fmt.Errorf("the page is broken: %q", probs)
	}
	data, err := p.Screenshot(maxHeight)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d bytes\n", out, len(data))
	return nil
}
