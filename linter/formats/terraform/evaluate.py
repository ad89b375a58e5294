"""A small, safe evaluator of Terraform modules over the `syntax` model (never Terraform, never
`eval`): variables (inputs, tfvars, defaults), locals, templates, operators, conditionals, `for`
expressions, splats, built-in functions (`functions.py`; `file` / `templatefile` on files of
the scanned tree), `count` / `for_each`, `dynamic` blocks, override files and local child
modules.

What the files do not decide is `Unknown`: a variable without default or value, a data source,
a function not evaluated, a cyclic local. A reference to another resource's attribute is a
`Ref` with the resource's full address. Work is bounded: each module evaluation has a step
budget, local and output resolution a depth limit, collections and strings a size limit.
"""
from __future__ import annotations

import json
import math
import posixpath
from dataclasses import dataclass, field
from typing import Any, Callable

from linter.formats.terraform import syntax as s
from linter.formats.terraform.functions import (EvalError, MAX_ITEMS, bounded_str, call, normal_number, to_bool,
                                                to_number, to_set, to_string)
from linter.formats.terraform.model import Attribute, Block, Ref, Resource, Unknown
from linter.model import Origin

MAX_STEPS = 2_000_000  # expression nodes evaluated for one root module and its children
MAX_RESOLVE_DEPTH = 64  # local -> local -> output chains
MAX_MODULE_DEPTH = 16
MAX_INSTANCES = 256  # count / for_each instances of one resource or module
META_ATTRIBUTES = frozenset({"count", "for_each", "depends_on", "provider", "providers"})
MODULE_META = META_ATTRIBUTES | {"source", "version"}
_CYCLE = Unknown("cyclic reference")


@dataclass(slots=True)
class Budget:
    steps: int = MAX_STEPS


class _Namespace:
    """An object that only attribute access makes a value of (`var`, `local`, `module`, a
    resource type, a module instance's outputs)."""

    def attr(self, name: str) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def index(self, key: Any) -> Any:
        raise EvalError("cannot index this reference")


@dataclass(slots=True)
class _Vars(_Namespace):
    module: "ModuleEval"

    def attr(self, name: str) -> Any:
        return self.module.variable(name)


@dataclass(slots=True)
class _Locals(_Namespace):
    module: "ModuleEval"

    def attr(self, name: str) -> Any:
        return self.module.local(name)


@dataclass(slots=True)
class _Modules(_Namespace):
    module: "ModuleEval"

    def attr(self, name: str) -> Any:
        return self.module.module_value(name)


@dataclass(slots=True)
class _ResourceType(_Namespace):
    module: "ModuleEval"
    type: str

    def attr(self, name: str) -> Any:
        return self.module.resource_value(self.type, name)


@dataclass(slots=True)
class _ResourceInstance(_Namespace):
    address: str
    keys: list | None = None  # instance keys when counted / for_each; None for a single one

    def attr(self, name: str) -> Any:
        if self.keys is not None:
            raise EvalError("attribute of a counted resource without an index")
        return Ref(f"resource {self.address} is known after apply", self.address, name)

    def index(self, key: Any) -> Any:
        if isinstance(key, Unknown):
            return Ref("resource instance key unknown", self.address, "")
        return _ResourceInstance(f"{self.address}[{json.dumps(key)}]")

    def instances(self) -> list | None:
        if self.keys is None:
            return None
        return [_ResourceInstance(f"{self.address}[{json.dumps(k)}]") for k in self.keys]


@dataclass(slots=True)
class _Outputs(_Namespace):
    child: "ModuleEval"

    def attr(self, name: str) -> Any:
        return self.child.output(name)


@dataclass(slots=True)
class _Path(_Namespace):
    module: "ModuleEval"

    def attr(self, name: str) -> Any:
        # as Terraform gives them: relative to the root module's folder (the working directory)
        if name == "module":
            return posixpath.relpath(self.module.folder or ".", self.module.root_folder or ".")
        if name in ("root", "cwd"):
            return "."
        return Unknown(f"path.{name}")


MAX_VALUE_NODES = 200_000  # a value built by sharing (`[local.a, local.a]`, 40 times) is not walked whole


def finalize(value: Any) -> Any:
    """A value as the mappers see it: references that never became a value are unknown. A
    value with more than MAX_VALUE_NODES elements is unknown."""
    if not isinstance(value, (list, dict, _Namespace)):
        return value
    budget = [MAX_VALUE_NODES]
    result = _finalize(value, 0, budget)
    return result if budget[0] >= 0 else Unknown("value too large")


def _finalize(value: Any, depth: int, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if isinstance(value, _ResourceInstance):
        return Ref(f"resource {value.address}", value.address, "")
    if isinstance(value, _Namespace):
        return Unknown("a reference that is not a value")
    if depth > 64:
        return Unknown("nested too deeply")
    if isinstance(value, list):
        return [_finalize(v, depth + 1, budget) for v in value] if budget[0] >= 0 else None
    if isinstance(value, dict):
        return {k: _finalize(v, depth + 1, budget) for k, v in value.items()} if budget[0] >= 0 else None
    return value


def _equal(a: Any, b: Any) -> Any:
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return Unknown("comparison with an unknown value")
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return a == b


def _iterate(collection: Any) -> list[tuple[Any, Any]]:
    if isinstance(collection, dict):
        return [(k, collection[k]) for k in sorted(collection)]
    if isinstance(collection, list):
        return list(enumerate(collection))
    raise EvalError("cannot iterate over this value")


class ModuleEval:
    """One module instance: its files' blocks and the values of its inputs."""

    def __init__(self, docs: list[s.Document], folder: str, address: str, inputs: dict[str, Any],
                 loader: "ModuleLoader | None", budget: Budget, depth: int = 0, root_folder: str = "",
                 stack: tuple[str, ...] = ()):
        self.folder = folder
        self.root_folder = root_folder or folder
        self.address = address  # "" for the root, "module.net" / `module.net["a"]` for a child
        self.inputs = inputs
        self.loader = loader
        self.budget = budget
        self.depth = depth
        self.stack = stack + (folder,)
        self.variables: dict[str, tuple[str, s.BlockSyntax]] = {}
        self.locals: dict[str, tuple[str, s.AttributeSyntax]] = {}
        self.outputs: dict[str, tuple[str, s.AttributeSyntax]] = {}
        self.resources: dict[tuple[str, str, str], tuple[str, s.BlockSyntax]] = {}  # (mode, type, name)
        self.module_calls: dict[str, tuple[str, s.BlockSyntax]] = {}
        for doc, block in _with_overrides(docs):
            kind = block.type
            if kind == "variable" and block.labels:
                self.variables[block.labels[0]] = (doc.relpath, block)
            elif kind == "locals":
                for attr in block.body.attributes.values():
                    self.locals[attr.name] = (doc.relpath, attr)
            elif kind == "output" and block.labels and "value" in block.body.attributes:
                self.outputs[block.labels[0]] = (doc.relpath, block.body.attributes["value"])
            elif kind in ("resource", "data") and len(block.labels) >= 2:
                mode = "managed" if kind == "resource" else "data"
                self.resources[(mode, block.labels[0], block.labels[1])] = (doc.relpath, block)
            elif kind == "module" and block.labels:
                self.module_calls[block.labels[0]] = (doc.relpath, block)
        self._var_cache: dict[str, Any] = {}
        self._local_cache: dict[str, Any] = {}
        self._output_cache: dict[str, Any] = {}
        self._module_cache: dict[str, Any] = {}
        self._keys_cache: dict[tuple[str, str], Any] = {}
        self._resolving: set[str] = set()
        self._resolve_depth = 0
        self.empty_env: dict[str, Any] = {}

    # -- names ---------------------------------------------------------------------------------
    def prefix(self) -> str:
        return f"{self.address}." if self.address else ""

    def _resolve(self, key: str, compute: Callable[[], Any]) -> Any:
        if key in self._resolving:
            return _CYCLE
        if self._resolve_depth >= MAX_RESOLVE_DEPTH:
            return Unknown("references nested too deeply")
        self._resolving.add(key)
        self._resolve_depth += 1
        try:
            return compute()
        except RecursionError:
            return Unknown("references nested too deeply")
        finally:
            self._resolve_depth -= 1
            self._resolving.discard(key)

    def variable(self, name: str) -> Any:
        if name in self._var_cache:
            return self._var_cache[name]
        found = self.variables.get(name)
        if name in self.inputs:
            value = self.inputs[name]
        elif found is None:
            raise EvalError(f"undeclared variable {name}")
        elif "default" in found[1].body.attributes:
            value = self.safe(found[1].body.attributes["default"].expr, self.empty_env)
        else:
            value = Unknown(f"variable {name} has no default and no value")
        if found is not None:
            value = _convert_to_type(value, found[1].body.attributes.get("type"))
        self._var_cache[name] = value
        return value

    def local(self, name: str) -> Any:
        if name in self._local_cache:
            return self._local_cache[name]
        found = self.locals.get(name)
        if found is None:
            raise EvalError(f"undeclared local {name}")
        value = self._resolve("local." + name, lambda: self.safe(found[1].expr, self.empty_env))
        if value is not _CYCLE:
            self._local_cache[name] = value
        else:
            self._local_cache[name] = Unknown(f"local.{name} refers to itself")
        return self._local_cache[name]

    def output(self, name: str) -> Any:
        if name in self._output_cache:
            return self._output_cache[name]
        found = self.outputs.get(name)
        if found is None:
            raise EvalError(f"module has no output {name}")
        value = self._resolve("output." + name, lambda: self.safe(found[1].expr, self.empty_env))
        self._output_cache[name] = Unknown(f"output {name} refers to itself") if value is _CYCLE else value
        return self._output_cache[name]

    def module_value(self, name: str) -> Any:
        if name not in self.module_calls:
            raise EvalError(f"no module {name}")
        instances = self.module_instances(name)
        if instances is None:
            return Unknown(f"module {name} is not read")
        kind, children = instances
        if kind == "single":
            return _Outputs(children[0][1])
        if kind == "count":
            return [_Outputs(child) for _, child in children]
        if kind == "for_each":
            return {key: _Outputs(child) for key, child in children}
        return Unknown(f"instances of module {name} are unknown")

    def module_instances(self, name: str):
        """("single" | "count" | "for_each" | "unknown", [(key, ModuleEval)]) or None when the
        module source is not read (remote, missing, too deep, a cycle)."""
        if name in self._module_cache:
            return self._module_cache[name]
        self._module_cache[name] = None  # a module whose inputs use its own outputs: not read
        relpath, block = self.module_calls[name]
        if self.loader is None or self.depth >= MAX_MODULE_DEPTH:
            return None
        source = self.safe(block.body.attributes["source"].expr, self.empty_env) if "source" in block.body.attributes else None
        if not isinstance(source, str):
            return None
        loaded = self.loader.load_module(self.folder, source, relpath, block)
        if loaded is None:
            return None
        folder, docs = loaded
        if folder in self.stack:
            return None
        result: list[tuple[Any, ModuleEval]] = []
        kind, keys = self.instance_keys(block)

        def child_for(key: Any, env: dict) -> ModuleEval:
            inputs = {attr.name: self.safe(attr.expr, env)
                      for attr in block.body.attributes.values() if attr.name not in MODULE_META}
            address = f"{self.prefix()}module.{name}" + ("" if kind in ("single", "unknown") else f"[{json.dumps(key)}]")
            return ModuleEval(docs, folder, address, inputs, self.loader, self.budget, self.depth + 1,
                              self.root_folder, self.stack)

        for key, env in keys:
            result.append((key, child_for(key, env)))
        self._module_cache[name] = (kind, result)
        return self._module_cache[name]

    def resource_value(self, type_: str, name: str) -> Any:
        found = self.resources.get(("managed", type_, name))
        address = f"{self.prefix()}{type_}.{name}"
        if found is None:
            return Ref(f"resource {address} is not in this module", address, "")
        kind, keys = self.instance_keys(found[1])
        if kind == "count":
            return _ResourceInstance(address, [k for k, _ in keys])
        if kind == "for_each":
            return _ResourceInstance(address, [k for k, _ in keys])
        return _ResourceInstance(address)

    # -- count / for_each ----------------------------------------------------------------------
    def instance_keys(self, block: s.BlockSyntax) -> tuple[str, list[tuple[Any, dict]]]:
        """How a block expands: ("single", [(None, env)]), ("count", [(i, env)...]),
        ("for_each", [(key, env)...]) or ("unknown", [(None, env with unknown count/each)])."""
        attrs = block.body.attributes
        if "count" in attrs:
            count = self.safe(attrs["count"].expr, self.empty_env)
            try:
                count = to_number(count) if count is not None else 1
            except EvalError:
                count = Unknown("count is not a number")
            if isinstance(count, Unknown) or count > MAX_INSTANCES or count < 0:
                return "unknown", [(None, {"count": {"index": Unknown("count.index of an unknown count")}})]
            return "count", [(i, {"count": {"index": i}}) for i in range(int(count))]
        if "for_each" in attrs:
            collection = self.safe(attrs["for_each"].expr, self.empty_env)
            pairs = _for_each_pairs(collection)
            if pairs is None or len(pairs) > MAX_INSTANCES:
                unknown = Unknown("for_each over an unknown collection")
                return "unknown", [(None, {"each": {"key": unknown, "value": unknown}})]
            return "for_each", [(k, {"each": {"key": k, "value": v}}) for k, v in pairs]
        return "single", [(None, {})]

    # -- expressions ---------------------------------------------------------------------------
    def safe(self, expr: s.Expr, env: dict) -> Any:
        """An expression's value; what Terraform would reject is unknown here (never a crash)."""
        try:
            return self.ev(expr, env)
        except EvalError as exc:
            return Unknown(f"error: {exc}")
        except RecursionError:
            return Unknown("nested too deeply")

    def ev(self, expr: s.Expr, env: dict) -> Any:
        budget = self.budget
        budget.steps -= 1
        if budget.steps < 0:
            return Unknown("evaluation budget exhausted")
        kind = type(expr)
        if kind is s.Literal:
            return expr.value
        if kind is s.Template:
            return self.template(expr.parts, env, single=True)
        if kind is s.Variable:
            return self.name(expr.name, env)
        if kind is s.GetAttr:
            return self.get_attr(self.ev(expr.obj, env), expr.name)
        if kind is s.Index:
            return self.index(self.ev(expr.obj, env), self.ev(expr.key, env))
        if kind is s.TupleExpr:
            items = [self.ev(item, env) for item in expr.items]
            return items if len(items) <= MAX_ITEMS else Unknown("tuple too large")
        if kind is s.ObjectExpr:
            out: dict = {}
            for key_expr, value_expr in expr.items:
                key = self.ev(key_expr, env)
                if isinstance(key, Unknown):
                    return Unknown("object with an unknown key")
                out[to_string(key)] = self.ev(value_expr, env)
            return out
        if kind is s.Call:
            return self.call(expr, env)
        if kind is s.Conditional:
            return self.conditional(expr, env)
        if kind is s.Binary:
            return self.binary(expr, env)
        if kind is s.Unary:
            value = self.ev(expr.operand, env)
            if isinstance(value, Unknown):
                return Unknown("operand unknown")
            if expr.op == "!":
                return not to_bool(value)
            return -to_number(value)
        if kind is s.ForExpr:
            return self.for_expr(expr, env)
        if kind is s.Splat:
            return self.splat(expr, env)
        if kind is s.SplatItem:
            return env.get("\0splat", Unknown("splat item"))
        if kind is s.Invalid:
            return Unknown(f"not parsed: {expr.reason}")
        if kind is s.TemplateIf or kind is s.TemplateFor:
            return self.template((expr,), env, single=False)
        return Unknown(f"expression {kind.__name__}")

    def name(self, name: str, env: dict) -> Any:
        if name in env:
            return env[name]
        if name == "var":
            return _Vars(self)
        if name == "local":
            return _Locals(self)
        if name == "module":
            return _Modules(self)
        if name == "path":
            return _Path(self)
        if name == "data":
            return Unknown("data source")
        if name in ("count", "each", "self", "terraform"):
            return Unknown(f"{name} outside its block")
        return _ResourceType(self, name)

    def get_attr(self, obj: Any, name: str) -> Any:
        if isinstance(obj, Ref):
            return Ref(obj.reason, obj.address, f"{obj.attribute}.{name}" if obj.attribute else name)
        if isinstance(obj, Unknown):
            return obj
        if isinstance(obj, _Namespace):
            return obj.attr(name)
        if isinstance(obj, dict):
            if name in obj:
                return obj[name]
            raise EvalError(f"no attribute {name}")
        raise EvalError(f"cannot take attribute {name} of this value")

    def index(self, obj: Any, key: Any) -> Any:
        if isinstance(obj, Ref):
            return obj
        if isinstance(obj, Unknown):
            return obj
        if isinstance(obj, _Namespace):
            return obj.index(key)
        if isinstance(key, Unknown):
            return Unknown("index unknown")
        if isinstance(obj, list):
            number = to_number(key)
            if not isinstance(number, int) or not 0 <= number < len(obj):
                raise EvalError("index out of range")
            return obj[number]
        if isinstance(obj, dict):
            key = to_string(key)
            if key in obj:
                return obj[key]
            raise EvalError(f"no key {key}")
        raise EvalError("cannot index this value")

    def splat(self, expr: s.Splat, env: dict) -> Any:
        source = self.ev(expr.source, env)
        if isinstance(source, _ResourceInstance):
            instances = source.instances()
            if instances is None:
                source = [source]
            else:
                source = instances
        elif isinstance(source, Ref):
            return self.ev(expr.each, {**env, "\0splat": source})
        if isinstance(source, Unknown):
            return source
        if source is None:
            return []
        items = source if isinstance(source, list) else [source]
        return [self.ev(expr.each, {**env, "\0splat": item}) for item in items]

    def template(self, parts: tuple, env: dict, single: bool) -> Any:
        if single and len(parts) == 1 and not isinstance(parts[0], (str, s.TemplateIf, s.TemplateFor)):
            return self.ev(parts[0], env)
        out: list[str] = []
        size = 0
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                size += len(part)
            elif isinstance(part, s.TemplateIf):
                cond = self.ev(part.condition, env)
                if isinstance(cond, Unknown):
                    return Unknown("template condition unknown")
                value = self.template(part.then if to_bool(cond) else part.otherwise, env, single=False)
                if isinstance(value, Unknown):
                    return value
                out.append(value)
                size += len(value)
            elif isinstance(part, s.TemplateFor):
                collection = self.ev(part.collection, env)
                if isinstance(collection, Unknown):
                    return Unknown("template loop over an unknown collection")
                for key, value in _iterate(collection):
                    scope = {**env, part.value_var: value}
                    if part.key_var:
                        scope[part.key_var] = key
                    text = self.template(part.body, scope, single=False)
                    if isinstance(text, Unknown):
                        return text
                    out.append(text)
                    size += len(text)
                    if size > 1_000_000:
                        return Unknown("string too long")
            else:
                value = to_string(finalize(self.ev(part, env)))
                if isinstance(value, Unknown):
                    return Unknown("template with an unknown part")
                out.append(value)
                size += len(value)
            if size > 1_000_000:
                return Unknown("string too long")
        return bounded_str("".join(out))

    def call(self, expr: s.Call, env: dict) -> Any:
        name = expr.name
        if name == "try":
            for arg in expr.args:
                try:
                    value = self.ev(arg, env)
                except EvalError:
                    continue
                return finalize(value)
            raise EvalError("no argument of try() is valid")
        if name == "can":
            if not expr.args:
                raise EvalError("can() needs an argument")
            try:
                value = self.ev(expr.args[0], env)
            except EvalError:
                return False
            return Unknown("can() of an unknown value") if isinstance(value, Unknown) else True
        args = [finalize(self.ev(arg, env)) for arg in expr.args]
        if name in ("file", "templatefile", "fileexists"):
            return self.file_function(name, args)
        if expr.expand_final and args:
            last = args.pop()
            if isinstance(last, Unknown):
                return Unknown("expanded argument unknown")
            if not isinstance(last, list):
                raise EvalError("expanded argument is not a list")
            args.extend(last)
        return call(name, args)

    def file_function(self, name: str, args: list) -> Any:
        """`file`, `templatefile` and `fileexists` on files of the scanned tree, read through the
        loader (never outside the tree); a template is rendered by this evaluator with only the
        variables it is given, as Terraform does."""
        if not args or not isinstance(args[0], str) or self.loader is None:
            return Unknown(f"{name}() of an unknown path")
        relpath = posixpath.normpath(posixpath.join(self.root_folder or ".", args[0]))
        text = self.loader.read_text(relpath)
        if name == "fileexists":
            return text is not None
        if text is None:
            return Unknown(f"{name}(): {args[0]} is not in the scanned tree")
        if name == "file":
            return bounded_str(text)
        variables = args[1] if len(args) > 1 else {}
        if not isinstance(variables, dict):
            return Unknown("templatefile() variables unknown")
        template = self.loader.parse_template(text, relpath)
        scratch = ModuleEval([], self.folder, self.address, {}, None, self.budget, self.depth, self.root_folder)
        return scratch.template(template.parts, dict(variables), single=False) if isinstance(template, s.Template) \
            else scratch.safe(template, dict(variables))

    def conditional(self, expr: s.Conditional, env: dict) -> Any:
        cond = self.ev(expr.condition, env)
        if isinstance(cond, Unknown):
            then = self.safe(expr.then, env)
            otherwise = self.safe(expr.otherwise, env)
            same = _equal(then, otherwise)
            return then if same is True else Unknown("condition unknown")
        return self.ev(expr.then if to_bool(cond) else expr.otherwise, env)

    def binary(self, expr: s.Binary, env: dict) -> Any:
        op = expr.op
        left = self.ev(expr.left, env)
        if op in ("&&", "||"):
            if not isinstance(left, Unknown):
                left = to_bool(left)
                if op == "&&" and left is False:
                    return False
                if op == "||" and left is True:
                    return True
            right = self.ev(expr.right, env)
            if not isinstance(right, Unknown):
                right = to_bool(right)
                if op == "&&" and right is False:
                    return False
                if op == "||" and right is True:
                    return True
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                return Unknown("logical operand unknown")
            return (left and right) if op == "&&" else (left or right)
        right = self.ev(expr.right, env)
        if op == "==":
            return _equal(finalize(left), finalize(right))
        if op == "!=":
            same = _equal(finalize(left), finalize(right))
            return same if isinstance(same, Unknown) else not same
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return Unknown("operand unknown")
        a, b = to_number(left), to_number(right)
        if op == "+":
            return normal_number(a + b)
        if op == "-":
            return normal_number(a - b)
        if op == "*":
            return normal_number(a * b)
        if op == "/":
            if b == 0:
                raise EvalError("division by zero")
            result = a / b
            return int(result) if result.is_integer() and abs(result) < 2 ** 53 else result
        if op == "%":
            if b == 0:
                raise EvalError("modulo by zero")
            return normal_number(math.fmod(a, b) if isinstance(a, float) or isinstance(b, float) else int(math.fmod(a, b)))
        if op == "<":
            return a < b
        if op == ">":
            return a > b
        if op == "<=":
            return a <= b
        if op == ">=":
            return a >= b
        raise EvalError(f"operator {op}")

    def for_expr(self, expr: s.ForExpr, env: dict) -> Any:
        collection = self.ev(expr.collection, env)
        if isinstance(collection, Unknown):
            return Unknown("for over an unknown collection")
        collection = finalize(collection)
        pairs = _iterate(collection)
        if len(pairs) > MAX_ITEMS:
            return Unknown("for over too many items")
        items: list = []
        mapping: dict = {}
        for key, value in pairs:
            scope = {**env, expr.value_var: value}
            if expr.key_var:
                scope[expr.key_var] = key
            if expr.condition is not None:
                keep = self.ev(expr.condition, scope)
                if isinstance(keep, Unknown):
                    return Unknown("for condition unknown")
                if not to_bool(keep):
                    continue
            if expr.key is None:
                items.append(self.ev(expr.value, scope))
                continue
            out_key = self.ev(expr.key, scope)
            if isinstance(out_key, Unknown):
                return Unknown("for key unknown")
            out_key = to_string(out_key)
            out_value = self.ev(expr.value, scope)
            if expr.grouping:
                mapping.setdefault(out_key, []).append(out_value)
            elif out_key in mapping:
                raise EvalError(f"duplicate key {out_key} in for expression")
            else:
                mapping[out_key] = out_value
        return items if expr.key is None else mapping

    # -- resources -----------------------------------------------------------------------------
    def resources_out(self) -> list[Resource]:
        """Every resource instance of this module and of its child modules."""
        out: list[Resource] = []
        for (mode, type_, name), (relpath, block) in self.resources.items():
            kind, keys = self.instance_keys(block)
            for key, env in keys:
                suffix = "" if kind in ("single", "unknown") else f"[{json.dumps(key)}]"
                prefix = "data." if mode == "data" else ""
                address = f"{self.prefix()}{prefix}{type_}.{name}{suffix}"
                body = self.block_value(block, relpath, env)
                out.append(Resource(type_, name, address, body, module=self.address, mode=mode))
        for name in self.module_calls:
            instances = self.module_instances(name)
            if instances is None:
                continue
            for _, child in instances[1]:
                out.extend(child.resources_out())
        return out

    def block_value(self, block: s.BlockSyntax, relpath: str, env: dict, depth: int = 0) -> Block:
        relpath = block.path or relpath
        result = Block(block.type, block.labels, Origin(relpath, block.line, block.column))
        for attr in block.body.attributes.values():
            if depth == 0 and attr.name in META_ATTRIBUTES:
                continue
            value = finalize(self.safe(attr.expr, env))
            result.attributes[attr.name] = Attribute(attr.name, value, Origin(attr.path or relpath, attr.line, attr.column))
        if depth > 32:
            return result
        for child in block.body.blocks:
            if child.type == "dynamic" and child.labels:
                result.blocks.extend(self.dynamic(child, relpath, env, depth))
            else:
                result.blocks.append(self.block_value(child, relpath, env, depth + 1))
        return result

    def dynamic(self, block: s.BlockSyntax, relpath: str, env: dict, depth: int) -> list[Block]:
        attrs = block.body.attributes
        iterator = block.labels[0]
        if "iterator" in attrs:
            named = attrs["iterator"].expr  # a bare name; a string in JSON syntax
            if isinstance(named, s.Variable):
                iterator = named.name
            elif isinstance(named, s.Literal) and isinstance(named.value, str):
                iterator = named.value
        contents = block.body.blocks_of("content")
        if not contents:
            return []
        content = contents[0]
        collection = self.safe(attrs["for_each"].expr, env) if "for_each" in attrs else Unknown("no for_each")
        pairs = _for_each_pairs(collection, allow_lists=True)
        if pairs is None or len(pairs) > MAX_INSTANCES:
            unknown = Unknown("dynamic block over an unknown collection")
            pairs = [(unknown, unknown)]
        out = []
        for key, value in pairs:
            scope = {**env, iterator: {"key": key, "value": value}}
            shaped = s.BlockSyntax(block.labels[0], (), content.body, content.line, content.column, content.path or block.path)
            out.append(self.block_value(shaped, relpath, scope, depth + 1))
        return out


def _for_each_pairs(collection: Any, allow_lists: bool = True) -> list[tuple[Any, Any]] | None:
    collection = finalize(collection)
    if isinstance(collection, Unknown):
        return None
    if isinstance(collection, dict):
        if any(isinstance(k, Unknown) for k in collection):
            return None
        return [(k, collection[k]) for k in sorted(collection)]
    if isinstance(collection, list):
        if any(isinstance(v, Unknown) for v in collection):
            return None
        if all(isinstance(v, str) for v in collection):
            unique = to_set(collection)
            return [(v, v) for v in unique] if isinstance(unique, list) else None
        if allow_lists:
            return list(enumerate(collection))
    return None


def _convert_to_type(value: Any, type_attr: s.AttributeSyntax | None) -> Any:
    """Terraform converts an input to its declared type: `"80"` to 80 for `number`, each element
    for `list(number)`, `set(string)`, `map(bool)`; a set's duplicates go."""
    if type_attr is None:
        return value
    try:
        return _convert(value, type_attr.expr, 0)
    except EvalError:
        return Unknown("input of the wrong type")


def _convert(value: Any, type_expr: s.Expr, depth: int) -> Any:
    if isinstance(value, Unknown) or value is None or depth > 8:
        return value
    if isinstance(type_expr, s.Variable):
        name = type_expr.name
        if name == "number" and isinstance(value, str):
            return to_number(value)
        if name == "bool" and isinstance(value, str):
            return to_bool(value)
        if name == "string" and isinstance(value, (int, float, bool)):
            return to_string(value)
        return value
    if isinstance(type_expr, s.Call) and len(type_expr.args) == 1:
        inner = type_expr.args[0]
        if type_expr.name in ("list", "set") and isinstance(value, list):
            items = [_convert(v, inner, depth + 1) for v in value]
            return to_set(items) if type_expr.name == "set" else items
        if type_expr.name == "map" and isinstance(value, dict):
            return {k: _convert(v, inner, depth + 1) for k, v in value.items()}
    return value


def _is_override(relpath: str) -> bool:
    name = relpath.rsplit("/", 1)[-1]
    return name in ("override.tf", "override.tf.json") or name.endswith(("_override.tf", "_override.tf.json"))


def _merge_block(base: s.BlockSyntax, override: s.BlockSyntax, path: str) -> s.BlockSyntax:
    """Terraform's override files: attributes replace the original's, and nested blocks of a
    type the override writes replace all of that type (developer.hashicorp.com/terraform/
    language/files/override)."""
    replaced = {b.type for b in override.body.blocks}
    blocks = [b for b in base.body.blocks if b.type not in replaced] + [
        s.BlockSyntax(b.type, b.labels, b.body, b.line, b.column, path) for b in override.body.blocks]
    attributes = {**base.body.attributes, **{
        name: s.AttributeSyntax(a.name, a.expr, a.line, a.column, path) for name, a in override.body.attributes.items()}}
    return s.BlockSyntax(base.type, base.labels, s.Body(attributes, blocks), base.line, base.column, base.path)


def _with_overrides(docs: list[s.Document]):
    """(document, block) pairs of a module, with `override.tf` / `*_override.tf` blocks merged
    into the blocks they name; each merged attribute and block keeps the file that wrote it."""
    regular = [d for d in docs if not _is_override(d.relpath)]
    overrides = sorted((d for d in docs if _is_override(d.relpath)), key=lambda d: d.relpath)
    pairs: list[tuple[s.Document, s.BlockSyntax]] = [(doc, block) for doc in regular for block in doc.body.blocks]
    for doc in overrides:
        for block in doc.body.blocks:
            for i, (origin_doc, original) in enumerate(pairs):
                if original.type == block.type and original.labels == block.labels and block.type != "locals":
                    pairs[i] = (origin_doc, _merge_block(original, block, doc.relpath))
                    break
            else:
                pairs.append((doc, block))
    return pairs


class ModuleLoader:
    """What the evaluator asks of the file tree: a child module's folder and parsed files."""

    def load_module(self, caller_folder: str, source: str, relpath: str, block: s.BlockSyntax
                    ) -> tuple[str, list[s.Document]] | None:  # pragma: no cover - interface
        raise NotImplementedError

    def read_text(self, relpath: str) -> str | None:  # pragma: no cover - interface
        """A file of the scanned tree (for `file()` / `templatefile()`), or None."""
        raise NotImplementedError

    def parse_template(self, text: str, relpath: str) -> s.Expr:  # pragma: no cover - interface
        raise NotImplementedError


def evaluate_tfvars(docs: list[s.Document]) -> dict[str, Any]:
    """Values set by tfvars files, later files winning (the order Terraform loads them in)."""
    scratch = ModuleEval([], "", "", {}, None, Budget(200_000))
    values: dict[str, Any] = {}
    for doc in docs:
        for attr in doc.body.attributes.values():
            values[attr.name] = finalize(scratch.safe(attr.expr, {}))
    return values
