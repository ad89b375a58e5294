"""The audit as one self-contained HTML file: inline CSS and inline SVG, no script, no font, no
image, no request of any kind (a Content-Security-Policy of `default-src 'none'` says so to the
browser too). Readable on screen; printed, the summary fills page 1 and the controls, findings
and waivers each start on a new page.

Every value that comes from the scanned tree (file names, snippets, messages, waiver reasons and
approvers, the paths given on the command line) goes through `_text`, which escapes it for HTML
and shows control characters as `\\xNN`. Anchors and class names are made here, never taken
from a file.
"""
from __future__ import annotations

import html

from linter.audit.model import FAIL, NOT_APPLICABLE, PASS, Audit, AuditFinding, AuditWaiver, ControlResult
from linter.report.text import _clean

SEVERITY_COLOURS = {"critical": "#7f1d1d", "high": "#dc2626", "medium": "#f59e0b", "low": "#0ea5e9", "info": "#9ca3af"}
STATUS_CLASS = {PASS: "pass", FAIL: "fail", NOT_APPLICABLE: "na"}

CSS = """
:root { --ink:#111827; --muted:#4b5563; --line:#d1d5db; --pass:#166534; --fail:#b91c1c; --na:#6b7280; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 64rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.25rem; border-bottom: 2px solid var(--ink);
     padding-bottom: .2rem; margin-top: 2rem; } h3 { font-size: 1.05rem; margin: 0 0 .4rem; }
.sub { color: var(--muted); margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
table.narrow { width: auto; min-width: 16rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: #f3f4f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 700; padding: .05rem .4rem; border-radius: .25rem; white-space: nowrap; color: #fff; }
.status.pass { background: var(--pass); } .status.fail { background: var(--fail); } .status.na { background: var(--na); }
.sev { font-weight: 700; text-transform: uppercase; font-size: .75rem; padding: .05rem .35rem; border-radius: .25rem; color: #fff; }
.sev.critical { background: #7f1d1d; } .sev.high { background: #dc2626; } .sev.medium { background: #b45309; }
.sev.low { background: #0369a1; } .sev.info { background: #6b7280; }
.counts { display: flex; gap: .75rem; flex-wrap: wrap; margin: .5rem 0 1rem; padding: 0; list-style: none; }
.counts li { border: 1px solid var(--line); border-radius: .4rem; padding: .35rem .7rem; }
.counts b { font-size: 1.2rem; }
dl.kv { display: grid; grid-template-columns: 11rem 1fr; gap: .15rem 1rem; margin: .5rem 0; }
dl.kv dt { color: var(--muted); } dl.kv dd { margin: 0; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85rem; }
pre { background: #f3f4f6; border: 1px solid var(--line); padding: .4rem .6rem; white-space: pre-wrap;
      overflow-wrap: anywhere; margin: .2rem 0 .5rem; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: .3rem;
        padding: .6rem .8rem; margin: .8rem 0; break-inside: avoid; }
.card.critical { border-left-color: #7f1d1d; } .card.high { border-left-color: #dc2626; }
.card.medium { border-left-color: #f59e0b; } .card.low { border-left-color: #0ea5e9; }
.card.expired { border-left-color: var(--fail); }
.card:target { outline: 3px solid #2563eb; }
.links a { margin-right: .6rem; white-space: nowrap; }
.path { overflow-wrap: anywhere; }
figure { margin: .5rem 0 1rem; } figcaption { color: var(--muted); font-size: .85rem; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
.flag { color: var(--fail); font-weight: 700; }
nav.toc a { margin-right: 1rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  nav.toc, .top { display: none; }
  a { color: inherit; text-decoration: none; }
  .newpage { break-before: page; }
  h2 { margin-top: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _text(value) -> str:
    """Any value from the scanned tree, safe as HTML text or attribute content."""
    return html.escape(_clean(str(value)), quote=True)


def _multiline(value: str) -> str:
    return "\n".join(_text(line) for line in str(value).split("\n"))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _status(status: str) -> str:
    return f'<span class="status {STATUS_CLASS[status]}">{_text(status)}</span>'


def _sev(label: str) -> str:
    return f'<span class="sev {_text(label)}">{_text(label)}</span>'


def _link(anchor: str, label: str) -> str:
    return f'<a href="#{anchor}">{label}</a>'


def _summary(audit: Audit) -> str:
    counts = {s: audit.count(s) for s in (FAIL, PASS, NOT_APPLICABLE)}
    by_sev = {s: sum(1 for f in audit.findings if f.severity == s) for s in audit.severities}
    expired = sum(1 for w in audit.waivers if w.expired)
    items = [f'<li>{_status(s)} <b>{n}</b> control{"s" * (n != 1)}</li>' for s, n in counts.items()]
    items.append(f"<li><b>{len(audit.findings)}</b> findings: "
                 + ", ".join(f"{n} {_text(s)}" for s, n in by_sev.items() if n) + "</li>" if audit.findings
                 else "<li><b>0</b> findings</li>")
    items.append(f"<li><b>{len(audit.waivers) - expired}</b> waivers in force"
                 + (f', <span class="flag">{expired} expired</span>' if expired else "") + "</li>")
    rows = []
    for c in audit.controls:
        rows.append(
            f'<tr id="summary-{c.anchor}"><td>{_link(c.anchor, _text(c.id))}</td><td>{_text(c.title)}</td>'
            f"<td>{_status(c.status)}</td><td class=\"num\">{len(c.findings)}</td><td class=\"num\">{len(c.waived)}</td>"
            f'<td class="num">{len(c.applicable_rules)} / {len(c.rules)}</td></tr>')
    return (
        '<section id="summary"><h2>Summary</h2>'
        f'<ul class="counts">{"".join(items)}</ul>'
        '<table id="summary-table"><caption class="sub">Controls of the policy and what the scan found for each.</caption>'
        "<thead><tr><th>Control</th><th>Title</th><th>Status</th><th>Findings</th><th>Waived</th>"
        "<th>Rules in scope</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"{_chart(audit)}</section>")


def _chart(audit: Audit) -> str:
    """One horizontal bar per risk class, split by severity; zero-finding classes keep an empty bar."""
    label_w, bar_w, row_h, top = 130, 420, 26, 8
    counts = {c: {s: 0 for s in audit.severities} for c in audit.classes}
    for f in audit.findings:
        if f.rule_class in counts:
            counts[f.rule_class][f.severity] += 1
    most = max([sum(v.values()) for v in counts.values()] + [1])
    height = top + row_h * len(audit.classes) + 40
    parts = [f'<svg id="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 60}" '
             f'height="{height}" viewBox="0 0 {label_w + bar_w + 60} {height}" aria-labelledby="chart-title">',
             '<title id="chart-title">Remaining findings by risk class and severity</title>']
    for row, cls in enumerate(audit.classes):
        y = top + row * row_h
        total = sum(counts[cls].values())
        parts.append(f'<g class="bar" data-class="{_text(cls)}" data-count="{total}">'
                     f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{_text(cls)}</text>'
                     f'<rect class="track" x="{label_w}" y="{y + 3}" width="{bar_w}" height="16" fill="#f3f4f6"/>')
        x = float(label_w)
        for sev in audit.severities:
            n = counts[cls][sev]
            if not n:
                continue
            w = bar_w * n / most
            parts.append(f'<rect class="segment" data-severity="{_text(sev)}" x="{x:.1f}" y="{y + 3}" width="{w:.1f}" '
                         f'height="16" fill="{SEVERITY_COLOURS.get(sev, "#6b7280")}"><title>{_text(cls)}: {n} {_text(sev)}</title></rect>')
            x += w
        parts.append(f'<text x="{x + 5:.1f}" y="{y + 15}">{total}</text></g>')
    ly = top + row_h * len(audit.classes) + 14
    lx = label_w
    for sev in audit.severities:
        parts.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{SEVERITY_COLOURS.get(sev, "#6b7280")}"/>'
                     f'<text x="{lx + 14}" y="{ly}">{_text(sev)}</text>')
        lx += 80
    parts.append("</svg>")
    return ('<figure><figcaption>Remaining findings by risk class (one bar each), split by severity.</figcaption>'
            + "".join(parts) + "</figure>")


def _scope(audit: Audit) -> str:
    s = audit.scope
    formats = "".join(f"<tr><td>{_text(fmt)}</td><td class=\"num\">{n}</td></tr>" for fmt, n in s.files_by_format)
    src = audit.policy_source
    source = _text(src.get("title", "")) + (f" &lt;{_text(src['url'])}&gt;" if src.get("url") else "")
    return (
        '<section id="scope" class="newpage"><h2>Scope</h2><dl class="kv">'
        f"<dt>Policy</dt><dd>{_text(audit.policy_title)} (<code>{_text(audit.policy_id)}</code>); source: {source}</dd>"
        f"<dt>Scanned paths</dt><dd>{', '.join(f'<code class=path>{_text(p)}</code>' for p in s.paths)}</dd>"
        f"<dt>Scan root</dt><dd><code class=path>{_text(s.root)}</code></dd>"
        f"<dt>Files scanned</dt><dd>{len(s.files)} (listed at the end of the report)</dd>"
        f"<dt>Date</dt><dd>{_text(s.generated)}</dd>"
        f"<dt>Tool</dt><dd>pacsguard {_text(s.tool_version)}</dd>"
        f"<dt>Rule set</dt><dd>{s.rule_count} rules, version {_text(s.ruleset_version)}, sha256 <code>{_text(s.ruleset_digest)}</code></dd>"
        f"<dt>Tree checksum</dt><dd>sha256 <code>{_text(s.tree_checksum)}</code> "
        "(of the lines <code>SHA256  PATH</code> of every scanned file, sorted by path)</dd>"
        "</dl>"
        f'<table id="formats" class="narrow"><thead><tr><th>File type</th><th>Files</th></tr></thead><tbody>{formats}</tbody></table>'
        "</section>")


def _control(audit: Audit, c: ControlResult) -> str:
    found = "".join(f"<li>{_link(a, _finding_label(audit.finding(a)))}</li>" for a in c.findings)
    waived = "".join(f"<li>{_link(a, _finding_label(audit.finding(a)))} (waived)</li>" for a in c.waived)
    listing = f"<ul>{found}{waived}</ul>" if found or waived else "<p>No finding.</p>"
    return (
        f'<article class="card control" id="{c.anchor}"><h3>{_text(c.id)} {_text(c.title)} {_status(c.status)}</h3>'
        + (f'<p class="sub">{_text(c.text)}</p>' if c.text else "")
        + f"<p>{_text(c.reason)} Rules: {_text(', '.join(c.rules) or 'none')}.</p>{listing}</article>")


def _finding_label(f: AuditFinding) -> str:
    return f"{_text(f.rule_id)} {_sev(f.severity)} <span class=path>{_text(f.path)}:{f.line}</span>"


def _finding(audit: Audit, f: AuditFinding) -> str:
    controls = " ".join(_link(a, f"{_text(audit.control(a).id)} {_text(audit.control(a).title)}") for a in f.controls)
    remedy = ""
    if f.remedy:
        where = f" (<code>{_text(f.remedy.path)}</code>)" if f.remedy.path else ""
        remedy = f"<dt>Remediation{where}</dt><dd><pre><code>{_multiline(f.remedy.code)}</code></pre></dd>"
    waived = f"<dt>Waived by</dt><dd>{_link(f.waived_by, f.waived_by)}</dd>" if f.waived_by else ""
    return (
        f'<article class="card finding {_text(f.severity)}" id="{f.anchor}">'
        f"<h3>{_text(f.rule_id)} {_text(f.title)} {_sev(f.severity)}</h3><dl class=\"kv\">"
        f"<dt>Where</dt><dd><code class=path>{_text(f.path)}:{f.line}:{f.column}</code></dd>"
        f"<dt>Risk class</dt><dd>{_text(f.rule_class)}</dd>"
        f"<dt>Finding</dt><dd>{_text(f.message)}</dd>"
        + (f"<dt>Offending line</dt><dd><pre><code>{_text(f.snippet)}</code></pre></dd>" if f.snippet else "")
        + remedy
        + (f'<dt>Controls</dt><dd class="links">{controls}</dd>' if controls else "")
        + waived + "</dl></article>")


def _waiver(audit: Audit, w: AuditWaiver) -> str:
    flag = ' <span class="flag">EXPIRED</span>' if w.expired else ""
    covered = " ".join(_link(a, a) for a in w.findings) or "none"
    return (
        f'<article class="card waiver{" expired" if w.expired else ""}" id="{w.anchor}">'
        f"<h3>{_text(', '.join(w.rule_ids))} at <span class=path>{_text(w.path)}:{w.line}</span>{flag}</h3><dl class=\"kv\">"
        f"<dt>Reason</dt><dd>{_text(w.reason)}</dd>"
        f"<dt>Approved by</dt><dd>{_text(w.approved_by) if w.approved_by else 'not recorded'}</dd>"
        f"<dt>Until</dt><dd>{_text(w.until) if w.until else 'no expiry'}{flag}</dd>"
        f'<dt>{"Findings back" if w.expired else "Covers"}</dt><dd class="links">{covered}</dd>'
        "</dl></article>")


def render(audit: Audit) -> str:
    s = audit.scope
    controls = "".join(_control(audit, c) for c in audit.controls)
    findings = "".join(_finding(audit, f) for f in audit.findings) or "<p>No finding remains.</p>"
    waived = "".join(_finding(audit, f) for f in audit.waived_findings)
    waivers = "".join(_waiver(audit, w) for w in audit.waivers) or "<p>No waiver.</p>"
    notes = "".join(_finding(audit, f) for f in audit.problems)
    files = "".join(f"<tr><td><code class=path>{_text(p)}</code></td><td>{_text(fmt)}</td></tr>" for p, fmt in s.files)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>pacsguard audit: {_text(audit.policy_title)}</title><style>{CSS}</style></head><body>"
        f'<header id="top"><h1>Audit: {_text(audit.policy_title)}</h1>'
        f'<p class="sub">pacsguard {_text(s.tool_version)}, {_text(s.generated)}, '
        f"{_plural(len(s.files), 'file')} scanned under <code class=path>{_text(', '.join(s.paths))}</code></p>"
        '<nav class="toc"><a href="#summary">Summary</a><a href="#scope">Scope</a><a href="#controls">Controls</a>'
        '<a href="#findings">Findings</a><a href="#waivers">Waivers</a><a href="#files">Files</a></nav></header>'
        f"<main>{_summary(audit)}{_scope(audit)}"
        f'<section id="controls" class="newpage"><h2>Controls</h2>{controls}</section>'
        f'<section id="findings" class="newpage"><h2>Findings</h2>'
        f'<p class="sub">{_plural(len(audit.findings), "finding")} remain, worst first. Offending lines show secrets masked.</p>'
        f"{findings}</section>"
        f'<section id="waivers" class="newpage"><h2>Waivers</h2>'
        '<p class="sub">Accepted exceptions: the reason, who approved them and until when. An expired waiver no '
        "longer covers its findings, which are back among the findings above.</p>"
        f"{waivers}"
        + (f'<h3 id="waived-findings">Waived findings</h3>{waived}' if waived else "")
        + (f'<h3 id="notes">Scan notes</h3><p class="sub">Files the scan could not read or parse in full, and '
           f"other notes about the scan itself.</p>{notes}" if notes else "")
        + f'</section><section id="files"><h2>Scanned files</h2><table><thead><tr><th>Path</th><th>Type</th></tr></thead>'
        f"<tbody>{files}</tbody></table></section></main></body></html>\n")
