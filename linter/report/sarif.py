"""SARIF 2.1.0: one run, every rule declared, `security-severity` set, URIs relative to %SRCROOT%
(the scan root), so GitHub code scanning and other consumers place findings in the repository."""
from __future__ import annotations

import json
from urllib.parse import quote

from linter import __version__
from linter.model import Severity
from linter.report import fingerprints

SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                     Severity.LOW: "3.0", Severity.INFO: "0.0"}
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
         Severity.LOW: "note", Severity.INFO: "note"}
# GitHub code scanning rejects a SARIF file with more than 20 tags on a rule (and shows 10).
MAX_RULE_TAGS = 20
HELP_URI = "https://github.com/pacsguard/pacsguard/blob/main/docs/rules.md#{anchor}"


def _uri(path: str) -> str:
    return quote(path, safe="/", errors="surrogateescape")  # undecodable bytes of a name: %XX, as on disk


def rule_help_markdown(rule) -> str:
    docs = rule.docs
    parts = [f"**{rule.title}**", "", "### What it does", docs["what"], "", "### Why is this bad?", docs["why"]]
    if docs.get("example"):
        parts += ["", "### Example", f"`{docs['example']['path']}`:", "```", docs["example"]["code"].rstrip(), "```"]
    if docs.get("use_instead"):
        parts += ["", "### Use instead", f"`{docs['use_instead']['path']}`:", "```", docs["use_instead"]["code"].rstrip(), "```"]
    parts += ["", "### References"] + [
        f"- [{r['title']}]({r['url']})" if r.get("url") else f"- {r['title']}" for r in docs["references"]]
    return "\n".join(parts)


def _rule_descriptor(rule, controls: tuple[str, ...] = ()) -> dict:
    docs = rule.docs
    text = f"{docs['what']}\n\nWhy is this bad? {docs['why']}"
    return {
        "id": rule.id,
        "name": "".join(w.capitalize() for w in rule.name.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": text},
        "help": {"text": text, "markdown": rule_help_markdown(rule)},
        "helpUri": HELP_URI.format(anchor=rule.id.lower()),
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "problem.severity": "error" if rule.severity >= Severity.HIGH else "warning",
            # GitHub code scanning filters alerts by their rule's tags, so the controls a rule gives
            # evidence for go here (`hipaa:164.312(a)(1)`), HIPAA and NIST first; every control
            # is also on each result's `properties.tags`.
            "tags": list(dict.fromkeys(["security", rule.rule_class, *rule.tags, *controls]))[:MAX_RULE_TAGS],
            "precision": "high",
        },
    }


def render(result, controls: dict[str, tuple[str, ...]] | None = None, **_: object) -> str:
    if controls is None:
        from linter.policies import shipped_control_tags

        controls = shipped_control_tags()
    rules = list(result.rules.values())
    index = {rule.id: i for i, rule in enumerate(rules)}
    prints = fingerprints(result.findings)
    results = []
    for i, f in enumerate(result.findings):
        region = {"startLine": f.origin.line, "startColumn": f.origin.column}
        if f.snippet:
            region["snippet"] = {"text": f.snippet}
        entry = {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(f.origin.path), "uriBaseId": "%SRCROOT%"},
                "region": region}}],
            "partialFingerprints": {"pacsguardFindingHash/v1": prints[i]},
            "properties": {"security-severity": SECURITY_SEVERITY[f.severity], "severity": f.severity.label,
                           "tags": list(controls.get(f.rule_id, ()))},
        }
        if f.related:
            entry["relatedLocations"] = [
                {"id": n + 1, "physicalLocation": {
                    "artifactLocation": {"uri": _uri(r.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": r.line, "startColumn": r.column}},
                 "message": {"text": "related exposure"}}
                for n, r in enumerate(f.related)]
        if f.suppression is not None:
            entry["suppressions"] = [{"kind": f.suppression.kind, "status": "accepted",
                                      "justification": f.suppression.reason}]
        results.append(entry)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pacsguard",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://github.com/pacsguard/pacsguard",
                "rules": [_rule_descriptor(r, controls.get(r.id, ())) for r in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
