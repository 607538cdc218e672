# sprawl — build, test, lint, bench. `make test` is what CI runs (.ci/run).
GO ?= go
# TAGS picks the regex engine. The default is Go's regexp: sprawl answers
# its hot question ("does this rule match here at all?") with its own DFA
# (detectors/secrets/dfa) and decodes without regexes, so Go's engine only
# runs on the few windows that hold a match, and it starts in milliseconds.
# TAGS=gore2regex builds with RE2 compiled to WebAssembly (gitleaks'
# release engine), which costs about half a second to a second of start-up.
TAGS ?=
BENCH_DIR ?= .bench
REPO ?=

.PHONY: all build test lint bench bench-sweep vet fmt parity clean fuzz screenshot

all: build

build:
	$(GO) build -tags '$(TAGS)' -o sprawl ./cmd/sprawl
	$(GO) build -o sprawl-vet ./cmd/sprawl-vet 2>/dev/null || true

## test: vet, then every package's tests (fuzz seed corpora included), then
## the detection tests again with the RE2 engine release builds use.
test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -tags gore2regex ./detectors/secrets/

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v /testdata/)); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## bench: Go benchmarks, then sprawl vs gitleaks (same module version) on a
## generated history and on REPO=/path/to/repo or BENCH_REPOS=path1,path2
## when given, then sweep throughput (bench-sweep).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	./scripts/bench.sh $(REPO)
	./scripts/bench-sweep.sh

## bench-sweep: sprawl sweep over 100 generated repositories served by git
## daemon on 127.0.0.1: repositories per minute and peak RSS, with SQLite and
## (BENCH_POSTGRES_URL or SPRAWL_TEST_POSTGRES_URL set) PostgreSQL.
bench-sweep:
	./scripts/bench-sweep.sh

## fuzz: run every fuzz target for FUZZTIME each (their seeds run in `make test`).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## screenshot: docs/report.png, the README's picture of the HTML report of the
## bundled example, taken in headless Chromium (offline).
screenshot:
	./scripts/screenshot.sh docs/report.png

clean:
	rm -rf sprawl sprawl-vet $(BENCH_DIR)
