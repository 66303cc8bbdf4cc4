#!/usr/bin/env bash
# `make run`: set up, build, and start confab on http://localhost:8080 (SQLite in ./data).
# Extra arguments go to confab-server (see --help), e.g. `make run ARGS="--port 9000"`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export CCACHE_DIR=${CCACHE_DIR:-$PWD/build/.ccache}
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
cmake -S server -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j2 --target confab-server
scripts/build-web.sh
exec build/release/app/confab-server --web-root web/dist --data-dir "${CONFAB_DATA_DIR:-data}" "$@"
