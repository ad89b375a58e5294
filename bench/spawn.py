"""Launcher for one measured command: fork, exec, wait4, write wall/CPU/peak RSS as JSON.

Why a separate small process: Linux keeps a process's peak-RSS counter across exec, and a child
that Python's subprocess starts with vfork inherits the *parent's* peak. Started from the
benchmark (which holds the corpus and Checkov's reports in memory), `python -m linter
--version` would report the benchmark's memory. This launcher is a bare interpreter (`-S -I`,
no site imports) that forks the command, so the command's ru_maxrss starts from the launcher's
few megabytes, below any Python program's own footprint.

    python -S -I bench/spawn.py RESULT.json COMMAND ARG...
"""

import json
import os
import sys
import time


def main() -> None:
    result_path, argv = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)  # exec failed: the usual "command not found" status
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    with open(result_path, "w") as out:
        json.dump({
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "maxrss_kb": usage.ru_maxrss,
            "exit_code": os.waitstatus_to_exitcode(status),
        }, out)


main()
