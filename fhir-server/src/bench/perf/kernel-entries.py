#!/usr/bin/env python3
"""System calls and context switches per committed operation, by thread group.

Reads the text of `perf script -F comm,event,trace` for a system-wide recording of the events
raw_syscalls:sys_enter and sched:sched_switch on standard input, and divides each group's count by the
operations committed while perf recorded (the first argument; sum the bench's per-second progress lines over
the recording). Thread names are the kernel's (15 characters), so the groups match on prefixes: the same
groups as the bench's "CPU by thread group" table. A switch counts for the thread that leaves the CPU.

    perf record -o run.data -e raw_syscalls:sys_enter -e sched:sched_switch -a -- sleep 20
    perf script -i run.data -F comm,event,trace | kernel-entries.py OPS
"""
import collections
import re
import sys

GROUPS = [
    ("http-nio", "HTTP requests"),
    ("ledger-timers", "timers"),
    ("ledger-", "ledger event thread"),
    ("indexer-", "indexer"),
    ("p2p-", "p2p / t-io"),
    ("dht", "p2p / t-io"),
    ("TioSystemTimer", "p2p / t-io"),
    ("postgres", "PostgreSQL"),
    ("C1 CompilerThre", "JIT compiler"),
    ("C2 CompilerThre", "JIT compiler"),
    ("GC Thread", "GC and VM thread"),
    ("G1 ", "GC and VM thread"),
    ("VM Thread", "GC and VM thread"),
    ("rocksdb", "RocksDB background"),
    ("bench-", "bench client"),
    ("httpclient", "bench client"),
    ("perf", "perf itself"),
]
LINE = re.compile(r"\s*(.+?)\s+(raw_syscalls:sys_enter|sched:sched_switch):\s*(.*)")
NUMBER = re.compile(r"NR (\d+)")


def group(comm: str) -> str:
    for prefix, name in GROUPS:
        if comm.startswith(prefix):
            return name
    return "other"


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    ops = float(sys.argv[1])
    calls = collections.Counter()
    switches = collections.Counter()
    by_number = collections.Counter()
    for line in sys.stdin:
        match = LINE.match(line)
        if not match:
            continue
        comm, event, trace = match.groups()
        name = group(comm)
        if event.startswith("raw_syscalls"):
            calls[name] += 1
            number = NUMBER.search(trace)
            if number:
                by_number[(name, int(number.group(1)))] += 1
        else:
            switches[name] += 1
    print(f"{'thread group':24s} {'syscalls/op':>12s} {'switches/op':>12s}")
    for name in sorted(set(calls) | set(switches), key=lambda n: -(calls[n] + switches[n])):
        print(f"{name:24s} {calls[name] / ops:12.1f} {switches[name] / ops:12.1f}")
    mine = [n for n in set(calls) | set(switches) if n != "perf itself"]
    print(f"{'all but perf':24s} {sum(calls[n] for n in mine) / ops:12.1f} {sum(switches[n] for n in mine) / ops:12.1f}")
    print("most frequent system calls (x86-64 numbers: 202 futex, 0 read, 1 write, 232 epoll_wait, 7 poll):")
    for (name, number), count in by_number.most_common(12):
        if name != "perf itself":
            print(f"  {name:24s} {number:4d} {count / ops:8.2f}/op")


if __name__ == "__main__":
    main()
