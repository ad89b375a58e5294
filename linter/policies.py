"""Compliance packs (policies/*.yaml): a framework's controls and the rules that give evidence.

A finding's controls are written `POLICY:CONTROL` (`hipaa:164.312(a)(1)`, `nist-800-53:SC-7`) in
every output, so ids that two frameworks share (`3.3`, `B`) never collide.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from linter.rules import RuleError, data_dir

_SCHEMA = Path(__file__).resolve().parent / "policy_schema.json"
# Order of the packs in every list of controls (a SARIF consumer may show only the first few).
_ORDER = ("hipaa", "nist-800-53", "cis-v8", "dicom-ps315")


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    rules: tuple[str, ...]
    text: str = ""


@dataclass(frozen=True)
class Policy:
    id: str
    title: str
    source: dict
    controls: tuple[Control, ...]

    def controls_for(self, rule_id: str) -> list[Control]:
        return [c for c in self.controls if rule_id in c.rules]

    @property
    def rule_ids(self) -> frozenset[str]:
        """Every rule that gives evidence for at least one of the policy's controls."""
        return frozenset(rid for control in self.controls for rid in control.rules)

    def tag(self, control: Control) -> str:
        return f"{self.id}:{control.id}"


def _validate(doc, path: Path) -> None:
    import jsonschema  # 75 ms to import: only where a policy file is read for an audit or a test

    errors = sorted(jsonschema.Draft202012Validator(json.loads(_SCHEMA.read_text())).iter_errors(doc),
                    key=lambda e: list(e.absolute_path))
    if errors:
        where = ".".join(str(p) for p in errors[0].absolute_path) or "(top level)"
        raise RuleError(str(path), where, errors[0].message)


def load_policy(path: Path, known_rules: set[str] | None = None, validate: bool = True) -> Policy:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if validate:
        _validate(doc, path)
    controls = tuple(Control(c["id"], c["title"], tuple(c["rules"]), c.get("text", "")) for c in doc["controls"])
    if known_rules is not None:
        for index, control in enumerate(controls):
            unknown = sorted(set(control.rules) - known_rules)
            if unknown:
                raise RuleError(str(path), f"controls.{index}.rules", f"unknown rule(s) {', '.join(unknown)}")
    return Policy(doc["id"], doc["title"], doc["source"], controls)


def load_policies(known_rules: set[str] | None = None, validate: bool = True) -> dict[str, Policy]:
    folder = data_dir("policies")
    policies = [load_policy(p, known_rules, validate) for p in folder.glob("*.yaml")]
    policies.sort(key=lambda p: (_ORDER.index(p.id) if p.id in _ORDER else len(_ORDER), p.id))
    return {p.id: p for p in policies}


def control_tags(policies: dict[str, Policy] | list[Policy]) -> dict[str, tuple[str, ...]]:
    """Rule id -> `POLICY:CONTROL` ids of every control it gives evidence for, in policy order."""
    tags: dict[str, list[str]] = {}
    for policy in (policies.values() if isinstance(policies, dict) else policies):
        for control in policy.controls:
            for rid in control.rules:
                tags.setdefault(rid, []).append(policy.tag(control))
    return {rid: tuple(values) for rid, values in tags.items()}


def shipped_control_tags() -> dict[str, tuple[str, ...]]:
    """The mapping the reporters use when the command line did not choose a policy. The shipped
    files are validated by the test suite, so a scan does not pay for jsonschema here."""
    return control_tags(load_policies(validate=False))
