"""The pre-commit hooks, run for real with `pre-commit try-repo` against a throw-away repository.

pre-commit builds the hook's environment from this checkout. The test keeps that offline: the
hook's virtualenv sees the test environment's packages (already installed) and pip may neither
reach an index nor isolate the build, so a run on a machine without network behaves the same.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
GUEST_SHARE = "[global]\n   hosts allow = 192.168.1.\n[scans]\n   path = /srv/scans\n   guest ok = yes\n"
CLEAN_SHARE = "[global]\n   hosts allow = 192.168.1.\n[scans]\n   path = /srv/scans\n   valid users = @radiology\n"


def _hook(hook_id: str) -> dict:
    return next(h for h in HOOKS if h["id"] == hook_id)


@pytest.mark.parametrize("name", [
    "smb.conf", "etc/samba/smb.conf", "roles/samba/templates/smb.conf.j2", "exports", "etc/exports.d/pacs.exports",
    "vsftpd.conf", "main.tf", "prod.tfvars", "terraform.tfvars.json", "network.tf.json", "docker-compose.yml",
    "compose.yaml", "orthanc/orthanc.json", "etc/pure-ftpd/conf/NoAnonymous", "nginx/sites-available/pacs",
    "group_vars/all.yml", "playbook.yaml", "ddclient.conf", "dicom.ini", "dgatesop.lst", "acrnema.map",
    "dcmqrscp.cfg", ".env", "orthanc.env", "plan.json",
])
def test_hook_file_pattern_covers_every_format(name):
    assert re.search(_hook("pacsguard")["files"], name), f"{name} would never reach the hook"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    if not (REPO / ".git").exists():
        pytest.skip("pre-commit try-repo needs this checkout to be a git repository")
    if shutil.which("git") is None:
        pytest.fail("git is required for the pre-commit test")
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), VIRTUALENV_SYSTEM_SITE_PACKAGES="1",
               PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0",  # pip reads "0" here as "do not isolate"
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org")
    env.pop("PRE_COMMIT", None)
    work = tmp_path_factory.mktemp("project")
    (work / "insecure").mkdir()
    (work / "insecure" / "smb.conf").write_text(GUEST_SHARE, encoding="utf-8")
    (work / "clean").mkdir()
    (work / "clean" / "smb.conf").write_text(CLEAN_SHARE, encoding="utf-8")
    (work / "README.md").write_text("notes\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=work, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=work, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "init"], cwd=work, check=True, env=env)
    return work, env


def try_repo(sandbox, hook_id: str, *args: str) -> subprocess.CompletedProcess:
    work, env = sandbox
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook_id, *args],
                          cwd=work, env=env, capture_output=True, text=True, timeout=300)


def test_hook_fails_on_a_staged_guest_share(sandbox):
    run = try_repo(sandbox, "pacsguard", "--files", "insecure/smb.conf", "README.md")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "PG201" in run.stdout and "insecure/smb.conf:5" in run.stdout


def test_hook_passes_on_a_clean_file_and_ignores_unchanged_ones(sandbox):
    run = try_repo(sandbox, "pacsguard", "--files", "clean/smb.conf")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PG201" not in run.stdout


def test_whole_repository_hook_sees_everything(sandbox):
    run = try_repo(sandbox, "pacsguard-all", "--files", "clean/smb.conf")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "insecure/smb.conf" in run.stdout
