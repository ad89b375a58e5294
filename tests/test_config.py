"""Project configuration, baselines and the pre-commit focus, as a team uses them from the CLI."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from linter.cli import main

GUEST_SHARE = "[global]\n   hosts allow = 192.168.1.\n[scans]\n   path = /srv/scans\n   guest ok = yes\n"
NO_HOSTS_ALLOW = "[data]\n   path = /srv/data\n   valid users = @staff\n"


def run(args: list[str], cwd: Path, capsys) -> tuple[int, str, str]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        code = main(args)
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    return code, out, err


def findings(cwd: Path, capsys, *extra: str) -> tuple[int, list[dict]]:
    code, out, err = run(["scan", "-f", "json", *extra], cwd, capsys)
    assert code in (0, 1), err
    return code, [f for f in json.loads(out)["findings"] if f.get("suppressed") is None]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "nas").mkdir()
    (tmp_path / "nas" / "smb.conf").write_text(GUEST_SHARE, encoding="utf-8")
    return tmp_path


# --- finding and validating the configuration -------------------------------------------------

def test_yaml_config_above_the_scanned_folder_applies(repo, capsys):
    (repo / ".pacsguard.yaml").write_text("ignore: [PG201]\n", encoding="utf-8")
    code, found = findings(repo / "nas", capsys, ".")
    assert "PG201" not in {f["rule_id"] for f in found}


def test_pyproject_tool_table_is_read(repo, capsys):
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.pacsguard]\nselect = ["PG104"]\n', encoding="utf-8")
    _, found = findings(repo, capsys, ".")
    assert {f["rule_id"] for f in found} <= {"PG104"}


def test_pyproject_without_tool_table_is_not_a_config(repo, capsys):
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    _, found = findings(repo, capsys, ".")
    assert "PG201" in {f["rule_id"] for f in found}


def test_unknown_key_is_an_error_naming_key_file_and_line(repo, capsys):
    (repo / ".pacsguard.yaml").write_text("select: [PG201]\nfail_on: high\n", encoding="utf-8")
    code, out, err = run(["scan", "."], repo, capsys)
    assert code == 2
    assert ".pacsguard.yaml:2" in err and "'fail_on'" in err and "did you mean 'fail-on'" in err


def test_bad_value_is_an_error(repo, capsys):
    (repo / ".pacsguard.yaml").write_text("fail-on: severe\n", encoding="utf-8")
    code, _, err = run(["scan", "."], repo, capsys)
    assert code == 2 and "fail-on" in err and ".pacsguard.yaml:1" in err


def test_invalid_yaml_is_an_error_with_line(repo, capsys):
    (repo / ".pacsguard.yaml").write_text("select: [PG201\nignore: x\n", encoding="utf-8")
    code, _, err = run(["scan", "."], repo, capsys)
    assert code == 2 and "not valid YAML" in err


def test_command_line_wins_over_config(repo, capsys):
    (repo / ".pacsguard.yaml").write_text("fail-on: critical\nformat: json\n", encoding="utf-8")
    code, out, _ = run(["scan", "."], repo, capsys)
    assert code == 0 and out.lstrip().startswith("{")  # high guest share below `critical`; json from config
    code, out, _ = run(["scan", "--fail-on", "high", "-f", "text", "."], repo, capsys)
    assert code == 1 and "PG201" in out and not out.lstrip().startswith("{")


def test_severity_override_changes_the_gate(repo, capsys):
    (repo / ".pacsguard.yaml").write_text("severity: {PG201: low, PG104: low}\nfail-on: high\n", encoding="utf-8")
    code, found = findings(repo, capsys, ".")
    assert code == 0
    assert {f["severity"] for f in found if f["rule_id"] == "PG201"} == {"low"}


def test_exclude_globs_are_relative_to_the_config_file(repo, capsys):
    (repo / "vendor").mkdir()
    (repo / "vendor" / "smb.conf").write_text(GUEST_SHARE, encoding="utf-8")
    (repo / ".pacsguard.yaml").write_text("exclude: [vendor/]\n", encoding="utf-8")
    _, found = findings(repo / "nas", capsys, "..")
    assert {f["path"] for f in found} and all(not f["path"].startswith("vendor") for f in found)
    # a file named explicitly (pre-commit passes every staged file) is still excluded
    code, found = findings(repo, capsys, "vendor/smb.conf")
    assert found == [] and code == 0


def test_gitignore_is_respected_by_default(repo, capsys):
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "build").mkdir()
    (repo / "build" / "smb.conf").write_text(GUEST_SHARE, encoding="utf-8")
    (repo / ".gitignore").write_text("build/\n", encoding="utf-8")
    _, found = findings(repo, capsys, ".")
    assert not any(f["path"].startswith("build/") for f in found)
    _, found = findings(repo, capsys, "--no-gitignore", ".")
    assert any(f["path"].startswith("build/") for f in found)


# --- waivers in the configuration file --------------------------------------------------------

def test_config_waiver_with_approver_suppresses_and_is_carried_in_sarif(repo, capsys):
    (repo / ".pacsguard.yaml").write_text(
        "waivers:\n  - rule: PG201\n    path: nas/smb.conf\n    reason: scanner drop box, VLAN 20\n"
        "    until: 2099-01-01\n    approved-by: J. Doe\n", encoding="utf-8")
    code, out, _ = run(["scan", "-f", "sarif", "."], repo, capsys)
    results = json.loads(out)["runs"][0]["results"]
    waived = [r for r in results if r["ruleId"] == "PG201"]
    assert waived and waived[0]["suppressions"][0]["kind"] == "external"
    assert "VLAN 20" in waived[0]["suppressions"][0]["justification"]


def test_expired_config_waiver_fails_the_build_and_says_why(repo, capsys):
    (repo / ".pacsguard.yaml").write_text(
        "waivers:\n  - rule: PG201\n    path: nas/smb.conf\n    reason: migration weekend\n    until: 2020-01-31\n",
        encoding="utf-8")
    code, out, _ = run(["scan", "--fail-on", "high", "."], repo, capsys)
    assert code == 1
    assert "PG004" in out and "expired on 2020-01-31" in out and "PG201" in out


def test_unused_waivers_reported_on_request(repo, capsys):
    (repo / "nas" / "smb.conf").write_text(NO_HOSTS_ALLOW + "# pacsguard:ignore PG201 -- old\n", encoding="utf-8")
    _, found = findings(repo, capsys, ".")
    assert "PG007" not in {f["rule_id"] for f in found}
    _, found = findings(repo, capsys, "--report-unused-waivers", ".")
    assert "PG007" in {f["rule_id"] for f in found}


# --- baselines --------------------------------------------------------------------------------

def test_baseline_hides_old_findings_and_nothing_else(repo, capsys):
    code, _, err = run(["baseline", "create", "-o", "base.json", "."], repo, capsys)
    assert code == 0 and "wrote" in err
    code, found = findings(repo, capsys, "--baseline", "base.json", ".")
    assert code == 0 and found == []
    # moving the share down does not make it new
    (repo / "nas" / "smb.conf").write_text("# moved\n\n\n" + GUEST_SHARE, encoding="utf-8")
    code, found = findings(repo, capsys, "--baseline", "base.json", ".")
    assert code == 0 and found == []
    # a second guest share is new
    (repo / "nas" / "smb.conf").write_text(GUEST_SHARE + "[more]\n   path = /srv/more\n   guest ok = yes\n", encoding="utf-8")
    code, found = findings(repo, capsys, "--baseline", "base.json", ".")
    assert code == 1 and [f["rule_id"] for f in found] == ["PG201"] and "[more]" in found[0]["message"]


def test_baseline_from_config_and_no_baseline_flag(repo, capsys):
    run(["baseline", "create", "-o", "accepted.json", "."], repo, capsys)
    (repo / ".pacsguard.yaml").write_text("baseline: accepted.json\n", encoding="utf-8")
    code, _ = findings(repo / "nas", capsys, ".")
    assert code == 0
    code, found = findings(repo, capsys, "--no-baseline", ".")
    assert code == 1 and found


def test_baseline_file_masks_secrets(tmp_path, capsys):
    (tmp_path / "orthanc.json").write_text(
        '{"RemoteAccessAllowed": true, "AuthenticationEnabled": true,'
        ' "RegisteredUsers": {"admin": "Sup3rS3cretPw"}}', encoding="utf-8")
    run(["baseline", "create", "-o", "b.json", "."], tmp_path, capsys)
    text = (tmp_path / "b.json").read_text()
    assert json.loads(text)["findings"] and "Sup3rS3cretPw" not in text


def test_not_a_baseline_is_a_usage_error(repo, capsys):
    (repo / "b.json").write_text('{"findings": 3}', encoding="utf-8")
    code, _, err = run(["scan", "--baseline", "b.json", "."], repo, capsys)
    assert code == 2 and "not a pacsguard baseline" in err


# --- files named one by one (pre-commit) --------------------------------------------------------

def test_named_file_reports_only_itself_but_reads_its_folder(tmp_path, capsys):
    """Orthanc merges every JSON file of its folder: a file named alone is judged with its
    siblings, and only its own findings are reported."""
    folder = tmp_path / "orthanc"
    folder.mkdir()
    (folder / "network.json").write_text('{"RemoteAccessAllowed": true, "AuthenticationEnabled": false}', encoding="utf-8")
    (folder / "users.json").write_text('{"RegisteredUsers": {"alice": "Correct-Horse-42"}}', encoding="utf-8")
    (tmp_path / "smb.conf").write_text(GUEST_SHARE, encoding="utf-8")
    _, alone = findings(tmp_path, capsys, "orthanc/network.json")
    _, whole = findings(tmp_path, capsys, ".")
    assert alone and {f["path"] for f in alone} == {"orthanc/network.json"}
    expected = [(f["rule_id"], f["line"]) for f in whole if f["path"] == "orthanc/network.json"]
    assert sorted((f["rule_id"], f["line"]) for f in alone) == sorted(expected)


def test_named_env_file_is_read_with_its_compose_project(tmp_path, capsys):
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  orthanc:\n    image: orthancteam/orthanc\n    env_file: orthanc.env\n"
        "    ports:\n      - \"127.0.0.1:8042:8042\"\n", encoding="utf-8")
    (tmp_path / "orthanc.env").write_text("ORTHANC__REGISTERED_USERS={\"admin\": \"admin\"}\n", encoding="utf-8")
    _, whole = findings(tmp_path, capsys, ".")
    _, alone = findings(tmp_path, capsys, "orthanc.env")
    in_env = sorted((f["rule_id"], f["line"]) for f in whole if f["path"] == "orthanc.env")
    assert in_env, "the compose reader should report the default password written in the env file"
    assert sorted((f["rule_id"], f["line"]) for f in alone) == in_env


def test_readme_configuration_example_is_valid(tmp_path):
    """The documented configuration is the one users copy: it must load without error."""
    from linter.config import load_config

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1]
    block = section.split("```yaml", 1)[1].split("```", 1)[0]
    target = tmp_path / ".pacsguard.yaml"
    target.write_text(block, encoding="utf-8")
    config = load_config(target)
    assert config.get("fail-on") == "high" and config.waivers[0].approved_by == "J. Doe, ISO"
    assert config.waivers[0].until == "2026-12-31"
