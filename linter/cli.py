"""Command line: `pacsguard scan|rules|explain|report`.

Exit codes: 0 no finding at or above the threshold, 1 findings at or above it, 2 usage,
configuration or internal error. Never a traceback (set PACSGUARD_DEBUG=1 to see one).

Settings come from three places, the later winning: built-in defaults, the project's
configuration file (`linter.config`), the command line.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from linter import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITIES = ("critical", "high", "medium", "low")


class UsageError(Exception):
    pass


FORMATS = ("text", "json", "sarif", "junit", "gitlab", "github", "markdown")
DEFAULT_BASELINE = ".pacsguard-baseline.json"


def _add_scan_settings(parser: argparse.ArgumentParser) -> None:
    """Options that decide what a scan looks at, shared by `scan` and `baseline create`."""
    parser.add_argument("--select", action="append", metavar="IDS", help="only these rule ids (comma separated)")
    parser.add_argument("--ignore", action="append", metavar="IDS", help="skip these rule ids (comma separated)")
    parser.add_argument("--rules-dir", action="append", metavar="DIR", help="also load the rule files in DIR")
    parser.add_argument("--exclude", action="append", metavar="GLOB", default=[],
                        help="skip paths matching this gitignore-style glob (repeatable)")
    parser.add_argument("--no-gitignore", action="store_true", help="also scan files that .gitignore ignores")
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: nearest .pacsguard.yaml or "
                        "pyproject.toml with [tool.pacsguard] at or above the first PATH)")
    parser.add_argument("--no-config", action="store_true", help="ignore configuration files")
    parser.add_argument("-j", "--jobs", type=int, metavar="N", default=None,
                        help="worker processes (default: one per core for large trees; 1: no workers)")


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
    scan.add_argument("-f", "--format", choices=FORMATS, default=None, help="report format (default: text)")
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    scan.add_argument("--fail-on", choices=SEVERITIES, default=None,
                      help="exit 1 when a finding of this severity or worse remains (default: low)")
    scan.add_argument("--exit-zero", action="store_true", help="always exit 0 when the scan itself worked")
    _add_scan_settings(scan)
    scan.add_argument("--baseline", metavar="FILE", help="treat the findings recorded in FILE as accepted; fail only on new ones")
    scan.add_argument("--no-baseline", action="store_true", help="ignore the baseline named in the configuration file")
    scan.add_argument("--report-unused-waivers", action="store_true", default=None,
                      help="report waivers that match no finding (PG007)")
    scan.add_argument("--no-color", action="store_true", help="plain text even on a terminal")
    scan.add_argument("--policy", metavar="NAME",
                      help="only the rules that give evidence for this compliance pack (hipaa, nist-800-53, cis-v8, "
                           "dicom-ps315); findings then list that pack's controls")

    baseline = sub.add_parser("baseline", help="record the current findings as accepted")
    baseline_sub = baseline.add_subparsers(dest="baseline_command", metavar="ACTION")
    create = baseline_sub.add_parser("create", help="write a baseline file of every current finding")
    create.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    create.add_argument("-o", "--output", metavar="FILE",
                        help=f"baseline file (default: the configuration's `baseline`, else {DEFAULT_BASELINE})")
    _add_scan_settings(create)

    rules = sub.add_parser("rules", help="list every rule, one line each")
    rules.add_argument("--rules-dir", action="append", metavar="DIR")
    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule_id", metavar="PGnnn")
    explain.add_argument("--rules-dir", action="append", metavar="DIR")

    # -- audit report (issue 7) --
    report = sub.add_parser("report", help="write an audit report of a scan against a compliance pack")
    report.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    report.add_argument("--policy", metavar="NAME",
                        help="compliance pack: hipaa, nist-800-53, cis-v8 or dicom-ps315")
    report.add_argument("-f", "--format", choices=("html", "md"), default="html")
    report.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    _add_scan_settings(report)
    return parser


def _load_rules(dirs):
    from linter.rules import load_rules

    return load_rules(dirs)


def _select(rules: dict, select: set[str], ignore: set[str]) -> dict:
    unknown = sorted((select | ignore) - set(rules))
    if unknown:
        raise UsageError(f"unknown rule id(s): {', '.join(unknown)} (see `pacsguard rules`)")
    return {rid: r for rid, r in rules.items() if (not select or rid in select) and rid not in ignore}


def _prepare(args):
    """Configuration, rules and engine options for a scan of `args.paths`."""
    from linter.config import Config, ConfigError, config_for, scan_options
    from linter.discover import scan_root
    from linter.model import Severity

    missing = [p for p in args.paths if not os.path.lexists(p)]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    try:
        config = Config() if args.no_config else config_for(args.paths, args.config)
    except ConfigError as exc:
        raise UsageError(f"bad configuration: {exc}") from None
    rules_dirs = [config.resolve(d) for d in config.get("rules-dir", [])] + list(args.rules_dir or [])
    select = _rule_ids(args.select) or set(config.get("select", []))
    ignore = _rule_ids(args.ignore) | set(config.get("ignore", []))
    rules = _select(_load_rules(rules_dirs or None), select, ignore)
    policy_name = getattr(args, "policy", None) or config.get("policy")
    policy = None
    if policy_name:
        policy = _policy(policy_name, set(rules))
        rules = _policy_rules(rules, policy)
    overrides = config.get("severity", {})
    unknown = sorted(set(overrides) - set(rules))
    if unknown and not select:
        raise UsageError(f"bad configuration: {config.path}: severity names unknown rule(s) {', '.join(unknown)}")
    for rule_id, level in overrides.items():
        if rule_id in rules:  # pinned: the project decided how much this rule matters to it
            rules[rule_id] = replace(rules[rule_id], severity=Severity.parse(level), escalations=())
    root = scan_root(args.paths)
    options = scan_options(config, root, report_unused=getattr(args, "report_unused_waivers", None),
                           extra_exclude=args.exclude, respect_gitignore=False if args.no_gitignore else None)
    jobs = args.jobs if args.jobs is not None else config.get("jobs", 0)
    if jobs < 0:
        raise UsageError("--jobs must be 0 (automatic) or more")
    options.jobs = jobs
    return config, rules, options, root, policy


def cmd_scan(args) -> int:
    from linter.baseline import BaselineError, load_baseline
    from linter.engine import scan
    from linter.model import Severity
    from linter.report import render

    config, rules, options, root, policy = _prepare(args)
    baseline_path = args.baseline or (None if args.no_baseline or not config.get("baseline") else config.resolve(config.get("baseline")))
    if baseline_path:
        try:
            options.baseline = load_baseline(baseline_path)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
    fmt = args.format or config.get("format", "text")
    if fmt not in FORMATS:
        raise UsageError(f"bad configuration: {config.path}: format {fmt!r} is not one of {', '.join(FORMATS)}")
    output_path = args.output or (config.resolve(config.get("output")) if config.get("output") else None)
    result = scan(args.paths, rules, root=str(root), options=options)
    colour = fmt == "text" and not output_path and not args.no_color and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    threshold = Severity.parse(args.fail_on or config.get("fail-on", "low"))
    controls = None
    if policy is not None:
        from linter.policies import control_tags

        controls = control_tags([policy])
    output = render(fmt, result, colour=colour, fail_on=threshold, controls=controls)
    _write(output, output_path)
    failing = [f for f in result.active if f.severity >= threshold and f.severity > Severity.INFO]
    return EXIT_FINDINGS if failing and not args.exit_zero else EXIT_CLEAN


def cmd_baseline(args) -> int:
    from linter.baseline import write_baseline
    from linter.engine import scan

    if args.baseline_command != "create":
        raise UsageError("baseline needs an action: `pacsguard baseline create [PATH...] [-o FILE]`")
    config, rules, options, root, _ = _prepare(args)
    target = args.output or (config.resolve(config.get("baseline")) if config.get("baseline") else DEFAULT_BASELINE)
    result = scan(args.paths, rules, root=str(root), options=options)
    count = write_baseline(target, result.findings, Path(result.root), __version__)
    print(f"pacsguard: wrote {count} finding{'s' if count != 1 else ''} to {target}", file=sys.stderr)
    return EXIT_CLEAN


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

    config, rules, options, root, policy = _prepare(args)
    if policy is None:
        raise UsageError("report needs a compliance pack: --policy hipaa (or `policy:` in the configuration file)")
    result = scan(args.paths, rules, root=str(root), options=options)
    output = render_audit(args.format, build_audit(args.paths, result, policy))
    _write(output, args.output)
    return EXIT_CLEAN  # the report is the product: findings in it are not a failure of the command


def _write(output: str, path: str | None) -> None:
    """A file name that is not valid UTF-8 reaches reports as surrogate escapes; it is written as
    a visible `\\udcXX` escape, never as bytes that would make the report invalid UTF-8."""
    data = output.encode("utf-8", "backslashreplace")
    if path:
        with open(path, "wb") as handle:
            handle.write(data)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


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
        return {"scan": cmd_scan, "baseline": cmd_baseline, "rules": cmd_rules, "explain": cmd_explain,
                "report": _cmd_report}[args.command](args)
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
