"""Compiles the declarative `where:` conditions of rule files into plain Python callables.

Grammar (a mapping; every entry must hold):
    field: VALUE              equal (strings compare case-insensitively)
    field: [V1, V2]           one of
    field: {op: VALUE, ...}   eq, ne, in, not_in, lt, le, gt, ge, contains, contains_any,
                              exists, matches (a regular expression, searched in the first
                              4096 characters of the value)
    all: [COND, ...]  any: [COND, ...]  not: COND
    predicate: NAME | [NAME, ...]   named predicates from linter.predicates
Compilation happens once per rule; evaluation never touches YAML again.
"""
from __future__ import annotations

from typing import Any, Callable

from linter.knowledge import parse_bool
from linter.predicates import PREDICATES

Check = Callable[[Any], bool]
OPERATORS = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "contains", "contains_any", "exists", "matches")
COMBINATORS = ("all", "any", "not", "predicate")
MAX_MATCH_CHARS = 4096
MATCH_TIMEOUT = 0.05  # seconds for one regular-expression search


class ConditionError(ValueError):
    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _norm(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _equal(a: Any, b: Any) -> bool:
    """Strings compare case-insensitively. A boolean compares with a string through the string's
    boolean spelling, because YAML 1.1 reads an unquoted `yes` in a rule file as true."""
    if isinstance(a, bool) or isinstance(b, bool):
        if isinstance(a, bool) and isinstance(b, bool):
            return a == b
        other = b if isinstance(a, bool) else a
        flag = a if isinstance(a, bool) else b
        return isinstance(other, str) and parse_bool(other) is flag
    return _norm(a) == _norm(b)


def _ordered(op: str, bound: Any, path: str) -> Check:
    if not isinstance(bound, (int, float)) or isinstance(bound, bool):
        raise ConditionError(path, f"'{op}' needs a number")
    compare = {"lt": lambda v: v < bound, "le": lambda v: v <= bound,
               "gt": lambda v: v > bound, "ge": lambda v: v >= bound}[op]
    return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and compare(v)


def _value_check(spec: Any, path: str) -> Check:
    if isinstance(spec, list):
        options = list(spec)
        return lambda v: any(_equal(v, o) for o in options)
    if not isinstance(spec, dict):
        return lambda v: _equal(v, spec)
    checks: list[Check] = []
    for op, arg in spec.items():
        where = f"{path}.{op}"
        if op == "eq":
            checks.append(lambda v, a=arg: _equal(v, a))
        elif op == "ne":
            checks.append(lambda v, a=arg: not _equal(v, a))
        elif op in ("in", "not_in"):
            if not isinstance(arg, list):
                raise ConditionError(where, "needs a list")
            inside = lambda v, a=arg: any(_equal(v, o) for o in a)  # noqa: E731
            checks.append(inside if op == "in" else (lambda v, f=inside: not f(v)))
        elif op in ("lt", "le", "gt", "ge"):
            checks.append(_ordered(op, arg, where))
        elif op == "contains":
            checks.append(lambda v, a=arg: isinstance(v, (tuple, list)) and any(_equal(x, a) for x in v))
        elif op == "contains_any":
            if not isinstance(arg, list):
                raise ConditionError(where, "needs a list")
            checks.append(lambda v, a=arg: isinstance(v, (tuple, list)) and any(_equal(x, o) for x in v for o in a))
        elif op == "exists":
            checks.append(lambda v, a=bool(arg): (v is not None and v != () and v != "") is a)
        elif op == "matches":
            checks.append(_matcher(str(arg), where))
        else:
            raise ConditionError(where, f"unknown operator (use one of {', '.join(OPERATORS)})")
    return lambda v: all(c(v) for c in checks)


class PatternTimeout(Exception):
    """A rule's regular expression ran past its time bound on one value."""

    def __init__(self, pattern: str):
        super().__init__(pattern)
        self.pattern = pattern


def _compile_pattern(source: str, where: str):
    import regex  # deferred: 25 ms, paid only when a `matches` condition meets a value

    try:
        return regex.compile(source, regex.IGNORECASE)
    except regex.error as exc:
        raise ConditionError(where, f"bad regular expression: {exc}") from None


def check_patterns(spec: Any, where: str) -> None:
    """Compile every `matches` pattern of a rule document, so a bad one is reported when the rule
    file is validated (see linter.rules), not when it first meets a value."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "matches" and isinstance(value, str):
                _compile_pattern(value, f"{where}.matches")
            else:
                check_patterns(value, f"{where}.{key}")
    elif isinstance(spec, list):
        for index, item in enumerate(spec):
            check_patterns(item, f"{where}[{index}]")


def _matcher(source: str, where: str) -> Check:
    """A case-insensitive search with a time bound. Rule files may come from users, and a pattern
    such as `(a+)+$` backtracks for hours on a short value; the `regex` engine stops it instead.
    Compiled on first use: a pre-commit run whose files no such rule reads never imports `regex`."""
    compiled: list = []

    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if not compiled:
            compiled.append(_compile_pattern(source, where))
        try:
            return compiled[0].search(value[:MAX_MATCH_CHARS], timeout=MATCH_TIMEOUT) is not None
        except TimeoutError:
            raise PatternTimeout(source) from None

    return check


def compile_condition(spec: Any, path: str, fields: tuple[str, ...] | None = None) -> Callable[[Any], bool]:
    """Compile a `where:` mapping. `fields` (when given) are the fact's field names: a typo in a
    rule file is reported at load time instead of silently never matching."""
    if spec is None:
        return lambda fact: True
    if not isinstance(spec, dict):
        raise ConditionError(path, "a condition must be a mapping")
    checks: list[Callable[[Any], bool]] = []
    for key, arg in spec.items():
        where = f"{path}.{key}"
        if key == "all" or key == "any":
            if not isinstance(arg, list):
                raise ConditionError(where, "needs a list of conditions")
            subs = [compile_condition(s, f"{where}[{i}]", fields) for i, s in enumerate(arg)]
            checks.append((lambda f, s=subs: all(c(f) for c in s)) if key == "all"
                          else (lambda f, s=subs: any(c(f) for c in s)))
        elif key == "not":
            sub = compile_condition(arg, where, fields)
            checks.append(lambda f, s=sub: not s(f))
        elif key == "predicate":
            names = arg if isinstance(arg, list) else [arg]
            funcs = []
            for name in names:
                if name not in PREDICATES:
                    raise ConditionError(where, f"unknown predicate {name!r} (known: {', '.join(sorted(PREDICATES))})")
                funcs.append(PREDICATES[name])
            checks.append(lambda f, fs=funcs: all(fn(f) for fn in fs))
        else:
            if fields is not None and key not in fields:
                raise ConditionError(where, f"unknown field (fields: {', '.join(fields)})")
            value_check = _value_check(arg, where)
            checks.append(lambda f, k=key, c=value_check: c(f.get(k)))
    return lambda fact: all(c(fact) for c in checks)
