"""Worker processes change how fast a scan runs, never what it reports."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from linter import parallel
from linter.engine import ScanOptions, scan
from linter.report import REPORTERS, render

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "clinic-insecure"


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("many")
    for index in range(12):  # 12 clinics x 8 files: enough units for several workers
        shutil.copytree(EXAMPLE, root / f"clinic{index:02d}")
    return root


def test_workers_are_really_used(tree, rules, monkeypatch, tmp_path):
    import os

    from linter import engine

    monkeypatch.setattr(parallel, "MIN_UNITS_PER_WORKER", 8)
    original = engine._read_unit
    log = tmp_path / "pids"

    def recording(fmt, sources, ctx, problems):
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        return original(fmt, sources, ctx, problems)

    monkeypatch.setattr(engine, "_read_unit", recording)  # inherited by the forked workers
    scan([str(tree)], rules, root=str(tree), options=ScanOptions(jobs=2))
    pids = set(log.read_text().split())
    assert len(pids) >= 2 and str(os.getpid()) not in pids  # a pool per phase (claimers first)


def test_chunks_keep_units_whole_and_balance_files():
    units = [("ansible", list(range(40)))] + [("samba", [i]) for i in range(40)]
    chunks = parallel._chunks(units, 4)
    assert [u for c in chunks for u in c] == units
    assert chunks[0] == [units[0]]  # the big project alone, the small files spread over the rest


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_one_or_two_workers_give_byte_identical_reports(tree, rules, fmt, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_UNITS_PER_WORKER", 8)
    outputs = set()
    for jobs in (1, 2, 3):
        result = scan([str(tree)], rules, root=str(tree), options=ScanOptions(jobs=jobs))
        outputs.add(render(fmt, result))
    assert len(outputs) == 1


def test_a_reader_crash_in_a_worker_costs_one_file(tree, rules, monkeypatch):
    """A reader that raises inside a worker turns into PG005 for that file; the rest is scanned."""
    from linter.formats import reader_for

    monkeypatch.setattr(parallel, "MIN_UNITS_PER_WORKER", 8)
    module = reader_for("ddclient")
    original = module.read

    def flaky(source, ctx):
        if source.relpath.startswith("clinic03/"):
            raise RuntimeError("simulated reader bug")
        return original(source, ctx)

    monkeypatch.setattr(module, "read", flaky)  # inherited by forked workers
    result = scan([str(tree)], rules, root=str(tree), options=ScanOptions(jobs=2))
    crashed = [f for f in result.findings if f.rule_id == "PG005"]
    assert [f.origin.path for f in crashed] == ["clinic03/nas/etc/ddclient.conf"]
    ddns = {f.origin.path.split("/")[0] for f in result.findings if f.origin.path.endswith("ddclient.conf") and f.rule_id != "PG005"}
    assert len(ddns) == 11
