"""Compliance packs (policies/*.yaml): a framework's controls and the rules that give evidence."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from linter.rules import RuleError, data_dir

_SCHEMA = Path(__file__).resolve().parent / "policy_schema.json"


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


def load_policy(path: Path, known_rules: set[str] | None = None) -> Policy:
    import jsonschema

    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(json.loads(_SCHEMA.read_text())).iter_errors(doc),
                    key=lambda e: list(e.absolute_path))
    if errors:
        where = ".".join(str(p) for p in errors[0].absolute_path) or "(top level)"
        raise RuleError(str(path), where, errors[0].message)
    controls = tuple(Control(c["id"], c["title"], tuple(c["rules"]), c.get("text", "")) for c in doc["controls"])
    if known_rules is not None:
        for index, control in enumerate(controls):
            unknown = sorted(set(control.rules) - known_rules)
            if unknown:
                raise RuleError(str(path), f"controls.{index}.rules", f"unknown rule(s) {', '.join(unknown)}")
    return Policy(doc["id"], doc["title"], doc["source"], controls)


def load_policies(known_rules: set[str] | None = None) -> dict[str, Policy]:
    folder = data_dir("policies")
    policies = [load_policy(p, known_rules) for p in sorted(folder.glob("*.yaml"))]
    return {p.id: p for p in policies}
