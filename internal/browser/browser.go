// Package browser drives a headless Chromium for sprawl's browser tests and
// documentation screenshots, through the DevTools protocol (chromedp).
//
// The browser runs offline: every host name resolves to nothing and every
// connection goes to a proxy that does not exist, so neither a page nor the
// browser's own services reach the network. The sandbox is turned off only
// when running as root, where Chromium refuses to start with it. A Page
// records what would make a report page broken: console errors, failed
// assertions, uncaught exceptions, errors in the browser log, and every
// request for anything but the page itself.
package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// EnvPath names the environment variable that points at a Chromium or
// Chrome binary, overriding the search of PATH.
const EnvPath = "SPRAWL_CHROMIUM"

// ErrNotFound is returned by Find when no browser is installed.
var ErrNotFound = errors.New("no Chromium found: install Debian's chromium package (.ci/run does, best effort) or set " + EnvPath)

// names are the programs Find looks for on PATH, in order.
var names = []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome", "headless_shell", "headless-shell"}

// Find returns the path of the browser to run: $SPRAWL_CHROMIUM when set,
// else the first of chromium, chromium-browser, google-chrome… on PATH.
func Find() (string, error) {
	if p := os.Getenv(EnvPath); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvPath, p, err)
		}
		return found, nil
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNotFound
}

// Options configure Start.
type Options struct {
	// ExecPath is the browser binary (default: Find).
	ExecPath string
	// UserDataDir is the profile folder; it should be empty and is left
	// for the caller to remove (a test's t.TempDir()).
	UserDataDir string
	// Width and Height size the window (default 1280×900).
	Width, Height int
}

// Flags returns the command-line flags Start passes besides chromedp's
// headless defaults: offline, no background services, no sandbox as root.
func Flags(o Options) map[string]any {
	f := map[string]any{
		// Offline: no name resolves, and every connection (IP literals and
		// loopback included) goes to a proxy on the discard port, where
		// nothing listens.
		"host-resolver-rules": "MAP * ~NOTFOUND",
		"proxy-server":        "127.0.0.1:9",
		"proxy-bypass-list":   "<-loopback>",
		// No browser service phones home.
		"disable-background-networking":          true,
		"disable-component-update":               true,
		"disable-domain-reliability":             true,
		"disable-sync":                           true,
		"disable-client-side-phishing-detection": true,
		"no-pings":                               true,
		"disable-features":                       "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
		"disable-gpu":                            true,
		// Containers often give /dev/shm 64 MiB, too little for Chromium.
		"disable-dev-shm-usage": true,
		"font-render-hinting":   "none",
		"window-size":           fmt.Sprintf("%d,%d", o.Width, o.Height),
	}
	if os.Geteuid() == 0 {
		// Chromium will not start its sandbox as root.
		f["no-sandbox"] = true
	}
	return f
}

// Browser is a running headless browser.
type Browser struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// Start launches the browser. Close it when done.
func Start(ctx context.Context, o Options) (*Browser, error) {
	if o.ExecPath == "" {
		p, err := Find()
		if err != nil {
			return nil, err
		}
		o.ExecPath = p
	}
	if o.Width <= 0 || o.Height <= 0 {
		o.Width, o.Height = 1280, 900
	}
	var errs []error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		b, err := start(ctx, o, attempt)
		if err == nil {
			return b, nil
		}
		errs = append(errs, fmt.Errorf("attempt %d: %w", attempt, err))
		if ctx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(attempt) * 500 * time.Millisecond)
	}
	return nil, fmt.Errorf("starting %s: %w", o.ExecPath, errors.Join(errs...))
}

// startAttempts is how many times Start launches the browser before it
// gives up. A Chromium that exits while starting (seen on a busy CI
// machine, once in many runs, with nothing in its output to say why)
// usually starts on the next try.
const startAttempts = 3

// start launches the browser once. Each attempt gets a profile folder of
// its own, so that a browser that died half-way leaves nothing (a lock
// file) for the next one to trip on.
func start(ctx context.Context, o Options, attempt int) (*Browser, error) {
	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts, chromedp.ExecPath(o.ExecPath))
	if o.UserDataDir != "" {
		dir := filepath.Join(o.UserDataDir, fmt.Sprintf("profile-%d", attempt))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		opts = append(opts, chromedp.UserDataDir(dir))
	}
	for name, v := range Flags(o) {
		opts = append(opts, chromedp.Flag(name, v))
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	cancel := func() { bcancel(); acancel() }
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		cancel()
		return nil, err
	}
	return &Browser{ctx: bctx, cancel: cancel}, nil
}

// Close stops the browser.
func (b *Browser) Close() { b.cancel() }

// Page is one tab showing one document.
type Page struct {
	// Ctx runs chromedp actions in the tab.
	Ctx    context.Context
	cancel context.CancelFunc
	url    string

	mu       sync.Mutex
	problems []string
	warnings []string
	seq      int
}

// Open loads url in a new tab and waits for its load event. Console
// messages and requests are recorded from before the navigation.
func (b *Browser) Open(url string) (*Page, error) {
	ctx, cancel := chromedp.NewContext(b.ctx)
	p := &Page{Ctx: ctx, cancel: cancel, url: url}
	if err := chromedp.Listen(ctx, p.record); err != nil {
		cancel()
		return nil, err
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		cancel()
		return nil, fmt.Errorf("loading %s: %w", url, err)
	}
	return p, nil
}

// Close closes the tab.
func (p *Page) Close() { p.cancel() }

const syncMark = "sprawl-browser-sync:"

// record runs on chromedp's reader goroutine: it only appends.
func (p *Page) record(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		text := argsText(ev.Args)
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeAssert:
			p.problems = append(p.problems, fmt.Sprintf("console.%s: %s", ev.Type, text))
		case runtime.ConsoleAPICalledTypeWarning:
			p.warnings = append(p.warnings, "console.warn: "+text)
		case runtime.ConsoleAPICalledTypeDebug:
			if n, ok := strings.CutPrefix(text, syncMark); ok {
				fmt.Sscan(n, &p.seq)
			}
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			desc, _, _ := strings.Cut(d.Exception.Description, "\n")
			text += " " + desc
		}
		p.problems = append(p.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
	case *log.EventEntryAdded:
		e := ev.Entry
		switch e.Level {
		case log.EntryLevelError:
			p.problems = append(p.problems, fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL))
		case log.EntryLevelWarning:
			p.warnings = append(p.warnings, fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL))
		}
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		if u != p.url && !strings.HasPrefix(u, "data:") {
			p.problems = append(p.problems, "request for "+u+" (the page must load nothing)")
		}
	}
}

func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if a.Type == runtime.RemoteObjectTypeString {
			var s string
			if err := json.Unmarshal([]byte(a.Value), &s); err == nil {
				parts = append(parts, s)
				continue
			}
		}
		if a.Description != "" {
			parts = append(parts, a.Description)
		} else {
			parts = append(parts, string(a.Value))
		}
	}
	return strings.Join(parts, " ")
}

// Problems returns what went wrong in the page since the last call:
// console errors and failed assertions, uncaught exceptions, browser log
// errors and requests for other documents. It first makes a round trip
// through the page's console, so messages the page wrote before the call
// are included.
func (p *Page) Problems() ([]string, error) {
	if err := p.sync(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.problems
	p.problems = nil
	return out, nil
}

// Warnings returns console and browser log warnings since the last call
// (call Problems first to include the newest).
func (p *Page) Warnings() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.warnings
	p.warnings = nil
	return out
}

func (p *Page) sync() error {
	p.mu.Lock()
	want := p.seq + 1
	p.mu.Unlock()
	if err := chromedp.Do(p.Ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf("console.debug(%q)", fmt.Sprint(syncMark, want)))); err != nil {
		return err
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.mu.Lock()
		got := p.seq
		p.mu.Unlock()
		if got >= want {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("browser: the page's console did not answer")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Screenshot returns a PNG of the page from its top: the viewport's width
// and the document's height, cut at maxHeight CSS pixels when that is
// positive. It is re-encoded at the best compression, to keep pictures
// committed to the repository small.
func (p *Page) Screenshot(maxHeight int) ([]byte, error) {
	size, err := chromedp.Run(p.Ctx, chromedp.Evaluate[[2]float64](`[document.documentElement.clientWidth, document.documentElement.scrollHeight]`))
	if err != nil {
		return nil, err
	}
	w, h := size[0], size[1]
	if maxHeight > 0 && h > float64(maxHeight) {
		h = float64(maxHeight)
	}
	res, err := chromedp.Call(p.Ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: new(true), FromSurface: new(true),
		Clip: &page.Viewport{Width: w, Height: h, Scale: 1}})
	if err != nil {
		return nil, err
	}
	img, err := png.Decode(bytes.NewReader(res.Data))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
