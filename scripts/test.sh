#!/usr/bin/env bash
# `make test`: the whole suite, as CI runs it. Each stage must pass; the summary line
# at the end counts stages. Set CONFAB_SKIP="e2e tsan" (space separated) to skip stages
# locally; CI never sets it.
set -uo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR=${CCACHE_DIR:-$PWD/build/.ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime

passed=0
failed=0
failures=()
stage() {
  local name=$1
  shift
  if [[ " ${CONFAB_SKIP:-} " == *" $name "* ]]; then
    echo "== $name: skipped by CONFAB_SKIP"
    return
  fi
  echo "== $name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "== $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "== $name: FAILED ($((SECONDS - start)) s)"
  fi
}

configure_build() {  # dir, cmake args... [-- build args...]
  local dir=$1
  shift
  local configure=()
  while (($#)) && [[ $1 != -- ]]; do
    configure+=("$1")
    shift
  done
  (($#)) && shift
  cmake -S server -B "$dir" -G Ninja "${configure[@]}" >/dev/null && cmake --build "$dir" -j2 "$@"
}
ctest_in() {  # dir [ctest args...]
  local dir=$1
  shift
  ctest --test-dir "$dir" --output-on-failure -j2 --timeout 300 "$@"
}
protocol_tests() {  # server build dir
  CONFAB_SERVER="$1/app/confab-server" CONFAB_CONFORMANCE="$1/app/confab-conformance" \
    node --test --test-concurrency=1 server/tests/protocol/
}

scripts/setup.sh || exit 1

stage format scripts/check-format.sh  # clang-format (.clang-format, 100 columns) over the C++
# The server as users build it (gcc, Release, as scripts/run.sh does): what the browser tests
# run against. The unit and protocol tests are built and run once, in the ASan+UBSan build below.
stage build configure_build build/release -DCMAKE_BUILD_TYPE=Release -- --target confab-server
stage web-build scripts/build-web.sh
stage lint npm run lint   # ESLint: web/ (its own config) and the Node test code (eslint.config.mjs)
stage web-unit npm test -w web
# web/dist is built above; run the browser suite on it directly. Each test and each wait has its
# own deadline (e2e/lib/timeouts.mjs, scaled by CONFAB_E2E_SLOWDOWN). Node 20 applies
# --test-timeout to each test file as a whole: it only stops a file that hangs outside its tests
# (e.g. a child process left running), so it is far above what a file takes on a slow day.
stage e2e env CONFAB_SERVER=build/release/app/confab-server \
  node --test --test-concurrency=1 --test-timeout=3600000 e2e/
# Sanitizer builds: -O1 and line tables only keep their compile time down.
sanitizer_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1")
# One clang ASan+UBSan build serves the unit tests, the protocol tests and the fuzzers (its
# libraries carry libFuzzer's coverage hooks, harmless elsewhere): the only build of the tests.
stage asan-build configure_build build/asan -DCMAKE_CXX_COMPILER=clang++ "${sanitizer_flags[@]}" \
  "-DCONFAB_SANITIZE=address,undefined" -DCONFAB_FUZZ=ON
stage asan-unit ctest_in build/asan
stage asan-protocol protocol_tests build/asan
# TSan: server/sfu's media workers are the only threads besides the signaling loop, so only
# the SFU's tests (sfu_udp_test runs the real worker threads) are built and run under it.
stage tsan-build configure_build build/tsan "${sanitizer_flags[@]}" -DCONFAB_SANITIZE=thread \
  -DCONFAB_FUZZ=OFF -- --target sfu_tests
stage tsan-unit ctest_in build/tsan -E '_NOT_BUILT$'
stage fuzz env FUZZ_BUILD=build/asan scripts/fuzz.sh "${CONFAB_FUZZ_SECONDS:-30}"

echo
((failed)) && echo "failed stages: ${failures[*]}"
echo "stages: $passed passed, $failed failed"
((failed == 0))
