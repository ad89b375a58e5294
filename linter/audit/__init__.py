"""Audit reports: a scan read against one compliance pack (scope, controls, findings, waivers),
drawn as one self-contained HTML file (html.py) or Markdown (markdown.py)."""
from __future__ import annotations

from linter.audit.build import build_audit
from linter.audit.model import FAIL, NOT_APPLICABLE, PASS, Audit

RENDERERS = {"html": "linter.audit.html", "md": "linter.audit.markdown"}


def render_audit(fmt: str, audit: Audit) -> str:
    import importlib

    return importlib.import_module(RENDERERS[fmt]).render(audit)


__all__ = ["Audit", "FAIL", "NOT_APPLICABLE", "PASS", "RENDERERS", "build_audit", "render_audit"]
