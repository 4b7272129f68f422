#!/usr/bin/env bash
# Hearth sync beside the PouchDB anchor, on one workload file, in one run:
#   tests/bench/bench_sync.sh [--build DIR] [--records N] [--edits E] [--conflicts C] [--seed S]
#                             [--no-anchor] [--out FILE] [-- more bench_sync options]
# Generates the workload (shared/anchors/workload/gen-workload.mjs) into a temp file and prints its
# SHA-256, runs the anchor on it (shared/anchors/pouchdb/run.sh; npm ci on first use), then
# build/tests/bench/bench_sync on the same file, which prints one JSON object: Hearth's figures, the
# anchor's JSON beside them, ratios, the issue's targets and the mapping notes. Progress on stderr.
# Defaults: 10000 records, 1000 edits, 500 conflict pairs, seed 42, build dir ./build (or $HEARTH_BUILD_DIR).
# Needs Node.js 18+ (20 tested); the anchors folder is ../shared/anchors (or $HEARTH_ANCHORS).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${HEARTH_BUILD_DIR:-$root/build}
anchors=${HEARTH_ANCHORS:-$root/../shared/anchors}
records=10000 edits=1000 conflicts=500 seed=42 anchor=1 out=
extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --records) records=$2; shift 2 ;;
    --edits) edits=$2; shift 2 ;;
    --conflicts) conflicts=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --no-anchor) anchor=0; shift ;;
    --out) out=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench_sync.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

bin=$build/tests/bench/bench_sync
[ -x "$bin" ] || { echo "bench_sync.sh: $bin not found; build first (cmake --build $build --target bench_sync)" >&2; exit 2; }
[ -f "$anchors/workload/gen-workload.mjs" ] || { echo "bench_sync.sh: no anchors at $anchors (set HEARTH_ANCHORS)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hearth-bench-sync.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
workload=$tmp/workload.jsonl
node "$anchors/workload/gen-workload.mjs" --records "$records" --seed "$seed" --edits "$edits" --conflicts "$conflicts" > "$workload"
sha=$(sha256sum "$workload" | cut -d' ' -f1)
echo "[bench_sync.sh] workload: gen-workload.mjs --records $records --seed $seed --edits $edits --conflicts $conflicts" >&2
echo "[bench_sync.sh] workload sha256: $sha ($(stat -c %s "$workload") bytes)" >&2

args=(--workload "$workload" --seed "$seed"
      --source "gen-workload.mjs --records $records --seed $seed --edits $edits --conflicts $conflicts")
if [ "$anchor" = 1 ]; then
  echo "[bench_sync.sh] anchor: $anchors/pouchdb/run.sh" >&2
  status=0
  "$anchors/pouchdb/run.sh" --records "$records" --seed "$seed" --edits "$edits" --conflicts "$conflicts" \
    --workload "$workload" > "$tmp/anchor.json" || status=$?
  if [ -s "$tmp/anchor.json" ]; then
    [ "$status" = 0 ] || echo "[bench_sync.sh] the anchor's own checks failed (exit $status); its JSON is kept" >&2
    args+=(--anchor-json "$tmp/anchor.json")
  else
    echo "[bench_sync.sh] the anchor produced no JSON (exit $status); Hearth runs alone" >&2
  fi
fi

echo "[bench_sync.sh] hearth: $bin" >&2
status=0
if [ -n "$out" ]; then
  "$bin" "${args[@]}" "${extra[@]}" > "$out" || status=$?
  cat "$out"
else
  "$bin" "${args[@]}" "${extra[@]}" || status=$?
fi
exit "$status"
