#!/usr/bin/env bash
# start.sh <dir> <cpu> [rt | niceness]: starts Janus with the configuration of this folder in <dir>, on
# <cpu>, and prints JANUS_PID=... and JANUS_PORT=... once its WebSocket transport listens.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$1 cpu=$2 niceness=${3:-0}
mkdir -p "$dir"
# Janus leaves loopback out of its candidates: the host's own address, which the kernel delivers
# on loopback all the same.
ip=$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
[[ -n "$ip" ]] || ip=$(hostname -I | awk '{print $1}')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for f in janus.jcfg janus.transport.websockets.jcfg janus.plugin.videoroom.jcfg; do
  sed -e "s|@DIR@|$dir|" -e "s|@IP@|$ip|" -e "s|@PORT@|$port|" "$here/$f.in" >"$dir/$f"
done
prio=(nice -n "$niceness")
[[ "$niceness" == rt ]] && prio=(chrt -f 10)
"${prio[@]}" taskset -c "$cpu" stdbuf -oL -eL janus -C "$dir/janus.jcfg" -F "$dir" >"$dir/janus.log" 2>&1 &
pid=$!
for _ in $(seq 200); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$dir/janus.log" >&2
    exit 1
  fi
  sleep 0.05
done
echo "JANUS_PID=$pid"
echo "JANUS_PORT=$port"
echo "JANUS_IP=$ip"
