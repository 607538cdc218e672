# sprawl — build, test, lint, bench. `make test` is what CI runs (.ci/run).
GO ?= go
BENCH_DIR ?= .bench
REPO ?=

.PHONY: all build test lint bench vet fmt parity clean fuzz

all: build

build:
	$(GO) build -o sprawl ./cmd/sprawl
	$(GO) build -o sprawl-vet ./cmd/sprawl-vet 2>/dev/null || true

## test: vet, then every package's tests (fuzz seed corpora included).
test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v /testdata/)); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## bench: Go benchmarks, then sprawl vs gitleaks (same module version) on a
## generated history and on REPO=/path/to/repo when given.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	./scripts/bench.sh $(REPO)

## fuzz: run every fuzz target for FUZZTIME each (their seeds run in `make test`).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

clean:
	rm -rf sprawl sprawl-vet $(BENCH_DIR)
