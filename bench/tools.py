"""The two scanners under test: how to start them, and how to read how much work they did.

pacsguard is run as `python -m linter` with PYTHONPATH set to the checkout that holds this
bench/ folder, so the benchmark measures that checkout, whatever is installed elsewhere.

Checkov is installed by `ensure_checkov` into its own virtualenv under a cache directory (a
benchmark tool, never a project dependency) and run offline: `--skip-download` and
BC_SKIP_MAPPING=TRUE stop the platform downloads (checkov/main.py sets
bc_integration.skip_download from either), CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE stops the PyPI
version check (checkov/common/util/env_vars_config.py), no API key means no upload, and
external Terraform modules are not downloaded (the default of --download-external-modules).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pacsguard-bench"
CHECKOV_REQUIREMENT = "checkov>=3,<4"
# The Checkov frameworks that read the same files pacsguard's Terraform and Ansible readers read.
DEFAULT_CHECKOV_FRAMEWORKS = ("terraform", "ansible")


@dataclass(frozen=True)
class Work:
    """How much a scan found: shown next to the timings to prove both tools read the files."""

    findings: int
    detail: str


class Pacsguard:
    name = "pacsguard"

    def __init__(self) -> None:
        self.env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
        self.env.pop("PACSGUARD_DEBUG", None)
        # Installed tools run from compiled bytecode (pip writes it at install time); a sandbox
        # that forbids writing it would make every run recompile the modules it imports.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)

    def base(self) -> list[str]:
        return [sys.executable, "-m", "linter"]

    def version_cmd(self) -> list[str]:
        return self.base() + ["--version"]

    def scan_cmd(self, targets: list[str], report: Path) -> list[str]:
        return self.base() + ["scan", *targets, "-f", "json", "-o", str(report), "--exit-zero", "--no-color"]

    def module_file(self) -> str:
        """Where `linter` is imported from under this environment (must be this checkout)."""
        out = subprocess.run(self.base()[:1] + ["-c", "import linter; print(linter.__file__)"],
                             env=self.env, capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def version(self) -> str:
        return subprocess.run(self.version_cmd(), env=self.env, capture_output=True, text=True).stdout.strip()

    @staticmethod
    def work(report: Path, stdout: Path) -> Work:
        try:
            summary = json.loads(report.read_text())["summary"]
        except (OSError, ValueError, KeyError):
            return Work(0, "no report")
        return Work(summary["findings"], f"{summary['findings']} findings in {summary['files_scanned']} files")


class Checkov:
    name = "checkov"

    def __init__(self, executable: Path, frameworks: tuple[str, ...]) -> None:
        self.executable = executable
        self.frameworks = frameworks
        self.env = dict(
            os.environ,
            BC_SKIP_MAPPING="TRUE",
            CKV_SKIP_PACKAGE_UPDATE_CHECK="TRUE",
            LOG_LEVEL="ERROR",
            ANSI_COLORS_DISABLED="1",
        )
        for secret in ("BC_API_KEY", "PRISMA_API_URL", "CKV_API_KEY"):
            self.env.pop(secret, None)
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)  # as for pacsguard: run from bytecode

    def options(self) -> list[str]:
        return ["--framework", *self.frameworks, "--quiet", "--compact", "-o", "json", "--skip-download"]

    def version_cmd(self) -> list[str]:
        return [str(self.executable), "--version"]

    def scan_dir_cmd(self, root: str) -> list[str]:
        return [str(self.executable), "-d", root, *self.options()]

    def scan_files_cmd(self, files: list[str]) -> list[str]:
        argv = [str(self.executable)]
        for path in files:
            argv += ["-f", path]
        return argv + self.options()

    def version(self) -> str:
        return subprocess.run(self.version_cmd(), env=self.env, capture_output=True, text=True).stdout.strip()

    @staticmethod
    def work(report: Path, stdout: Path) -> Work:
        """Checkov prints one JSON report per framework (a list), one object, or a bare summary."""
        try:
            data = json.loads(stdout.read_text())
        except (OSError, ValueError):
            return Work(0, "no report")
        reports = data if isinstance(data, list) else [data]
        failed = passed = resources = 0
        for item in reports:
            summary = item.get("summary", item) if isinstance(item, dict) else {}
            failed += int(summary.get("failed", 0))
            passed += int(summary.get("passed", 0))
            resources += int(summary.get("resource_count", 0))
        return Work(failed, f"{failed} failed / {passed} passed checks on {resources} resources")


def ensure_checkov(cache: Path, log=print) -> Path:
    """The checkov executable of the benchmark's own virtualenv, created on first use."""
    venv = cache / "checkov-venv"
    exe = venv / "bin" / "checkov"
    if exe.exists() and subprocess.run([str(exe), "--version"], capture_output=True).returncode == 0:
        return exe
    log(f"installing {CHECKOV_REQUIREMENT} into {venv} (once; reused afterwards)")
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["--upgrade", "pip"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(pip + [CHECKOV_REQUIREMENT], check=True, stdout=subprocess.DEVNULL)
    return exe
