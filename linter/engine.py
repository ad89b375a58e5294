"""The scan pipeline: discover -> read -> facts -> rules -> suppress, returning a ScanResult.

Each stage is its own module; this one only wires them together and turns every failure of a
single file into a finding for that file, so one bad file never stops the scan.
"""
from __future__ import annotations

import bisect
import codecs
import datetime as _dt
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Callable

from linter import formats
from linter.discover import Candidate, Discovery, discover
from linter.conditions import PatternTimeout
from linter.facts import Fact
from linter.model import Finding, Origin, ParseError, Severity, SourceFile
from linter.rules import Rule
from linter.scope import scope_of
from linter.secrets import mask
from linter.suppress import PathWaiver, apply_waivers

if TYPE_CHECKING:
    from linter.baseline import Baseline

_TEMPLATE = re.compile(r"\{(\w+)\}")
SNIPPET_CHARS = 500
SNIPPET_WINDOW = 4096
MESSAGE_CHARS = 2000  # a message quotes values from the file; a huge value must not flood a report


@dataclass
class ScannedFile:
    relpath: str
    format: str


@dataclass
class ScanResult:
    root: str
    files: list[ScannedFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is None]


class ReadContext:
    """What a reader may ask of the scan: other files of the tree (includes, mounted configs,
    env files), only inside the scanned root, each read once."""

    def __init__(self, root: Path):
        self.root = root
        self.loaded: dict[str, SourceFile] = {}
        self.problems: list[Finding] = []
        # Files another reader has read in their full context (an orthanc.json mounted into a
        # compose service, with the container's environment and secrets); their own reader skips
        # them so the same file is not judged twice, once without that context.
        self.claims: dict[str, str] = {}
        # Per-scan results a reader computes once for many files (an Ansible project is
        # evaluated once however many of its files were discovered), keyed by the reader.
        self.memo: dict[str, object] = {}

    def claim(self, relpath: str, by: str) -> None:
        self.claims.setdefault(relpath, by)

    def relpath(self, path: Path) -> str | None:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def _inside(self, target: str, base: SourceFile | None) -> Path | None:
        path = Path(target)
        if not path.is_absolute():
            path = (Path(base.path).parent if base else self.root) / path
        return path if self.relpath(path) is not None else None

    def exists(self, target: str, base: SourceFile | None = None) -> bool:
        """Whether a file exists inside the scanned tree (no note when it does not)."""
        path = self._inside(target, base)
        return path is not None and path.is_file()

    def listdir(self, target: str, base: SourceFile | None = None) -> list[str]:
        """Names in a folder of the scanned tree, sorted; empty outside the tree or when missing."""
        path = self._inside(target, base)
        if path is None or not path.is_dir():
            return []
        try:
            return sorted(entry.name for entry in os.scandir(path))
        except OSError:
            return []

    def load(self, target: str, base: SourceFile | None = None, fmt: str = "") -> SourceFile | None:
        """Read another file of the tree, `target` relative to `base`'s folder (or absolute).
        Returns None for a file outside the scanned tree, missing, or unreadable."""
        path = Path(target)
        if not path.is_absolute():
            anchor = Path(base.path).parent if base else self.root
            path = anchor / path
        rel = self.relpath(path)
        if rel is None or not path.exists():
            return None
        if rel in self.loaded:
            return self.loaded[rel]
        source = read_source(str(path.resolve()), rel, fmt, self.problems)
        if source is not None:
            self.loaded[rel] = source
        return source


def _tool_finding(rule_id: str, severity: Severity, message: str, origin: Origin) -> Finding:
    return Finding(rule_id, severity, message, origin, rule_class="tool")


def decode(data: bytes, relpath: str, problems: list[Finding]) -> str | None:
    """Text of a file, or None for binary data. Invalid UTF-8 is reported (PG001, with its line)
    and decoded with replacement characters, so the rest of the file is still checked."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(_tool_finding(
            "PG001", Severity.MEDIUM,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); read with replacement characters",
            Origin(relpath, line, column)))
        return data.decode("utf-8", "replace")


def read_source(path: str, relpath: str, fmt: str, problems: list[Finding]) -> SourceFile | None:
    try:
        if os.path.isdir(path):
            return SourceFile(path, relpath, fmt, "")
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        problems.append(_tool_finding("PG002", Severity.LOW, f"file cannot be read: {exc.strerror or exc}", Origin(relpath)))
        return None
    text = decode(data, relpath, problems)
    if text is None:
        problems.append(_tool_finding("PG002", Severity.LOW, "binary content in a file named like a configuration file; not scanned", Origin(relpath)))
        return None
    return SourceFile(path, relpath, fmt, text)


def _read_unit(fmt: str, sources: list[SourceFile], ctx: ReadContext, problems: list[Finding]) -> list[Fact]:
    module = formats.reader_for(fmt)
    try:
        if formats.reads_as_group(fmt):
            return list(module.read_group(sources, ctx))
        return list(module.read(sources[0], ctx))
    except ParseError as exc:
        path = getattr(exc, "path", None) or sources[0].relpath
        problems.append(_tool_finding("PG001", Severity.MEDIUM, f"cannot be parsed as {formats.FORMATS[fmt].description}: {exc.message}",
                                      Origin(path, exc.line, exc.column)))
    except RecursionError:
        problems.append(_tool_finding("PG001", Severity.MEDIUM, f"nested too deeply to parse as {formats.FORMATS[fmt].description}",
                                      Origin(sources[0].relpath)))
    except Exception as exc:  # a reader bug must cost one file, not the scan
        problems.append(_tool_finding("PG005", Severity.MEDIUM, f"internal error while reading this file ({type(exc).__name__}: {exc}); please report it",
                                      Origin(sources[0].relpath)))
    return []


Unit = tuple[str, list[Candidate]]  # a format and the files it reads together


@dataclass
class ReadBatch:
    """What reading some units yields; small enough to send back from a worker process (file
    texts stay behind: the few files with findings are read again for snippets and waivers)."""

    facts: list[Fact] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    scanned: list[ScannedFile] = field(default_factory=list)
    claims: dict[str, str] = field(default_factory=dict)
    loaded: dict[str, str] = field(default_factory=dict)  # relpath -> absolute path of every file read
    # Places of facts that a named file (pre-commit focus) is responsible for although they lie
    # in another file: what a Terraform root deploys through its modules, a mounted config read
    # in its compose service's context.
    focus_origins: set[Origin] = field(default_factory=set)
    # Secrets each file's facts quote, so snippets are masked even when the facts stay behind.
    file_secrets: dict[str, set[str]] = field(default_factory=dict)
    # Findings of the rules a worker evaluated itself (see linter.parallel), and their ids.
    findings: list[Finding] = field(default_factory=list)
    evaluated: frozenset[str] = frozenset()

    def extend(self, other: "ReadBatch") -> None:
        self.facts.extend(other.facts)
        self.problems.extend(other.problems)
        self.scanned.extend(other.scanned)
        for relpath, by in other.claims.items():
            self.claims.setdefault(relpath, by)
        self.loaded.update(other.loaded)
        self.focus_origins.update(other.focus_origins)
        for path, secrets in other.file_secrets.items():
            self.file_secrets.setdefault(path, set()).update(secrets)
        self.findings.extend(other.findings)
        self.evaluated = self.evaluated | other.evaluated


def plan_units(discovery: Discovery) -> list[Unit]:
    """Files grouped into reading units (one per file, or one per folder for folder-wide
    formats), readers that claim other files (formats.Format.first) first, then by path."""
    units: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for cand in discovery.candidates:
        fmt = formats.FORMATS[cand.format]
        if fmt.units_by_module:  # the reader knows its units (one Ansible project each)
            key = (cand.format, formats.reader_for(cand.format).unit_key(cand.relpath, discovery.root))
        elif fmt.group:
            key = (cand.format, str(PurePosixPath(cand.relpath).parent))
        else:
            key = (cand.format, cand.relpath)
        units[key].append(cand)
    order = sorted(units.items(), key=lambda item: (not formats.FORMATS[item[0][0]].first, item[0]))
    return [(fmt, cands) for (fmt, _), cands in order]


def read_units(root: str, units: list[Unit], claims: dict[str, str],
               focus: frozenset[str] | None = None) -> ReadBatch:
    """Read units in order with one shared context: what one worker process does."""
    import gc

    # Readers build many small acyclic objects (syntax trees, facts) that stay alive until the
    # batch ends; the cyclic collector's repeated full passes over them cost a fifth of a scan.
    # Young collections become rare; the old generations keep their thresholds.
    thresholds = gc.get_threshold()
    gc.freeze()  # what imports built is never garbage: keep it out of every collection
    gc.set_threshold(max(thresholds[0], 50_000), max(thresholds[1], 20), max(thresholds[2], 20))
    try:
        return _read_units(root, units, claims, focus)
    finally:
        gc.set_threshold(*thresholds)


def _read_units(root: str, units: list[Unit], claims: dict[str, str],
                focus: frozenset[str] | None) -> ReadBatch:
    ctx = ReadContext(Path(root))
    ctx.claims.update(claims)
    batch = ReadBatch()
    for fmt, cands in units:
        sources = []
        for cand in cands:
            if cand.relpath in ctx.claims:
                # read in its full context by the reader that claimed it (a template an Ansible
                # task renders): judging the raw file again would contradict that verdict
                batch.scanned.append(ScannedFile(cand.relpath, fmt))
                continue
            source = ctx.loaded.get(cand.relpath) or read_source(cand.path, cand.relpath, fmt, batch.problems)
            if source is not None:
                source.format = fmt
                ctx.loaded[cand.relpath] = source
                sources.append(source)
                batch.scanned.append(ScannedFile(cand.relpath, fmt))
        if sources:
            facts = _read_unit(fmt, sources, ctx, batch.problems)
            batch.facts.extend(facts)
            members = {c.relpath for c in cands}
            if focus and members & focus and formats.FORMATS[fmt].focus_through_reads:
                # A unit holding a named file answers for what it reads *through* other files
                # (modules, includes, mounts), not for its sibling members: those were not named.
                batch.focus_origins.update(f.origin for f in facts if f.origin.path not in members)
    batch.problems.extend(ctx.problems)
    batch.facts = [f if f.scope else replace(f, scope=scope_of(f.origin.path)) for f in batch.facts]
    for fact in batch.facts:
        if fact.secrets:
            batch.file_secrets.setdefault(fact.origin.path, set()).update(fact.secrets)
    batch.claims = dict(ctx.claims)
    batch.loaded = {rel: src.path for rel, src in ctx.loaded.items()}
    return batch


@dataclass
class Collected:
    """What the read stage hands to rule evaluation."""

    facts: list[Fact]
    problems: list[Finding]  # tool findings, and findings of rules the workers evaluated
    texts: "SourceTexts"
    scanned: list[ScannedFile]
    file_secrets: dict[str, set[str]]
    evaluated: frozenset[str]  # rules already evaluated in the workers
    focus_origins: frozenset[Origin] = frozenset()  # see ReadBatch.focus_origins


def collect_facts(discovery: Discovery, jobs: int = 1, rules: dict[str, Rule] | None = None) -> Collected:
    from linter.parallel import run_batches

    problems: list[Finding] = []
    for skipped in discovery.skipped:
        severity = Severity.INFO if "link" in skipped.reason or "does not exist" in skipped.reason else Severity.LOW
        problems.append(_tool_finding("PG002", severity, f"not scanned: {skipped.reason}", Origin(skipped.relpath)))
    units = plan_units(discovery)
    # Readers that index the whole tree (Terraform's module graph) do it once, here, before
    # worker processes fork and inherit it.
    for fmt in sorted({u[0] for u in units}):
        module = formats.reader_for(fmt)
        if hasattr(module, "prepare"):
            module.prepare(ReadContext(Path(discovery.root)))
    # Claiming readers run to completion first, so their claims reach every worker of the rest.
    first = [u for u in units if formats.FORMATS[u[0]].first]
    rest = [u for u in units if not formats.FORMATS[u[0]].first]
    total = ReadBatch()
    total.extend(run_batches(discovery.root, first, {}, jobs, discovery.focus, rules))
    total.extend(run_batches(discovery.root, rest, total.claims, jobs, discovery.focus, rules))
    problems.extend(total.problems)
    problems.extend(total.findings)
    return Collected(total.facts, problems, SourceTexts(total.loaded), total.scanned, total.file_secrets,
                     total.evaluated, frozenset(total.focus_origins))


def split_rules(rules: dict[str, Rule]) -> tuple[dict[str, Rule], frozenset[str]]:
    """The rules that judge one fact at a time (a worker can evaluate them where the facts are)
    and the fact kinds that cross-file rules need together in one place."""
    local = {rid: r for rid, r in rules.items() if r.fact is not None and r.related is None}
    kinds = frozenset(k for r in rules.values() if r.related is not None for k in (r.fact, r.related.fact))
    return local, kinds


class SourceTexts:
    """Lines of the files a scan read, fetched again from disk only when asked for: snippets and
    waivers need the few files with findings, and memory stays bounded by the largest file."""

    def __init__(self, paths: dict[str, str]):
        self.paths = paths
        self._lines: dict[str, list[str]] = {}

    def __iter__(self):
        return iter(self.paths)

    def get(self, relpath: str, default=None):
        if relpath not in self.paths:
            return default
        if relpath not in self._lines:
            source = read_source(self.paths[relpath], relpath, "", [])
            self._lines[relpath] = source.lines if source is not None else []
        return self._lines[relpath]


def _render(template: str, fact: Fact, related: list[Fact]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "related":
            return "; ".join(f"{r.detail} ({r.origin.path}:{r.origin.line})" for r in related)
        found = fact.get(name)
        if isinstance(found, (tuple, list)):
            return ", ".join(str(x) for x in found)
        return "" if found is None else str(found)

    text = _TEMPLATE.sub(value, template)
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


class _RelatedIndex:
    """The facts a cross-file rule may pair with, filtered by the rule's condition once, and
    indexed so that finding those related to one scope costs its depth plus the matches, not a
    pass over every fact of the tree (4,000 files: 37 million condition checks before, 2,000 now)."""

    def __init__(self, candidates: list[Fact], by_file: bool):
        self.by_file = by_file
        self.groups: dict[str, list[Fact]] = defaultdict(list)
        for fact in candidates:
            self.groups[fact.origin.path if by_file else fact.scope].append(fact)
        self.keys = sorted(self.groups)

    def related_to(self, fact: Fact) -> list[Fact]:
        if self.by_file:
            return [o for o in self.groups.get(fact.origin.path, ()) if o is not fact]
        scope = fact.scope
        if scope == "":  # the top of the tree relates to everything below it
            found = [o for key in self.keys for o in self.groups[key]]
        else:
            parts = scope.split("/")
            found = [o for i in range(len(parts) + 1) for o in self.groups.get("/".join(parts[:i]), ())]
            prefix = scope + "/"
            for key in self.keys[bisect.bisect_left(self.keys, prefix):]:
                if not key.startswith(prefix):
                    break
                found.extend(self.groups[key])
        return [o for o in found if o is not fact]


class _FactIndex:
    """Facts by kind, and by the lower-cased value of one field, built on first use."""

    def __init__(self, facts: list[Fact]):
        self.by_kind: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts:
            self.by_kind[fact.kind].append(fact)
        self._by_field: dict[tuple[str, str], dict[str, list[Fact]]] = {}

    def candidates(self, rule: Rule) -> list[Fact]:
        facts = self.by_kind.get(rule.fact, [])
        if rule.selector is None:
            return facts
        name, values = rule.selector
        table = self._by_field.get((rule.fact, name))
        if table is None:
            table = defaultdict(list)
            for fact in facts:
                value = fact.get(name)
                if isinstance(value, str):
                    table[value.lower()].append(fact)
            self._by_field[(rule.fact, name)] = table
        if len(values) == 1:
            return table.get(next(iter(values)), [])
        position = {id(f): i for i, f in enumerate(facts)} if len(values) > 1 else {}
        picked = [f for v in values for f in table.get(v, ())]
        return sorted(picked, key=lambda f: position[id(f)])  # keep the facts' own order


def evaluate(rules: dict[str, Rule], facts: list[Fact]) -> list[Finding]:
    index_ = _FactIndex(facts)
    by_kind = index_.by_kind
    findings: list[Finding] = []
    for rule in rules.values():
        if rule.fact is None:
            continue
        index = None
        if rule.related is not None:
            index = _RelatedIndex([o for o in by_kind.get(rule.related.fact, ()) if rule.related.where(o)],
                                  by_file=rule.related.scope == "file")
        for fact in index_.candidates(rule):
            try:
                if not rule.where(fact):
                    continue
            except PatternTimeout as exc:
                findings.append(_tool_finding(
                    "PG006", Severity.LOW,
                    f"rule {rule.id}'s pattern {exc.pattern!r} took too long on this file and was "
                    "treated as no match; simplify the rule's regular expression", fact.origin))
                continue
            related: list[Fact] = []
            if index is not None:
                # a file read on its own and again through an include yields the same fact twice
                unique: dict[tuple, Fact] = {}
                for other in index.related_to(fact):
                    unique.setdefault((other.origin, other.detail), other)
                related = list(unique.values())
                if not related:
                    continue
            severity = rule.severity
            for esc in rule.escalations:
                if esc.when is not None and not esc.when(fact):
                    continue
                if esc.when_related is not None and not any(esc.when_related(r) for r in related):
                    continue
                severity = max(severity, esc.severity)
            secrets = tuple(fact.secrets) + tuple(s for r in related for s in r.secrets)
            findings.append(Finding(
                rule.id, severity, _render(rule.message, fact, related), fact.origin,
                rule_class=rule.rule_class, title=rule.title,
                # where the value came from (an Ansible variable's file and line) is shown as a
                # related place, and keeps a finding in a pre-commit run that names only that file
                related=tuple(sorted({r.origin for r in related} | set(fact.derived_from),
                                     key=lambda o: (o.path, o.line, o.column))),
                secrets=secrets,
            ))
    return findings


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and place: the same mounted orthanc.json read on its own and through
    its compose service gives the same finding twice. Keep the most severe, merge secrets."""
    best: dict[tuple, Finding] = {}
    for f in findings:
        key = (f.rule_id, f.origin.path, f.origin.line, f.origin.column)
        kept = best.get(key)
        if kept is None or f.severity > kept.severity:
            best[key] = f if kept is None else replace(f, secrets=tuple({*f.secrets, *kept.secrets}))
        else:
            best[key] = replace(kept, secrets=tuple({*f.secrets, *kept.secrets}))
    return list(best.values())


@dataclass
class ScanOptions:
    """What a project's configuration and the command line add to a scan."""

    exclude: Callable[[Path], bool] | None = None  # absolute path -> excluded
    respect_gitignore: bool = True
    path_waivers: list[PathWaiver] = field(default_factory=list)
    report_unused_waivers: bool = False
    baseline: Baseline | None = None
    jobs: int = 1  # worker processes; 0 = one per core when the tree is large enough to gain


def _in_focus(finding: Finding, focus: frozenset[str] | None, focus_origins: frozenset[Origin]) -> bool:
    if focus is None or finding.origin.path in focus or finding.origin in focus_origins:
        return True
    return any(r.path in focus for r in finding.related)


def scan(paths: list[str], rules: dict[str, Rule], root: str | None = None,
         today: _dt.date | None = None, options: ScanOptions | None = None) -> ScanResult:
    options = options or ScanOptions()
    group_formats = frozenset(name for name, fmt in formats.FORMATS.items() if fmt.group)
    discovery = discover(paths, Path(root) if root else None, exclude=options.exclude,
                         gitignore=options.respect_gitignore, group_formats=group_formats)
    collected = collect_facts(discovery, options.jobs, rules)
    facts, texts = collected.facts, collected.texts
    remaining = {rid: r for rid, r in rules.items() if rid not in collected.evaluated}
    findings = _dedupe(evaluate(remaining, facts) + collected.problems)
    findings = [f for f in findings if f.rule_id in rules]
    # A snippet is a whole line, and a line can hold more than the one secret its finding is
    # about (two users on one line; a line-1 finding about a missing key on a password line):
    # mask every secret any fact found in that file.
    file_secrets = collected.file_secrets
    findings = apply_waivers(findings, texts, today, options.path_waivers, options.report_unused_waivers)
    findings = [f for f in findings if f.rule_id in rules and _in_focus(f, discovery.focus, collected.focus_origins)]
    finished = []
    for f in findings:
        rule = rules[f.rule_id]
        lines = texts.get(f.origin.path, [])
        line = lines[f.origin.line - 1].strip() if 0 < f.origin.line <= len(lines) else ""
        # Mask a window wider than what is shown, so a secret that straddles the cut is still
        # recognised whole; never run the masker over a multi-megabyte line.
        secrets = tuple(file_secrets.get(f.origin.path, set()).union(f.secrets))
        snippet = mask(line[:SNIPPET_WINDOW], secrets)[:SNIPPET_CHARS]
        finished.append(replace(f, message=mask(f.message, secrets), snippet=snippet,
                                title=rule.title, rule_class=rule.rule_class))
    finished.sort(key=lambda f: f.sort_key)
    if options.baseline is not None:
        finished = options.baseline.apply(finished, Path(discovery.root))
    return ScanResult(discovery.root, sorted(collected.scanned, key=lambda s: s.relpath), finished, facts, rules)
