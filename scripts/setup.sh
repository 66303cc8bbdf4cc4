#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks (apt packages, npm packages).
# Idempotent and quick when everything is there already.
#   scripts/setup.sh [more apt packages...]   (bench/profile.sh adds its profilers)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev libboost-system-dev libssl-dev libsqlite3-dev libsrtp2-dev
  nlohmann-json3-dev libsimdjson-dev libspdlog-dev libfmt-dev libcli11-dev libgtest-dev libgmock-dev
  clang clang-format libclang-rt-14-dev
  chromium coturn brotli
  "$@"
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js $(node --version) is too old; the web build needs Node 20 or newer" >&2
  exit 1
fi

# npm ci only when the lock file changed since the last install.
stamp=node_modules/.confab-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
