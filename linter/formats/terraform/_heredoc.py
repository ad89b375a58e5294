"""A JSON policy written as a heredoc whose interpolations the evaluator cannot resolve.

`policy = <<POLICY ... "Resource": "arn:aws:s3:::${aws_s3_bucket.b.id}/*" ... POLICY` evaluates
to unknown as a whole, yet who it admits (`"Principal": "*"`) is written in plain text. This
reads the heredoc from the scanned file at the attribute's line and stands a placeholder in for
each interpolation; the result only ever answers "who and which actions", never a resource name.
"""
from __future__ import annotations

import json
import re
from typing import Any

from linter.model import Origin

_OPEN = re.compile(r"=\s*<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")
_INTERPOLATION = re.compile(r"\$\{[^{}]*\}")
MAX_LINES = 2000


def heredoc_json(read_ctx: Any, origin: Origin) -> Any:
    """The JSON document of the heredoc that starts on `origin`'s line, or None."""
    loaded = getattr(read_ctx, "loaded", None)
    source = loaded.get(origin.path) if isinstance(loaded, dict) else None
    if source is None:
        return None
    lines = source.lines
    if not 0 < origin.line <= len(lines):
        return None
    opening = _OPEN.search(lines[origin.line - 1])
    if opening is None:
        return None
    body = []
    for line in lines[origin.line: origin.line + MAX_LINES]:
        if line.strip() == opening.group(1):
            try:
                return json.loads(_INTERPOLATION.sub("interpolated", "\n".join(body)))
            except ValueError:
                return None
        body.append(line)
    return None
