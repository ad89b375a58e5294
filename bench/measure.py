"""Runs one command as a child process and measures it: wall time, CPU time, peak memory.

What is measured, precisely (bench/spawn.py forks the command and reports on it):
- wall: time.perf_counter() around fork and reaping of the command, taken in the launcher, so
  the launcher's own start-up is not counted.
- cpu: user + system time from os.wait4() of the command; Linux adds to it the times of every
  descendant the command itself waited for (worker pools that are joined), so it covers the
  tree. Not known for a run killed at its timeout (None).
- peak_mb: the larger of two figures. wait4's ru_maxrss is the peak RSS of the largest single
  process among the command and its waited-for descendants (not their sum); its floor is the
  launcher's ~6 MB. A sampler also reads /proc every 50 ms and sums the proportional set size
  (PSS, /proc/PID/smaps_rollup) of every process in the command's process group: the combined
  memory of parallel workers, with the copy-on-write pages forked workers share counted once,
  in runs longer than one sample.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05


SPAWN = Path(__file__).resolve().parent / "spawn.py"


@dataclass(frozen=True)
class Measurement:
    wall: float
    cpu: float | None
    peak_mb: float  # the larger of the two below
    exit_code: int
    timed_out: bool
    largest_process_mb: float | None = None  # wait4 ru_maxrss
    tree_pss_mb: float = 0.0  # sampled sum over the process group


def _pss_bytes(proc_dir: str) -> int:
    for line in Path(proc_dir, "smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    raise ValueError("no Pss line")


def _group_pss_bytes(pgid: int) -> int:
    """Summed proportional memory of a process group but its leader, the launcher (0 when gone)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == pgid:
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            # Fields after the parenthesised command name: state ppid pgrp ...
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) != pgid:
                continue
            total += _pss_bytes(entry.path)
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
    return total


class _TreeSampler(threading.Thread):
    def __init__(self, pgid: int) -> None:
        super().__init__(daemon=True)
        self.pgid = pgid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, _group_pss_bytes(self.pgid))


def run_measured(
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    stdout: Path,
    timeout: float,
) -> Measurement:
    """Runs argv with stdout in a file, stderr in stdout.stderr; kills the group at timeout."""
    result = Path(f"{stdout}.rusage.json")
    result.unlink(missing_ok=True)
    launcher = [sys.executable, "-S", "-I", str(SPAWN), str(result), *argv]
    with open(stdout, "wb") as out, open(f"{stdout}.stderr", "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(launcher, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        timed_out = threading.Event()

        def kill_group() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill_group)
        timer.start()
        proc.wait()
        outer_wall = time.perf_counter() - start
        timer.cancel()
        sampler.done.set()
        sampler.join()
    if timed_out.is_set() or not result.exists():
        try:  # a worker left behind by a killed command would otherwise keep running
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return Measurement(outer_wall, None, sampler.peak / 2**20, proc.returncode, timed_out.is_set(),
                           tree_pss_mb=sampler.peak / 2**20)
    inner = json.loads(result.read_text())
    return Measurement(
        wall=inner["wall"],
        cpu=inner["cpu"],
        peak_mb=max(inner["maxrss_kb"] * 1024, sampler.peak) / 2**20,
        exit_code=inner["exit_code"],
        timed_out=False,
        largest_process_mb=inner["maxrss_kb"] / 1024,
        tree_pss_mb=sampler.peak / 2**20,
    )
