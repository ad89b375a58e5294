"""Turns a scan result and a compliance pack into an Audit (see model.py for what each status
means). Nothing here reads configuration semantics: it only sorts what the engine found."""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import replace
from pathlib import Path

from linter.audit.model import (FAIL, NOT_APPLICABLE, PASS, Audit, AuditFinding, AuditWaiver,
                                ControlResult, Remedy)
from linter.audit.scope import build_scope
from linter.model import Finding, Severity
from linter.policies import Policy
from linter.rules import CLASS_BLOCKS
from linter.suppress import parse_waivers

EXPIRED_WAIVER = "PG004"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "x"


def _control_anchors(policy: Policy) -> dict[str, str]:
    anchors: dict[str, str] = {}
    for control in policy.controls:
        anchor, n = f"control-{_slug(control.id)}", 2
        while anchor in anchors.values():
            anchor, n = f"control-{_slug(control.id)}-{n}", n + 1
        anchors[control.id] = anchor
    return anchors


def _applies(rule, formats: set[str]) -> bool:
    # A rule with no `applies_to` reads every format.
    return bool(formats) and (not rule.applies_to or bool(formats.intersection(rule.applies_to)))


def _remedy(rule) -> Remedy | None:
    fix = (rule.docs or {}).get("use_instead") if rule is not None else None
    return Remedy(fix.get("path", ""), fix.get("code", "").rstrip()) if fix else None


def _worst_first(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-int(f.severity), f.sort_key))


def _to_audit(f: Finding, anchor: str, rules: dict, controls: tuple[str, ...]) -> AuditFinding:
    rule = rules.get(f.rule_id)
    return AuditFinding(anchor, f.rule_id, f.title or (rule.title if rule else f.rule_id), f.rule_class,
                        f.severity.label, f.origin.path, f.origin.line, f.origin.column, f.message,
                        f.snippet, _remedy(rule), controls)


def _expired_waivers(result, problems: list[Finding]) -> list[tuple[Finding, object | None]]:
    """Each PG004 finding with the waiver it is about, re-read from the file (None when the
    waiver is not an inline comment, e.g. one from a configuration file)."""
    out = []
    for finding in problems:
        if finding.rule_id != EXPIRED_WAIVER:
            continue
        waiver = None
        try:
            lines = (Path(result.root) / finding.origin.path).read_text(encoding="utf-8", errors="replace").splitlines()
            waiver = next((w for w in parse_waivers(finding.origin.path, lines)
                           if w.origin.line == finding.origin.line), None)
        except OSError:
            pass
        out.append((finding, waiver))
    return out


def build_audit(paths: list[str], result, policy: Policy, now: _dt.datetime | None = None) -> Audit:
    rules = result.rules
    scope = build_scope(paths, result, now)
    formats = {fmt for _, fmt in scope.files}
    anchors = _control_anchors(policy)
    evidence = policy.rule_ids

    remaining = _worst_first([f for f in result.findings if f.suppression is None and f.rule_id in evidence])
    waived = _worst_first([f for f in result.findings if f.suppression is not None and f.rule_id in evidence])
    problems = [f for f in result.findings if f.rule_class == "tool" and f.suppression is None]

    def controls_of(rule_id: str) -> tuple[str, ...]:
        return tuple(anchors[c.id] for c in policy.controls_for(rule_id))

    findings = [_to_audit(f, f"finding-{n}", rules, controls_of(f.rule_id)) for n, f in enumerate(remaining, 1)]
    waived_items = [_to_audit(f, f"waived-{n}", rules, controls_of(f.rule_id)) for n, f in enumerate(waived, 1)]

    # Waivers: the valid ones through the findings they cover, the expired ones through PG004.
    waivers: list[AuditWaiver] = []
    by_origin: dict[tuple, int] = {}
    for item, f in zip(waived_items, waived):
        s = f.suppression
        key = (s.origin.path, s.origin.line) if s.origin else (f.origin.path, f.origin.line, f.rule_id)
        if key in by_origin:
            w = waivers[by_origin[key]]
            waivers[by_origin[key]] = AuditWaiver(w.anchor, tuple(sorted({*w.rule_ids, f.rule_id})), w.path, w.line,
                                                  w.reason, w.approved_by, w.until, False, (*w.findings, item.anchor))
            continue
        by_origin[key] = len(waivers)
        waivers.append(AuditWaiver(f"waiver-{len(waivers) + 1}", (f.rule_id,),
                                   s.origin.path if s.origin else f.origin.path,
                                   s.origin.line if s.origin else f.origin.line,
                                   s.reason, s.approved_by, s.until, False, (item.anchor,)))
    waived_items = [replace(item, waived_by=next(w.anchor for w in waivers if item.anchor in w.findings))
                    for item in waived_items]
    for finding, waiver in _expired_waivers(result, problems):
        ids = waiver.rule_ids if waiver else tuple(re.findall(r"\bPG\d{3}\b", finding.message))
        back = tuple(a.anchor for a, f in zip(findings, remaining)
                     if f.rule_id in ids and f.origin.path == finding.origin.path
                     and (waiver is None or waiver.target_line is None
                          or f.origin.line in (waiver.target_line, waiver.origin.line)))
        waivers.append(AuditWaiver(f"waiver-{len(waivers) + 1}", ids, finding.origin.path, finding.origin.line,
                                   waiver.reason if waiver else finding.message, None,
                                   waiver.until if waiver else None, True, back))

    controls = []
    for control in policy.controls:
        anchor = anchors[control.id]
        applicable = tuple(r for r in control.rules if r in rules and _applies(rules[r], formats))
        failing = tuple(f.anchor for f in findings if anchor in f.controls)
        excused = tuple(f.anchor for f in waived_items if anchor in f.controls)
        if failing:
            status = FAIL
            reason = f"{len(failing)} finding{'s' * (len(failing) != 1)} of its rules remain."
        elif applicable:
            status = PASS
            reason = (f"{len(applicable)} of its {len(control.rules)} rules read the scanned files; none reported a finding"
                      + (f" ({len(excused)} waived)." if excused else "."))
        else:
            status = NOT_APPLICABLE
            reason = ("No rule gives evidence for this control." if not control.rules else
                      "No scanned file is of a format its rules read.")
        controls.append(ControlResult(anchor, control.id, control.title, control.text, status, control.rules,
                                      applicable, failing, excused, reason))

    classes = tuple(sorted({r.rule_class for r in rules.values() if r.rule_class != "tool"} | set(CLASS_BLOCKS) - {"tool"},
                           key=lambda c: (CLASS_BLOCKS.get(c, 99), c)))
    return Audit(
        policy_id=policy.id, policy_title=policy.title, policy_source=dict(policy.source), scope=scope,
        controls=tuple(controls), findings=tuple(findings), waived_findings=tuple(waived_items),
        waivers=tuple(waivers),
        problems=tuple(_to_audit(f, f"note-{n}", rules, ()) for n, f in enumerate(sorted(problems, key=lambda f: f.sort_key), 1)),
        classes=classes,
        severities=tuple(s.label for s in sorted(Severity, reverse=True)),
    )
