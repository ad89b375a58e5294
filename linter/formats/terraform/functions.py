"""Terraform built-in functions the evaluator resolves, as pure Python over plain values.

Each function takes evaluated arguments and returns a value, `Unknown`, or raises `EvalError`
for what Terraform itself would reject (so `try` and `can` behave). An `Unknown` argument makes
the result unknown unless the function can decide without it. Results are bounded: no list
longer than `MAX_ITEMS`, no string longer than `MAX_STRING`, so `range(100000000)` or
`join` over it cannot eat memory. Functions not listed here return unknown.
"""
from __future__ import annotations

import ipaddress
import json
import math
import re
from typing import Any, Callable

from linter.formats.terraform.model import Unknown

MAX_ITEMS = 10_000
MAX_STRING = 1_000_000


class EvalError(Exception):
    """An expression Terraform would reject (missing key, wrong type, bad index)."""


def unknown_in(value: Any) -> bool:
    """Whether a value holds an unknown anywhere (a value too large to walk counts as one)."""
    if isinstance(value, Unknown):
        return True
    if not isinstance(value, (list, dict)):
        return False
    stack = [(value, 0)]
    seen = 0
    while stack:
        current, depth = stack.pop()
        seen += 1
        if seen > 200_000 or depth > 64:
            return True
        if isinstance(current, Unknown):
            return True
        if isinstance(current, list):
            stack.extend((v, depth + 1) for v in current)
        elif isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values())
    return False


def bounded(items: list) -> list | Unknown:
    return items if len(items) <= MAX_ITEMS else Unknown(f"collection over {MAX_ITEMS} items")


def bounded_str(text: str) -> str | Unknown:
    return text if len(text) <= MAX_STRING else Unknown("string too long")


def format_number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def to_string(value: Any) -> str | Unknown:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, str):
        return value
    if value is None:
        raise EvalError("null value cannot be used as a string")
    raise EvalError("a collection cannot be used as a string")


def to_number(value: Any) -> int | float | Unknown:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        raise EvalError("a bool is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise EvalError(f"{value!r} is not a number") from None
        if math.isinf(number) or math.isnan(number):
            raise EvalError("not a finite number")
        return int(number) if number.is_integer() and abs(number) < 2 ** 53 else number
    raise EvalError("not a number")


def normal_number(value: int | float) -> int | float:
    """Terraform numbers are exact: 1.5 * 2 is the whole number 3."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def to_bool(value: Any) -> bool | Unknown:
    if isinstance(value, Unknown) or isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    raise EvalError("not a bool")


def as_list(value: Any) -> list:
    if isinstance(value, list):
        return value
    raise EvalError("not a list")


def as_map(value: Any) -> dict:
    if isinstance(value, dict):
        return value
    raise EvalError("not a map")


def to_set(values: list) -> list | Unknown:
    """Sets are lists without duplicates; sets of strings are ordered as Terraform orders them."""
    out: list = []
    for v in values:
        if isinstance(v, Unknown):
            return Unknown("set with an unknown element")
        if v not in out:
            out.append(v)
    if all(isinstance(v, str) for v in out):
        out.sort()
    return out


def _concat(*lists):
    out: list = []
    for item in lists:
        out.extend(as_list(item))
        if len(out) > MAX_ITEMS:
            return Unknown("collection too large")
    return out


def _flatten(value, depth: int = 0):
    if depth > 64:
        return Unknown("nested too deeply")
    out: list = []
    for item in as_list(value):
        if isinstance(item, Unknown):
            return Unknown("flatten of an unknown element")
        if isinstance(item, list):
            inner = _flatten(item, depth + 1)
            if isinstance(inner, Unknown):
                return inner
            out.extend(inner)
        else:
            out.append(item)
        if len(out) > MAX_ITEMS:
            return Unknown("collection too large")
    return out


def _lookup(mapping, key, *default):
    mapping = as_map(mapping)
    if isinstance(key, Unknown):
        return key
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise EvalError(f"no key {key!r}")


def _merge(*maps):
    out: dict = {}
    for item in maps:
        if item is None:
            continue
        out.update(as_map(item))
    return out


def _tolist(value):
    if isinstance(value, list):
        return value
    raise EvalError("cannot convert to list")


def _tomap(value):
    return as_map(value)


def _tonumber(value):
    return None if value is None else to_number(value)


def _tostring(value):
    return None if value is None else to_string(value)


def _tobool(value):
    return None if value is None else to_bool(value)


def _element(values, index):
    values = as_list(values)
    index = to_number(index)
    if isinstance(index, Unknown):
        return index
    if not values:
        raise EvalError("element of an empty list")
    return values[int(index) % len(values)]


def _length(value):
    if isinstance(value, (list, dict)):
        return len(value)
    if isinstance(value, str):
        return len(value)
    raise EvalError("length of a value that has none")


def _keys(mapping):
    return sorted(as_map(mapping))


def _values(mapping):
    mapping = as_map(mapping)
    return [mapping[k] for k in sorted(mapping)]


def _contains(values, item):
    values = as_list(values)
    if isinstance(item, Unknown):
        return item
    if item in values:
        return True
    if any(isinstance(v, Unknown) for v in values):
        return Unknown("contains over unknown elements")
    return False


def _distinct(values):
    out: list = []
    for v in as_list(values):
        if isinstance(v, Unknown):
            return Unknown("distinct over unknown elements")
        if v not in out:
            out.append(v)
    return out


def _join(separator, *lists):
    separator = to_string(separator)
    if isinstance(separator, Unknown):
        return separator
    parts = []
    for values in lists:
        for v in as_list(values):
            text = to_string(v)
            if isinstance(text, Unknown):
                return text
            parts.append(text)
    return bounded_str(separator.join(parts))


def _split(separator, text):
    separator, text = to_string(separator), to_string(text)
    if text == "":
        return []
    if separator == "":
        return bounded(list(text))
    return bounded(text.split(separator))


_VERB = re.compile(r"%(?:\[(\d+)\])?([-+ #0]*)(\d*)(?:\.(\d+))?([vdtsqfegbxXoc%])")


def _format(spec, *args):
    spec = to_string(spec)
    if isinstance(spec, Unknown):
        return spec
    position = 0
    out: list[str] = []
    last = 0
    for match in _VERB.finditer(spec):
        out.append(spec[last:match.start()])
        last = match.end()
        explicit, flags, width, precision, verb = match.groups()
        if verb == "%":
            out.append("%")
            continue
        index = int(explicit) - 1 if explicit else position
        position = index + 1
        if index >= len(args):
            raise EvalError("not enough arguments for format")
        value = args[index]
        if isinstance(value, Unknown):
            return value
        if verb in "ds":
            text = to_string(value) if verb == "s" else format_number(int(to_number(value)))
        elif verb == "q":
            text = json.dumps(to_string(value))
        elif verb == "f":
            text = f"%.{precision or 6}f" % float(to_number(value))
        elif verb == "t":
            text = "true" if to_bool(value) else "false"
        elif verb in "xX":
            text = format(int(to_number(value)), verb)
        elif verb == "v":
            text = to_string(value) if not isinstance(value, (list, dict)) else json.dumps(value)
        else:
            return Unknown(f"format verb %{verb}")
        if width:
            if "-" in flags:
                text = text.ljust(int(width))
            elif "0" in flags and verb in "dfxX":
                sign = "-" if text.startswith("-") else ""
                text = sign + text.lstrip("-").rjust(int(width) - len(sign), "0")
            else:
                text = text.rjust(int(width))
        out.append(text)
    out.append(spec[last:])
    return bounded_str("".join(out))


def _string_fn(fn: Callable[[str], str]):
    def wrapped(text):
        text = to_string(text)
        return text if isinstance(text, Unknown) else fn(text)
    return wrapped


def _replace(text, search, replacement):
    text, search, replacement = to_string(text), to_string(search), to_string(replacement)
    if len(search) > 2 and search.startswith("/") and search.endswith("/"):
        return Unknown("replace with a regular expression")  # user patterns are not run
    if search == "":
        return text
    return bounded_str(text.replace(search, replacement))


def _coalesce(*values):
    for v in values:
        if isinstance(v, Unknown):
            return v
        if v is not None and v != "":
            return v
    raise EvalError("no non-null, non-empty argument")


def _coalescelist(*lists):
    for v in lists:
        if isinstance(v, Unknown):
            return v
        if as_list(v):
            return v
    raise EvalError("no non-empty list")


def _compact(values):
    out = []
    for v in as_list(values):
        if isinstance(v, Unknown):
            out.append(v)
        elif v is not None and v != "":
            out.append(to_string(v))
    return out


def _range(*args):
    numbers = [to_number(a) for a in args]
    if len(numbers) == 1:
        start, stop, step = 0, numbers[0], 1
    elif len(numbers) == 2:
        start, stop, step = numbers[0], numbers[1], 1 if numbers[1] >= numbers[0] else -1
    elif len(numbers) == 3:
        start, stop, step = numbers
    else:
        raise EvalError("range takes 1 to 3 arguments")
    if step == 0:
        raise EvalError("range step of zero")
    count = math.ceil((stop - start) / step)
    if count > MAX_ITEMS:
        return Unknown(f"range over {MAX_ITEMS} items")
    out = [start + i * step for i in range(max(0, count))]
    return [int(v) if isinstance(v, float) and v.is_integer() else v for v in out]


def _zipmap(keys, values):
    keys, values = as_list(keys), as_list(values)
    if len(keys) != len(values):
        raise EvalError("zipmap lists of different lengths")
    out = {}
    for k, v in zip(keys, values):
        k = to_string(k)
        if isinstance(k, Unknown):
            return k
        out[k] = v
    return out


def _jsonencode(value):
    if unknown_in(value):
        return Unknown("jsonencode of an unknown value")
    text = json.dumps(value, separators=(",", ":"), sort_keys=True)
    return bounded_str(text)


def _jsondecode(text):
    text = to_string(text)
    if len(text) > MAX_STRING:
        return Unknown("string too long")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise EvalError("invalid JSON") from None
    return value


def _yamldecode(text):
    """YAML with the safe loader only (no tags that build objects); aliases stay shared, and
    the evaluator's size bounds apply to the result."""
    import yaml
    text = to_string(text)
    if len(text) > MAX_STRING:
        return Unknown("string too long")
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return _plain(yaml.load(text, Loader=loader))
    except (yaml.YAMLError, RecursionError, ValueError):
        raise EvalError("invalid YAML") from None


def _plain(value, depth: int = 0):
    """YAML scalars Terraform does not have (dates, bytes) become strings; keys become strings."""
    if depth > 64:
        raise EvalError("YAML nested too deeply")
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, depth + 1) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _csvdecode(text):
    import csv
    import io
    rows = list(csv.reader(io.StringIO(to_string(text))))
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    if len(body) > MAX_ITEMS:
        return Unknown("collection too large")
    if any(len(row) != len(header) for row in body):
        raise EvalError("csvdecode rows of different lengths")
    return [dict(zip(header, row)) for row in body]


def _cidrsubnet(prefix, newbits, netnum):
    prefix = to_string(prefix)
    newbits, netnum = to_number(newbits), to_number(netnum)
    try:
        network = ipaddress.ip_network(prefix, strict=False)
        new_prefix = network.prefixlen + int(newbits)
        if new_prefix > network.max_prefixlen or int(netnum) >= 2 ** int(newbits) or int(netnum) < 0:
            raise EvalError("cidrsubnet out of range")
        size = 2 ** (network.max_prefixlen - new_prefix)
        address = int(network.network_address) + int(netnum) * size
        return str(ipaddress.ip_network((address, new_prefix)))
    except ValueError:
        raise EvalError("invalid CIDR") from None


def _cidrhost(prefix, hostnum):
    prefix = to_string(prefix)
    hostnum = int(to_number(hostnum))
    try:
        network = ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        raise EvalError("invalid CIDR") from None
    if hostnum < 0:
        hostnum += network.num_addresses
    if not 0 <= hostnum < network.num_addresses:
        raise EvalError("cidrhost out of range")
    return str(network.network_address + hostnum)


def _one(values):
    values = as_list(values)
    if len(values) > 1:
        raise EvalError("one() of more than one element")
    return values[0] if values else None


def _minmax(fn):
    def wrapped(*values):
        if len(values) == 1 and isinstance(values[0], list):
            values = tuple(values[0])
        numbers = [to_number(v) for v in values]
        if any(isinstance(n, Unknown) for n in numbers):
            return Unknown("unknown number")
        if not numbers:
            raise EvalError("no numbers")
        return fn(numbers)
    return wrapped


def _slice(values, start, end):
    values = as_list(values)
    start, end = int(to_number(start)), int(to_number(end))
    if not 0 <= start <= end <= len(values):
        raise EvalError("slice out of range")
    return values[start:end]


def _setop(op):
    def wrapped(*sets):
        lists = [as_list(x) for x in sets]
        if not lists:
            return []
        result = to_set(lists[0])
        for other in lists[1:]:
            if isinstance(result, Unknown):
                return result
            if op == "union":
                result = to_set(result + other)
            elif op == "intersection":
                result = [v for v in result if v in other]
            else:
                result = [v for v in result if v not in other]
        return result
    return wrapped


def _substr(text, offset, length):
    text = to_string(text)
    offset, length = int(to_number(offset)), int(to_number(length))
    if offset < 0:
        offset = max(0, len(text) + offset)
    return text[offset:] if length < 0 else text[offset:offset + length]


def _all(values):
    values = [to_bool(v) for v in as_list(values)]
    if False in values:
        return False
    return Unknown("unknown element") if any(isinstance(v, Unknown) for v in values) else True


def _any(values):
    values = [to_bool(v) for v in as_list(values)]
    if True in values:
        return True
    return Unknown("unknown element") if any(isinstance(v, Unknown) for v in values) else False


def _toset(value):
    return to_set(as_list(value))


def _reverse(values):
    return list(reversed(as_list(values)))


def _sort(values):
    strings = [to_string(v) for v in as_list(values)]
    if any(isinstance(v, Unknown) for v in strings):
        return Unknown("sort over unknown elements")
    return sorted(strings)


def _sum(values):
    numbers = [to_number(v) for v in as_list(values)]
    if any(isinstance(n, Unknown) for n in numbers):
        return Unknown("unknown number")
    return sum(numbers)


def _index(values, item):
    values = as_list(values)
    if item in values:
        return values.index(item)
    if any(isinstance(v, Unknown) for v in values):
        return Unknown("index over unknown elements")
    raise EvalError("item not in list")


def _formatlist(spec, *args):
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise EvalError("formatlist lists of different lengths")
    count = lengths.pop() if lengths else 1
    if count > MAX_ITEMS:
        return Unknown("collection too large")
    return [_format(spec, *[a[i] if isinstance(a, list) else a for a in args]) for i in range(count)]


def _trim(text, cutset):
    return to_string(text).strip(to_string(cutset))


def _base64encode(text):
    import base64
    return bounded_str(base64.b64encode(to_string(text).encode("utf-8")).decode("ascii"))


def _base64decode(text):
    import base64
    import binascii
    try:
        return base64.b64decode(to_string(text), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise EvalError("invalid base64") from None


# Functions whose arguments may hold unknowns inside collections without making the result
# unknown are listed here; every other function returns unknown when any argument is unknown.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "concat": _concat, "flatten": _flatten, "lookup": _lookup, "merge": _merge, "toset": _toset,
    "tolist": _tolist, "tomap": _tomap, "tostring": _tostring, "tonumber": _tonumber, "tobool": _tobool,
    "element": _element, "length": _length, "keys": _keys, "values": _values, "contains": _contains,
    "distinct": _distinct, "join": _join, "split": _split, "format": _format,
    "lower": _string_fn(str.lower), "upper": _string_fn(str.upper), "replace": _replace,
    "trimspace": _string_fn(str.strip), "chomp": _string_fn(lambda t: t.rstrip("\r\n")),
    "title": _string_fn(str.title), "coalesce": _coalesce, "coalescelist": _coalescelist,
    "compact": _compact, "range": _range, "zipmap": _zipmap, "jsonencode": _jsonencode,
    "jsondecode": _jsondecode, "yamldecode": _yamldecode, "csvdecode": _csvdecode, "cidrsubnet": _cidrsubnet, "cidrhost": _cidrhost, "one": _one,
    "min": _minmax(min), "max": _minmax(max), "slice": _slice, "setunion": _setop("union"),
    "setintersection": _setop("intersection"), "setsubtract": _setop("subtract"), "substr": _substr,
    "alltrue": _all, "anytrue": _any, "reverse": _reverse, "sort": _sort, "sum": _sum,
    "trimprefix": lambda t, p: to_string(t)[len(to_string(p)):] if to_string(t).startswith(to_string(p)) else to_string(t),
    "trimsuffix": lambda t, p: to_string(t)[:-len(to_string(p))] if to_string(p) and to_string(t).endswith(to_string(p)) else to_string(t),
    "startswith": lambda t, p: to_string(t).startswith(to_string(p)),
    "endswith": lambda t, p: to_string(t).endswith(to_string(p)),
    "sensitive": lambda v: v, "nonsensitive": lambda v: v,  # sensitivity only hides values in Terraform's output
    "index": _index, "formatlist": _formatlist, "trim": _trim,
    "base64encode": _base64encode, "base64decode": _base64decode,
    "abs": lambda n: abs(to_number(n)), "ceil": lambda n: math.ceil(to_number(n)), "floor": lambda n: math.floor(to_number(n)),
}

# These decide with unknown elements inside a list argument (but not when the argument itself
# is unknown).
PARTIAL = frozenset({"sensitive", "nonsensitive", "index", "concat", "lookup", "merge", "tolist", "tomap", "element", "length", "keys", "values",
                     "contains", "coalescelist", "compact", "slice", "one", "reverse", "alltrue", "anytrue",
                     "coalesce", "zipmap", "flatten", "distinct", "join", "format", "toset", "sort", "sum",
                     "min", "max", "setunion", "setintersection", "setsubtract"})


def call(name: str, args: list) -> Any:
    fn = FUNCTIONS.get(name.split("::")[-1] if name.startswith("provider::") else name)
    if fn is None:
        return Unknown(f"function {name}() is not evaluated")
    if name != "coalesce" and any(isinstance(a, Unknown) for a in args):
        return Unknown(f"{name}() of an unknown value")
    if name not in PARTIAL and any(unknown_in(a) for a in args):
        return Unknown(f"{name}() of an unknown value")
    try:
        return fn(*args)
    except EvalError:
        raise
    except (TypeError, ValueError, IndexError, KeyError, OverflowError, ZeroDivisionError, AttributeError) as exc:
        raise EvalError(f"{name}(): {exc}") from None
