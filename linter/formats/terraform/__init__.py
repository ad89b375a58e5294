"""Terraform reader: `.tf`, `.tf.json` and tfvars files of a folder, evaluated as modules.

The engine hands this reader the Terraform files of one folder (`group=True`); the reader reads
the rest of what it needs through the ReadContext (the folder's other files when only one file
was passed, local child modules, callers), never outside the scanned tree.

How a folder is judged:
- A folder that no other folder of the tree calls with a local `source` is a root module: it is
  evaluated with its variables' defaults, `terraform.tfvars` and `*.auto.tfvars` (lexical
  order). Other `*.tfvars` files of the folder are the `-var-file`s it is deployed with: each is
  one deployment, evaluated on top of the automatic ones (up to 8); with none, the defaults are.
- A folder that is called is judged in its callers' context only: the reader evaluates the top
  root modules that reach it and keeps the facts whose origin is in that folder or below it in
  the call graph. Facts of one root and one folder are emitted once per scan, whichever file or
  folder of the tree triggered the evaluation, so nothing is reported twice.
- Module sources that are remote or missing get one PG002 note (info) on the `source` line and
  are never fetched; their resources are simply not known.

Facts come from `linter.formats.terraform.mapping.facts_for(evaluated, ctx)` (the cloud
mappers). `terraform show -json` plan files are read by `plan.py` (format `terraform_plan`).
"""
from __future__ import annotations

import posixpath

from linter.facts import Fact
from linter.formats.terraform.evaluate import Budget, ModuleEval, evaluate_tfvars
from linter.formats.terraform.model import Evaluated
from linter.formats.terraform.tree import MAX_TFVARS_VARIANTS, Tree, folder_of
from linter.model import SourceFile


def facts_for(evaluated: Evaluated, ctx) -> list[Fact]:
    """The mappers' facts, or none while `mapping.py` does not exist."""
    try:
        from linter.formats.terraform import mapping
    except ModuleNotFoundError as exc:
        if exc.name == "linter.formats.terraform.mapping":
            return []
        raise
    return list(mapping.facts_for(evaluated, ctx))


def evaluate_root(tree: Tree, folder: str) -> list[Evaluated]:
    """One `Evaluated` per deployment variant of a root module folder."""
    docs = tree.module_docs(folder)
    if not docs:
        return []
    auto, others = tree.tfvars(folder)
    base = evaluate_tfvars(auto)
    variants = [base] if not others else [{**base, **evaluate_tfvars([doc])} for doc in others[:MAX_TFVARS_VARIANTS]]
    out = []
    for inputs in variants:
        module = ModuleEval(docs, folder, "", inputs, tree, Budget())
        out.append(Evaluated(resources=module.resources_out()))
    return out


def _root_facts(tree: Tree, root: str, ctx) -> list[Fact]:
    cached = tree.state.root_facts.get(root)
    if cached is None:
        cached = []
        seen: set = set()
        for evaluated in evaluate_root(tree, root):
            for fact in facts_for(evaluated, ctx):  # deployment variants repeat most facts
                try:
                    if fact in seen:
                        continue
                    seen.add(fact)
                except TypeError:  # a fact holding a list cannot be compared by hash: keep it
                    pass
                cached.append(fact)
        tree.state.root_facts[root] = cached
    return cached


def read_group(sources: list[SourceFile], ctx) -> list[Fact]:
    # The engine keeps the cyclic collector quiet while a batch is read (engine.read_units).
    return _read_folder(sources, ctx)


def _read_folder(sources: list[SourceFile], ctx) -> list[Fact]:
    folder = posixpath.dirname(sources[0].relpath)
    tree = Tree(ctx)
    # Parse the files handed over first, so each one's syntax problems are reported even when
    # the folder's facts were already emitted from another unit.
    for source in sources:
        tree.parse_source(source)
    wanted = tree.reachable(folder)
    out: list[Fact] = []
    for root in tree.top_roots(folder):
        pending = {f for f in wanted if (root, f) not in tree.state.emitted}
        if not pending:
            continue
        for fact in _root_facts(tree, root, ctx):
            if folder_of(fact.origin.path) in pending:
                out.append(fact)
        tree.state.emitted.update((root, f) for f in pending)
    return out


def read(source: SourceFile, ctx) -> list[Fact]:
    return read_group([source], ctx)


def prepare(ctx) -> None:
    """Called by the engine once per scan, before files are read (and before workers fork)."""
    from linter.formats.terraform.tree import prepare as prepare_tree

    prepare_tree(ctx)
