"""Differential test: the tree-sitter back end and python-hcl2 (the reference parser) must
evaluate every Terraform fixture, the hand-written corpus and generated modules to the same
resources (addresses, values, origins) and the same facts."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO
from linter.engine import ReadContext
from linter.formats.terraform import evaluate_root, facts_for
from linter.formats.terraform.model import Block, Ref, Unknown
from linter.formats.terraform.tree import Tree, is_tf

from terraform_corpus import write_tree

CORPUS = REPO / "tests" / "data" / "terraform"


def _value(value):
    if isinstance(value, Ref):
        return ("ref", value.address, value.attribute)
    if isinstance(value, Unknown):
        return ("unknown",)
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items()}
    return value


def _block(block: Block):
    return (block.type, block.labels, block.origin,
            {name: (_value(a.value), a.origin) for name, a in block.attributes.items()},
            [_block(b) for b in block.blocks])


def _evaluate(root: Path, folder: str, backend: str, monkeypatch):
    monkeypatch.setenv("PACSGUARD_HCL_BACKEND", backend)
    ctx = ReadContext(root.resolve())
    variants = evaluate_root(Tree(ctx), folder)
    resources = [[(r.address, r.module, r.mode, _block(r.body)) for r in e.resources] for e in variants]
    facts = [sorted(map(repr, facts_for(e, ctx))) for e in variants]
    problems = sorted((p.rule_id, p.origin.path, p.origin.line) for p in ctx.problems)
    return resources, facts, problems


def _folders(root: Path) -> list[str]:
    found = set()
    for dirpath, _, names in os.walk(root):
        if any(is_tf(n) for n in names):
            rel = Path(dirpath).relative_to(root).as_posix()
            found.add("" if rel == "." else rel)
    return sorted(found)


def _compare(root: Path, folder: str, monkeypatch) -> None:
    ts = _evaluate(root, folder, "tree-sitter", monkeypatch)
    ref = _evaluate(root, folder, "hcl2", monkeypatch)
    assert ts[2] == ref[2], f"{folder}: parse problems differ"
    assert ts[0] == ref[0], f"{folder}: resources differ"
    assert ts[1] == ref[1], f"{folder}: facts differ"


FIXTURE_FOLDERS = _folders(FIXTURES)


@pytest.mark.parametrize("folder", FIXTURE_FOLDERS or ["(none yet)"])
def test_fixtures(folder, monkeypatch):
    if not FIXTURE_FOLDERS:
        pytest.skip("no Terraform fixtures in tests/fixtures yet")
    _compare(FIXTURES, folder, monkeypatch)


@pytest.mark.parametrize("folder", _folders(CORPUS))
def test_hand_written_corpus(folder, monkeypatch):
    _compare(CORPUS, folder, monkeypatch)


def test_generated_modules(tmp_path, monkeypatch):
    write_tree(tmp_path, modules=6, seed=11)
    folders = _folders(tmp_path)
    assert len(folders) == 12
    for folder in folders:
        _compare(tmp_path, folder, monkeypatch)


def test_the_corpus_really_resolves(monkeypatch):
    """Guard against two back ends agreeing on nothing: the corpus evaluates to real values."""
    resources, _, _ = _evaluate(CORPUS, "network", "hcl2", monkeypatch)
    [variant] = resources
    names = {address: block for address, _, _, block in variant}
    assert names["aws_security_group.pacs"][3]["name"][0] == "prod-pacs-sg"
