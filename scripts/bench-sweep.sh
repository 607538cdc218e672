#!/usr/bin/env bash
# Sweep throughput: `sprawl sweep` over BENCH_SWEEP_REPOS (default 100)
# generated repositories served by `git daemon` on 127.0.0.1, into SQLite
# and, when BENCH_POSTGRES_URL or SPRAWL_TEST_POSTGRES_URL is set, into
# PostgreSQL (a throwaway schema). For each: the first sweep (clone, whole
# history), a sweep with no new commits (fetch only) and a sweep after one
# new commit in every repository; repositories per minute and peak RSS.
# Usage: scripts/bench-sweep.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-.bench}/sweep
n=${BENCH_SWEEP_REPOS:-100}
commits=${BENCH_SWEEP_COMMITS:-40}
workers=${BENCH_SWEEP_WORKERS:-4}
pg=${BENCH_POSTGRES_URL:-${SPRAWL_TEST_POSTGRES_URL:-}}
export SPRAWL_FINGERPRINT_KEY=${SPRAWL_FINGERPRINT_KEY:-sprawl-bench-sweep}

mkdir -p "$dir"
# sprawl as shipped (Go's regexp, as scripts/bench.sh); SPRAWL_TAGS=gore2regex for RE2.
tags=${SPRAWL_TAGS-}
go build -tags "$tags" -o "$dir/sprawl" ./cmd/sprawl
go build -o "$dir/benchtool" ./scripts/benchtool

daemon_pid=""
pg_dsn=""
cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
	[ -n "$pg_dsn" ] && "$dir/benchtool" pgschema drop "$pg_dsn" || true
	return 0
}
trap cleanup EXIT

# Fresh repositories every run (the third sweep appends to them).
rm -rf "$dir/repos" && mkdir -p "$dir/repos"
echo "generating $n repositories of $commits commits ..."
"$dir/benchtool" sweeprepos -dir "$dir/repos" -repos "$n" -commits "$commits" -files 60

port=""
for p in 19418 19419 19420 19421 19422 19423; do
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "no free port for git daemon"; exit 1; }
git daemon --reuseaddr --export-all --base-path="$dir/repos" --listen=127.0.0.1 --port="$port" "$dir/repos" 2>"$dir/daemon.log" &
daemon_pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
: > "$dir/repos.txt"
for r in "$dir"/repos/repo-*.git; do echo "git://127.0.0.1:$port/$(basename "$r")" >> "$dir/repos.txt"; done

measure() { # label db cache
	local label=$1 db=$2 cache=$3 t0 t1 rss secs
	t0=$(date +%s.%N)
	/usr/bin/time -f '%M' -o "$dir/rss" "$dir/sprawl" sweep --repos "$dir/repos.txt" --cache "$cache" --db "$db" \
		--workers "$workers" --quiet >"$dir/out" 2>"$dir/err" || true
	t1=$(date +%s.%N)
	rss=$(tail -n 1 "$dir/rss")
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')
	if ! grep -q "^sweep #" "$dir/out"; then
		echo "  $label: sweep failed:"; sed 's/^/    /' "$dir/err" | tail -n 5; return 0
	fi
	what=$(sed -n 's/^sweep #[0-9]*: [0-9]* repositories: \([0-9]*\) scanned, \([0-9]*\) up to date.*/\1 scanned, \2 up to date/p' "$dir/out")
	awk -v l="$label" -v s="$secs" -v r="$rss" -v n="$n" -v w="$what" 'BEGIN{
		printf "  %-44s %6.1f s  %6.0f repos/min  %6.1f MiB peak RSS  (%s)\n", l, s, n*60/s, r/1024, w }'
	grep -E "failed|partial" "$dir/out" | grep -v " 0 failed" | sed 's/^/    /' || true
}

backends=("sqlite")
[ -n "$pg" ] && backends+=("postgres")
echo
echo "== sprawl sweep: $n repositories ($commits commits, 60 files each) over git daemon on 127.0.0.1, --workers $workers, $(nproc) cores, $("$dir/sprawl" version)"
for b in "${backends[@]}"; do
	cache="$dir/cache-$b"
	rm -rf "$cache"
	if [ "$b" = sqlite ]; then
		db="$dir/sweep.db"; rm -f "$db" "$db-wal" "$db-shm"
	else
		pg_dsn=$("$dir/benchtool" pgschema create "$pg") || { echo "  postgres: cannot create a schema; skipped"; continue; }
		db=$pg_dsn
	fi
	measure "$b: first sweep (clone, whole history)" "$db" "$cache"
	measure "$b: no new commits (fetch only)" "$db" "$cache"
	"$dir/benchtool" sweeprepos -dir "$dir/repos" -repos "$n" -append
	measure "$b: one new commit in each repository" "$db" "$cache"
	if [ -n "$pg_dsn" ]; then "$dir/benchtool" pgschema drop "$pg_dsn" || true; pg_dsn=""; fi
done
if [ -z "$pg" ]; then
	echo "  (PostgreSQL not measured: set BENCH_POSTGRES_URL or SPRAWL_TEST_POSTGRES_URL)"
fi
