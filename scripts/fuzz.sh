#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for a while.
#   scripts/fuzz.sh [seconds-per-target]   (default 60)
# Each target starts from a copy of server/fuzz/corpus/<target> in build/fuzz/corpus/<target>
# (new inputs accumulate there between local runs, never in the repo). Any crash, sanitizer
# report, leak, timeout or out-of-memory fails the script; the input is kept in
# build/fuzz/artifacts/. Environment: FUZZ_TARGETS (space separated subset), FUZZ_MAX_LEN
# (default 4096), FUZZ_JOBS (build parallelism, default 2), FUZZ_BUILD (a build folder already
# configured with clang, CONFAB_FUZZ=ON and ASan+UBSan, as `make test`'s asan stage makes: its
# fuzz targets are used instead of a build of their own). See server/fuzz/README.md.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
targets=(${FUZZ_TARGETS:-fuzz_engineio_payload fuzz_socketio_packet fuzz_meeting_handlers
  fuzz_websocket_frames fuzz_stun fuzz_rtp_rtcp fuzz_dtls_server})
build=${FUZZ_BUILD:-build/fuzz}
max_len=${FUZZ_MAX_LEN:-4096}

if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2
  exit 1
fi

if [ -z "${FUZZ_BUILD:-}" ]; then
  cmake -S server -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONFAB_FUZZ=ON -DCONFAB_TESTS=OFF \
    "-DCONFAB_SANITIZE=address,undefined" >/dev/null || exit 1
fi
cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target "${targets[@]}" || exit 1

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
mkdir -p "$build/artifacts"
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  cp -n server/fuzz/corpus/"$target"/* "$corpus"/
  dict=()
  [ -f "server/fuzz/dict/$target.dict" ] && dict=("-dict=server/fuzz/dict/$target.dict")
  log="$build/$target.log"
  echo "fuzz: $target for ${seconds}s (log: $log)"
  "$build/fuzz/$target" "$corpus" "${dict[@]}" -max_total_time="$seconds" -max_len="$max_len" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target-" >"$log" 2>&1
  rc=$?
  # The last status line: executions, coverage (edges), features, corpus size.
  grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" |
    tr '\n' ' '
  echo
  if ((rc == 0)); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "fuzz: $target FAILED (exit $rc); last lines of $log:" >&2
    tail -n 60 "$log" >&2
    ls -1 "$build/artifacts/$target-"* 2>/dev/null >&2
  fi
done
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
