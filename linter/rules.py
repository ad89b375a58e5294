"""Loads rule files (rules/*.yaml and any --rules-dir), validates them, compiles their matches.

A bad rule file is a clear error naming the file and the field, never a traceback. Schema
validation (jsonschema) runs once per distinct set of rule files: the digest of what was
validated is remembered in the user's cache folder, so ordinary runs skip the 0.1 s import.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable


from linter import cache
from linter.conditions import ConditionError, check_patterns, compile_condition
from linter.facts import FACT_TYPES
from linter.knowledge import parse_bool
from linter.model import Severity

CLASS_BLOCKS = {
    "tool": 0, "exposed-port": 1, "anonymous-access": 2, "ddns-exposure": 3,
    "blank-credentials": 4, "missing-tls": 5, "hardening": 6,
}
_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """rules/ or policies/: inside an installed wheel (linter/_data), else the repository top."""
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


class RuleError(Exception):
    def __init__(self, path: str, where: str, message: str):
        super().__init__(f"{path}: {where}: {message}" if where else f"{path}: {message}")
        self.path = path


@dataclass(frozen=True)
class Escalation:
    severity: Severity
    when: Callable[[Any], bool] | None = None
    when_related: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class RelatedMatch:
    fact: str
    where: Callable[[Any], bool]
    scope: str = "host"


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    title: str
    rule_class: str
    severity: Severity
    message: str
    docs: dict
    source: str
    applies_to: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    fact: str | None = None
    where: Callable[[Any], bool] | None = None
    related: RelatedMatch | None = None
    escalations: tuple[Escalation, ...] = ()
    # (field, values): a top-level literal of `where`, used to look candidate facts up in an
    # index instead of testing every fact; the full condition still decides.
    selector: tuple[str, frozenset[str]] | None = None
    raw: dict = field(default_factory=dict, repr=False, compare=False)


def _schema() -> dict:
    with open(_PACKAGE / "rule_schema.json", encoding="utf-8") as handle:
        return json.load(handle)


def _validate(documents: list[tuple[str, Any]], digest: str) -> None:
    if cache.marked(f"rules-{digest}.ok"):
        return
    import jsonschema  # deferred: only when this exact set of rule files was not validated before

    validator = jsonschema.Draft202012Validator(_schema())
    for path, document in documents:
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            error = errors[0]
            where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
            raise RuleError(path, where, error.message)
    cache.mark(f"rules-{digest}.ok")


# Fields whose values are plain strings in every fact, most selective first.
_SELECTOR_FIELDS = ("key", "service", "mechanism", "strength", "who", "product", "role", "via", "exposure")


def _selector(where: dict | None) -> tuple[str, frozenset[str]] | None:
    if not isinstance(where, dict):
        return None
    for name in _SELECTOR_FIELDS:
        spec = where.get(name)
        values = spec if isinstance(spec, list) else [spec] if isinstance(spec, str) else None
        # only plain strings: a boolean spelling ("yes") also equals a boolean fact value
        if values and all(isinstance(v, str) and parse_bool(v) is None for v in values):
            return name, frozenset(v.lower() for v in values)
    return None


def _compile(path: str, doc: dict) -> Rule:
    rule_id = doc["id"]
    if Path(path).stem != rule_id:
        raise RuleError(path, "id", f"{rule_id} must be defined in a file named {rule_id}.yaml")
    block = CLASS_BLOCKS[doc["class"]]
    if int(rule_id[2]) != block:
        raise RuleError(path, "id", f"class {doc['class']} rules use ids PG{block}xx, not {rule_id}")
    match = doc.get("match") or {}
    fact = match.get("fact")
    try:
        fields = FACT_TYPES[fact].field_names() if fact else None
        where = compile_condition(match.get("where"), "match.where", fields) if fact else None
        related = None
        if "related" in match:
            rel = match["related"]
            related = RelatedMatch(
                rel["fact"],
                compile_condition(rel.get("where"), "match.related.where", FACT_TYPES[rel["fact"]].field_names()),
                rel.get("scope", "host"),
            )
        escalations = []
        for i, esc in enumerate(match.get("escalate", [])):
            if "when_related" in esc and related is None:
                raise ConditionError(f"match.escalate[{i}].when_related", "needs match.related")
            escalations.append(Escalation(
                Severity.parse(esc["severity"]),
                compile_condition(esc["when"], f"match.escalate[{i}].when", fields) if "when" in esc else None,
                compile_condition(esc["when_related"], f"match.escalate[{i}].when_related",
                                  FACT_TYPES[related.fact].field_names()) if "when_related" in esc else None,
            ))
    except ConditionError as exc:
        raise RuleError(path, exc.path, exc.message) from None
    return Rule(
        id=rule_id, name=doc["name"], title=doc["title"], rule_class=doc["class"],
        severity=Severity.parse(doc["severity"]), message=doc["message"], docs=doc["docs"],
        source=path, applies_to=tuple(doc.get("applies_to", ())), tags=tuple(doc.get("tags", ())),
        fact=fact, where=where, related=related, escalations=tuple(escalations),
        selector=_selector(match.get("where")), raw=doc,
    )


def _rule_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise RuleError(str(directory), "", "rules directory does not exist")
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _parsed_documents(files: list[Path], blobs: list[bytes], digest: str) -> list[tuple[str, Any]]:
    """The rule files as plain data. Parsed and validated once per distinct set of files; later
    runs read the parsed form from the cache (marshal: plain dicts and lists), because YAML parsing
    and validation were most of a pre-commit run's time."""
    name = f"rules-{digest}.marshal"
    documents = cache.load(name)
    if isinstance(documents, list) and len(documents) == len(files):
        return [(str(path), doc) for path, (_, doc) in zip(files, documents)]
    import yaml  # deferred: a cached rule set needs no YAML parser

    documents: list[tuple[str, Any]] = []
    for path, data in zip(files, blobs):
        try:
            doc = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else ""
            raise RuleError(str(path), where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
        documents.append((str(path), doc))
    _validate(documents, digest)
    for path, doc in documents:
        try:
            check_patterns(doc.get("match"), "match")
        except ConditionError as exc:
            raise RuleError(path, exc.path, exc.message) from None
    cache.store(name, documents)
    return documents


def load_rules(extra_dirs: list[str] | None = None) -> dict[str, Rule]:
    files = _rule_files(data_dir("rules"))
    for extra in extra_dirs or []:
        files.extend(_rule_files(Path(extra)))
    digest = hashlib.sha256(_schema_bytes())
    blobs = []
    for path in files:
        data = path.read_bytes()
        blobs.append(data)
        digest.update(path.name.encode() + b"\0" + data)
    documents = _parsed_documents(files, blobs, digest.hexdigest())
    rules: dict[str, Rule] = {}
    for path, doc in documents:
        rule = _compile(path, doc)
        if rule.id in rules:
            raise RuleError(path, "id", f"{rule.id} is already defined in {rules[rule.id].source}")
        rules[rule.id] = rule
    return dict(sorted(rules.items()))


def _schema_bytes() -> bytes:
    return (_PACKAGE / "rule_schema.json").read_bytes()
