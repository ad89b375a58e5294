"""JUnit XML for Jenkins (`junit` step), Azure DevOps (`PublishTestResults@2`) and GitLab
(`artifacts:reports:junit`).

Shape, chosen for what those consumers display:
- one `<testsuites name="pacsguard">` root holding one `<testsuite>` per rule, named `PGnnn title`,
  in rule order;
- one `<testcase classname="pacsguard.PGnnn" name="PATH" file="PATH">` per rule and file with
  findings. GitLab shows `classname` as the suite and keys a test by classname and name; Jenkins
  splits `classname` at its last dot into package `pacsguard` and class `PGnnn` (a rule id has no
  dot, a path would); Azure DevOps names the test `classname.name`;
- a `<failure>` per such testcase: its `message` attribute names the rule and the lines (Jenkins
  and Azure DevOps show it as the error message), its text lists each finding on its own line with
  `path:line:column`, severity, message and the offending line (GitLab shows only this text);
- waived findings in a separate testcase `PATH (waived)` with `<skipped>` carrying the reason,
  expiry and approver: a testcase cannot both fail and be skipped, and a file may hold both;
- findings of severity `info`, or below `fail_on` when given, do not fail a build, so they are
  listed in `<system-out>` of a passing testcase;
- a rule that ran and reported nothing gets one passing testcase `all scanned files`, so a clean
  run shows how many rules passed. Passing testcases for every clean rule-and-file pair are not
  written: they would multiply rules by files (40 rules x 4,000 files) without telling anything.

`time` is always 0 and there is no timestamp or host name: the same scan gives the same bytes.
Every text from the scanned tree goes through `visible`, so control characters (which XML 1.0 cannot
carry at all), bidirectional overrides and undecodable file-name bytes are written as `\\xNN`
escapes and the document always parses; ElementTree escapes `&`, `<`, `>` (so `]]>` too) and quotes.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field

from linter.model import Finding, Severity
from linter.report.safe import by_position, plural, threshold, visible

WAIVED_SUFFIX = " (waived)"
CLEAN_RULE_CASE = "all scanned files"


@dataclass
class _Case:
    """The findings of one rule in one file, split by what they do to the build."""

    failing: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)
    waived: list[Finding] = field(default_factory=list)


def _location_line(f: Finding) -> str:
    line = f"{visible(f.origin.path)}:{f.origin.line}:{f.origin.column}: [{f.severity.label}] {visible(f.message)}"
    if f.snippet:
        line += f"\n    {f.origin.line:>4} | {visible(f.snippet)}"
    for rel in f.related:
        line += f"\n         see {visible(rel.path)}:{rel.line}"
    return line


def _waiver_text(f: Finding) -> str:
    s = f.suppression
    text = f"waived: {visible(s.reason)}"
    extras = [part for part in (s.until and f"until {visible(s.until)}",
                                s.approved_by and f"approved by {visible(s.approved_by)}") if part]
    return text + (f" ({', '.join(extras)})" if extras else "")


def _testcase(rule_id: str, name: str, path: str | None) -> ET.Element:
    attrs = {"classname": f"pacsguard.{rule_id}", "name": name}
    if path is not None:
        attrs["file"] = visible(path)
    attrs["time"] = "0"
    return ET.Element("testcase", attrs)


def _failure(rule_id: str, title: str, findings: list[Finding]) -> ET.Element:
    lines = ", ".join(str(n) for n in sorted({f.origin.line for f in findings}))
    worst = max(f.severity for f in findings)
    message = f"{plural(len(findings), 'finding')} of {rule_id} {title} at line{'s' if ',' in lines else ''} {lines}"
    element = ET.Element("failure", {"message": message, "type": worst.label})
    element.text = "\n".join(_location_line(f) for f in findings)
    return element


def _skipped(findings: list[Finding]) -> ET.Element:
    reasons = sorted({_waiver_text(f) for f in findings})
    element = ET.Element("skipped", {"message": reasons[0] if len(reasons) == 1 else f"{len(findings)} waived findings"})
    element.text = "\n".join(f"{_location_line(f)}\n    {_waiver_text(f)}" for f in findings)
    return element


def _system_out(findings: list[Finding]) -> ET.Element:
    element = ET.Element("system-out")
    element.text = "\n".join(_location_line(f) for f in findings)
    return element


def _group(result, fails_from: Severity) -> dict[str, dict[str, _Case]]:
    cases: dict[str, dict[str, _Case]] = defaultdict(lambda: defaultdict(_Case))
    for f in by_position(result.findings):
        case = cases[f.rule_id][f.origin.path]
        if f.suppression is not None:
            case.waived.append(f)
        elif f.severity >= fails_from:
            case.failing.append(f)
        else:
            case.notes.append(f)
    return cases


def _titles(result) -> dict[str, str]:
    titles = {rule_id: rule.title for rule_id, rule in result.rules.items()}
    for f in result.findings:
        titles.setdefault(f.rule_id, f.title)
    return titles


def render(result, fail_on: Severity | str | None = None, **_: object) -> str:
    cases = _group(result, threshold(fail_on))
    root = ET.Element("testsuites", {"name": "pacsguard"})
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for rule_id, title in sorted(_titles(result).items()):
        title = visible(title)
        suite = ET.SubElement(root, "testsuite", {"name": f"{rule_id} {title}".rstrip()})
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for path, case in sorted(cases.get(rule_id, {}).items()):
            if case.failing or case.notes:
                testcase = _testcase(rule_id, visible(path), path)
                if case.failing:
                    testcase.append(_failure(rule_id, title, case.failing))
                    counts["failures"] += 1
                if case.notes:
                    testcase.append(_system_out(case.notes))
                suite.append(testcase)
                counts["tests"] += 1
            if case.waived:
                testcase = _testcase(rule_id, visible(path) + WAIVED_SUFFIX, path)
                testcase.append(_skipped(case.waived))
                suite.append(testcase)
                counts["tests"] += 1
                counts["skipped"] += 1
        if not counts["tests"]:
            suite.append(_testcase(rule_id, CLEAN_RULE_CASE, None))
            counts["tests"] = 1
        _set_counts(suite, counts)
        for key in totals:
            totals[key] += counts[key]
    _set_counts(root, totals)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _set_counts(element: ET.Element, counts: dict[str, int]) -> None:
    element.set("tests", str(counts["tests"]))
    element.set("failures", str(counts["failures"]))
    element.set("errors", "0")
    element.set("skipped", str(counts["skipped"]))
    element.set("time", "0")
