"""The command line as a user runs it: exit codes, formats, rule selection, errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

GUEST_SHARE = "[global]\n   hosts allow = 192.168.1.\n[scans]\n   path = /srv/scans\n   guest ok = yes\n"
CLEAN = "[global]\n   hosts allow = 192.168.1.\n   map to guest = never\n"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PACSGUARD_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "linter", *args], cwd=cwd or REPO, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "insecure").mkdir()
    (tmp_path / "insecure" / "smb.conf").write_text(GUEST_SHARE)
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "smb.conf").write_text(CLEAN)
    return tmp_path


def test_exit_codes_follow_the_threshold(tree):
    assert run("scan", str(tree / "clean")).returncode == 0
    assert run("scan", str(tree / "insecure")).returncode == 1
    assert run("scan", str(tree / "insecure"), "--fail-on", "critical").returncode == 0
    assert run("scan", str(tree / "insecure"), "--fail-on", "high").returncode == 1
    assert run("scan", str(tree / "insecure"), "--exit-zero").returncode == 0


def test_text_output_shows_place_rule_severity_message_and_line(tree):
    out = run("scan", str(tree / "insecure")).stdout
    assert "smb.conf:5:4: PG201 [high] share [scans] sets `guest ok = yes`" in out
    assert "   5 | guest ok = yes" in out
    assert out.rstrip().endswith("1 finding (1 high) in 1 file scanned")


def test_select_and_ignore(tree):
    assert run("scan", str(tree / "insecure"), "--ignore", "PG201").returncode == 0
    assert run("scan", str(tree / "insecure"), "--select", "PG104,PG203").returncode == 0
    bad = run("scan", str(tree / "insecure"), "--select", "PG999")
    assert bad.returncode == 2 and "unknown rule id(s): PG999" in bad.stderr and "Traceback" not in bad.stderr


def test_output_file_and_json(tree, tmp_path):
    target = tmp_path / "out.json"
    proc = run("scan", str(tree / "insecure"), "-f", "json", "-o", str(target))
    assert proc.returncode == 1 and proc.stdout == ""
    doc = json.loads(target.read_text())
    assert doc["schema_version"] == 1
    assert [(f["rule_id"], f["path"], f["line"]) for f in doc["findings"]] == [("PG201", "smb.conf", 5)]


def test_usage_errors_exit_2_without_traceback(tree):
    for args in (("scan", str(tree / "nope")), ("scan", "-f", "xml", str(tree)), ("explain", "PG999"), ()):
        proc = run(*args)
        assert proc.returncode == 2, args
        assert "Traceback" not in proc.stderr


def test_bad_user_rule_file_names_file_and_field(tree, tmp_path):
    rules_dir = tmp_path / "myrules"
    rules_dir.mkdir()
    (rules_dir / "PG290.yaml").write_text(
        "id: PG290\nname: my-rule\ntitle: My own rule title\nclass: anonymous-access\nseverity: hgh\n"
        "match: {fact: Setting}\nmessage: x\ndocs: {what: aaaaaaaaaaaa, why: bbbbbbbbbbbb, "
        "use_instead: {path: a, code: b}, references: [{title: t}]}\n")
    proc = run("scan", str(tree / "clean"), "--rules-dir", str(rules_dir))
    assert proc.returncode == 2
    assert "PG290.yaml" in proc.stderr and "severity" in proc.stderr and "Traceback" not in proc.stderr


def test_user_rule_on_a_setting_fires(tree, tmp_path):
    rules_dir = tmp_path / "myrules"
    rules_dir.mkdir()
    (rules_dir / "PG690.yaml").write_text(
        "id: PG690\nname: workgroup-default\ntitle: Samba workgroup left at its default\nclass: hardening\n"
        "severity: low\nmatch: {fact: Setting, where: {product: samba, key: hosts allow}}\n"
        "message: '{detail}'\ndocs: {what: aaaaaaaaaaaa, why: bbbbbbbbbbbb, use_instead: {path: a, code: b}, "
        "references: [{title: t}]}\n")
    proc = run("scan", str(tree / "clean"), "--rules-dir", str(rules_dir), "-f", "json")
    ids = [f["rule_id"] for f in json.loads(proc.stdout)["findings"]]
    assert ids == ["PG690"] and proc.returncode == 1


def test_rules_and_explain():
    listing = run("rules").stdout.splitlines()
    assert any(line.startswith("PG201  high") for line in listing)
    text = run("explain", "pg201").stdout
    for heading in ("# PG201:", "## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References"):
        assert heading in text


def test_version():
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("pacsguard ")
