#!/usr/bin/env bash
# The SFU under load: one room of 10, 25 and 50 synthetic participants, everyone publishing Opus
# and VP8 and receiving every audio and at most 9 videos (last-N = 9), against confab's SFU and
# Janus VideoRoom (Debian's package, installed here if missing), one after the other in one run.
# The server runs on CPU 0, the generator on CPU 1. Writes bench/results/sfu.{jsonl,md}.
#
#   bench/sfu/run.sh                  # 10, 25, 50; 20 s each
#
# Environment:
#   SFU_SIZES="10 25 50"   room sizes
#   SFU_DURATION=20        seconds measured per run (after everyone is connected + 3 s)
#   SFU_SPEAKERS=3         participants talking (50 audio packets/s each); the others send DTX
#                          silence as browsers do (a packet per 400 ms); a number >= N: all talk
#   BENCH_RT=1             servers and generator run SCHED_FIFO (chrt -f 10) on their cores: on
#                          a shared machine other work then cannot preempt them (a 30 ms stall
#                          overflows the SFU's 208 kB socket buffer and shows as loss that is
#                          not the SFU's); the kernel still keeps 5 % for everyone else.
#                          BENCH_RT=0: nice -n ${BENCH_NICE:--10} instead
#   BENCH_JANUS=0          skip the Janus runs (default: install Debian's janus if missing, run it)
#   BENCH_SKIP_BUILD=1     use the binaries already built
#   BENCH_WAIT_QUIET=<s>   before each run wait up to <s> seconds for an idle machine
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
source bench/lib.sh
SERVER_BIN=build/bench-server/app/confab-server
BENCH_BIN=build/bench/confab-sfu-bench
RESULTS=bench/results
SIZES=${SFU_SIZES:-10 25 50}
DURATION=${SFU_DURATION:-20}
SERVER_CPU=0
GENERATOR_CPU=1
SPEAKERS=${SFU_SPEAKERS:-3}
if [[ "${BENCH_RT:-1}" == 1 ]]; then
  PRIO=rt
  NICE=(chrt -f 10)
else
  PRIO=${BENCH_NICE:--10}
  NICE=(nice -n "$PRIO")
fi

# Janus comes from Debian (1.1.x); only this benchmark needs it, so scripts/setup.sh does not.
JANUS=0
if [[ "${BENCH_JANUS:-1}" != 0 ]]; then
  if ! command -v janus >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends janus
  fi
  JANUS=1
fi
resolve_server_src
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  cmake -S bench -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/bench -j2 --target confab-sfu-bench confab-sfu-bench-selftest
  build/bench/confab-sfu-bench-selftest >/dev/null
  build_server build/bench-server Release
fi
raise_fd_limit
detect_server_flags "$SERVER_BIN"

mkdir -p "$RESULTS"
TMP=$(mktemp -d /tmp/confab-sfu-bench.XXXXXX)
JANUS_PID=
stop_janus() {
  if [[ -n "$JANUS_PID" ]]; then
    kill -TERM "$JANUS_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$JANUS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$JANUS_PID" 2>/dev/null || true
    wait "$JANUS_PID" 2>/dev/null || true
    JANUS_PID=
  fi
}
trap 'stop_server; stop_janus; rm -rf "$TMP"' EXIT

out=$RESULTS/sfu.jsonl
: >"$out"
# run_generator <label> <args...>: one JSON line to $out (an error line if it failed).
run_generator() {
  local label=$1 rc=0
  shift
  timeout 300 "${NICE[@]}" taskset -c "$GENERATOR_CPU" "$BENCH_BIN" -d "$DURATION" \
    --speakers "$SPEAKERS" "$@" >"$TMP/run.json" || rc=$?
  if [[ -s "$TMP/run.json" ]]; then
    cat "$TMP/run.json" >>"$out"
  else
    echo "{\"server\":\"$label\",\"error\":\"generator exit code $rc\"}" >>"$out"
  fi
}

for n in $SIZES; do
  wait_quiet "${BENCH_WAIT_QUIET:-0}"
  # --mesh-max 0: the room is on the SFU from its first member; one media worker. --last-n 0:
  # the participants pick their 9 videos themselves, as with Janus (which has no last-N), so
  # both servers carry the same streams. --message-burst 2000: a participant here sends all its
  # consumes and resumes at once (a browser paces them), 4 per other member, beyond the default
  # burst of 300 in rooms over ~75.
  start_server "$TMP" "--mesh-max 0 --last-n 0 --message-burst 2000 --room-capacity 1000 --rtc-workers 1 --rtc-port 0" \
    "${NICE[@]}" taskset -c "$SERVER_CPU"
  echo "== confab, $n participants: server pid $SERVER_PID port $PORT" >&2
  run_generator confab --server confab --port "$PORT" -n "$n" --server-pid "$SERVER_PID"
  stop_server
  sleep 1

  if [[ "$JANUS" == 1 ]]; then
    wait_quiet "${BENCH_WAIT_QUIET:-0}"
    bench/sfu/janus/start.sh "$TMP/janus" "$SERVER_CPU" "$PRIO" >"$TMP/janus.env"
    # shellcheck disable=SC1091
    source "$TMP/janus.env"  # JANUS_PID, JANUS_PORT, JANUS_IP
    echo "== janus, $n participants: pid $JANUS_PID port $JANUS_PORT" >&2
    run_generator janus --server janus --port "$JANUS_PORT" -n "$n" --server-pid "$JANUS_PID" \
      --room 1234 --media-ip "$JANUS_IP"
    stop_janus
    sleep 1
  fi
done

{
  python3 bench/sfu/table.py "$out"
  echo
  echo "confab: $SERVER_DESC on CPU $SERVER_CPU (whole process), flags:$COMMON --mesh-max 0 --last-n 0 --message-burst 2000" \
    "--rtc-workers 1. Generator on CPU $GENERATOR_CPU. $DURATION s per run, $SPEAKERS speakers," \
    "priority $PRIO."
} >"$RESULTS/sfu.md"
cat "$RESULTS/sfu.md"
