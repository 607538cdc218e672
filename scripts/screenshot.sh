#!/usr/bin/env bash
# make screenshot: the README's picture of the HTML report, made from the
# bundled example (fake secrets only) in headless Chromium, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/report.png}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/sprawl" ./cmd/sprawl
# Exit code 1 means findings, which the example has.
"$tmp/sprawl" scan --quiet --html "$tmp/report.html" fixtures/example >/dev/null || [ $? -eq 1 ]
go run ./scripts/screenshot -html "$tmp/report.html" -out "$out"
