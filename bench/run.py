"""pacsguard against Checkov on the same files, interleaved in one run.

    python bench/run.py                       # generated corpus (~3,100 files, 7.7 MB), Checkov included
    python bench/run.py --quick               # quarter-size corpus, 1 repetition, scaling to 2x only
    python bench/run.py --real ~/checkouts    # a directory of real repository checkouts instead
    python bench/run.py --skip-checkov --json bench.json

Scenarios: full scan of the corpus; pre-commit (5 changed files of the large tree passed as
arguments, run from the corpus root); start-up (`--version`, and one small file); scaling
(pacsguard only, 1x 2x 4x 8x copies of the corpus). Each scenario alternates the tools
(A B A B ...) and reports the median wall and CPU time and the largest peak memory; see
bench/measure.py for exactly what those numbers cover. pacsguard is the checkout holding this
folder (`python -m linter` with PYTHONPATH), Checkov 3.x lives in its own cached virtualenv.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402  (bench/ is a folder of scripts, not a package)
from importtime import measure_imports, top_table  # noqa: E402
from measure import Measurement, run_measured  # noqa: E402
from tools import DEFAULT_CACHE, DEFAULT_CHECKOV_FRAMEWORKS, REPO_ROOT, Checkov, Pacsguard, Work, ensure_checkov  # noqa: E402

PRECOMMIT_FILES = 5
CORPUS_MARKER = ".pacsguard-bench-corpus"
SKIPPED_DIRS = {".git", ".hg", ".svn"}
IGNORE = shutil.ignore_patterns(*SKIPPED_DIRS)


@dataclass
class Case:
    """One tool's command in one scenario; `argv` receives the path its report goes to."""

    scenario: str
    tool: str
    argv: Callable[[Path], list[str]]
    cwd: Path
    env: dict[str, str]
    work: Callable[[Path, Path], Work]
    timeout: float


@dataclass
class Result:
    scenario: str
    tool: str
    wall: float
    cpu: float | None
    peak_mb: float
    timed_out: bool
    exit_codes: list[int]
    findings: int
    work: str
    runs: list[dict] = field(default_factory=list)
    ratio: str = ""


def fmt(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds:.2f}"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_interleaved(cases: list[Case], reps: int, scratch: Path) -> list[Result]:
    """A B A B ...: every tool sees the same machine load, page cache and thermal state."""
    measured: dict[int, list[Measurement]] = {i: [] for i in range(len(cases))}
    work: dict[int, Work] = {}
    for rep in range(reps):
        for idx, case in enumerate(cases):
            stem = scratch / f"{case.scenario}-{case.tool}-{rep}".replace(" ", "_").replace("/", "_")
            report = stem.with_suffix(".report.json")
            stdout = stem.with_suffix(".stdout")
            log(f"{case.scenario}: {case.tool} (run {rep + 1}/{reps})")
            m = run_measured(case.argv(report), case.cwd, case.env, stdout, case.timeout)
            measured[idx].append(m)
            work[idx] = case.work(report, stdout)
            log(f"  {m.wall:.2f} s wall, {fmt(m.cpu)} s CPU, {m.peak_mb:.0f} MB, exit {m.exit_code}"
                + (" (timed out)" if m.timed_out else "") + f"; {work[idx].detail}")
    results = []
    for idx, case in enumerate(cases):
        runs = measured[idx]
        results.append(Result(
            scenario=case.scenario, tool=case.tool,
            wall=statistics.median(m.wall for m in runs), cpu=median_or_none([m.cpu for m in runs]),
            peak_mb=max(m.peak_mb for m in runs), timed_out=any(m.timed_out for m in runs),
            exit_codes=[m.exit_code for m in runs], findings=work[idx].findings, work=work[idx].detail,
            runs=[asdict(m) for m in runs],
        ))
    return results


def median_or_none(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def set_ratio(results: list[Result]) -> None:
    """On the pacsguard row: how many times less wall time than Checkov on the same files."""
    ours = next((r for r in results if r.tool == "pacsguard"), None)
    theirs = next((r for r in results if r.tool == "checkov"), None)
    if ours and theirs and ours.wall > 0:
        bound = ">= " if theirs.timed_out else ""
        ours.ratio = f"{bound}{theirs.wall / ours.wall:.1f}x faster"


def tree_files(root: Path) -> list[Path]:
    """Every file of the corpus, sorted, leaving out the .git folders of real checkouts."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        found.extend(Path(folder, name) for name in sorted(names) if name != CORPUS_MARKER)
    return [p for p in found if p.is_file()]


def pick_precommit_files(root: Path) -> list[str]:
    """Five files a commit might touch, chosen deterministically: Terraform, Ansible, compose, config."""
    files = [p.relative_to(root).as_posix() for p in tree_files(root)]
    wanted: list[Callable[[str], bool]] = [
        lambda f: f.endswith("/main.tf"),
        lambda f: f.endswith("/variables.tf"),
        lambda f: "/tasks/" in f and f.endswith(".yml"),
        lambda f: f.rsplit("/", 1)[-1].startswith(("docker-compose", "compose")),
        lambda f: f.endswith(("smb.conf", "vsftpd.conf", "orthanc.json", "/exports")),
    ]
    chosen: list[str] = []
    for match in wanted:
        hit = next((f for f in files if match(f) and f not in chosen), None)
        if hit:
            chosen.append(hit)
    for f in files:  # a real tree may lack a kind: fill up with other files
        if len(chosen) >= PRECOMMIT_FILES:
            break
        if f not in chosen and f.endswith((".tf", ".yml", ".yaml", ".conf", ".json")):
            chosen.append(f)
    return chosen[:PRECOMMIT_FILES]


def smallest(root: Path, suffix: str, name: str | None = None, at_least: int = 64) -> str | None:
    """The smallest file of a kind that still has some content (empty files exist in real trees)."""
    found = [p for p in tree_files(root)
             if p.name.endswith(suffix) and (name is None or p.name == name) and p.stat().st_size >= at_least]
    if not found:
        return None
    return min(found, key=lambda p: (p.stat().st_size, str(p))).relative_to(root).as_posix()


def replicate(source: Path, dest: Path, copies: int) -> None:
    """copy1/ .. copyN/ of source under dest, hard-linked when the file system allows it."""
    for copy in range(1, copies + 1):
        try:
            shutil.copytree(source, dest / f"copy{copy}", copy_function=os.link, ignore=IGNORE)
        except OSError:
            shutil.copytree(source, dest / f"copy{copy}", dirs_exist_ok=True, ignore=IGNORE)


def warm_page_cache(root: Path) -> int:
    """Reads every file once so that neither tool pays for the first disk read."""
    return sum(len(path.read_bytes()) for path in tree_files(root))


def git_head() -> str:
    done = subprocess.run(["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def machine_info() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def markdown(results: list[Result], info: dict) -> str:
    lines = [
        f"Machine: {info['cpu_count']} CPUs ({info['cpu_model']}), Python {info['python']}, {info['platform']}; "
        f"load average {info['load_average_at_start'][0]:.2f} at start, {info['load_average_at_end'][0]:.2f} at end.",
        f"Date: {info['date_utc']}. {info['pacsguard_version']} ({info['pacsguard_checkout']}), "
        + (f"Checkov {info['checkov_version']} (frameworks: {', '.join(info['checkov_frameworks'])})."
           if "checkov_version" in info else "Checkov not run."),
        f"Corpus: {info['corpus']}. Median of {info['reps']} interleaved runs ({info['full_reps']} for the full scan, "
        f"{info['scaling_reps']} for scaling); "
        "peak MB is the largest of the runs.",
        "",
        "| scenario | tool | wall s | CPU s | peak MB | exit | work done | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        wall = f"{r.wall:.2f}" + (" (timeout)" if r.timed_out else "")
        codes = ",".join(sorted({str(c) for c in r.exit_codes}))
        lines.append(f"| {r.scenario} | {r.tool} | {wall} | {fmt(r.cpu)} | {r.peak_mb:.0f} | {codes} | {r.work} | {r.ratio} |")
    return "\n".join(lines)


def write_generated(root: Path, quick: bool) -> Path | None:
    """Writes the generated corpus at root; refuses to empty a folder it did not write."""
    root = root.resolve()
    if root.exists() and any(root.iterdir()):
        if not (root / CORPUS_MARKER).exists():
            log(f"{root} is not empty and was not written by the benchmark: choose another --keep")
            return None
        shutil.rmtree(root)
    stats = write_corpus(root, size="quick" if quick else "full")
    (root / CORPUS_MARKER).write_text("written by bench/run.py; removed and rewritten on the next run\n")
    log(f"corpus: {stats.files} files, {stats.bytes / 1e6:.1f} MB in {root}")
    return root


class Bench:
    """The scenarios over one corpus root, each tool's commands built for it."""

    def __init__(self, root: Path, runs: Path, pacsguard: Pacsguard, checkov: Checkov | None, checkov_timeout: float):
        self.root, self.runs = root, runs
        self.pacsguard, self.checkov, self.checkov_timeout = pacsguard, checkov, checkov_timeout
        runs.mkdir(parents=True, exist_ok=True)

    def ours(self, scenario: str, targets: list[str], cwd: Path | None = None) -> Case:
        return Case(scenario, "pacsguard", lambda report: self.pacsguard.scan_cmd(targets, report), cwd or self.root,
                    self.pacsguard.env, Pacsguard.work, timeout=3600)

    def theirs(self, scenario: str, make: Callable[[Checkov], list[str]]) -> Case | None:
        checkov = self.checkov
        if checkov is None:
            return None
        return Case(scenario, "checkov", lambda report: make(checkov), self.root, checkov.env, Checkov.work,
                     self.checkov_timeout)

    def versions(self, scenario: str) -> list[Case | None]:
        prints = lambda report, stdout: Work(0, "prints the version")  # noqa: E731
        cases: list[Case | None] = [Case(scenario, "pacsguard", lambda r: self.pacsguard.version_cmd(), self.root,
                                         self.pacsguard.env, prints, 60)]
        if self.checkov:
            checkov = self.checkov
            cases.append(Case(scenario, "checkov", lambda r: checkov.version_cmd(), self.root, checkov.env, prints, 120))
        return cases

    def pair(self, cases: list[Case | None], reps: int) -> list[Result]:
        done = run_interleaved([c for c in cases if c is not None], reps, self.runs)
        set_ratio(done)
        return done

    def compare(self, reps: int, full_reps: int, info: dict) -> list[Result]:
        """Start-up, pre-commit and full scan, both tools interleaved."""
        # Untimed first runs: compile bytecode, load shared libraries.
        for case in self.versions("warm-up"):
            subprocess.run(case.argv(self.runs / "warm-up"), env=case.env, capture_output=True)
        results = self.pair(self.versions("start-up: --version"), reps)
        for label, small in (("smb.conf", smallest(self.root, "smb.conf", "smb.conf")), (".tf", smallest(self.root, ".tf"))):
            if small:
                name = f"start-up: one small {label} ({(self.root / small).stat().st_size} B)"
                results += self.pair([self.ours(name, [small]), self.theirs(name, lambda c: c.scan_files_cmd([small]))], reps)
        changed = pick_precommit_files(self.root)
        info["precommit_files"] = changed
        name = f"pre-commit: {len(changed)} files of the tree"
        results += self.pair([self.ours(name, changed), self.theirs(name, lambda c: c.scan_files_cmd(changed))], reps)
        name = "full scan"
        results += self.pair([self.ours(name, ["."]), self.theirs(name, lambda c: c.scan_dir_cmd("."))], full_reps)
        return results

    def scaling(self, scales: list[int], scratch: Path, reps: int) -> list[Result]:
        """pacsguard alone over 1x, 2x, 4x, 8x copies of the corpus."""
        cases = []
        for n in scales:
            tree = scratch / f"scale-{n}"
            replicate(self.root, tree, n)
            warm_page_cache(tree)
            cases.append(self.ours(f"scaling: {n}x", ["."], cwd=tree))
        if not cases:
            return []
        done = run_interleaved(cases, reps, self.runs)
        for result, n in zip(done, scales):
            result.ratio = f"{result.wall / done[0].wall:.2f}x the {scales[0]}x time for {n / scales[0]:g}x the files"
        return done


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real", type=Path, help="scan this directory of real checkouts instead of the generated corpus")
    parser.add_argument("--quick", action="store_true", help="quarter-size corpus, 1 repetition, scaling to 2x")
    parser.add_argument("--skip-checkov", action="store_true", help="time pacsguard only")
    parser.add_argument("--reps", type=int, help="interleaved repetitions of the short scenarios (default 5, quick 1)")
    parser.add_argument("--full-reps", type=int, help="repetitions of the full scan (default 1: Checkov takes minutes)")
    parser.add_argument("--scales", default=None, help="comma-separated corpus copies for the scaling run (default 1,2,4,8; quick 1,2)")
    parser.add_argument("--checkov-timeout", type=float, default=1800, help="seconds before a Checkov run is killed")
    parser.add_argument("--checkov-frameworks", default=",".join(DEFAULT_CHECKOV_FRAMEWORKS))
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help="where Checkov's virtualenv is kept")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it (default: a temporary directory)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    reps = args.reps or (1 if args.quick else 5)
    full_reps = args.full_reps or 1
    scales = [int(s) for s in (args.scales or ("1,2" if args.quick else "1,2,4,8")).split(",")]
    info = machine_info()
    info.update(reps=reps, full_reps=full_reps)

    pacsguard = Pacsguard()
    module = pacsguard.module_file()
    if not module.startswith(str(REPO_ROOT)):
        log(f"`linter` resolves to {module}, not to {REPO_ROOT}: refusing to measure another checkout")
        return 2
    info.update(pacsguard_version=pacsguard.version(), pacsguard_checkout=f"{REPO_ROOT} @ {git_head()}")
    checkov = None
    if not args.skip_checkov:
        checkov = Checkov(ensure_checkov(args.cache_dir, log), tuple(args.checkov_frameworks.split(",")))
        info.update(checkov_version=checkov.version(), checkov_frameworks=list(checkov.frameworks))

    scratch_owner = tempfile.TemporaryDirectory(prefix="pacsguard-bench-")
    scratch = Path(scratch_owner.name)
    try:
        root = args.real.resolve() if args.real else write_generated(args.keep or scratch / "corpus", args.quick)
        if root is None:
            return 2
        size = warm_page_cache(root)
        kind = f"real checkouts {root}" if args.real else "generated"
        info["corpus"] = f"{kind}: {len(tree_files(root))} files, {size / 1e6:.1f} MB"
        bench = Bench(root, scratch / "runs", pacsguard, checkov, args.checkov_timeout)
        results = bench.compare(reps, full_reps, info)
        info["scaling_reps"] = max(1, min(reps, 3))
        results += bench.scaling(scales, scratch, info["scaling_reps"])
        info["load_average_at_end"] = os.getloadavg()
        small_smb = smallest(root, "smb.conf", "smb.conf") or "."
        for label, cmd in (("--version", ["--version"]), ("scan of one small smb.conf", ["scan", small_smb])):
            costs = measure_imports(cmd, root)
            info.setdefault("importtime", {})[label] = [asdict(c) for c in costs]
            info.setdefault("importtime_tables", {})[label] = top_table(costs, 15)
    finally:
        scratch_owner.cleanup()

    table = markdown(results, info)
    print(table)
    for label, text in info["importtime_tables"].items():
        print(f"\n`python -X importtime -m linter {label}`, top 15 by cumulative time:\n\n{text}")
    if args.json:
        payload = {"machine": {k: v for k, v in info.items() if k not in ("importtime_tables",)},
                   "results": [asdict(r) for r in results], "markdown": table}
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
