"""Command line: `pacsguard scan|rules|explain|report`.

Exit codes: 0 no finding at or above the threshold, 1 findings at or above it, 2 usage or
internal error. Never a traceback (set PACSGUARD_DEBUG=1 to see one).
"""
from __future__ import annotations

import argparse
import os
import sys

from linter import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITIES = ("critical", "high", "medium", "low")


class UsageError(Exception):
    pass


def _rule_ids(values: list[str] | None) -> set[str]:
    ids: set[str] = set()
    for value in values or []:
        ids.update(v.strip().upper() for v in value.split(",") if v.strip())
    return ids


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pacsguard",
        description="Finds exposed NAS and PACS services (open DICOM/SMB/FTP ports, anonymous shares, "
                    "dynamic DNS, blank passwords, missing TLS) in configuration files before deployment.",
    )
    parser.add_argument("--version", action="version", version=f"pacsguard {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = sub.add_parser("scan", help="scan files and directories")
    scan.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    scan.add_argument("-f", "--format", choices=("text", "json", "sarif"), default="text")
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    scan.add_argument("--fail-on", choices=SEVERITIES, default="low",
                      help="exit 1 when a finding of this severity or worse remains (default: low)")
    scan.add_argument("--exit-zero", action="store_true", help="always exit 0 when the scan itself worked")
    scan.add_argument("--select", action="append", metavar="IDS", help="only these rule ids (comma separated)")
    scan.add_argument("--ignore", action="append", metavar="IDS", help="skip these rule ids (comma separated)")
    scan.add_argument("--rules-dir", action="append", metavar="DIR", help="also load the rule files in DIR")
    scan.add_argument("--no-color", action="store_true", help="plain text even on a terminal")
    scan.add_argument("--policy", metavar="NAME",
                      help="only the rules that give evidence for this compliance pack (hipaa, nist-800-53, cis-v8, "
                           "dicom-ps315); findings then list that pack's controls")

    rules = sub.add_parser("rules", help="list every rule, one line each")
    rules.add_argument("--rules-dir", action="append", metavar="DIR")
    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule_id", metavar="PGnnn")
    explain.add_argument("--rules-dir", action="append", metavar="DIR")

    # -- audit report (issue 7) --
    report = sub.add_parser("report", help="write an audit report of a scan against a compliance pack")
    report.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    report.add_argument("--policy", required=True, metavar="NAME",
                        help="compliance pack: hipaa, nist-800-53, cis-v8 or dicom-ps315")
    report.add_argument("-f", "--format", choices=("html", "md"), default="html")
    report.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    report.add_argument("--rules-dir", action="append", metavar="DIR", help="also load the rule files in DIR")
    return parser


def _load_rules(dirs):
    from linter.rules import load_rules

    return load_rules(dirs)


def _select(rules: dict, select: set[str], ignore: set[str]) -> dict:
    unknown = sorted((select | ignore) - set(rules))
    if unknown:
        raise UsageError(f"unknown rule id(s): {', '.join(unknown)} (see `pacsguard rules`)")
    return {rid: r for rid, r in rules.items() if (not select or rid in select) and rid not in ignore}


def cmd_scan(args) -> int:
    from linter.engine import scan
    from linter.model import Severity
    from linter.report import render

    missing = [p for p in args.paths if not os.path.lexists(p)]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    rules = _select(_load_rules(args.rules_dir), _rule_ids(args.select), _rule_ids(args.ignore))
    controls = None
    if args.policy:
        policy = _policy(args.policy, set(rules))
        rules = _policy_rules(rules, policy)
        from linter.policies import control_tags

        controls = control_tags([policy])
    result = scan(args.paths, rules)
    colour = args.format == "text" and not args.output and not args.no_color and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    output = render(args.format, result, colour=colour, controls=controls)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(output)
    else:
        sys.stdout.write(output)
    threshold = Severity.parse(args.fail_on)
    failing = [f for f in result.active if f.severity >= threshold and f.severity > Severity.INFO]
    return EXIT_FINDINGS if failing and not args.exit_zero else EXIT_CLEAN


def _policy(name: str, known_rules: set[str]):
    from linter.policies import load_policies

    policies = load_policies(known_rules)
    if name not in policies:
        raise UsageError(f"unknown policy {name!r} (one of: {', '.join(sorted(policies))})")
    return policies[name]


def _policy_rules(rules: dict, policy) -> dict:
    """The rules that give evidence for the policy, and the tool's own (parse errors, waivers)."""
    return {rid: r for rid, r in rules.items() if rid in policy.rule_ids or r.rule_class == "tool"}


def _cmd_report(args) -> int:
    from linter.audit import build_audit, render_audit
    from linter.engine import scan

    missing = [p for p in args.paths if not os.path.lexists(p)]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    rules = _load_rules(args.rules_dir)
    policy = _policy(args.policy, set(rules))
    result = scan(args.paths, _policy_rules(rules, policy))
    output = render_audit(args.format, build_audit(args.paths, result, policy))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(output)
    else:
        sys.stdout.write(output)
    return EXIT_CLEAN  # the report is the product: findings in it are not a failure of the command


def cmd_rules(args) -> int:
    for rule in _load_rules(args.rules_dir).values():
        print(f"{rule.id}  {rule.severity.label:<8}  {rule.rule_class:<17}  {rule.title}")
    return EXIT_CLEAN


def cmd_explain(args) -> int:
    from linter.docs import explain

    rules = _load_rules(args.rules_dir)
    rule = rules.get(args.rule_id.upper())
    if rule is None:
        raise UsageError(f"unknown rule id {args.rule_id!r} (see `pacsguard rules`)")
    sys.stdout.write(explain(rule))
    return EXIT_CLEAN


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 for --help/--version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        return {"scan": cmd_scan, "rules": cmd_rules, "explain": cmd_explain, "report": _cmd_report}[args.command](args)
    except UsageError as exc:
        print(f"pacsguard: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("pacsguard: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
        from linter.rules import RuleError

        if isinstance(exc, RuleError):
            print(f"pacsguard: bad rule file: {exc}", file=sys.stderr)
            return EXIT_ERROR
        if isinstance(exc, OSError):
            print(f"pacsguard: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
            return EXIT_ERROR
        if os.environ.get("PACSGUARD_DEBUG"):
            raise
        print(f"pacsguard: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
