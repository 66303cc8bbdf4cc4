#!/usr/bin/env python3
"""Renders bench/sfu/run.sh's JSON lines as a Markdown table, confab and Janus side by side."""
import json
import sys


def fmt(v, digits=1):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def main(path):
    runs = [json.loads(line) for line in open(path) if line.strip()]
    cols = ["server", "participants", "video streams", "audio streams", "forwarded pkt/s",
            "server CPU %", "busiest thread %", "µs CPU / pkt", "CPU % / stream", "loss %",
            "SFU latency p50 / p99 µs", "RSS MB", "generator CPU %"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    by = {}
    for r in runs:
        if "error" in r:
            print(f"| {r.get('server')} | {r.get('participants', '')} | failed: {r['error']} |")
            continue
        by[(r["server"], r["participants"])] = r
        print("| " + " | ".join([
            r["server"], str(r["participants"]), str(r["video_streams"]), str(r["audio_streams"]),
            fmt(r["forwarded_pps"], 0), fmt(r.get("server_cpu_pct")),
            fmt(r.get("server_busiest_thread_pct")), fmt(r.get("cpu_us_per_packet"), 2),
            fmt(r.get("cpu_pct_per_stream"), 3), fmt(r["loss_pct"], 3),
            f"{fmt(r['latency_p50_us'], 0)} / {fmt(r['latency_p99_us'], 0)}",
            fmt(r.get("server_rss_kb", 0) / 1024), fmt(r.get("generator_cpu_pct")),
        ]) + " |")
    ratios = []
    for (server, n), r in sorted(by.items()):
        j = by.get(("janus", n))
        if server == "confab" and j and j.get("cpu_pct_per_stream"):
            ratios.append(f"{n}: {r['cpu_pct_per_stream'] / j['cpu_pct_per_stream']:.2f}")
    if ratios:
        print()
        print("CPU per forwarded stream, confab / Janus: " + ", ".join(ratios))


if __name__ == "__main__":
    main(sys.argv[1])
