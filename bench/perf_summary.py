#!/usr/bin/env python3
"""Summarises a `perf record` profile of confab-server: CPU share by category and the top symbols
with template arguments stripped. Usage: perf_summary.py perf.data [us_per_msg]"""
import re
import subprocess
import sys

CATEGORIES = [
    ("kernel: TCP/IP, loopback, sockets", r"\[k\].*(tcp|ip_|ipv4|inet|sock|skb|__dev_|dev_|net_|netif|loopback|napi|__napi|nf_|sk_|__sys_send|__sys_recv|sendmsg|recvmsg|copy_page|_copy_|copyin|copyout|rep_movs|__alloc_skb|kmalloc|kfree|slab|kmem|page_frag|__check_object|check_heap|__virt_addr)"),
    ("kernel: epoll, scheduler, syscall entry, timers", r"\[k\].*(epoll|ep_|schedule|sched|wake|pick_|enqueue|dequeue|update_|switch|entry_|syscall|do_sys|__x64|irq|hrtimer|timer|futex|fput|fget|fdget|__fdget|rcu|ktime|clock|_raw_spin|mutex|select_task|ttwu|finish_task|psi_|cpuacct|account)"),
    ("kernel: other", r"\[k\]"),
    ("malloc/free", r"(malloc|_int_free|cfree|free@|__libc_free|__libc_malloc|tcache|operator new|operator delete|consolidate|realloc|calloc)"),
    ("JSON parse (nlohmann lexer/parser)", r"nlohmann.*(lexer|parser|sax|json_sax|input_adapter)"),
    ("JSON serialize (nlohmann dump)", r"nlohmann.*(serializer|dump|output_string|output_adapter)"),
    ("JSON values (nlohmann build/copy/destroy, object map)", r"(nlohmann|std::_Rb_tree|_Rb_tree)"),
    ("Beast WebSocket framing/masking", r"beast::websocket|beast::detail|websocket::detail|mask|buffers_cat|buffers_prefix|buffers_suffix|beast::"),
    ("Asio reactor/handlers", r"asio::"),
    ("confab engineio/socketio/meeting/http", r"confab::"),
    ("libc memcpy/memcmp/strlen", r"(mem(cpy|move|cmp|set|chr)|str(len|cmp|chr)|__memcmp|__memmove|__memset)"),
    ("other", r"."),
]


def strip_templates(name):
    out, depth = [], 0
    for ch in name:
        if ch == "<":
            if depth == 0:
                out.append("<…>")
            depth += 1
        elif ch == ">" and depth > 0:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    s = "".join(out)
    return re.sub(r"\(.*\)$", "", s.strip()).strip()[:140]


def main():
    data = sys.argv[1]
    us_per_msg = float(sys.argv[2]) if len(sys.argv) > 2 else None
    rep = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", "dso,symbol", "--stdio",
                          "-g", "none", "--percent-limit", "0"], capture_output=True, text=True).stdout
    rows = []
    for line in rep.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+(\[[.k]\])\s+(.*)$", line)
        if m:
            rows.append((float(m.group(1)), m.group(2), m.group(3), re.split(r"\s{3,}", m.group(4).strip())[0]))
    totals = {name: 0.0 for name, _ in CATEGORIES}
    for pct, dso, kind, sym in rows:
        key = f"{kind} {dso} {sym}"
        for name, rx in CATEGORIES:
            if re.search(rx, key):
                totals[name] += pct
                break
    print("| category | share of the process CPU |" + (" µs per relayed msg |" if us_per_msg else ""))
    print("|---|---|" + ("---|" if us_per_msg else ""))
    for name, _ in CATEGORIES:
        if totals[name] >= 0.05:
            extra = f" {totals[name] / 100 * us_per_msg:.2f} |" if us_per_msg else ""
            print(f"| {name} | {totals[name]:.1f} % |{extra}")
    print("\nTop symbols (self time):\n")
    print("| % | dso | symbol |")
    print("|---|---|---|")
    for pct, dso, kind, sym in sorted(rows, reverse=True)[:25]:
        print(f"| {pct:.2f} | {dso} | `{strip_templates(sym)}` |")


if __name__ == "__main__":
    main()
