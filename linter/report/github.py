"""GitHub Actions workflow commands: one annotation line per active finding,

    ::error file=PATH,line=N,col=C,title=PGnnn TITLE::MESSAGE

- Level, as in the SARIF report: critical and high -> `error`, medium -> `warning`, low and
  info -> `notice`.
- Escaping is the Actions toolkit's (`@actions/core` `escapeData` / `escapeProperty`): `%`, CR and
  LF in the message become `%25`, `%0D`, `%0A`; properties also escape `:` and `,` as `%3A`, `%2C`.
  A newline in a message or a file name therefore cannot start a second command in the log. Only
  undecodable file-name bytes are changed beyond that (to `\\xNN`), so the line can be written.
- Most severe first, then by position: GitHub shows at most 10 annotations of each level per step
  (50 per job), so the ones it shows are the worst. Upload SARIF for the complete list.
- Waived findings are left out. The file path is relative to the scan root: run from the
  repository's top so GitHub places the annotation on the file.
"""
from __future__ import annotations

from linter.model import Finding, Severity
from linter.report.safe import encodable, worst_first

LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
         Severity.LOW: "notice", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(f: Finding) -> str:
    properties = {"file": f.origin.path, "line": str(f.origin.line), "col": str(f.origin.column),
                  "title": f"{f.rule_id} {f.title}".rstrip()}
    joined = ",".join(f"{key}={escape_property(encodable(value))}" for key, value in properties.items())
    return f"::{LEVEL[f.severity]} {joined}::{escape_data(encodable(f.message))}"


def render(result, **_: object) -> str:
    return "".join(command(f) + "\n" for f in worst_first(result.active))
