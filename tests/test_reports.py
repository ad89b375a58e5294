"""Each output format against what its consumer expects."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO
from linter.engine import ScanResult, scan
from linter.model import Finding, Origin, Severity, Suppression
from linter.report import render

SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture
def result(tmp_path, rules):
    (tmp_path / "nas" / "etc" / "samba").mkdir(parents=True)
    (tmp_path / "nas" / "etc" / "samba" / "smb.conf").write_text(
        "[global]\n   map to guest = bad user\n[scans]\n   path = /srv/scans\n   guest ok = yes\n"
        "[drop]\n   path = /srv/drop\n   # pacsguard:ignore PG201 -- modality drop box on VLAN 20\n   guest ok = yes\n")
    return scan([str(tmp_path)], rules, root=str(tmp_path))


def test_sarif_is_valid_one_run_every_rule_declared(result):
    doc = json.loads(render("sarif", result))
    jsonschema.validate(doc, SCHEMA)
    assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1
    run = doc["runs"][0]
    declared = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert declared == sorted(result.rules)
    for rule in run["tool"]["driver"]["rules"]:
        assert float(rule["properties"]["security-severity"]) >= 0
        assert rule["help"]["markdown"] and rule["helpUri"].endswith("#" + rule["id"].lower())
    for res in run["results"]:
        assert declared[res["ruleIndex"]] == res["ruleId"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == "nas/etc/samba/smb.conf"
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"


def test_sarif_carries_suppressed_findings_with_justification(result):
    run = json.loads(render("sarif", result))["runs"][0]
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert len(suppressed) == 1
    assert suppressed[0]["suppressions"][0] == {
        "kind": "inSource", "status": "accepted", "justification": "modality drop box on VLAN 20"}


def test_fingerprints_survive_line_shifts(tmp_path, rules):
    def prints(prefix: str):
        (tmp_path / "smb.conf").write_text(prefix + "[scans]\n path = /s\n guest ok = yes\n")
        res = scan([str(tmp_path)], rules, root=str(tmp_path))
        return {(r["ruleId"], r["partialFingerprints"]["pacsguardFindingHash/v1"])
                for r in json.loads(render("sarif", res))["runs"][0]["results"]}

    assert prints("") == prints("; a comment\n\n; another\n")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_same_scan_twice_is_byte_identical(fmt, tmp_path, rules, result):
    again = scan([result.root], rules, root=result.root)
    assert render(fmt, result) == render(fmt, again)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_secrets_are_masked_in_every_format(fmt, rules):
    secret = "Tr0ub4dor&3-pacs"
    finding = Finding("PG401", Severity.HIGH, "user admin has a well-known password",
                      Origin("orthanc.json", 3), snippet=f'"admin": "{secret[0]}*****"', secrets=(secret,))
    from linter.secrets import mask
    raw = Finding("PG401", Severity.HIGH, f"password {secret} is weak", Origin("a", 1),
                  snippet=f"password = {secret}", secrets=(secret,))
    masked = Finding(raw.rule_id, raw.severity, mask(raw.message, raw.secrets), raw.origin,
                     snippet=mask(raw.snippet, raw.secrets))
    res = ScanResult(".", [], [finding, masked], [], {"PG401": rules["PG401"]})
    out = render(fmt, res)
    assert secret not in out and "T*****" in out


def test_mask_catches_password_assignments_no_reader_knew():
    from linter.secrets import mask

    assert mask("password='hunter22'") == "password='h*****'"
    assert mask('"PostgreSQL": {"Password": "pgpass99"}') == '"PostgreSQL": {"Password": "p*****"}'
    assert mask("POSTGRES_PASSWORD: ${DB_PASS}") == "POSTGRES_PASSWORD: ${DB_PASS}"
    assert mask("guest ok = yes") == "guest ok = yes"


def test_text_report_cannot_be_forged_by_file_names_or_values(tmp_path, rules):
    folder = tmp_path / "evil"
    folder.mkdir()
    (folder / "smb\n::error file=x::forged.conf").write_text("[sc\x1b[2Jans]\nguest ok = yes\n")
    out = render("text", scan([str(folder)], rules, root=str(folder)))
    assert "\n::error" not in out and "\x1b" not in out
    assert "smb\\x0a::error" in out and "\\x1b[2J" in out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_directory_order_does_not_change_the_report(fmt, tmp_path, rules):
    """The same files, created in opposite orders (so the file system lists them differently),
    give byte-identical reports."""
    import shutil

    source = REPO / "examples" / "clinic-insecure"
    files = sorted(p for p in source.rglob("*") if p.is_file())
    outputs = []
    for name, order in (("a", files), ("b", list(reversed(files)))):
        root = tmp_path / name / "clinic"
        for path in order:
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        outputs.append(render(fmt, scan([str(root)], rules, root=str(root))))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "gitlab", "github", "markdown"])
def test_file_name_that_is_not_utf8_gives_a_valid_report(fmt, tmp_path):
    """Linux file names are bytes; one that is not UTF-8 must not crash a report or make it
    invalid UTF-8 (SARIF percent-encodes the original bytes, the others show an escape)."""
    import os
    import subprocess
    import sys

    name = os.path.join(os.fsencode(str(tmp_path)), b"smb-\xff.conf")
    with open(name, "w", encoding="utf-8") as handle:
        handle.write("[global]\n[scans]\n   path = /srv/scans\n   guest ok = yes\n")
    out = tmp_path / f"report.{fmt}"
    run = subprocess.run([sys.executable, "-m", "linter", "scan", ".", "-f", fmt, "-o", str(out)],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    text = out.read_bytes().decode("utf-8")  # strict: raises on invalid UTF-8
    assert "PG201" in text
    if fmt == "sarif":
        assert "smb-%FF.conf" in text
