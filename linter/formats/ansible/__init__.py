"""Ansible: playbooks, roles and inventories, with variables resolved and templates rendered
into the configuration readers (issue 5).

Any file of a project (a playbook, a role's task or defaults file, an inventory, group_vars)
leads to the whole project, found by walking up (see layout.py), and the project is evaluated
once per scan however many of its files were discovered: the facts come out with the first of
its files, every later file of the same project adds nothing. A pre-commit run that passes only
`roles/samba/defaults/main.yml` therefore still reads the role's tasks and templates, through
the scan's ReadContext and never outside the scanned tree.

The parts: yamlfile (safe YAML with lines, `!vault`), inventory (INI and YAML), layout
(discovery), frame (variables and precedence), jinja (sandboxed rendering with a line map),
tasks (one normal form for every spelling), evaluate (plays, roles, blocks, includes, loops),
modules and the mapper modules (facts per module), edits (files the tasks write).
"""
from __future__ import annotations

from pathlib import Path

from linter.facts import Fact
from linter.formats.ansible.evaluate import Evaluator, prune_package_listeners
from linter.formats.ansible.layout import Files, project_root
from linter.model import SourceFile

_UNIT_FILES: dict[str, Files] = {}


def _memo(ctx) -> dict:
    memo = getattr(ctx, "memo", None)
    if memo is None:
        memo = {}
        ctx.memo = memo
    return memo.setdefault("ansible", {"files": Files(ctx), "projects": {}})


def read(source: SourceFile, ctx) -> list[Fact]:
    state = _memo(ctx)
    files: Files = state["files"]
    root = project_root(source.relpath, files)
    projects: dict[str, Evaluator] = state["projects"]
    facts: list[Fact] = []
    evaluator = projects.get(root)
    if evaluator is None:
        evaluator = Evaluator(ctx, root, files)
        projects[root] = evaluator
        facts = prune_package_listeners(evaluator.run())
    if source.relpath not in evaluator.visited:
        facts += evaluator.run_orphan(source.relpath)
    # A file this reader was given but could not parse: reported once, by the files cache.
    files.yaml(source.relpath) if source.relpath.endswith((".yml", ".yaml")) else None
    return facts


def read_group(sources: list[SourceFile], ctx) -> list[Fact]:
    """The files of one project read as one unit (see `unit_key`)."""
    facts: list[Fact] = []
    for source in sources:
        facts += read(source, ctx)
    return facts


def unit_key(relpath: str, root: str) -> str:
    """The project a file belongs to, for an engine that splits a scan into units: every file of
    one project in one unit, so that a worker evaluates the project once, with all its files."""
    from linter.engine import ReadContext

    files = _UNIT_FILES.get(root)
    if files is None:
        files = _UNIT_FILES[root] = Files(ReadContext(Path(root)))
    return project_root(relpath, files)
