"""The CI output formats (JUnit XML, GitLab Code Quality, GitHub workflow commands, Markdown)
against what their consumers read, on real scans of small trees and of examples/clinic-insecure;
and the CI snippets of the README's "In CI" section against the command line that exists."""
from __future__ import annotations

import contextlib
import io
import json
import random
import re
import shlex
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace
from pathlib import Path

import junitparser
import pytest
import yaml

from conftest import REPO
from linter.cli import _parser, main
from linter.engine import ScanResult, scan
from linter.model import Finding, Origin, Severity, Suppression
from linter.report import REPORTERS, render
from linter.report.safe import visible

CI_FORMATS = ("junit", "gitlab", "github", "markdown")
SNIPPETS = REPO / "README.md"

# Two guest shares in one smb.conf (one rule, one file, two findings), one of them waived; the same
# share in folders and file names that break naive reports.
SMB = ("[global]\n   map to guest = bad user\n[scans]\n   path = /srv/scans\n   guest ok = yes\n"
       "[drop]\n   path = /srv/drop\n   # pacsguard:ignore PG201 until=2999-01-01 -- modality drop box on VLAN 20\n"
       "   guest ok = yes\n[public]\n   path = /srv/public\n   guest ok = yes\n")
ODD_DIR = "odd/a b;$(id)&|'\"<x>/ünï"
ODD_NAME = "odd/smb\nforged,50%:x.conf"


def _write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


@pytest.fixture
def tree(tmp_path):
    _write(tmp_path, {
        "nas/etc/samba/smb.conf": SMB,
        f"{ODD_DIR}/smb.conf": "[global]\n   hosts allow = 10.0.0.\n[s]\n   path = /s\n   guest ok = yes\n",
        ODD_NAME: "[global]\n   hosts allow = 10.0.0.\n[t]\n   path = /t\n   guest ok = yes\n",
        "nas/etc/vsftpd.conf": "listen=YES\nanonymous_enable=YES\n",
    })
    return tmp_path


@pytest.fixture
def result(tree, rules):
    return scan([str(tree)], rules, root=str(tree))


@pytest.fixture(scope="module")
def clinic(rules):
    root = REPO / "examples" / "clinic-insecure"
    return scan([str(root)], rules, root=str(root))


def _waived(result) -> list[Finding]:
    return [f for f in result.findings if f.suppression is not None]


def _synthetic(rules, findings: list[Finding], files=()) -> ScanResult:
    return ScanResult(".", list(files), findings, [], {r: rules[r] for r in {f.rule_id for f in findings} if r in rules})


HOSTILE_MESSAGE = "50% done\r\n::error::forged]]><![CDATA[ & <script>|`x`| \x00\x01\x1b[31m \u202eevil @security-team $x$"
HOSTILE_PATH = "dir, with: colons/50%\nforged|`<b>`.conf"


def _hostile(rules) -> ScanResult:
    findings = [
        Finding("PG201", Severity.HIGH, HOSTILE_MESSAGE, Origin(HOSTILE_PATH, 3, 2), "anonymous-access",
                "File share open to guests without a password", snippet="guest ok = yes ]]> \x0b\ufffe"),
        Finding("PG201", Severity.HIGH, "second " + HOSTILE_MESSAGE, Origin(HOSTILE_PATH, 9, 2), "anonymous-access",
                "File share open to guests without a password"),
        Finding("PG203", Severity.MEDIUM, "waived one", Origin(HOSTILE_PATH, 2, 1), "anonymous-access",
                "Samba turns failed logins into guest sessions",
                suppression=Suppression("PG203", "needed by the <scanner> | `vendor`\nsee ]]>", until="2999-01-01",
                                        approved_by="dr. @ciso")),
    ]
    return _synthetic(rules, findings)


# ---------------------------------------------------------------------------------------- JUnit

def _junit(result, **options) -> junitparser.JUnitXml:
    return junitparser.JUnitXml.fromstring(render("junit", result, **options).encode("utf-8"))


def _cases(xml: junitparser.JUnitXml) -> dict[tuple[str, str], junitparser.TestCase]:
    return {(case.classname, case.name): case for suite in xml for case in suite}


def test_junit_has_one_testcase_per_rule_and_file_with_findings(result):
    xml = _junit(result)
    cases = _cases(xml)
    failing_pairs = {(f.rule_id, f.origin.path) for f in result.active if f.severity > Severity.INFO}
    waived_pairs = {(f.rule_id, f.origin.path) for f in _waived(result)}
    clean_rules = set(result.rules) - {f.rule_id for f in result.findings}
    for rule_id, path in failing_pairs:
        case = cases[(f"pacsguard.{rule_id}", visible(path))]
        assert [type(r).__name__ for r in case.result] == ["Failure"]
    for rule_id, path in waived_pairs:
        case = cases[(f"pacsguard.{rule_id}", visible(path) + " (waived)")]
        assert [type(r).__name__ for r in case.result] == ["Skipped"]
    for rule_id in clean_rules:
        assert cases[(f"pacsguard.{rule_id}", "all scanned files")].is_passed
    assert len(cases) == len(failing_pairs) + len(waived_pairs) + len(clean_rules)
    assert (xml.tests, xml.failures, xml.skipped, xml.errors) == (
        len(cases), len(failing_pairs), len(waived_pairs), 0)
    assert [suite.name.split()[0] for suite in xml] == sorted(result.rules)
    for suite in xml:
        assert suite.tests == len(list(suite)) and suite.failures == sum(
            1 for c in suite if c.result and type(c.result[0]).__name__ == "Failure")


def test_junit_failure_lists_each_finding_of_the_rule_in_the_file(result):
    case = _cases(_junit(result))[("pacsguard.PG201", "nas/etc/samba/smb.conf")]
    failure = case.result[0]
    expected = [f for f in result.active if f.rule_id == "PG201" and f.origin.path == "nas/etc/samba/smb.conf"]
    assert len(expected) == 2
    lines = ", ".join(str(f.origin.line) for f in expected)
    assert failure.message == f"2 findings of PG201 File share open to guests without a password at lines {lines}"
    assert failure.type == "high"
    for f in expected:
        assert f"nas/etc/samba/smb.conf:{f.origin.line}:{f.origin.column}: [high] {f.message}" in failure.text
    assert "[drop]" not in failure.text  # the waived share is not a failure


def test_junit_waived_findings_are_skipped_with_their_justification(result):
    case = _cases(_junit(result))[("pacsguard.PG201", "nas/etc/samba/smb.conf (waived)")]
    skipped = case.result[0]
    assert skipped.message == "waived: modality drop box on VLAN 20 (until 2999-01-01)"
    assert "share [drop]" in skipped.text and "modality drop box on VLAN 20" in skipped.text


def test_junit_is_valid_xml_whatever_the_findings_contain(rules):
    out = render("junit", _hostile(rules))
    ET.fromstring(out.encode("utf-8"))  # a strict parser: any invalid character would raise
    xml = junitparser.JUnitXml.fromstring(out.encode("utf-8"))
    cases = _cases(xml)
    name = visible(HOSTILE_PATH)
    assert "\n" not in name and "\\x0a" in name
    failure = cases[("pacsguard.PG201", name)].result[0]
    assert failure.message.endswith("at lines 3, 9")
    assert len(failure.text.split("\n")) == 3  # two findings and one snippet line: no forged lines
    assert "]]><![CDATA[ & <script>|`x`|" in failure.text
    assert "\\x00\\x01\\x1b[31m \\u202eevil" in failure.text and "\\x0b\\ufffe" in failure.text
    skipped = cases[("pacsguard.PG203", name + " (waived)")].result[0]
    assert skipped.message == "waived: needed by the <scanner> | `vendor`\\x0asee ]]> (until 2999-01-01, approved by dr. @ciso)"


def test_junit_notes_and_findings_below_the_threshold_do_not_fail(rules):
    findings = [Finding("PG002", Severity.INFO, "link leaves the tree", Origin("a/link.conf", 1), "tool", "File was not scanned"),
                Finding("PG203", Severity.MEDIUM, "map to guest", Origin("smb.conf", 2), "anonymous-access", "Samba guests"),
                Finding("PG201", Severity.HIGH, "guest ok", Origin("smb.conf", 5), "anonymous-access", "Guest share")]
    res = _synthetic(rules, findings)
    assert _junit(res).failures == 2
    cases = _cases(_junit(res, fail_on="high"))
    assert _junit(res, fail_on="high").failures == 1
    assert cases[("pacsguard.PG203", "smb.conf")].is_passed
    assert "smb.conf:2:1: [medium] map to guest" in cases[("pacsguard.PG203", "smb.conf")].system_out
    assert "link leaves the tree" in cases[("pacsguard.PG002", "a/link.conf")].system_out


def test_junit_on_the_clinic_example(clinic):
    xml = _junit(clinic)
    pairs = {(f.rule_id, f.origin.path) for f in clinic.active if f.severity > Severity.INFO}
    assert xml.failures == len(pairs) > 10
    text = "\n".join(c.result[0].text for s in xml for c in s if c.result)
    assert all(f"{f.origin.path}:{f.origin.line}:{f.origin.column}: [{f.severity.label}]" in text for f in clinic.active)


# ------------------------------------------------------------------------------- GitLab Code Quality

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def test_gitlab_code_quality_report_shape(result):
    issues = json.loads(render("gitlab", result))
    assert len(issues) == len(result.active) and _waived(result)
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in GITLAB_SEVERITIES
        assert re.fullmatch(r"PG\d{3}", issue["check_name"]) and issue["description"].startswith(issue["check_name"])
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert {i["location"]["path"] for i in issues} >= {f"{ODD_DIR}/smb.conf", ODD_NAME, "nas/etc/samba/smb.conf"}
    assert not any("share [drop]" in i["description"] for i in issues)  # the waived finding


def test_gitlab_severity_mapping_keeps_the_order(clinic):
    issues = json.loads(render("gitlab", clinic))
    order = ["info", "minor", "major", "critical", "blocker"]
    for issue, finding in zip(issues, sorted(clinic.active, key=lambda f: f.sort_key)):
        assert order.index(issue["severity"]) == int(finding.severity)


def test_gitlab_fingerprints_survive_moved_lines(tmp_path, rules):
    def report(prefix: str):
        (tmp_path / "smb.conf").write_text(prefix + SMB)
        issues = json.loads(render("gitlab", scan([str(tmp_path)], rules, root=str(tmp_path))))
        return {i["fingerprint"]: (i["check_name"], i["location"]["lines"]["begin"]) for i in issues}

    before, after = report(""), report("; moved\n; down\n\n")
    assert before.keys() == after.keys() and len(before) >= 3
    assert all(after[k][1] == before[k][1] + 3 for k in before if before[k][1] > 1)


# ---------------------------------------------------------------------------- GitHub workflow commands

_COMMAND = re.compile(r"::(error|warning|notice) file=([^,:]*),line=(\d+),col=(\d+),title=([^,:]*)::(.*)")


def _unescape(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def test_github_one_command_per_active_finding(result):
    lines = render("github", result).splitlines()
    assert len(lines) == len(result.active)
    parsed = [_COMMAND.fullmatch(line) for line in lines]
    assert all(parsed), lines
    level = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}
    expected = sorted(result.active, key=lambda f: (-f.severity, *f.sort_key))
    for match, f in zip(parsed, expected):
        assert match.group(1) == level[f.severity.label]
        assert _unescape(match.group(2)) == f.origin.path  # the odd names round-trip
        assert (int(match.group(3)), int(match.group(4))) == (f.origin.line, f.origin.column)
        assert _unescape(match.group(5)) == f"{f.rule_id} {f.title}"
        assert _unescape(match.group(6)) == f.message


def test_github_escapes_as_the_actions_toolkit(rules):
    out = render("github", _hostile(rules))
    first = out.splitlines()[0]
    assert first == (
        "::error file=dir%2C with%3A colons/50%25%0Aforged|`<b>`.conf,line=3,col=2,"
        "title=PG201 File share open to guests without a password::"
        "50%25 done%0D%0A::error::forged]]><![CDATA[ & <script>|`x`| \x00\x01\x1b[31m \u202eevil @security-team $x$")
    assert out.count("\n") == 2  # two active findings, the waived one left out
    assert out.splitlines()[1].startswith("::error file=dir%2C with%3A colons/50%25%0Aforged")


def test_github_puts_the_worst_findings_first(clinic):
    levels = [line.split(" ", 1)[0] for line in render("github", clinic).splitlines()]
    rank = {"::error": 0, "::warning": 1, "::notice": 2}
    assert levels == sorted(levels, key=rank.__getitem__) and levels[0] == "::error"


# --------------------------------------------------------------------------------------- Markdown

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines()
            if line.startswith("| ") and not line.startswith(("| Severity", "| ---"))]


def test_markdown_headline_table_and_waived_section(result):
    out = render("markdown", result)
    counts = Counter(f.severity.label for f in result.active)
    assert out.splitlines()[0] == (
        f"### pacsguard: {len(result.active)} findings ({counts['high']} high, {counts['medium']} medium)"
        f" in {len(result.files)} files scanned")
    table, _, waived = out.partition("<details>")
    assert len(_rows(table)) == len(result.active)
    assert "<summary>1 waived finding</summary>" in waived and "modality drop box on VLAN 20" in waived
    assert waived.rstrip().endswith("</details>") and len(_rows(waived)) == 1


def test_markdown_caps_the_table(clinic):
    out = render("markdown", clinic, max_rows=5)
    assert len(_rows(out)) == 5
    assert f"… and {len(clinic.active) - 5} more findings (see the full report)." in out
    worst = sorted(clinic.active, key=lambda f: (-f.severity, *f.sort_key))[:5]
    assert [row.split(" | ")[0] for row in _rows(out)] == [f"| {f.severity.label}" for f in worst]
    assert "more findings" not in render("markdown", clinic)  # the example's findings fit under the default cap


def test_markdown_escapes_what_breaks_a_table(rules):
    out = render("markdown", _hostile(rules))
    rows = _rows(out)
    assert len(rows) == 3 and len(out.splitlines()) == 15
    assert all(len(_UNESCAPED_PIPE.findall(row)) == (5 if "waived one" not in row else 8) for row in rows)
    assert "<script>" not in out and "&lt;script&gt;" in out and "<b>" not in out
    assert "\\`x\\`" in out and "\\$x\\$" in out and "@\u200bsecurity-team" in out and "@security" not in out
    assert "\\\\x0d\\\\x0a::error::forged\\]\\]&gt;" in out  # CR LF shown, not obeyed
    assert "\x00" not in out and "\x1b" not in out and "\u202e" not in out


def test_markdown_without_findings(tmp_path, rules):
    (tmp_path / "smb.conf").write_text("[global]\n   hosts allow = 10.0.0.\n   map to guest = never\n")
    out = render("markdown", scan([str(tmp_path)], rules, root=str(tmp_path)))
    assert out == "### pacsguard: no findings in 1 file scanned\n"


# ------------------------------------------------------------------------------------ every format

@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_same_scan_twice_is_byte_identical(fmt, tree, rules, clinic):
    first = render(fmt, scan([str(tree)], rules, root=str(tree)))
    assert first == render(fmt, scan([str(tree)], rules, root=str(tree)))
    again = scan([clinic.root], rules, root=clinic.root)
    assert render(fmt, clinic) == render(fmt, again)


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_output_does_not_depend_on_discovery_order(fmt, clinic):
    shuffled = list(clinic.findings)
    random.Random(6).shuffle(shuffled)
    other = replace(clinic, findings=shuffled, files=list(reversed(clinic.files)))
    assert render(fmt, other) == render(fmt, clinic)


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_undecodable_file_names_can_be_written(fmt, tmp_path, rules):
    root = bytes(tmp_path)
    (tmp_path / "d").mkdir()
    with open(root + b"/d/smb\xff.conf", "w") as handle:
        handle.write("[s]\n   path = /s\n   guest ok = yes\n")
    res = scan([str(tmp_path)], rules, root=str(tmp_path))
    assert any("\udcff" in f.origin.path for f in res.findings)
    out = render(fmt, res)
    assert "xff.conf" in out and "\udcff" not in out  # the byte shown as \xff, escaped per format
    out.encode("utf-8")


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_cli_writes_each_format(fmt, tree, rules, tmp_path_factory):
    target = tmp_path_factory.mktemp("out") / f"report.{fmt}"
    assert main(["scan", str(tree), "--format", fmt, "--output", str(target)]) == 1
    # the command line scans with the scan root at the scanned folder, as this direct call does
    assert target.read_text(encoding="utf-8") == render(fmt, scan([str(tree)], rules, root=str(tree)))


# ----------------------------------------------------------------------------------- CI snippets

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_COMMAND_LINE = re.compile(r"(?:^|(?<=[\s/]))pacsguard\s+scan\b[^\n']*")
_SHELL_END = {">", ">>", "|", "||", "&&", ";", "&", "2>", "2>&1"}
# Where each CI system reads a report, and the format it must be in.
_CONSUMERS = {"codequality": "gitlab", "junit": "junit", "sarif_file": "sarif", "testResultsFiles": "junit"}


def _strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def _consumed(node, found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _CONSUMERS and isinstance(value, str):
                found.append((_CONSUMERS[key], value))
            _consumed(value, found)
    elif isinstance(node, list):
        for value in node:
            _consumed(value, found)
    return found


def _scan_args(command: str) -> list[str]:
    tokens = shlex.split(command)
    for index, token in enumerate(tokens):
        if token in _SHELL_END:
            tokens = tokens[:index]
            break
    assert tokens[:2] == ["pacsguard", "scan"], command
    return tokens[1:]


def _parse(command: str):
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        try:
            return _parser().parse_args(_scan_args(command))
        except SystemExit:
            pytest.fail(f"`{command}` is not a valid pacsguard command line: {stderr.getvalue().strip()}")


def _blocks() -> list[tuple[str, str]]:
    """The fenced blocks of the README's "In CI" section (up to the next section)."""
    text = SNIPPETS.read_text(encoding="utf-8")
    section = text.split("\n## In CI\n", 1)[1].split("\n## ", 1)[0]
    return [(m.group(1), m.group(2)) for m in _FENCE.finditer(section)]


def test_every_yaml_snippet_parses_and_names_existing_flags():
    yaml_blocks = [text for lang, text in _blocks() if lang == "yaml"]
    assert len(yaml_blocks) == 3  # GitHub Actions, GitLab CI, Azure DevOps
    used_formats = set()
    for text in yaml_blocks:
        document = yaml.safe_load(text)
        commands = [m.group() for s in _strings(document) for m in _COMMAND_LINE.finditer(s)]
        assert commands, text
        written = set()
        for command in commands:
            args = _parse(command)
            used_formats.add(args.format)
            if args.output:
                written.add((args.format, args.output))
        for needed in _consumed(document, []):
            assert needed in written, f"{needed[1]} is read as {needed[0]} but no pacsguard command writes it"
    assert used_formats >= {"sarif", "github", "markdown", "gitlab", "junit"}


def test_other_snippets_name_existing_flags():
    others = [text for lang, text in _blocks() if lang != "yaml"]
    commands = [m.group() for text in others for m in _COMMAND_LINE.finditer(text)]
    assert commands  # the Jenkinsfile
    for command in commands:
        args = _parse(command)
        if args.format == "junit":
            assert f"junit testResults: '{args.output}'" in "\n".join(others)


def test_snippet_check_rejects_a_flag_that_does_not_exist():
    with pytest.raises(pytest.fail.Exception):
        _parse("pacsguard scan . --format codeclimate")
    with pytest.raises(pytest.fail.Exception):
        _parse("pacsguard scan . --baseline-file x.json")
