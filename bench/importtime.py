"""Where pacsguard's start-up goes: `python -X importtime` of a command, costliest imports first.

    python bench/importtime.py [--top 15] -- --version
    python bench/importtime.py -- scan path/to/smb.conf
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tools import Pacsguard  # noqa: E402  (bench/ is a folder of scripts, not a package)


@dataclass(frozen=True)
class ImportCost:
    module: str
    depth: int
    self_ms: float
    cumulative_ms: float


def parse_importtime(stderr: str) -> list[ImportCost]:
    """The lines `import time: self [us] | cumulative | name` CPython writes to stderr."""
    costs = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:"):].split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        costs.append(ImportCost(name.strip(), depth, int(self_us) / 1000, int(cumulative_us) / 1000))
    return costs


def measure_imports(args: list[str], cwd: Path) -> list[ImportCost]:
    tool = Pacsguard()
    argv = [sys.executable, "-X", "importtime", "-m", "linter", *args]
    done = subprocess.run(argv, cwd=cwd, env=tool.env, capture_output=True, text=True)
    return parse_importtime(done.stderr)


def top_table(costs: list[ImportCost], top: int) -> str:
    """Costliest imports by cumulative time; nested imports are indented by their depth."""
    rows = ["| module | cumulative ms | self ms |", "|---|---|---|"]
    for cost in sorted(costs, key=lambda c: c.cumulative_ms, reverse=True)[:top]:
        rows.append(f"| {'. ' * cost.depth}`{cost.module}` | {cost.cumulative_ms:.1f} | {cost.self_ms:.1f} |")
    total = sum(c.self_ms for c in costs)
    rows.append(f"| all {len(costs)} imports (sum of self) | {total:.1f} | |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("args", nargs=argparse.REMAINDER, help="pacsguard arguments after --")
    ns = parser.parse_args(argv)
    args = ns.args[1:] if ns.args[:1] == ["--"] else ns.args
    print(top_table(measure_imports(args or ["--version"], Path.cwd()), ns.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
