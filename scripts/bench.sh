#!/usr/bin/env bash
# Side-by-side: sprawl vs gitleaks (built from the gitleaks module version in
# go.mod) on a generated history and on each repository path given.
# Prints wall time, peak RSS, their ratios, and whether sprawl found every
# (path, secret) gitleaks found. Usage: scripts/bench.sh [REPO ...], or
# BENCH_REPOS=path1,path2 scripts/bench.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-.bench}
# One fingerprint key for the run, so benchtool can key gitleaks' secrets
# the same way without knowing how sprawl derives a repository's key.
export SPRAWL_FINGERPRINT_KEY=${SPRAWL_FINGERPRINT_KEY:-sprawl-bench-$$}
mkdir -p "$dir"
gitleaks_version=$(go list -m -f '{{.Version}}' github.com/zricethezav/gitleaks/v8)
# Each tool as it ships: sprawl with Go's regexp (make build, the Action,
# go install, pre-commit), gitleaks with RE2 in WebAssembly (tag gore2regex,
# its release builds: .goreleaser.yml). SPRAWL_TAGS and GITLEAKS_TAGS
# override them.
sprawl_tags=${SPRAWL_TAGS-}
gitleaks_tags=${GITLEAKS_TAGS-gore2regex}
echo "building sprawl (tags: ${sprawl_tags:-none}) and gitleaks $gitleaks_version (tags: ${gitleaks_tags:-none}) ..."
go build -tags "$sprawl_tags" -o "$dir/sprawl" ./cmd/sprawl
# gitleaks as its own module would build it (its go.mod, not ours: sprawl's
# go.sum holds only what sprawl imports).
GOBIN=$(cd "$dir" && pwd) go install -tags "$gitleaks_tags" "github.com/zricethezav/gitleaks/v8@$gitleaks_version"
# For reference, gitleaks as a plain `go build` of the module makes it
# (Go's regexp): BENCH_PLAIN_RUNS runs of it (default 1, 0 skips it).
plain_runs=${BENCH_PLAIN_RUNS:-1}
if [ "$plain_runs" -gt 0 ]; then
  mkdir -p "$dir/plain"
  GOBIN=$(cd "$dir/plain" && pwd) go install "github.com/zricethezav/gitleaks/v8@$gitleaks_version"
fi
go build -o "$dir/benchtool" ./scripts/benchtool

gen="$dir/generated"
if [ ! -d "$gen/.git" ]; then
  echo "generating a history in $gen ..."
  rm -rf "$gen" && git init -q "$gen"
  "$dir/benchtool" gen -commits "${BENCH_COMMITS:-3000}" -files "${BENCH_FILES:-1500}" | git -C "$gen" fast-import --quiet
  git -C "$gen" checkout -q main 2>/dev/null || git -C "$gen" reset -q --hard main
fi

# Timings on a shared machine vary by a third between identical runs, so
# each comparison runs both tools BENCH_RUNS times (default 3), alternating,
# and reports the median time and the largest peak RSS.
runs=${BENCH_RUNS:-3}

measure() { # label outfile cmd... : appends "seconds peak-RSS-KiB" to outfile
  local label=$1 out=$2; shift 2
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$dir/rss.$label" "$@" >/dev/null 2>"$dir/err.$label" || true
  t1=$(date +%s.%N)
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}') $(tail -n 1 "$dir/rss.$label")" >> "$out"
}

median() { # file of "seconds rss" lines -> "median-seconds max-rss"
  sort -n "$1" | awk '{t[NR]=$1; if ($2>m) m=$2} END{print t[int((NR+1)/2)], m}'
}

bench_repo() {
  local repo=$1 name
  name=$(basename "$(cd "$repo" && pwd)")
  case "$name" in # a mirror's ".../owner+name/repo" or a ".git" folder: name it by its parent
    repo | repo.git | .git) name=$(basename "$(cd "$repo/.." && pwd)") ;;
  esac
  echo
  echo "== $name ($(git -C "$repo" rev-list --all --count 2>/dev/null || echo '?') commits; medians of $runs alternating runs)"
  # Same refs for both: branches, tags, remote-tracking branches and HEAD
  # (gitleaks' default --all would add refs/pull and the like).
  # A snapshot may lack some blobs (a fetched mirror leaves out those of
  # 4 MiB and more). sprawl skips them with a note; `git log -p`, and with
  # it gitleaks, stops at the first. So gitleaks reads a scratch copy of
  # the repository in which each missing blob is replaced (refs/replace)
  # by the empty blob, and scans the whole history too.
  local glrepo=$repo missing
  missing=$(git -C "$repo" rev-list --objects --missing=print --full-history --branches --tags --remotes HEAD 2>/dev/null | sed -n 's/^?//p')
  if [ -n "$missing" ]; then
    local gd
    gd=$(git -C "$repo" rev-parse --absolute-git-dir)
    glrepo="$dir/scratch.$name.git"
    rm -rf "$glrepo" && cp -a "$gd" "$glrepo"
    local empty
    empty=$(git --git-dir="$glrepo" hash-object -w --stdin < /dev/null)
    for id in $missing; do git --git-dir="$glrepo" update-ref "refs/replace/$id" "$empty"; done
    echo "  note: $(echo "$missing" | wc -l) blob(s) missing from the repository: gitleaks reads a copy where they are empty (refs/replace), sprawl skips them with a note"
  fi
  rm -f "$dir/t.gitleaks" "$dir/t.sprawl"
  for ((run = 0; run < runs; run++)); do
    measure gitleaks "$dir/t.gitleaks" "$dir/gitleaks" git --no-banner -l error --report-format json --report-path "$dir/gitleaks.json" \
      --log-opts="--full-history --branches --tags --remotes HEAD" "$glrepo"
    measure sprawl "$dir/t.sprawl" "$dir/sprawl" scan --history --quiet --format json --out "$dir/sprawl.json" "$repo"
  done
  read -r gt grss < <(median "$dir/t.gitleaks")
  read -r st srss < <(median "$dir/t.sprawl")
  echo "$st $gt" > "$dir/history-time.$name"
  awk -v gt="$gt" -v grss="$grss" -v st="$st" -v srss="$srss" 'BEGIN{
    printf "  gitleaks git : %7.2f s  %7.1f MiB peak RSS\n", gt, grss/1024
    printf "  sprawl       : %7.2f s  %7.1f MiB peak RSS\n", st, srss/1024
    printf "  ratio        : sprawl is %.1fx faster, uses %.2fx the memory\n", gt/st, srss/grss }'
  if [ "$plain_runs" -gt 0 ]; then
    rm -f "$dir/t.plain"
    for ((run = 0; run < plain_runs; run++)); do
      measure gitleaks-plain "$dir/t.plain" "$dir/plain/gitleaks" git --no-banner -l error --report-format json --report-path "$dir/plain.json" \
        --log-opts="--full-history --branches --tags --remotes HEAD" "$glrepo"
    done
    rm -f "$dir/plain.json"   # holds secret values
    if grep -q 'FTL\|ERR' "$dir/err.gitleaks-plain" 2>/dev/null; then
      echo "  note: the plain build logged errors: $(grep -m1 'FTL\|ERR' "$dir/err.gitleaks-plain" | sed 's/\x1b\[[0-9;]*m//g')"
    fi
    read -r pt _ < <(median "$dir/t.plain")
    awk -v pt="$pt" -v st="$st" -v n="$plain_runs" 'BEGIN{
      printf "  plain build  : gitleaks from `go build` (Go regexp) %.2f s (%d run): sprawl is %.1fx faster\n", pt, n, pt/st }'
  fi
  # The floor: git itself reading every blob of the same refs once
  # (`cat-file --batch`; listing them is not timed; a snapshot's missing
  # blobs are left out).
  { git -C "$repo" rev-list --objects --missing=allow-any --full-history --branches --tags --remotes HEAD 2>/dev/null | cut -d' ' -f1 |
    git -C "$repo" cat-file --batch-check='%(objecttype) %(objectname)' 2>/dev/null | awk '$1=="blob"{print $2}'; } > "$dir/blobs.$name" || true
  rm -f "$dir/t.cat-file"
  for ((run = 0; run < runs; run++)); do
    measure cat-file "$dir/t.cat-file" git -C "$repo" cat-file --batch < "$dir/blobs.$name"
  done
  read -r ct _ < <(median "$dir/t.cat-file")
  awk -v ct="$ct" -v st="$st" -v n="$(wc -l < "$dir/blobs.$name")" 'BEGIN{
    printf "  floor        : git cat-file --batch reads the %d blobs in %.2f s; sprawl takes %.1fx that\n", n, ct, st/ct }'
  if grep -q 'ERR' "$dir/err.gitleaks" 2>/dev/null; then
    # gitleaks stops reading `git log -p` at the first git error (a missing
    # blob in a snapshot, say): its time and findings cover part of the history.
    echo "  note: gitleaks logged errors, its scan may be partial: $(grep -m1 ERR "$dir/err.gitleaks" | sed 's/\x1b\[[0-9;]*m//g')"
  fi
  "$dir/benchtool" compare -repo "$repo" -gitleaks "$dir/gitleaks.json" -sprawl "$dir/sprawl.json" | sed 's/^/  /' || true
  rm -f "$dir/gitleaks.json"   # holds secret values
  [ "$glrepo" = "$repo" ] || rm -rf "$glrepo"
  if [ -d "$repo/.git" ]; then   # a checkout: compare working-tree scans too
    rm -f "$dir/t.gitleaks" "$dir/t.sprawl"
    for ((run = 0; run < runs; run++)); do
      measure gitleaks-dir "$dir/t.gitleaks" "$dir/gitleaks" dir --no-banner -l error --report-format json --report-path "$dir/gitleaks.json" "$repo"
      measure sprawl-dir "$dir/t.sprawl" "$dir/sprawl" scan --quiet --format json --out "$dir/sprawl.json" "$repo"
    done
    read -r gt grss < <(median "$dir/t.gitleaks")
    read -r st srss < <(median "$dir/t.sprawl")
    awk -v gt="$gt" -v grss="$grss" -v st="$st" -v srss="$srss" 'BEGIN{
      printf "  working tree : gitleaks dir %.2f s %.1f MiB, sprawl scan %.2f s %.1f MiB: %.1fx faster\n", gt, grss/1024, st, srss/1024, gt/st }'
    "$dir/benchtool" compare -repo "$repo" -gitleaks "$dir/gitleaks.json" -sprawl "$dir/sprawl.json" | sed 's/^/  /' || true
    rm -f "$dir/gitleaks.json"
  fi
}

# Pre-commit latency: a 10-file staged change in a repository of 50,000 files.
staged="$dir/staged50k"
if [ ! -d "$staged/.git" ]; then
  rm -rf "$staged" && git init -q "$staged"
  "$dir/benchtool" gen -flat "${BENCH_STAGED_FILES:-50000}" | git -C "$staged" fast-import --quiet
  git -C "$staged" checkout -q main 2>/dev/null || git -C "$staged" reset -q --hard main
fi
for i in 0 1 2 3 4 5 6 7 8 9; do
  printf '\n// edited %s\n' "$(date +%s%N)" >> "$staged/pkg00$i/file0000$i.go"
done
git -C "$staged" add -A
times=()
for run in 1 2 3 4 5 6 7; do
  t0=$(date +%s%N)
  "$dir/sprawl" scan --staged --quiet "$staged" >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 4p)
echo
echo "== sprawl scan --staged: 10 staged files in a repository of ${BENCH_STAGED_FILES:-50000} files"
echo "  median of 7 runs: ${median} ms (runs: ${times[*]} ms)"

# The same history with every commit replayed on a second branch: twice
# the commits, not one new blob. Scanning distinct content once, sprawl's
# time should barely move; gitleaks re-reads every patch.
replay="$dir/generated-replay"
if [ ! -d "$replay/.git" ]; then
  rm -rf "$replay" && git init -q "$replay"
  "$dir/benchtool" gen -repeat -commits "${BENCH_COMMITS:-3000}" -files "${BENCH_FILES:-1500}" | git -C "$replay" fast-import --quiet
  git -C "$replay" checkout -q main 2>/dev/null || git -C "$replay" reset -q --hard main
fi

bench_repo "$gen"
bench_repo "$replay"
read -r s1 g1 < "$dir/history-time.generated"
read -r s2 g2 < "$dir/history-time.generated-replay"
echo
echo "== twice the commits, same content (generated vs generated-replay)"
awk -v s1="$s1" -v s2="$s2" -v g1="$g1" -v g2="$g2" 'BEGIN{
  printf "  sprawl   : %.2f s -> %.2f s (x%.2f)\n", s1, s2, s2/s1
  printf "  gitleaks : %.2f s -> %.2f s (x%.2f)\n", g1, g2, g2/g1 }'
# Repositories to compare on: the arguments, then BENCH_REPOS=path1,path2.
repos=("$@")
if [ -n "${BENCH_REPOS:-}" ]; then
  IFS=, read -r -a more <<< "$BENCH_REPOS"
  repos+=("${more[@]}")
fi
for repo in "${repos[@]}"; do bench_repo "$repo"; done
