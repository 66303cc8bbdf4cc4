#!/usr/bin/env bash
# Checks the deploy files with the tools at hand; each check is skipped when its tool is
# missing (none is needed by `make test`):
#   nginx -t        nginx.conf, in a throwaway main config with a self-signed certificate
#   systemd-analyze confab.service (verify, and the security exposure score)
#   docker compose  docker-compose.yml (`config`); without the plugin, a YAML parse
#   turnserver      turnserver.conf on loopback for a few seconds, then turn_check.py
#                   allocates a relay with TURN REST credentials (right and wrong secret)
set -uo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
check() {  # name, command...
  local name=$1
  shift
  if "$@"; then echo "deploy-check: $name ok"; else echo "deploy-check: $name FAILED"; failed=1; fi
}
skip() { echo "deploy-check: $1 skipped ($2 not installed)"; }

nginx_check() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=meet.example.org \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null || return 1
  sed -e "s#/etc/letsencrypt/live/meet.example.org/fullchain.pem#$tmp/cert.pem#" \
    -e "s#/etc/letsencrypt/live/meet.example.org/privkey.pem#$tmp/key.pem#" \
    nginx.conf >"$tmp/site.conf"
  cat >"$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log stderr;
events {}
http {
  access_log off;
  include $tmp/site.conf;
}
CONF
  nginx -t -p "$tmp" -c "$tmp/nginx.conf"
}
if command -v nginx >/dev/null; then check nginx nginx_check; else skip nginx nginx; fi

systemd_check() {
  # verify wants the binary to exist: check a copy that runs /bin/true instead.
  sed 's#^ExecStart=.*#ExecStart=/bin/true#' confab.service >"$tmp/confab.service"
  systemd-analyze verify "$tmp/confab.service" &&
    systemd-analyze security --offline=yes --threshold=20 "$tmp/confab.service" | tail -n 1
}
if command -v systemd-analyze >/dev/null; then check systemd systemd_check; else skip systemd systemd-analyze; fi

compose_check() {
  if docker compose version >/dev/null 2>&1; then
    CONFAB_DOMAIN=meet.example.org CONFAB_TURN_SECRET=x CONFAB_TURN_EXTERNAL_IP=203.0.113.10 \
      docker compose -f docker-compose.yml config -q
  else
    echo "(docker compose not available: YAML parse only)"
    python3 -c 'import sys, yaml; d = yaml.safe_load(open("docker-compose.yml")); assert set(d["services"]) == {"confab", "coturn"}'
  fi
}
check compose compose_check

turn_check() {
  local port=34781
  turnserver -c turnserver.conf --listening-ip 127.0.0.1 --relay-ip 127.0.0.1 \
    --listening-port $port --tls-listening-port $((port + 1)) --min-port 50100 --max-port 50120 \
    --pidfile "$tmp/turn.pid" --static-auth-secret check-secret --realm check.local \
    --userdb "$tmp/turndb" --allow-loopback-peers >"$tmp/turn.log" 2>&1 &
  local pid=$!
  sleep 2
  local rc=0
  if grep -qE "Bad configuration|CONFIG ERROR" "$tmp/turn.log"; then
    grep -E "Bad configuration|CONFIG ERROR" "$tmp/turn.log" | sort -u
    rc=1
  fi
  timeout 10 python3 turn_check.py 127.0.0.1 $port check-secret || rc=1
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return $rc
}
if command -v turnserver >/dev/null; then check turnserver turn_check; else skip turnserver turnserver; fi

exit $failed
