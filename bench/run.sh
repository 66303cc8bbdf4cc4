#!/usr/bin/env bash
# Builds the load generator and a Release confab-server, runs the standard signaling scenarios
# against a fresh server each (127.0.0.1 only), and writes bench/results/latest.{jsonl,md}.
#
#   bench/run.sh                     # all standard scenarios (~3 minutes)
#   bench/run.sh relay-20k idle-5k   # just some of them
#
# Environment:
#   BENCH_THREADS=2          generator threads where a scenario sets none
#   BENCH_SERVER_REV=<rev>   benchmark the server of a commit (git archive into build/) instead of
#                            the working tree, so that edits in progress do not leak into numbers
#   BENCH_SERVER_SRC=<dir>   or build the server from this source directory
#   BENCH_SKIP_BUILD=1       use the binaries already built
#   BENCH_WAIT_QUIET=<s>     before each scenario wait up to <s> seconds for an idle machine
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source bench/lib.sh
SERVER_BIN=build/bench-server/app/confab-server
RESULTS=bench/results
THREADS=${BENCH_THREADS:-2}

scripts/setup.sh  # build tools, Chromium and npm packages on a fresh machine
resolve_server_src
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  build_bench
  build_server build/bench-server Release
fi
raise_fd_limit
detect_server_flags "$SERVER_BIN"

# name | server flags | generator flags. Each scenario stays under ~60 s. The open-loop relay runs
# use one generator thread (about half a core at 20,000 msg/s): with two, three busy threads share
# two cores and the server is preempted for whole scheduler slices, which shows as milliseconds of
# p99 that are the benchmark's, not the server's.
SCENARIOS=(
  "relay-20k||-c 1000 -k 4 -r 20000 --warmup 3 -d 15 -t 1"
  "relay-5k||-c 1000 -k 4 -r 5000 --warmup 2 -d 10 -t 1"
  "relay-max|$NO_RATE_LIMIT|-c 1000 -k 4 -r 0 --ack --window 2 --warmup 2 -d 10"
  "relay-20k-ack||-c 1000 -k 4 -r 20000 --ack --warmup 3 -d 10 -t 1"
  "idle-5k||-c 5000 -k 4 -d 0 --idle 3"
  "hold-10k||-c 10000 -k 4 -r 2000 --warmup 2 -d 30 --phase-timeout 45"
)

mkdir -p "$RESULTS"
TMP=$(mktemp -d /tmp/confab-bench.XXXXXX)
trap 'stop_server; rm -rf "$TMP"' EXIT

selected=("$@")
out=$RESULTS/latest.jsonl
: >"$out"
for entry in "${SCENARIOS[@]}"; do
  IFS='|' read -r name server_flags bench_flags <<<"$entry"
  if [[ ${#selected[@]} -gt 0 && ! " ${selected[*]} " =~ " $name " ]]; then continue; fi
  threads=(-t "$THREADS")
  [[ " $bench_flags " == *" -t "* ]] && threads=()
  wait_quiet "${BENCH_WAIT_QUIET:-0}"
  start_server "$TMP" "$server_flags"
  echo "== $name: server pid $SERVER_PID port $PORT flags:$COMMON $server_flags; generator: $bench_flags" >&2
  rc=0
  # shellcheck disable=SC2086
  timeout 120 build/bench/confab-bench --scenario "$name" --port "$PORT" --server-pid "$SERVER_PID" \
    "${threads[@]}" $bench_flags >"$TMP/run.json" || rc=$?
  stop_server
  if [[ -s "$TMP/run.json" ]]; then
    cat "$TMP/run.json" >>"$out"
  else
    echo "{\"scenario\":\"$name\",\"ok\":false,\"exit_code\":$rc}" >>"$out"
  fi
  sleep 1  # let the previous server's sockets and memory go
done

{
  python3 bench/results_table.py "$out"
  echo
  echo "Server: $SERVER_DESC, flags:$COMMON. Generator threads: $THREADS (1 in the open-loop relay scenarios)."
} >"$RESULTS/latest.md"
cat "$RESULTS/latest.md"
