#!/usr/bin/env python3
"""Renders the JSON lines of bench/run.sh as a Markdown results table (stdout)."""
import json
import platform
import sys
import time


def load(path):
    runs = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                r = json.loads(line)
                runs[r["scenario"]] = r
    return runs


def get(r, *path, default=None):
    for p in path:
        if not isinstance(r, dict) or p not in r or r[p] is None:
            return default
        r = r[p]
    return r


def fmt(v, unit=""):
    if v is None:
        return "—"
    if isinstance(v, float):
        v = f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    return f"{v}{unit}"


def errors(r):
    e = sum(get(r, "errors", default={}).values()) if get(r, "errors") else None
    if e is None:
        return None
    return e + sum(get(r, k, default=0) for k in ("corrupted", "duplicates", "reordered"))


def targets(runs):
    rows = []
    r = runs.get("relay-20k")
    if r:
        rate = get(r, "delivered_per_s", default=0)
        cpu = get(r, "server", "cpu_us_per_msg")
        rows.append(("server CPU per relayed message at 20,000 msg/s (C=1000, K=4)", "≤ 2.5 µs",
                     f"{fmt(cpu)} µs at {fmt(rate)} msg/s", cpu is not None and cpu <= 2.5 and rate >= 19000))
        p99 = get(r, "latency_us", "p99")
        rows.append(("latency p99 at 20,000 msg/s", "≤ 1 ms", f"{fmt(p99)} µs", p99 is not None and p99 <= 1000))
    r = runs.get("idle-5k")
    if r:
        b = get(r, "server", "rss_per_conn_bytes")
        rows.append(("server RSS per idle joined WebSocket connection at 5,000", "≤ 4 KB",
                     f"{fmt(b)} B", b is not None and b <= 4096))
        js = get(r, "join_storm_s")
        nu = get(r, "new_user", default={})
        rows.append(("join storm: 5,000 clients, rooms of 4, all new_user delivered", "≤ 0.1 s",
                     f"{fmt(js)} s ({nu.get('received')}/{nu.get('expected')} new_user)",
                     js is not None and js <= 0.1 and nu.get("received") == nu.get("expected")))
    r = runs.get("hold-10k")
    if r:
        e = errors(r)
        held = get(r, "open_at_end")
        rows.append(("10,000 concurrent connections held, 0 errors", "10,000 open, 0 errors",
                     f"{fmt(held)} open, {fmt(e)} errors, {fmt(get(r, 'lost'))} lost",
                     bool(get(r, "ok")) and held == 10000))
    return rows


def main():
    runs = load(sys.argv[1])
    print(f"# confab signaling benchmark results\n")
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {platform.node()}, {platform.processor() or platform.machine()}, "
          "generator on the same machine, 127.0.0.1.\n")
    print("## Targets\n")
    print("| target | goal | measured | pass |")
    print("|---|---|---|---|")
    for name, goal, measured, ok in targets(runs):
        print(f"| {name} | {goal} | {measured} | {'yes' if ok else '**no**'} |")
    print("\n## Scenarios\n")
    cols = ["scenario", "C", "K", "mode", "target/s", "delivered/s", "p50 µs", "p95 µs", "p99 µs", "max µs",
            "connect s", "join s", "errors", "lost", "misrouted", "server CPU %", "server µs/msg",
            "server RSS KB", "RSS/conn B", "gen CPU %", "other load %"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for name, r in runs.items():
        row = [name, get(r, "clients"), get(r, "room_size"), get(r, "mode"), get(r, "target_rate"),
               get(r, "delivered_per_s"), get(r, "latency_us", "p50"), get(r, "latency_us", "p95"),
               get(r, "latency_us", "p99"), get(r, "latency_us", "max"), get(r, "connect_s"),
               get(r, "join_storm_s"), errors(r), get(r, "lost"), get(r, "misrouted"),
               get(r, "server", "window_cpu_pct"), get(r, "server", "cpu_us_per_msg"),
               get(r, "server", "idle", "rss_kb"), get(r, "server", "rss_per_conn_bytes"),
               get(r, "generator", "window_cpu_pct"), get(r, "machine", "window_other_pct")]
        u, sy = get(r, "server", "user_us_per_msg"), get(r, "server", "sys_us_per_msg")
        if row[16] is not None and u is not None:
            row[16] = f"{fmt(row[16])} ({fmt(u)} u + {fmt(sy)} s)"
        if get(r, "mode") == "idle":
            row[4:10] = [None] * 6
            row[20] = get(r, "machine", "setup_other_pct")
        print("| " + " | ".join(fmt(v) for v in row) + " |")
    print("\n`server µs/msg` is server CPU time (all threads, schedstat) per relayed message delivered in"
          " the window, split into user (u) and kernel (s) time. `other load %` is CPU used by processes"
          " other than the server and the generator during the measured window (the connect + join phase"
          " for idle runs), 100 = one core; anything above a few % makes the timing numbers unreliable.")


if __name__ == "__main__":
    main()
