"""The audit as Markdown (`pacsguard report -f md`): the same sections as the HTML report, for a
pull request, a wiki or a ticket.

Markdown viewers render inline HTML, so every value from the scanned tree is escaped: `&`, `<`,
`>` become entities and Markdown's own punctuation gets a backslash (`_text`); offending lines go
in fenced blocks whose fence is longer than any backtick run inside (`_fence`).
"""
from __future__ import annotations

import re

from linter.audit.model import FAIL, NOT_APPLICABLE, PASS, Audit, AuditFinding
from linter.report.text import _clean

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def _text(value) -> str:
    text = _clean(str(value)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _plain(value) -> str:
    """Text the tool or a policy file wrote (titles, reasons): only what would break a table or
    become HTML is escaped, so it stays readable as plain text."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _fence(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{code}\n{fence}"


def _link(anchor: str, label: str) -> str:
    return f"[{label}](#{anchor})"


def _finding(audit: Audit, f: AuditFinding) -> list[str]:
    controls = ", ".join(_link(a, f"{_plain(audit.control(a).id)} {_plain(audit.control(a).title)}") for a in f.controls)
    out = [f'<a id="{f.anchor}"></a>', f"### {_plain(f.rule_id)} {_plain(f.title)} ({f.severity})", "",
           f"- **Where:** {_text(f.path)}:{f.line}:{f.column}",
           f"- **Risk class:** {_plain(f.rule_class)}",
           f"- **Finding:** {_text(f.message)}"]
    if controls:
        out.append(f"- **Controls:** {controls}")
    if f.waived_by:
        out.append(f"- **Waived by:** {_link(f.waived_by, f.waived_by)}")
    if f.snippet:
        out += ["", "Offending line:", "", _fence(_clean(f.snippet))]
    if f.remedy:
        out += ["", f"Remediation ({_plain(f.remedy.path)}):" if f.remedy.path else "Remediation:", "", _fence(f.remedy.code)]
    return out + [""]


def render(audit: Audit) -> str:
    s = audit.scope
    out = [f"# Audit: {_plain(audit.policy_title)}", "",
           f"pacsguard {_plain(s.tool_version)}, {_plain(s.generated)}, {len(s.files)} files scanned.", "",
           "## Summary", "",
           " · ".join(f"**{audit.count(st)}** {st}" for st in (FAIL, PASS, NOT_APPLICABLE))
           + f" · **{len(audit.findings)}** findings · **{len(audit.waivers)}** waivers"
           + f" ({sum(1 for w in audit.waivers if w.expired)} expired)", "",
           "| Control | Title | Status | Findings | Waived | Rules in scope |", "|---|---|---|---:|---:|---:|"]
    for c in audit.controls:
        out.append(f"| {_link(c.anchor, _plain(c.id))} | {_plain(c.title)} | {c.status} | {len(c.findings)} | "
                   f"{len(c.waived)} | {len(c.applicable_rules)} / {len(c.rules)} |")
    counts = {cls: {sev: 0 for sev in audit.severities} for cls in audit.classes}
    for f in audit.findings:
        if f.rule_class in counts:
            counts[f.rule_class][f.severity] += 1
    out += ["", "Findings by risk class and severity:", "",
            "| Risk class | " + " | ".join(audit.severities) + " | total |",
            "|---|" + "---:|" * (len(audit.severities) + 1)]
    for cls, row in counts.items():
        out.append(f"| {_plain(cls)} | " + " | ".join(str(n) for n in row.values()) + f" | {sum(row.values())} |")
    out += ["", "## Scope", "",
            f"- **Policy:** {_plain(audit.policy_title)} (`{audit.policy_id}`), source: {_plain(audit.policy_source.get('title', ''))}",
            "- **Scanned paths:** " + ", ".join(_text(p) for p in s.paths),
            f"- **Scan root:** {_text(s.root)}",
            f"- **Date:** {s.generated}",
            f"- **Tool:** pacsguard {_plain(s.tool_version)}",
            f"- **Rule set:** {s.rule_count} rules, version {_plain(s.ruleset_version)}, sha256 `{s.ruleset_digest}`",
            f"- **Tree checksum:** sha256 `{s.tree_checksum}` (of the lines `SHA256  PATH` of every scanned file, sorted by path)",
            "- **Files by type:** " + ", ".join(f"{_plain(fmt)} {n}" for fmt, n in s.files_by_format), "",
            "## Controls", ""]
    for c in audit.controls:
        out += [f'<a id="{c.anchor}"></a>', f"### {_plain(c.id)} {_plain(c.title)}: {c.status}", ""]
        if c.text:
            out += [_plain(c.text), ""]
        out.append(f"{_plain(c.reason)} Rules: {', '.join(c.rules) or 'none'}.")
        links = [_link(a, f"{_plain(audit.finding(a).rule_id)} {_text(audit.finding(a).path)}:{audit.finding(a).line}")
                 for a in c.findings] + [
                 _link(a, f"{_plain(audit.finding(a).rule_id)} {_text(audit.finding(a).path)}:{audit.finding(a).line}") + " (waived)"
                 for a in c.waived]
        out += [""] + [f"- {link}" for link in links] + [""]
    out += ["## Findings", ""]
    for f in audit.findings:
        out += _finding(audit, f)
    if not audit.findings:
        out += ["No finding remains.", ""]
    out += ["## Waivers", ""]
    for w in audit.waivers:
        out += [f'<a id="{w.anchor}"></a>',
                f"- **{_plain(', '.join(w.rule_ids))}** at {_text(w.path)}:{w.line}"
                + (" **EXPIRED**" if w.expired else "")
                + f": {_text(w.reason)}; approved by {_text(w.approved_by) if w.approved_by else 'not recorded'};"
                + f" until {_text(w.until) if w.until else 'no expiry'}; "
                + ("findings back: " if w.expired else "covers: ")
                + (", ".join(_link(a, a) for a in w.findings) or "none")]
    if not audit.waivers:
        out.append("No waiver.")
    if audit.waived_findings:
        out += ["", "### Waived findings", ""]
        for f in audit.waived_findings:
            out += _finding(audit, f)
    if audit.problems:
        out += ["", "## Scan notes", ""]
        for f in audit.problems:
            out += _finding(audit, f)
    return "\n".join(out).rstrip() + "\n"
