"""The benchmark's corpus is deterministic and shaped like the corpus issue 8 measured.

bench/ is a folder of scripts, not part of the package: its modules are loaded from their path.
No scanner runs here; the timings themselves come from `python bench/run.py`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

BENCH = Path(__file__).resolve().parent.parent / "bench"


def load(name: str):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))  # run.py imports its sibling modules by name
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


corpus = load("corpus")


@functools.lru_cache(maxsize=None)
def files_of(size: str) -> dict[str, str]:
    return corpus.build_files(size=size)


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_same_seed_builds_the_same_text():
    assert corpus.build_files(size="tiny") == corpus.build_files(size="tiny")


def test_another_seed_writes_other_text():
    assert corpus.build_files(seed=1, size="tiny") != corpus.build_files(seed=2, size="tiny")


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, object]:
    """The tiny corpus written twice (--scale 2), shared by the tests that need files on disk."""
    root = tmp_path_factory.mktemp("corpus")
    return root, corpus.write_corpus(root, scale=2, size="tiny")


def test_scale_writes_the_same_bytes_under_distinct_paths(written):
    root, stats = written
    files = files_of("tiny")
    assert stats.files == 2 * len(files)
    assert stats.bytes == 2 * sum(len(text.encode()) for text in files.values())
    assert tree_digest(root / "copy1") == tree_digest(root / "copy2")


def test_full_corpus_has_the_issue_proportions_and_size():
    """Issue 8: 1,527 .tf files, 1,076 Ansible/compose YAML files, 8.3 MB."""
    files = files_of("full")
    kinds = Counter(corpus.kind_of(path) for path in files)
    megabytes = sum(len(text.encode()) for text in files.values()) / 1e6
    assert 1_400 <= kinds["terraform"] <= 1_700
    assert 950 <= kinds["ansible"] + kinds["compose"] <= 1_350
    assert 60 <= kinds["compose"] <= 120
    assert kinds["nas-pacs"] >= 50 and kinds["template"] >= 100 and kinds["tfvars"] >= 20
    assert 6.5 <= megabytes <= 9.5


def test_tiny_corpus_keeps_every_kind_of_file():
    kinds = Counter(corpus.kind_of(path) for path in files_of("tiny"))
    assert set(kinds) == {"terraform", "tfvars", "ansible", "template", "compose", "inventory", "nas-pacs"}
    assert kinds["terraform"] > kinds["ansible"] > kinds["compose"]


def test_a_seeded_minority_of_places_is_insecure():
    files = files_of("full")
    smb = [text for path, text in files.items() if path.endswith("smb.conf")]
    guest_shares = sum(text.count("guest ok = yes") for text in smb)
    all_shares = sum(text.count("guest ok =") for text in smb)
    assert 0 < guest_shares < all_shares / 2
    rules = [text for path, text in files.items() if path.endswith(".tf") and "cidr_blocks       =" in text]
    world = [text for text in rules if '["0.0.0.0/0"]' in text]
    assert 0 < len(world) < len(rules)
    assert any(path.endswith("ddclient.conf") for path in files)


def test_generated_yaml_is_valid(tmp_path):
    for path, text in files_of("tiny").items():
        if path.endswith((".yml", ".yaml")):
            yaml.load(text, Loader=yaml.CSafeLoader)


def test_precommit_files_are_one_of_each_kind(written):
    run = load("run")
    root = written[0] / "copy1"
    chosen = run.pick_precommit_files(root)
    assert len(chosen) == 5 and len(set(chosen)) == 5
    assert chosen == run.pick_precommit_files(root)
    assert [corpus.kind_of(path) for path in chosen] == ["terraform", "terraform", "ansible", "compose", "nas-pacs"]


def test_checkov_findings_are_read_from_every_report_form(tmp_path):
    tools = load("tools")
    out = tmp_path / "stdout"
    out.write_text(json.dumps([{"summary": {"failed": 3, "passed": 7, "resource_count": 2}},
                               {"summary": {"failed": 1, "passed": 0, "resource_count": 1}}]))
    assert tools.Checkov.work(tmp_path / "none", out).findings == 4
    out.write_text(json.dumps({"passed": 0, "failed": 0, "resource_count": 0}))
    assert tools.Checkov.work(tmp_path / "none", out).findings == 0
    out.write_text("Traceback ...")
    assert tools.Checkov.work(tmp_path / "none", out).detail == "no report"
