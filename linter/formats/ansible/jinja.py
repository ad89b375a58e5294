"""Jinja2 as Ansible uses it, in a sandbox, with nothing of the scanned tree ever executed.

- `SandboxedEnvironment`: no attribute starting with `_`, no unsafe callables; a template that
  tries (`{{ ''.__class__.__mro__ }}`) raises `RenderError`, which the caller reports as PG001.
- Bounded: `range` shares one budget per render, `*` and `**` refuse huge results, the output
  and the wall-clock time are capped; includes resolve only inside the role's or playbook's
  template folders, read through the scan's ReadContext.
- Lookups (`lookup`, `query`, `q`) never run: their result is unknown. Undefined variables stay
  visible as `{{ name }}`, which every reader treats as an unknown value.
- Ansible's common filters are implemented where the result matters (`default`, `bool`, `join`,
  `to_json`, `regex_replace`, `ternary`, `mandatory`, ...); any other filter or test gives an
  unknown value instead of failing the template.
- A line map: each rendered line knows the template line it came from (markers inserted at the
  start of template lines that begin outside a Jinja tag, removed after rendering).
"""
from __future__ import annotations

import base64
import json
import re
import shlex
import time
from dataclasses import dataclass, field
from typing import Callable

import regex
import yaml
from jinja2 import ChainableUndefined, TemplateError, TemplateNotFound, nodes
from jinja2.exceptions import SecurityError
from jinja2.loaders import BaseLoader
from jinja2.sandbox import SandboxedEnvironment

from linter.formats.ansible.values import Unknown, Vaulted, is_marker
from linter.knowledge import parse_bool

MAX_RANGE_ITEMS = 100_000  # per render, over every `range` call
MAX_OUTPUT_CHARS = 4_000_000
MAX_SECONDS = 2.0
MAX_REPEAT = 1_000_000  # characters or items a `*` may build
MAX_DEPTH = 20  # variables whose values are templates of other variables
REGEX_TIMEOUT = 0.05

# Private-use characters: not whitespace (Jinja's `-%}` strips `\s*`, which takes \x1e), not
# word characters, and never in a configuration file.
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARK = re.compile("\ue000(\\d+)\ue001")
_SIMPLE = re.compile(r"^\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}$")
MAX_COMPILED = 4096  # compiled templates kept per environment
_ENVS: dict = {}
_TAG = re.compile(r"\{\{|\{%|\{#")
_CLOSE = {"{{": "}}", "{%": "%}", "{#": "#}"}


class RenderError(Exception):
    """A template cannot be rendered safely (sandbox violation, resource bound, syntax)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class Opaque:
    """A value the template cannot know (a lookup, a vaulted or unresolved variable). Renders as
    a visible placeholder, is falsy (an unknown condition does not add insecure lines), and
    absorbs attribute access, calls and filters."""

    __slots__ = ("label", "marker")

    def __init__(self, label: str, marker: object = None):
        self.label = label
        self.marker = marker

    def __str__(self) -> str:
        return "{{ %s }}" % self.label

    __html__ = __str__

    def __bool__(self) -> bool:
        return False

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __getattr__(self, name: str) -> "Opaque":
        if name.startswith("_"):
            raise AttributeError(name)
        return self

    def __getitem__(self, key) -> "Opaque":
        return self

    def __call__(self, *args, **kwargs) -> "Opaque":
        return self

    # An unknown value equals nothing and differs from nothing: `{% if x != 'no' %}` must not
    # add the insecure line any more than `{% if x == 'yes' %}` does.
    def __eq__(self, other) -> bool:
        return False

    def __ne__(self, other) -> bool:
        return False

    def __hash__(self) -> int:
        return hash(self.label)

    def __add__(self, other) -> "Opaque":
        return self

    __radd__ = __add__


class Placeholder(ChainableUndefined):
    """An undefined variable: rendered as `{{ name }}` so readers see an unknown value."""

    __slots__ = ()

    def __str__(self) -> str:
        return "{{ %s }}" % (self._undefined_name or "undefined")

    def __eq__(self, other) -> bool:
        return False

    def __ne__(self, other) -> bool:
        return False

    __hash__ = ChainableUndefined.__hash__

    __html__ = __str__


def unknown_of(value: object, label: str = "") -> object:
    """Jinja-facing form of a marker value."""
    if isinstance(value, Vaulted):
        return Opaque(value.name or label or "vaulted", value)
    if isinstance(value, Unknown):
        return Opaque(value.name or label or "unknown", value)
    return value


# ---------------------------------------------------------------------------------------------
# filters and tests


def _regex_call(func: Callable, *args, **kwargs):
    try:
        return func(*args, timeout=REGEX_TIMEOUT, **kwargs)
    except (regex.error, TimeoutError) as exc:
        raise RenderError(f"regular expression in the template failed or took too long ({exc})") from None


def _flags(ignorecase: bool, multiline: bool) -> int:
    return (regex.I if ignorecase else 0) | (regex.M if multiline else 0)


def _opaque_in(*values) -> Opaque | None:
    for value in values:
        if isinstance(value, Opaque):
            return value
        if isinstance(value, Placeholder):
            return Opaque(str(value)[3:-3])
    return None


def f_bool(value):
    if _opaque_in(value):
        return _opaque_in(value)
    parsed = parse_bool(value if not isinstance(value, (int, float)) else bool(value))
    return bool(value) if parsed is None and not isinstance(value, str) else bool(parsed)


def f_regex_replace(value, pattern="", replacement="", ignorecase=False, multiline=False, count=0):
    if _opaque_in(value, pattern):
        return _opaque_in(value, pattern)
    return _regex_call(regex.sub, str(pattern), str(replacement), str(value), count=count, flags=_flags(ignorecase, multiline))


def f_regex_search(value, pattern="", *groups, ignorecase=False, multiline=False):
    if _opaque_in(value, pattern):
        return _opaque_in(value, pattern)
    match = _regex_call(regex.search, str(pattern), str(value), flags=_flags(ignorecase, multiline))
    if match is None:
        return None
    return match.group(0)


def f_regex_findall(value, pattern="", ignorecase=False, multiline=False):
    if _opaque_in(value, pattern):
        return _opaque_in(value, pattern)
    return _regex_call(regex.findall, str(pattern), str(value), flags=_flags(ignorecase, multiline))


def f_ternary(value, true_val=True, false_val=False, none_val=None):
    if _opaque_in(value):
        return _opaque_in(value)
    if value is None and none_val is not None:
        return none_val
    return true_val if value else false_val


def f_mandatory(value, msg=None):
    return value


def _plain(value):
    """JSON/YAML-dumpable copy: markers and undefined values become their placeholders."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (Opaque, Placeholder)) or is_marker(value):
        return str(value)
    return value


def f_to_json(value, *args, **kwargs):
    return json.dumps(_plain(value), default=str)


def f_to_nice_json(value, indent=4, *args, **kwargs):
    return json.dumps(_plain(value), default=str, indent=indent if isinstance(indent, int) else 4, sort_keys=True)


def f_to_yaml(value, *args, **kwargs):
    return yaml.safe_dump(_plain(value), default_flow_style=None, allow_unicode=True)


def f_to_nice_yaml(value, indent=4, *args, **kwargs):
    return yaml.safe_dump(_plain(value), default_flow_style=False, allow_unicode=True,
                          indent=indent if isinstance(indent, int) else 4)


def f_from_json(value):
    if _opaque_in(value):
        return _opaque_in(value)
    try:
        return json.loads(str(value))
    except ValueError:
        return Opaque("from_json")


def f_from_yaml(value):
    if _opaque_in(value):
        return _opaque_in(value)
    try:
        return yaml.safe_load(str(value))
    except yaml.YAMLError:
        return Opaque("from_yaml")


def f_quote(value):
    return shlex.quote(str(value))


def f_b64encode(value, encoding="utf-8"):
    if _opaque_in(value):
        return _opaque_in(value)
    return base64.b64encode(str(value).encode(encoding)).decode("ascii")


def f_b64decode(value, encoding="utf-8"):
    if _opaque_in(value):
        return _opaque_in(value)
    try:
        return base64.b64decode(str(value)).decode(encoding, "replace")
    except ValueError:
        return Opaque("b64decode")


def f_password_hash(value, *args, **kwargs):
    # The hash of a literal is as guessable as the literal: the clear value is what matters.
    return value


def f_combine(*dicts, recursive=False, list_merge="replace"):
    result: dict = {}
    for d in dicts:
        if isinstance(d, (list, tuple)):
            for inner in d:
                if isinstance(inner, dict):
                    result.update(inner)
        elif isinstance(d, dict):
            result.update(d)
    return result


def f_dict2items(value, key_name="key", value_name="value"):
    if not isinstance(value, dict):
        return _opaque_in(value) or []
    return [{key_name: k, value_name: v} for k, v in value.items()]


def f_items2dict(value, key_name="key", value_name="value"):
    if not isinstance(value, (list, tuple)):
        return _opaque_in(value) or {}
    return {i.get(key_name): i.get(value_name) for i in value if isinstance(i, dict)}


def f_flatten(value, levels=None):
    out: list = []
    for item in value if isinstance(value, (list, tuple)) else [value]:
        if isinstance(item, (list, tuple)) and (levels is None or levels > 0):
            out.extend(f_flatten(item, None if levels is None else levels - 1))
        else:
            out.append(item)
    return out


def f_basename(value):
    return str(value).rstrip("/").rsplit("/", 1)[-1]


def f_dirname(value):
    return str(value).rsplit("/", 1)[0] if "/" in str(value) else ""


def f_union(a, b):
    return list(dict.fromkeys([*a, *b])) if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) else Opaque("union")


def f_difference(a, b):
    return [x for x in a if x not in b] if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) else Opaque("difference")


def f_comment(value, *args, **kwargs):
    return "\n".join("# " + line for line in str(value).splitlines())


FILTERS: dict[str, Callable] = {
    "bool": f_bool, "regex_replace": f_regex_replace, "regex_search": f_regex_search,
    "regex_findall": f_regex_findall, "ternary": f_ternary, "mandatory": f_mandatory,
    "to_json": f_to_json, "to_nice_json": f_to_nice_json, "to_yaml": f_to_yaml,
    "to_nice_yaml": f_to_nice_yaml, "from_json": f_from_json, "from_yaml": f_from_yaml,
    "quote": f_quote, "b64encode": f_b64encode, "b64decode": f_b64decode,
    "password_hash": f_password_hash, "combine": f_combine, "dict2items": f_dict2items,
    "items2dict": f_items2dict, "flatten": f_flatten, "basename": f_basename, "dirname": f_dirname,
    "union": f_union, "difference": f_difference, "comment": f_comment,
    "string": lambda v: str(v), "lower": lambda v: str(v).lower(), "upper": lambda v: str(v).upper(),
}


def t_truthy(value, convert_bool=False):
    return bool(value)


def t_falsy(value, convert_bool=False):
    return not bool(value)


def t_match(value, pattern="", ignorecase=False, multiline=False):
    if _opaque_in(value):
        return False
    return _regex_call(regex.match, str(pattern), str(value), flags=_flags(ignorecase, multiline)) is not None


def t_search(value, pattern="", ignorecase=False, multiline=False):
    if _opaque_in(value):
        return False
    return _regex_call(regex.search, str(pattern), str(value), flags=_flags(ignorecase, multiline)) is not None


TESTS: dict[str, Callable] = {
    "truthy": t_truthy, "falsy": t_falsy, "match": t_match, "search": t_search, "regex": t_search,
    "vault_encrypted": lambda v: isinstance(v, Opaque) and isinstance(v.marker, Vaulted),
}

_FQCN_PREFIXES = ("ansible.builtin.", "ansible.legacy.", "community.general.", "ansible.utils.",
                  "ansible.netcommon.")


# ---------------------------------------------------------------------------------------------
# the environment


@dataclass
class Budget:
    started: float = field(default_factory=time.monotonic)
    range_left: int = MAX_RANGE_ITEMS

    def check_time(self) -> None:
        if time.monotonic() - self.started > MAX_SECONDS:
            raise RenderError(f"rendering took longer than {MAX_SECONDS:g} s (an endless or huge loop?)")


class _Loader(BaseLoader):
    """Includes and imports, only from the folders Ansible searches for the template being
    rendered (`fetch` is set for each render: the environment is shared)."""

    def __init__(self, fetch: Callable[[str], str | None]):
        self.fetch = fetch

    def get_source(self, environment, template):
        text = self.fetch(template)
        if text is None:
            raise TemplateNotFound(template)
        return text, None, lambda: True


class _Env(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, fetch: Callable[[str], str | None], trim_blocks: bool = True, lstrip_blocks: bool = False):
        # cache_size=0: an included `base.j2` of one role must not be served to another role
        super().__init__(loader=_Loader(fetch), undefined=Placeholder, trim_blocks=trim_blocks,
                         lstrip_blocks=lstrip_blocks, keep_trailing_newline=True, autoescape=False, cache_size=0)
        self.budget = Budget()
        self.depth = 0  # renders in progress (a variable's value may render another template)
        self.capture: list = []
        self.compiled: dict[str, object] = {}
        self.filters["pacsguard_capture"] = lambda v: self.capture.append(v) or ""
        self.filters.update(FILTERS)
        for name, func in FILTERS.items():
            for prefix in _FQCN_PREFIXES:
                self.filters[prefix + name] = func
        self.filters["d"] = self.filters["default"]
        self.tests.update(TESTS)
        self.globals.update(range=self._range, lookup=self._lookup, query=self._lookup, q=self._lookup,
                            omit="__omit_place_holder__")

    def _range(self, *args):
        try:
            span = range(*args)
        except TypeError:
            return Opaque("range")
        self.budget.range_left -= len(span)
        if self.budget.range_left < 0:
            raise RenderError(f"loops over more than {MAX_RANGE_ITEMS} items (an endless or huge loop?)")
        return span

    @staticmethod
    def _lookup(name="", *args, **kwargs):
        # Never run: `pipe` runs commands, `file` and `env` read the controller.
        return Opaque(f"lookup('{name}')" if isinstance(name, str) else "lookup")

    def call_binop(self, context, operator, left, right):
        self.budget.check_time()
        if operator == "**":
            if (isinstance(left, int) and isinstance(right, int) and abs(left) > 1
                    and max(left.bit_length(), 1) * abs(right) > 100_000):
                raise RenderError("a power in the template is too large to compute")
            return left ** right
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_REPEAT:
                    raise RenderError("the template builds a value too large to render")
            return left * right
        if isinstance(left, (Opaque, Placeholder)) or isinstance(right, (Opaque, Placeholder)):
            return _opaque_in(left, right)
        result = left + right
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_OUTPUT_CHARS:
            raise RenderError("the template builds a value too large to render")
        return result

    def unsafe_undefined(self, obj, attribute):
        raise RenderError(f"the template reaches for `{attribute}` of a Python object; the sandbox refused it")

    def call(self, __context, __obj, *args, **kwargs):
        self.budget.check_time()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj, attribute):
        self.budget.check_time()
        if isinstance(obj, Opaque):
            return obj
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        self.budget.check_time()
        if isinstance(obj, Opaque):
            return obj
        return super().getitem(obj, argument)

    def register_unknown(self, tree: nodes.Template) -> None:
        """Filters and tests this environment does not know give unknown values, as in a lint
        of someone else's collection, instead of failing the whole template."""
        for node in tree.find_all(nodes.Filter):
            if node.name not in self.filters:
                short = node.name.rsplit(".", 1)[-1]
                self.filters[node.name] = self.filters.get(short) or (lambda *a, _n=node.name, **k: Opaque(_n))
        for node in tree.find_all(nodes.Test):
            if node.name not in self.tests:
                short = node.name.rsplit(".", 1)[-1]
                self.tests[node.name] = self.tests.get(short) or (lambda *a, **k: False)


# ---------------------------------------------------------------------------------------------
# rendering


class LazyVars(dict):
    """The variables a template sees, resolved on first use (a variable's value may itself be a
    template of other variables, as in Ansible)."""

    def __init__(self, resolve: Callable[[str], object], known: Callable[[str], bool], extra: dict | None = None):
        super().__init__(extra or {})
        self._resolve = resolve
        self._known = known

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or (isinstance(key, str) and self._known(key))

    def __getitem__(self, key):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        if isinstance(key, str) and self._known(key):
            return self._resolve(key)
        raise KeyError(key)

    def get(self, key, default=None):
        return self[key] if key in self else default


_HEADER = re.compile(r"^#jinja2:(.*)$")


def _header_options(text: str) -> tuple[str, dict[str, bool]]:
    """Ansible's first-line override (`#jinja2: trim_blocks: False, lstrip_blocks: True`)."""
    first, sep, rest = text.partition("\n")
    match = _HEADER.match(first)
    if not match:
        return text, {}
    options: dict[str, bool] = {}
    for part in match.group(1).split(","):
        key, _, value = part.partition(":")
        flag = parse_bool(value.strip())
        if key.strip() in ("trim_blocks", "lstrip_blocks") and flag is not None:
            options[key.strip()] = flag
    return "" + sep + rest, options


def add_line_markers(text: str) -> str:
    """Prefix every line that starts outside a Jinja tag with a marker holding its number."""
    out: list[str] = []
    inside: str | None = None  # the closer we are waiting for
    stripped_into = False  # the previous line ended with `-%}`: Jinja strips on into this one
    for number, line in enumerate(text.split("\n"), start=1):
        # A line that opens with `{%-` (or `{{-`, `{#-`), or that a `-%}` before it strips into,
        # joins the previous output line: a marker there would stop the strip and split the line.
        left_strip = line.lstrip().startswith(("{%-", "{{-", "{#-"))
        joins = stripped_into or left_strip
        if left_strip and not inside:  # the strip also eats the blank lines before this one
            back = len(out) - 1
            while back >= 0 and not _MARK.sub("", out[back]).strip():
                out[back] = _MARK.sub("", out[back])
                back -= 1
        out.append(line if inside or joins else f"{_MARK_OPEN}{number}{_MARK_CLOSE}{line}")
        if stripped_into and line.strip():
            stripped_into = False
        pos = 0
        while True:
            if inside:
                end = line.find(inside, pos)
                if end < 0:
                    break
                pos, inside = end + 2, None
            else:
                match = _TAG.search(line, pos)
                if not match:
                    break
                inside, pos = _CLOSE[match.group(0)], match.end()
        if not inside and line.rstrip().endswith(("-%}", "-}}", "-#}")):
            stripped_into = True
    return "\n".join(out)


def split_marked(rendered: str) -> list[tuple[str, int]]:
    """(line text, template line) for every rendered line, markers removed."""
    result: list[tuple[str, int]] = []
    current = 1
    for raw in rendered.split("\n"):
        origin = None
        pos = 0
        for match in _MARK.finditer(raw):
            if raw[pos:match.start()].strip(" \t"):
                break
            origin = int(match.group(1))
            pos = match.end()
        last = None
        for match in _MARK.finditer(raw):
            last = int(match.group(1))
        line_origin = origin if origin is not None else current
        if last is not None:
            current = last
        result.append((_MARK.sub("", raw), line_origin))
    return result


@dataclass
class Rendered:
    text: str
    line_map: list[int]  # rendered line (0-based index) -> template line (1-based)


class Renderer:
    """Renders strings and template files against one set of variables."""

    def __init__(self, resolve: Callable[[str], object], known: Callable[[str], bool],
                 fetch: Callable[[str], str | None] | None = None):
        self.resolve = resolve
        self.known = known
        self.fetch = fetch or (lambda name: None)

    def _env(self, trim_blocks: bool = True, lstrip_blocks: bool = False) -> _Env:
        key = (trim_blocks, lstrip_blocks)
        env = _ENVS.get(key)
        if env is None:
            env = _ENVS[key] = _Env(self.fetch, trim_blocks=trim_blocks, lstrip_blocks=lstrip_blocks)
        return env

    def _run(self, env: _Env, source: str, extra: dict | None = None) -> str:
        # One environment serves every render (compiling is the expensive part); a render that
        # starts while another is in progress shares its budget, so nesting cannot reset it.
        saved_fetch, saved_capture = env.loader.fetch, env.capture
        if env.depth == 0:
            env.budget = Budget()
        env.depth += 1
        env.loader.fetch, env.capture = self.fetch, []
        try:
            return self._generate(env, source, extra)
        except RenderError as exc:
            if exc.line is None:
                exc.line = _template_line(exc)
            raise
        finally:
            self.captured = env.capture
            env.depth -= 1
            env.loader.fetch, env.capture = saved_fetch, saved_capture

    @staticmethod
    def _compile(env: _Env, source: str):
        template = env.compiled.get(source)
        if template is None:
            tree = env.parse(source)
            env.register_unknown(tree)
            template = env.from_string(tree)
            if len(env.compiled) > MAX_COMPILED:
                env.compiled.clear()
            env.compiled[source] = template
        return template

    def _generate(self, env: _Env, source: str, extra: dict | None = None) -> str:
        try:
            template = self._compile(env, source)
            context = template.new_context(LazyVars(self.resolve, self.known, {**env.globals, **(extra or {})}), shared=True)
            chunks: list[str] = []
            size = 0
            for chunk in template.root_render_func(context):
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise RenderError(f"rendered output exceeds {MAX_OUTPUT_CHARS} characters")
                env.budget.check_time()
                chunks.append(chunk)
            return "".join(chunks)
        except RenderError:
            raise
        except SecurityError as exc:
            raise RenderError(f"the sandbox refused an unsafe operation ({exc})") from None
        except TemplateNotFound as exc:
            raise RenderError(f"includes `{exc.name}`, which is not a template of this role or playbook "
                              "inside the scanned tree") from None
        except TemplateError as exc:
            raise RenderError(f"Jinja error: {getattr(exc, 'message', None) or exc}", getattr(exc, "lineno", None)) from None
        except RecursionError:
            raise RenderError("recursion too deep (a macro or variable that refers to itself?)") from None
        except (OverflowError, MemoryError) as exc:
            raise RenderError(f"the template builds a value too large to render ({type(exc).__name__})") from None
        except (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError) as exc:
            raise RenderError(f"cannot be evaluated statically ({type(exc).__name__}: {exc})") from None

    def render_file(self, text: str, extra: dict | None = None) -> Rendered:
        body, options = _header_options(text)
        env = self._env(trim_blocks=options.get("trim_blocks", True), lstrip_blocks=options.get("lstrip_blocks", False))
        rendered = self._run(env, add_line_markers(body), extra)
        pairs = split_marked(rendered)
        return Rendered("\n".join(p[0] for p in pairs), [p[1] for p in pairs])

    def value(self, text: str, extra: dict | None = None) -> object:
        """A module argument or variable value: a string that is exactly one `{{ expression }}`
        keeps the expression's type (a list to loop over, a bool), as Ansible does."""
        if "{{" not in text and "{%" not in text:
            return text
        env = self._env()
        stripped = text.strip()
        simple = _SIMPLE.match(stripped)
        if simple and not (extra and simple.group(1) in extra):
            name = simple.group(1)
            if not self.known(name):
                return Unknown(name)
            found = self.resolve(name)
            if isinstance(found, Opaque):
                return found.marker if found.marker is not None else Unknown(found.label)
            return found
        if stripped.startswith("{{") and stripped.endswith("}}") and stripped.count("{{") == 1:
            self._run(env, "{{ (" + stripped[2:-2] + ") | pacsguard_capture }}", extra)
            holder = self.captured
            if holder:
                found = holder[0]
                if isinstance(found, Placeholder):
                    return Unknown(str(found)[3:-3])
                if isinstance(found, Opaque):
                    return found.marker if found.marker is not None else Unknown(found.label)
                return found
        rendered = self._run(env, text, extra)
        return rendered


def _template_line(exc: BaseException) -> int | None:
    """The template line being rendered when `exc` was raised (from Jinja's compiled code)."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename == "<template>":
            debug = frame.f_globals.get("__jinja_template__")
            line = debug.get_corresponding_lineno(tb.tb_lineno) if debug is not None else line
        tb = tb.tb_next
    if line is None:
        context = exc.__context__
        return _template_line(context) if context is not None and context is not exc else None
    return line

