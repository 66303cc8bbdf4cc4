#!/usr/bin/env bash
# Profiles confab-server (RelWithDebInfo, frame pointers) under the benchmark loads:
#   perf       sampling profile of the measured window of relay-20k (C=1000, K=4, 20,000 msg/s)
#   callgrind  instructions per relayed message (C=100, K=4, 300 msg/s; deterministic, load-proof)
#   heaptrack  heap of 4,000 idle joined connections (rooms of 4)
# Writes bench/results/profile/ and prints a Markdown summary. Same environment as run.sh.
#
#   bench/profile.sh              # all three
#   bench/profile.sh perf         # or some of: perf callgrind heaptrack
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source bench/lib.sh
SERVER_BIN=build/bench-server-prof/app/confab-server
OUT=bench/results/profile
THREADS=${BENCH_THREADS:-2}

scripts/setup.sh linux-perf valgrind heaptrack
resolve_server_src
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  build_bench
  build_server build/bench-server-prof RelWithDebInfo -DCMAKE_CXX_FLAGS=-fno-omit-frame-pointer
fi
raise_fd_limit
detect_server_flags "$SERVER_BIN"
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/confab-profile.XXXXXX)
trap 'stop_server; rm -rf "$TMP"' EXIT
want=("$@")
[[ ${#want[@]} -eq 0 ]] && want=(perf callgrind heaptrack)
wanted() { [[ " ${want[*]} " =~ " $1 " ]]; }
jq_num() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

if wanted perf; then
  start_server "$TMP" ""
  echo "== perf: relay-20k on pid $SERVER_PID" >&2
  build/bench/confab-bench --scenario perf-relay-20k --port "$PORT" --server-pid "$SERVER_PID" -t "$THREADS" \
    -c 1000 -k 4 -r 20000 --warmup 3 -d 10 \
    --hook-window-start "perf record -q -F 1999 -g -p $SERVER_PID -o $OUT/perf.data -- sleep 10 >/dev/null 2>&1 &" \
    >"$OUT/perf-run.json" || true
  sleep 1
  stop_server
  us=$(jq_num "$OUT/perf-run.json" "d['server'].get('cpu_us_per_msg', 0)")
  {
    echo "### perf: relay-20k ($(jq_num "$OUT/perf-run.json" "d['delivered_per_s']") msg/s delivered," \
      "server $us µs CPU per relayed message)"
    echo
    python3 bench/perf_summary.py "$OUT/perf.data" "$us"
  } >"$OUT/perf.md"
  perf report -i "$OUT/perf.data" --no-children --stdio -g caller,0.5,callee --percent-limit 2 \
    >"$OUT/perf-callgraph.txt" 2>/dev/null || true
  cat "$OUT/perf.md"
fi

if wanted callgrind; then
  rm -f "$OUT"/callgrind.out*
  start_server "$TMP" "" valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$OUT/callgrind.out"
  echo "== callgrind on pid $SERVER_PID" >&2
  build/bench/confab-bench --scenario callgrind-relay --port "$PORT" --server-pid "$SERVER_PID" -t 1 \
    -c 100 -k 4 -r 300 --warmup 2 -d 10 --phase-timeout 120 --drain-timeout 20 \
    --hook-window-start "callgrind_control -i on $SERVER_PID >/dev/null" \
    --hook-window-end "callgrind_control -i off $SERVER_PID >/dev/null" \
    >"$OUT/callgrind-run.json" || true
  stop_server
  delivered=$(jq_num "$OUT/callgrind-run.json" "d['delivered']")
  total=$(callgrind_annotate "$OUT/callgrind.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1}')
  total=${total:-0}
  [[ "$total" =~ ^[0-9]+$ ]] || total=0
  callgrind_annotate --inclusive=yes "$OUT/callgrind.out" >"$OUT/callgrind-inclusive.txt" 2>/dev/null || true
  callgrind_annotate "$OUT/callgrind.out" >"$OUT/callgrind-self.txt" 2>/dev/null || true
  {
    echo "### callgrind: $delivered relayed messages in the window, $total instructions:" \
      "$((total / (delivered > 0 ? delivered : 1))) instructions per relayed message (no ack, as the web client sends them)"
    echo
    echo "Top functions by self instructions (callgrind-self.txt), per relayed message:"
    echo
    echo '| Ir/msg | % | function |'
    echo '|---|---|---|'
    grep -E '^\s*[0-9,]+ \(' "$OUT/callgrind-self.txt" | head -25 |
      python3 -c "
import re, sys
d = int(sys.argv[1]) or 1
for line in sys.stdin:
    m = re.match(r'\s*([\d,]+) \(\s*([\d.]+)%\)\s+(.*)', line)
    if not m: continue
    ir = int(m.group(1).replace(',', ''))
    name = m.group(3)
    out, depth = [], 0
    for ch in name:
        if ch == '<':
            if depth == 0: out.append('<…>')
            depth += 1
        elif ch == '>' and depth: depth -= 1
        elif depth == 0: out.append(ch)
    print(f'| {ir // d} | {m.group(2)} | \`{\"\".join(out)[:150]}\` |')
" "$delivered"
  } >"$OUT/callgrind.md"
  cat "$OUT/callgrind.md"
fi

if wanted heaptrack; then
  rm -f "$OUT"/heaptrack.*
  start_server "$TMP" "" heaptrack -o "$OUT/heaptrack.confab"
  echo "== heaptrack on pid $SERVER_PID" >&2
  build/bench/confab-bench --scenario heaptrack-idle-4k --port "$PORT" --server-pid "$SERVER_PID" -t "$THREADS" \
    -c 4000 -k 4 -d 0 --idle 3 --phase-timeout 120 >"$OUT/heaptrack-run.json" || true
  stop_server
  file=$(ls "$OUT"/heaptrack.confab* 2>/dev/null | head -1 || true)
  heaptrack_print -f "$file" -p 1 -a 0 -T 0 -l 0 -n 40 -s 3 >"$OUT/heaptrack-peaks.txt" 2>/dev/null || true
  heaptrack_print -f "$file" >"$OUT/heaptrack.txt" 2>/dev/null || true
  {
    echo "### heaptrack: 4,000 idle joined connections"
    echo
    grep -E "peak heap memory consumption|peak RSS|total memory leaked|calls to allocation functions" "$OUT/heaptrack.txt" |
      sed 's/^/    /'
    echo
    echo "rss_per_conn_bytes from the run: $(jq_num "$OUT/heaptrack-run.json" "d['server'].get('rss_per_conn_bytes')")" \
      "(heaptrack itself adds overhead)"
  } >"$OUT/heaptrack.md"
  cat "$OUT/heaptrack.md"
fi
