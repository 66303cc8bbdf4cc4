# Shared by run.sh and profile.sh (source it from the repository root).
# shellcheck shell=bash

# Which server source to build: BENCH_SERVER_REV (a commit, via git archive), BENCH_SERVER_SRC
# (a directory) or the working tree. Sets SERVER_SRC and SERVER_DESC.
resolve_server_src() {
  SERVER_SRC=${BENCH_SERVER_SRC:-server}
  SERVER_DESC="source $SERVER_SRC"
  if [[ -z "${BENCH_SERVER_SRC:-}" ]]; then
    SERVER_DESC="working tree at $(git rev-parse --short HEAD)"
    git diff --quiet HEAD -- server || SERVER_DESC+=" with uncommitted server edits"
  fi
  if [[ -n "${BENCH_SERVER_REV:-}" ]]; then
    local rev
    rev=$(git rev-parse --short "$BENCH_SERVER_REV")
    SERVER_SRC=build/bench-src/$rev/server
    SERVER_DESC="commit $rev"
    if [[ ! -d "$SERVER_SRC" ]]; then
      mkdir -p "build/bench-src/$rev"
      git archive "$rev" server | tar -x -C "build/bench-src/$rev"
    fi
  fi
}

build_bench() {
  cmake -S bench -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/bench -j2
  build/bench/confab-bench-selftest >/dev/null
}

# build_server <build dir> <cmake build type> [extra cmake args...]
build_server() {
  local dir=$1 type=$2
  shift 2
  # A build directory remembers its source directory: start over when the source changes.
  if [[ -f "$dir/CMakeCache.txt" ]] &&
    ! grep -q "^CMAKE_HOME_DIRECTORY:INTERNAL=$(cd "$SERVER_SRC" && pwd)$" "$dir/CMakeCache.txt"; then
    rm -rf "$dir"
  fi
  cmake -S "$SERVER_SRC" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DCONFAB_TESTS=OFF "$@" >/dev/null
  cmake --build "$dir" -j2 --target confab-server
}

# 10,000 connections need 10,000+ descriptors in the server and in the generator.
raise_fd_limit() {
  local hard want=30000
  hard=$(ulimit -Hn)
  if [[ "$hard" != unlimited && "$hard" -lt "$want" ]]; then want=$hard; fi
  ulimit -n "$want"
  if [[ $(ulimit -n) -lt 10100 ]]; then
    echo "warning: ulimit -n is $(ulimit -n); hold-10k will fail" >&2
  fi
}

# Every client comes from 127.0.0.1: lift the per-address and server-wide limits where the
# server has flags for them. Sets COMMON (always) and NO_RATE_LIMIT (closed loop only).
detect_server_flags() {
  local help
  help=$("$1" --help 2>&1 || true)
  COMMON=""
  NO_RATE_LIMIT=""
  grep -q -- --max-connections-per-ip <<<"$help" && COMMON+=" --max-connections-per-ip 0"
  grep -q -- --max-rooms <<<"$help" && COMMON+=" --max-rooms 100000"
  grep -q -- --max-participants <<<"$help" && COMMON+=" --max-participants 100000"
  grep -q -- --max-messages-per-second <<<"$help" && NO_RATE_LIMIT="--max-messages-per-second 0"
  if ! grep -q -- --max-rooms <<<"$help"; then
    echo "note: the server has no --max-rooms flag; its default limit (1000 live rooms) makes" \
      "idle-5k and hold-10k (rooms of 4) fail their joins" >&2
  fi
  return 0
}

# start_server <tmp dir> <extra server flags> [wrapper command...]: sets SERVER_PID (the
# server process itself, also under a wrapper) and PORT.
start_server() {
  local tmp=$1 flags=$2
  shift 2
  local log=$tmp/server.log
  rm -rf "$tmp/data" && mkdir -p "$tmp/data"
  # The previous server's log would give its port before the new one truncates it.
  rm -f "$log"
  # shellcheck disable=SC2086
  "$@" "$SERVER_BIN" --host 127.0.0.1 --port 0 --data-dir "$tmp/data" --log-level info $COMMON $flags \
    >"$log" 2>&1 &
  LAUNCH_PID=$!
  SERVER_PID=$LAUNCH_PID
  PORT=
  for _ in $(seq 600); do
    PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" | sed 's/.*://' || true)
    [[ -n "$PORT" ]] && break
    sleep 0.05
  done
  if [[ -z "$PORT" ]]; then
    echo "server did not start:" >&2
    cat "$log" >&2
    return 1
  fi
  # A wrapper script (heaptrack) runs the server as its child.
  local child
  child=$(pgrep -P "$LAUNCH_PID" -f confab-server | head -1 || true)
  if [[ -n "$child" ]]; then SERVER_PID=$child; fi
}

stop_server() {
  if [[ -n "${SERVER_PID:-}" ]]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; fi
  if [[ -n "${LAUNCH_PID:-}" ]]; then
    for _ in $(seq 200); do kill -0 "$LAUNCH_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$LAUNCH_PID" 2>/dev/null || true
    wait "$LAUNCH_PID" 2>/dev/null || true
  fi
  SERVER_PID=
  LAUNCH_PID=
}

# CPU busy on the whole machine over <seconds>, in percent of one CPU (200 = both of two CPUs).
machine_busy_pct() {
  local a b
  a=$(head -1 /proc/stat)
  sleep "${1:-2}"
  b=$(head -1 /proc/stat)
  awk -v a="$a" -v b="$b" -v s="${1:-2}" 'BEGIN {
    split(a, x); split(b, y); busy = 0
    for (i = 2; i <= 9; i++) if (i != 5 && i != 6) busy += y[i] - x[i]
    printf "%d\n", busy / s }'  # clock ticks are 1/100 s: ticks per second = percent of one CPU
}

# wait_quiet <max seconds>: timing numbers mean nothing while other work shares the two CPUs, so
# wait until the machine is nearly idle (< 10 % of one CPU busy), at most <max seconds>.
wait_quiet() {
  local max=${1:-0} waited=0 busy
  while :; do
    busy=$(machine_busy_pct 2)
    if ((busy < 10)); then return 0; fi
    if ((waited >= max)); then
      if ((max > 0)); then echo "warning: machine still busy (${busy}% of one CPU), measuring anyway" >&2; fi
      return 0
    fi
    echo "waiting for a quiet machine (${busy}% of one CPU busy)" >&2
    sleep 8
    waited=$((waited + 10))
  done
}
