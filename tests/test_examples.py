"""The bundled examples, as the README tells a new user to run them."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO

CLASSES = {"exposed-port", "anonymous-access", "ddns-exposure", "blank-credentials", "missing-tls"}


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "linter", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_insecure_clinic_has_findings_in_all_five_classes():
    proc = run("scan", "examples/clinic-insecure", "-f", "sarif")
    assert proc.returncode == 1, proc.stderr
    sarif = json.loads(proc.stdout)
    run_ = sarif["runs"][0]
    rules = {r["id"]: r for r in run_["tool"]["driver"]["rules"]}
    classes = {rules[r["ruleId"]]["properties"]["tags"][1] for r in run_["results"]}
    assert CLASSES <= classes
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
    assert all(u.startswith("examples/clinic-insecure/") for u in uris), uris
    ddns = [r for r in run_["results"] if r["ruleId"] == "PG301"]
    assert ddns and ddns[0]["level"] == "error" and len(ddns[0]["relatedLocations"]) >= 2


def test_each_finding_is_reported_once():
    doc = json.loads(run("scan", "examples/clinic-insecure", "-f", "json").stdout)
    places = [(f["rule_id"], f["path"], f["line"], f["column"]) for f in doc["findings"]]
    assert len(places) == len(set(places))


def test_hardened_clinic_is_clean():
    proc = run("scan", "examples/clinic-hardened")
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.startswith("0 findings")
