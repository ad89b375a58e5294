"""Line handling shared by the readers of line-oriented formats (smb.conf, afp.conf, Apache,
ProFTPD, vsftpd, ...): comment lines, template lines and backslash continuations."""
from __future__ import annotations

import re
from typing import Iterator

from linter.model import SourceFile

# A line that is only a Jinja2 or ERB statement/comment ({% if %}, {# #}, <% %>): not configuration.
TEMPLATE_LINE = re.compile(r"^\s*(\{%.*%\}|\{#.*#\}|<%.*%>)\s*$")


def logical_lines(source: SourceFile, comments: str = "#", escaped_backslash: bool = False) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each logical line: a line ending in a backslash continues on
    the next one; blank lines, lines starting with one of `comments` and template lines are
    dropped. With `escaped_backslash`, a line ending in two backslashes does not continue."""
    buffer, start = "", 0
    for number, raw in enumerate(source.lines, 1):
        if not buffer:
            start = number
            stripped = raw.strip()
            if not stripped or stripped[0] in comments or TEMPLATE_LINE.match(raw):
                continue
        end = raw.rstrip()
        if end.endswith("\\") and not (escaped_backslash and end.endswith("\\\\")):
            buffer += end[:-1] + " "
            continue
        yield start, buffer + raw
        buffer = ""
    if buffer:
        yield start, buffer
