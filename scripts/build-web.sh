#!/usr/bin/env bash
# Builds web/dist and precompresses its text assets (served as .br/.gz when asked).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build -w web
find web/dist -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' -o -name '*.json' \) \
  -size +1k -print0 | while IFS= read -r -d '' f; do
  gzip -9 -k -f "$f"
  brotli -q 11 -f "$f"
done
