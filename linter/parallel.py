"""Reading units in worker processes, one per core, with output that does not depend on it.

Parsing is where a scan spends its time, and files are independent once claims are known, so
units are split into contiguous chunks (files of one project or module stay together, so a
reader's per-scan memo still serves them) and read by a process pool. Results come back in
chunk order, and every report sorts its findings, so one worker or eight give the same bytes.
Small scans stay in-process: starting workers costs more than it saves below a few dozen files.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.engine import ReadBatch, Unit

MIN_UNITS_PER_WORKER = 32  # files per worker below which its start-up costs more than it saves
CHUNKS_PER_WORKER = 4  # several chunks per worker even out a folder of huge files
# A chunk's reading context lives until the chunk ends; capping its files keeps a worker's
# memory bounded by the chunk, not by the size of the tree.
MAX_FILES_PER_CHUNK = 200


def default_jobs() -> int:
    configured = os.environ.get("PACSGUARD_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _weight(unit: "Unit") -> int:
    """A unit's share of the work: its files (an Ansible project is one unit of many files)."""
    return max(1, len(unit[1]))


def _chunks(units: list, count: int) -> list[list]:
    """Contiguous chunks of about equal weight, never splitting a unit."""
    total = sum(_weight(u) for u in units)
    target = max(1, -(-total // count))
    chunks: list[list] = [[]]
    load = 0
    for unit in units:
        if load >= target and chunks[-1]:
            chunks.append([])
            load = 0
        chunks[-1].append(unit)
        load += _weight(unit)
    return chunks


# Set in the parent just before the pool forks, so workers inherit the compiled rules (closures
# cannot be pickled): the rules a worker may evaluate itself, and the fact kinds it must send back.
_LOCAL_RULES: dict = {}
_KEEP_KINDS: frozenset[str] = frozenset()


def _work(task: tuple) -> "ReadBatch":
    from linter.engine import evaluate, read_units

    root, units, claims, focus = task
    batch = read_units(root, units, claims, focus)
    if _LOCAL_RULES:
        # Judge facts where they were read and send back findings, plus only the facts that
        # cross-file rules pair up: pickling every fact cost more than evaluating it.
        batch.findings = evaluate(_LOCAL_RULES, batch.facts)
        batch.evaluated = frozenset(_LOCAL_RULES)
        batch.facts = [f for f in batch.facts if f.kind in _KEEP_KINDS]
    return batch


def run_batches(root: str, units: list["Unit"], claims: dict[str, str], jobs: int,
                focus: frozenset[str] | None = None, rules: dict | None = None) -> "ReadBatch":
    """Read `units` with `jobs` worker processes (0: one per core) and merge the results in order."""
    from linter.engine import ReadBatch, read_units

    workers = default_jobs() if jobs <= 0 else jobs
    workers = min(workers, sum(_weight(u) for u in units) // MIN_UNITS_PER_WORKER, len(units))
    if workers <= 1:
        return read_units(root, units, claims, focus)
    import multiprocessing  # deferred: a pre-commit run on a few files never starts a worker

    global _LOCAL_RULES, _KEEP_KINDS
    from linter.engine import split_rules

    methods = multiprocessing.get_all_start_methods()
    # fork shares the already imported readers and rules; spawn re-imports them (macOS, Windows)
    # and gets no rules: its workers send every fact back and the parent evaluates them.
    forked = "fork" in methods
    context = multiprocessing.get_context("fork" if forked else "spawn")
    _LOCAL_RULES, _KEEP_KINDS = split_rules(rules) if (rules and forked) else ({}, frozenset())
    count = max(workers * CHUNKS_PER_WORKER, sum(_weight(u) for u in units) // MAX_FILES_PER_CHUNK)
    tasks = [(root, chunk, claims, focus) for chunk in _chunks(units, count)]
    merged = ReadBatch()
    try:
        with context.Pool(workers) as pool:
            for batch in pool.imap(_work, tasks):
                merged.extend(batch)
    finally:
        _LOCAL_RULES, _KEEP_KINDS = {}, frozenset()
    return merged
