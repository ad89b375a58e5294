"""`terraform show -json` plan files: fully resolved values, mapped back to the `.tf` source.

Values come from `planned_values` (every module, recursively; `values` for the same command
run on a state); attributes that
`resource_changes[].change.after_unknown` marks as known only after apply are `Unknown`.
A plan holds no positions of the configuration, so each resource is looked up as the block
`resource "TYPE" "NAME"` in the scanned tree: first in the module folder its address names
(the plan's folder for the root module, then each `module` block's local `source`), else in the
only file of the tree that declares it; an attribute's origin is where it is written in that
block, else the block's line. A resource found nowhere points at its `"address"` in the plan.

Without provider schemas a nested block cannot be told from an attribute of objects: a list
of objects (`ingress`, `security_rule`, `allow`...) becomes nested blocks, as it is written in
`.tf` files; maps (`tags`) stay attributes.
"""
from __future__ import annotations

import json
import posixpath
import re
from typing import Any

from linter.facts import Fact
from linter.formats.terraform import syntax as s
from linter.formats.terraform.model import Attribute, Block, Evaluated, Resource, Unknown
from linter.formats.terraform.tree import Tree, folder_of, is_remote
from linter.model import Origin, ParseError, SourceFile

MAX_PLAN_DEPTH = 64


_ADDRESS = re.compile(r'"address"\s*:\s*("(?:[^"\\]|\\.)*")')
_DECLARATION = re.compile(r'(resource|data)\s+"?([\w-]+)"?\s+"?([\w-]+)"?\s*\{')


def address_origins(text: str, relpath: str) -> dict[str, Origin]:
    """Where each `"address": "..."` is first written in the plan, found in one pass (a plan
    of thousands of resources is one long line)."""
    found: dict[str, Origin] = {}
    line, line_start, scanned = 1, 0, 0
    for match in _ADDRESS.finditer(text):
        try:
            address = json.loads(match.group(1))
        except ValueError:
            continue
        if address in found:
            continue
        newlines = text.count("\n", scanned, match.start())
        if newlines:
            line += newlines
            line_start = text.rfind("\n", scanned, match.start()) + 1
        scanned = match.start()
        found[address] = Origin(relpath, line, match.start() - line_start + 1)
    return found


class _Locator:
    """Finds the `.tf` block of a plan resource in the scanned tree."""

    def __init__(self, tree: Tree, plan_folder: str):
        self.tree = tree
        self.plan_folder = plan_folder
        self._folders: dict[str, str | None] = {"": plan_folder}
        self._declarations: dict[tuple[str, str, str], list[str]] | None = None

    def declarations(self) -> dict[tuple[str, str, str], list[str]]:
        """(keyword, type, name) -> the `.tf` files of the tree that declare it, from one text
        search per file (JSON syntax files are parsed)."""
        if self._declarations is None:
            index: dict[tuple[str, str, str], list[str]] = {}
            for rel in self.tree.tf_files():
                if rel.endswith(".json"):
                    doc = self.tree.document(rel)
                    keys = {(b.type, *b.labels[:2]) for b in doc.body.blocks if b.type in ("resource", "data") and len(b.labels) >= 2} if doc else set()
                else:
                    source = self.tree.source(rel)
                    keys = {m.groups() for m in _DECLARATION.finditer(source.text)} if source else set()
                for key in keys:
                    index.setdefault(key, []).append(rel)
            self._declarations = index
        return self._declarations

    def module_folder(self, module_address: str) -> str | None:
        if module_address in self._folders:
            return self._folders[module_address]
        parts = re.findall(r'module\.([\w-]+)(?:\[[^\]]*\])?', module_address)
        folder: str | None = self.plan_folder
        for name in parts:
            if folder is None:
                break
            target = None
            for doc in self.tree.module_docs(folder):
                for block in doc.body.blocks_of("module"):
                    attr = block.body.attributes.get("source")
                    if block.labels and block.labels[0] == name and attr is not None and \
                            isinstance(attr.expr, s.Literal) and isinstance(attr.expr.value, str) and not is_remote(attr.expr.value):
                        target = self.tree.resolve_source(folder, attr.expr.value)
            folder = target
        self._folders[module_address] = folder
        return folder

    def block(self, module_address: str, mode: str, type_: str, name: str) -> tuple[str, s.BlockSyntax] | None:
        keyword = "data" if mode == "data" else "resource"
        folder = self.module_folder(module_address)
        if folder is not None:
            found = self._in_docs(self.tree.module_docs(folder), keyword, type_, name)
            if found is not None:
                return found
        matches = self.declarations().get((keyword, type_, name), [])
        if len(matches) != 1:
            return None
        doc = self.tree.document(matches[0])
        return self._in_docs([doc] if doc else [], keyword, type_, name)

    @staticmethod
    def _in_docs(docs: list[s.Document], keyword: str, type_: str, name: str) -> tuple[str, s.BlockSyntax] | None:
        for doc in docs:
            for block in doc.body.blocks_of(keyword):
                if block.labels[:2] == (type_, name):
                    return doc.relpath, block
        return None


def _is_blocks(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _block(type_: str, labels: tuple, values: dict, unknown: dict, relpath: str | None,
           syntax: s.BlockSyntax | None, fallback: Origin, depth: int = 0) -> Block:
    origin = Origin(relpath, syntax.line, syntax.column) if (relpath and syntax) else fallback
    block = Block(type_, labels, origin)
    written = syntax.body.attributes if syntax else {}
    for key in sorted(set(values) | {k for k, v in unknown.items() if v is True}):
        value = values.get(key)
        if unknown.get(key) is True:
            value = Unknown("known after apply")
        if depth < MAX_PLAN_DEPTH and _is_blocks(value):
            nested = [b for b in syntax.body.blocks if b.type == key] if syntax else []
            dynamic = [b for b in syntax.body.blocks if b.type == "dynamic" and b.labels[:1] == (key,)] if syntax else []
            content = None
            if dynamic:
                contents = dynamic[0].body.blocks_of("content")
                content = contents[0] if contents else dynamic[0]
            inner_unknown = unknown.get(key) if isinstance(unknown.get(key), list) else []
            for i, item in enumerate(value):
                item_syntax = nested[i] if i < len(nested) else content
                item_unknown = inner_unknown[i] if i < len(inner_unknown) and isinstance(inner_unknown[i], dict) else {}
                block.blocks.append(_block(key, (), item, item_unknown, relpath, item_syntax, origin, depth + 1))
            continue
        attr = written.get(key)
        attr_origin = Origin(relpath, attr.line, attr.column) if (relpath and attr) else origin
        block.attributes[key] = Attribute(key, value, attr_origin)
    return block


def _modules(module: dict, depth: int = 0):
    if depth > MAX_PLAN_DEPTH or not isinstance(module, dict):
        return
    yield module
    for child in module.get("child_modules") or ():
        yield from _modules(child, depth + 1)


def evaluate_plan(plan: dict, text: str, relpath: str, tree: Tree) -> Evaluated:
    locator = _Locator(tree, folder_of(relpath))
    unknowns: dict[str, dict] = {}
    for change in plan.get("resource_changes") or ():
        if isinstance(change, dict) and isinstance(change.get("change"), dict):
            after_unknown = change["change"].get("after_unknown")
            if isinstance(after_unknown, dict):
                unknowns[str(change.get("address", ""))] = after_unknown
    entries: list[tuple[dict, dict]] = []
    planned = plan.get("planned_values")
    if not isinstance(planned, dict) and isinstance(plan.get("values"), dict):
        planned = plan["values"]  # `terraform show -json` of a state: what is deployed
    if isinstance(planned, dict) and isinstance(planned.get("root_module"), dict):
        for module in _modules(planned["root_module"]):
            for res in module.get("resources") or ():
                if isinstance(res, dict) and isinstance(res.get("values"), dict):
                    entries.append((res, res["values"]))
    else:
        for change in plan.get("resource_changes") or ():
            after = change.get("change", {}).get("after") if isinstance(change, dict) else None
            if isinstance(after, dict):
                entries.append((change, after))
    resources = []
    origins = address_origins(text, relpath)
    for res, values in entries:
        address = str(res.get("address", ""))
        type_, name = str(res.get("type", "")), str(res.get("name", ""))
        mode = "data" if res.get("mode") == "data" else "managed"
        module_address = address.rsplit(f"{'data.' if mode == 'data' else ''}{type_}.{name}", 1)[0].rstrip(".")
        located = locator.block(module_address, mode, type_, name)
        fallback = origins.get(address, Origin(relpath, 1, 1))
        rel, syntax = located if located else (None, None)
        body = _block(type_, (type_, name), values, unknowns.get(address, {}), rel, syntax, fallback)
        resources.append(Resource(type_, name, address, body, module=module_address, mode=mode, from_plan=True))
    return Evaluated(resources=resources)


def read(source: SourceFile, ctx) -> list[Fact]:
    try:
        plan = json.loads(source.text)
    except ValueError as exc:
        raise ParseError(f"not valid JSON ({exc.msg})", getattr(exc, "lineno", 1), getattr(exc, "colno", 1)) from None
    if not isinstance(plan, dict):
        raise ParseError("a plan is a JSON object")
    from linter.formats.terraform import facts_for
    return facts_for(evaluate_plan(plan, source.text, source.relpath, Tree(ctx)), ctx)
