"""Project configuration: `.pacsguard.yaml` (or `.yml`) or `[tool.pacsguard]` in `pyproject.toml`,
found by walking up from the scanned path, validated against `config_schema.json`.

A team commits one file that every run reads (pre-commit, CI, an auditor's laptop), so a CI
gate and a developer's hook agree. Command-line flags win over it. Paths inside it (exclude
globs, waiver paths, the baseline, rule folders) are relative to the folder that holds it, so
the same file works whatever folder pacsguard is started from.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from linter.model import Origin

CONFIG_NAMES = (".pacsguard.yaml", ".pacsguard.yml")
_PACKAGE = Path(__file__).resolve().parent


class ConfigError(Exception):
    """A configuration file that cannot be used: the message names the file, line and key."""

    def __init__(self, path: Path, line: int | None, message: str):
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class ConfigWaiver:
    """An exception written in the configuration file: for files whose format has no comments
    (JSON), for a whole folder, or for a team that wants its exceptions reviewed in one place."""

    rule_ids: tuple[str, ...]
    path_glob: str
    reason: str
    until: str | None
    approved_by: str | None
    line: int  # of the entry in the configuration file


@dataclass
class Config:
    path: Path | None = None  # None: no configuration file found
    base: Path = field(default_factory=Path.cwd)  # folder that relative paths start from
    values: dict[str, Any] = field(default_factory=dict)
    waivers: list[ConfigWaiver] = field(default_factory=list)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def resolve(self, relative: str) -> str:
        return str((self.base / relative).resolve())

    def origin(self, root: Path, line: int) -> Origin:
        """Where a finding about this file points: relative to the scan root when inside it."""
        assert self.path is not None
        try:
            shown = self.path.resolve().relative_to(root).as_posix()
        except ValueError:
            shown = self.path.as_posix()
        return Origin(shown, line)


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above `start`: in each folder `.pacsguard.yaml` first,
    then a `pyproject.toml` that has a `[tool.pacsguard]` table."""
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


_TOOL_TABLE = re.compile(r"^\s*\[\s*tool\.pacsguard(\s*\]|\.)", re.MULTILINE)


def _has_tool_table(pyproject: Path) -> bool:
    try:
        return bool(_TOOL_TABLE.search(pyproject.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


def _plain(value: Any) -> Any:
    """YAML and TOML read an unquoted 2026-12-31 as a date; the schema and the waivers want text."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _parse(path: Path, text: str) -> dict[str, Any]:
    if path.name == "pyproject.toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(path, getattr(exc, "lineno", None), f"not valid TOML: {exc}") from None
        table = document.get("tool", {}).get("pacsguard", {})
    else:
        import yaml

        try:
            table = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ConfigError(path, mark.line + 1 if mark else None, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
        table = {} if table is None else table
    if not isinstance(table, dict):
        raise ConfigError(path, 1, "the configuration must be a mapping of keys to values")
    return _plain(table)


def _line_of(text: str, key: str, occurrence: int = 0) -> int | None:
    """Line of a key in the file's text (YAML `key:` or TOML `key =`), for error messages."""
    pattern = re.compile(rf"^\s*(?:-\s*)?[\"']?{re.escape(key)}[\"']?\s*[:=]", re.MULTILINE)
    matches = list(pattern.finditer(text))
    if len(matches) <= occurrence:
        return None
    return text.count("\n", 0, matches[occurrence].start()) + 1


def _schema_errors(table: dict[str, Any], digest: str) -> list[Any]:
    from linter import cache

    if cache.marked(f"config-{digest}.ok"):
        return []
    import jsonschema  # deferred: 0.1 s to import, paid only when this exact file is new

    with open(_PACKAGE / "config_schema.json", encoding="utf-8") as handle:
        validator = jsonschema.Draft202012Validator(json.load(handle))
    errors = sorted(validator.iter_errors(table), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        cache.mark(f"config-{digest}.ok")
    return errors


def _explain(error: Any, text: str, path: Path) -> ConfigError:
    location = [str(p) for p in error.absolute_path]
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(known))
        name = unknown[0] if unknown else "?"
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(known)})"
        prefix = ".".join(location + [name])
        return ConfigError(path, _line_of(text, name), f"unknown key '{prefix}'{hint}")
    key = next((p for p in reversed(location) if not p.isdigit()), None)
    where = ".".join(location) or "(top level)"
    return ConfigError(path, _line_of(text, key) if key else None, f"{where}: {error.message}")


def load_config(path: Path) -> Config:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path, None, f"cannot be read: {exc.strerror or exc}") from None
    text = data.decode("utf-8", "replace")
    table = _parse(path, text)
    errors = _schema_errors(table, hashlib.sha256(data).hexdigest()[:24])
    if errors:
        raise _explain(errors[0], text, path)
    waivers = []
    for index, entry in enumerate(table.get("waivers", [])):
        rules = entry["rule"] if isinstance(entry["rule"], list) else [entry["rule"]]
        waivers.append(ConfigWaiver(
            tuple(rules), entry["path"], (entry.get("reason") or "").strip(), entry.get("until"),
            entry.get("approved-by"), _line_of(text, "rule", index) or _line_of(text, "waivers") or 1))
    return Config(path=path, base=path.parent.resolve(), values=table, waivers=waivers)


def config_for(paths: list[str], explicit: str | None = None) -> Config:
    """The configuration that applies to a scan of `paths`: `--config FILE` when given, else the
    nearest file above the first scanned path (or the current folder)."""
    if explicit:
        return load_config(Path(explicit))
    start = Path(paths[0]) if paths else Path.cwd()
    found = find_config(start if start.exists() else Path.cwd())
    return load_config(found) if found else Config()


def _glob_matcher(globs: list[str], base: Path) -> Callable[[Path], bool]:
    """gitignore-style globs relative to `base`, as a test on absolute paths."""
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines(globs)

    def matches(path: Path) -> bool:
        try:
            rel = path.resolve().relative_to(base).as_posix()
        except ValueError:
            return False
        return spec.match_file(rel) or (path.is_dir() and spec.match_file(rel + "/"))

    return matches


def scan_options(config: Config, root: Path, report_unused: bool | None = None,
                 extra_exclude: list[str] = (), respect_gitignore: bool | None = None):
    """The engine's options for a scan whose report paths are relative to `root`."""
    from linter.engine import ScanOptions
    from linter.suppress import PathWaiver

    globs = list(config.get("exclude", []))
    exclude = None
    if globs or extra_exclude:
        from_config = _glob_matcher(globs, config.base) if globs else None
        from_cli = _glob_matcher(list(extra_exclude), Path.cwd().resolve()) if extra_exclude else None
        exclude = lambda p: bool((from_config and from_config(p)) or (from_cli and from_cli(p)))  # noqa: E731
    waivers = []
    for waiver in config.waivers:
        matcher = _glob_matcher([waiver.path_glob], config.base)
        waivers.append(PathWaiver(
            waiver.rule_ids, waiver.reason, waiver.until, waiver.approved_by, config.origin(root, waiver.line),
            lambda rel, m=matcher: m(root / rel)))
    return ScanOptions(
        exclude=exclude,
        respect_gitignore=config.get("respect-gitignore", True) if respect_gitignore is None else respect_gitignore,
        path_waivers=waivers,
        report_unused_waivers=config.get("report-unused-waivers", False) if report_unused is None else report_unused,
    )
