"""Where the machine's cores went during a scenario: the CPU time of each part of the topology, of PostgreSQL, of Redis
and of the load client, per second of the scenario (1.0 = one core busy all the time). Read from /proc (Linux)."""

import os
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[str, int, float]]:
    """pid → (command name, process group, CPU seconds so far)."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone since the listing, or not a process
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # After the name: state, ppid, pgrp, …, utime (field 14 of the line) and stime (15).
        found[int(entry.name)] = (name, int(fields[2]), (int(fields[11]) + int(fields[12])) / TICKS)
    return found


class CpuMeter:
    """`with CpuMeter(groups) as meter: …` then `meter.cores`: part → cores used. `groups`: process group id → name
    of a part of the topology (each part runs in a process group of its own)."""

    def __init__(self, groups: dict[int, str]):
        self.groups = groups
        self.cores: dict[str, float] = {}

    def _part(self, pid: int, name: str, group: int) -> str:
        if pid == os.getpid():
            return "load client"
        if group in self.groups:
            return self.groups[group]
        if name.startswith("postgres"):
            return "postgresql"
        if name.startswith("redis"):
            return "redis"
        return "other"

    def __enter__(self):
        self._started, self._before = time.perf_counter(), _processes()
        return self

    def __exit__(self, *exc_info):
        elapsed, after = time.perf_counter() - self._started, _processes()
        totals: dict[str, float] = {}
        for pid, (name, group, seconds) in after.items():
            # A process that began during the scenario counts from zero.
            spent = seconds - (self._before[pid][2] if pid in self._before else 0.0)
            part = self._part(pid, name, group)
            totals[part] = totals.get(part, 0.0) + spent
        self.cores = {part: round(spent / elapsed, 2) for part, spent in sorted(totals.items()) if spent > 0}
        return False
