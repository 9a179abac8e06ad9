"""The machine a benchmark ran on, for its report: CPU model, cores, memory, load, versions."""
from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path


def machine_info() -> dict:
    info: dict = {"cpu": None, "nproc": os.cpu_count(), "python": platform.python_version(),
                  "sqlite": sqlite3.sqlite_version, "platform": platform.platform()}
    try:
        info["nproc_usable"] = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        info["mem_total_gb"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    try:
        info["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        pass
    return info
