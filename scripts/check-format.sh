#!/usr/bin/env bash
# Fails when a C++ file under server/ or bench/ differs from what clang-format (the repo's
# .clang-format, 100 columns) makes of it. Fix with: scripts/check-format.sh --fix
set -uo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'server/*.cpp' 'server/*.hpp' 'bench/*.cpp' 'bench/*.hpp')
if [[ ${1:-} == --fix ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
clang-format --dry-run --Werror "${files[@]}" 2>&1 | grep -E '^[^ ].*: (error|warning):' | cut -d: -f1 | sort -u |
  sed 's/^/not formatted: /'
clang-format --dry-run --Werror "${files[@]}" >/dev/null 2>&1
