"""Baselines: adopt pacsguard on a repository with history without fixing everything first.

`pacsguard baseline create` records the fingerprint of every current finding; a scan with
`--baseline FILE` then treats those as accepted (carried as external suppressions, so SARIF and
JSON still show them) and fails only on new ones. Fingerprints are rule, file and normalised
message (see `linter.report.fingerprints`), never line numbers: code that moves does not make an
old finding new, and a second identical finding in the same file is new. File paths are taken
relative to the baseline file's folder, so the baseline holds whatever folder a scan starts from.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from linter.model import Finding, Suppression

FORMAT_VERSION = 1


def _anchored(findings: list[Finding], root: Path, anchor: Path) -> list[Finding]:
    """The findings with paths relative to `anchor` instead of the scan root."""
    out = []
    for finding in findings:
        absolute = (root / finding.origin.path).resolve()
        try:
            shown = absolute.relative_to(anchor).as_posix()
        except ValueError:
            shown = absolute.as_posix()
        out.append(replace(finding, origin=replace(finding.origin, path=shown)))
    return out


@dataclass(frozen=True)
class Baseline:
    path: str  # as shown in justifications
    fingerprints: frozenset[str]

    def apply(self, findings: list[Finding], root: Path) -> list[Finding]:
        from linter.report import fingerprints

        anchor = Path(self.path).resolve().parent
        prints = fingerprints(_anchored(findings, root, anchor))
        out = []
        for index, finding in enumerate(findings):
            if finding.suppression is None and prints[index] in self.fingerprints:
                finding = replace(finding, suppression=Suppression(
                    finding.rule_id, f"accepted in baseline {self.path}", None, None, kind="external",
                    source="baseline"))
            out.append(finding)
        return out


class BaselineError(Exception):
    pass


def load_baseline(path: str) -> Baseline:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise BaselineError(f"baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION or not isinstance(document.get("findings"), list):
        raise BaselineError(f"baseline {path} is not a pacsguard baseline (version {FORMAT_VERSION}); create it with `pacsguard baseline create`")
    prints = {entry.get("fingerprint") for entry in document["findings"] if isinstance(entry, dict)}
    return Baseline(path, frozenset(p for p in prints if isinstance(p, str)))


def render_baseline(findings: list[Finding], root: Path, anchor: Path, tool_version: str) -> str:
    """The baseline file: one entry per finding that is not already waived, with enough context
    (rule, file, message with secrets masked) for a reviewer to read it; sorted, so recreating it
    on an unchanged tree changes nothing."""
    from linter.report import fingerprints

    findings = _anchored(findings, root, anchor)
    prints = fingerprints(findings)
    entries = sorted(
        ({"fingerprint": prints[i], "rule": f.rule_id, "path": f.origin.path, "message": f.message}
         for i, f in enumerate(findings) if f.suppression is None),
        key=lambda e: (e["path"], e["rule"], e["fingerprint"]))
    document = {"version": FORMAT_VERSION, "tool": f"pacsguard {tool_version}", "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: str, findings: list[Finding], root: Path, tool_version: str) -> int:
    anchor = Path(path).resolve().parent
    Path(path).write_text(render_baseline(findings, root, anchor, tool_version), encoding="utf-8")
    return sum(1 for f in findings if f.suppression is None)
