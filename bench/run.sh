#!/usr/bin/env bash
# Builds the load generator and a Release confab-server, runs the standard signaling scenarios
# against a fresh server each (127.0.0.1 only), and writes bench/results/latest.{jsonl,md}.
#
#   bench/run.sh                 # all standard scenarios (~3 minutes)
#   bench/run.sh relay-20k idle-5k   # just some of them
#
# Environment: BENCH_THREADS (generator threads, default 2), BENCH_SKIP_BUILD=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BENCH_BIN=build/bench/confab-bench
SERVER_BIN=build/bench-server/app/confab-server
RESULTS=bench/results
THREADS=${BENCH_THREADS:-2}

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  cmake -S bench -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/bench -j2
  cmake -S server -B build/bench-server -G Ninja -DCMAKE_BUILD_TYPE=Release -DCONFAB_TESTS=OFF >/dev/null
  cmake --build build/bench-server -j2 --target confab-server
fi
build/bench/confab-bench-selftest >/dev/null

# 10,000 connections need 10,000+ descriptors in the server and in the generator.
hard=$(ulimit -Hn)
want=30000
if [[ "$hard" != unlimited && "$hard" -lt "$want" ]]; then want=$hard; fi
ulimit -n "$want"
if [[ $(ulimit -n) -lt 10100 ]]; then
  echo "warning: ulimit -n is $(ulimit -n); hold-10k will fail" >&2
fi

# name | server flags | generator flags. Each scenario stays under ~60 s.
SCENARIOS=(
  "relay-20k||-c 1000 -k 4 -r 20000 --warmup 3 -d 15"
  "relay-5k||-c 1000 -k 4 -r 5000 --warmup 2 -d 10"
  "relay-max||-c 1000 -k 4 -r 0 --window 2 --warmup 2 -d 10"
  "relay-20k-noack||-c 1000 -k 4 -r 20000 --no-ack --warmup 3 -d 10"
  "idle-5k||-c 5000 -k 4 -d 0 --idle 3"
  "hold-10k||-c 10000 -k 4 -r 2000 --warmup 2 -d 30 --phase-timeout 45"
)

mkdir -p "$RESULTS"
TMP=$(mktemp -d /tmp/confab-bench.XXXXXX)
SERVER_PID=
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

start_server() {  # $1 = extra flags
  local log=$TMP/server.log
  rm -rf "$TMP/data" && mkdir -p "$TMP/data"
  # shellcheck disable=SC2086
  "$SERVER_BIN" --host 127.0.0.1 --port 0 --data-dir "$TMP/data" --log-level info $1 >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do
    PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" | sed 's/.*://' || true)
    [[ -n "$PORT" ]] && return 0
    sleep 0.05
  done
  echo "server did not start:" >&2
  cat "$log" >&2
  exit 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

selected=("$@")
out=$RESULTS/latest.jsonl
: >"$out"
for entry in "${SCENARIOS[@]}"; do
  IFS='|' read -r name server_flags bench_flags <<<"$entry"
  if [[ ${#selected[@]} -gt 0 && ! " ${selected[*]} " =~ " $name " ]]; then continue; fi
  start_server "$server_flags"
  echo "== $name (server pid $SERVER_PID, port $PORT)" >&2
  set +e
  # shellcheck disable=SC2086
  timeout 120 "$BENCH_BIN" --scenario "$name" --port "$PORT" --server-pid "$SERVER_PID" -t "$THREADS" \
    $bench_flags >"$TMP/run.json"
  rc=$?
  set -e
  stop_server
  if [[ -s "$TMP/run.json" ]]; then
    cat "$TMP/run.json" >>"$out"
  else
    echo "{\"scenario\":\"$name\",\"ok\":false,\"exit_code\":$rc}" >>"$out"
  fi
  sleep 1  # let TIME_WAIT sockets and the previous server's memory go
done

python3 bench/results_table.py "$out" >"$RESULTS/latest.md"
cat "$RESULTS/latest.md"
