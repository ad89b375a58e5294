"""inadyn.conf (inadyn 2.x, Debian 12's 2.10.0; libConfuse syntax), and the old 1.x option file.

Grammar (inadyn.conf(5), libConfuse): global `name = value` settings; `provider NAME { ... }` and
`custom NAME { ... }` sections (NAME may carry an instance suffix `:1`); values are bare words,
"double-quoted" strings with backslash escapes, 'single-quoted' strings, or lists
`{ "a", "b" }`; `#` and `//` start a comment at the start of a token, `/* ... */` is a block
comment; `include("file")` inside a section reads settings from another file.

Defaults (inadyn.conf(5) for 2.x): `ssl = true` ("Default is to use HTTPS") in every provider
and custom section since 2.1; `checkip-ssl` follows `ssl`; global `secure-ssl = true` (abort the
update when the certificate does not validate); `broken-rtc = false`; `allow-ipv6 = false`;
`verify-address = true`.

inadyn 1.x read its command line options from the file (`--username u --password p --alias host
--dyndns_system default@dyndns.org`, with or without the dashes) and had no HTTPS at all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from linter.facts import Credential, Fact, Publication, Setting, TlsPolicy
from linter.knowledge import classify_secret, parse_bool
from linter.model import Origin, ParseError, SourceFile

PRODUCT = "inadyn"
BOOLEAN_KEYS = frozenset({
    "ssl", "checkip-ssl", "secure-ssl", "broken-rtc", "allow-ipv6", "verify-address", "fake-address",
    "wildcard", "append-myip", "proxied",
})
GLOBAL_DEFAULTS = {"secure-ssl": True, "broken-rtc": False, "allow-ipv6": False, "verify-address": True}
SECTION_DEFAULTS = {"ssl": True, "checkip-ssl": True, "wildcard": False}
_MAX_INCLUDE_DEPTH = 4


@dataclass
class Token:
    kind: str  # word, string, punct
    text: str
    line: int
    column: int


@dataclass
class Value:
    items: list[str]
    is_list: bool
    origin: Origin
    raw: str


@dataclass
class Section:
    kind: str  # global, provider, custom
    name: str
    origin: Origin
    options: dict[str, Value] = field(default_factory=dict)
    order: list[tuple[str, Value]] = field(default_factory=list)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, line, col0 = 0, 1, 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            col0 = i + 1
            i += 1
            continue
        if ch in " \t\r":
            i += 1
            continue
        column = i - col0 + 1
        if ch == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ParseError("unterminated /* comment", line, column)
            line += text.count("\n", i, end)
            last = text.rfind("\n", i, end)
            if last >= 0:
                col0 = last + 1
            i = end + 2
            continue
        if text.startswith(("{{", "{%"), i):
            close = text.find("}}" if text[i + 1] == "{" else "%}", i)
            end = n if close < 0 else close + 2
            if text[i + 1] == "{":  # a template value: unknown, kept as one word
                tokens.append(Token("word", text[i:end], line, column))
            i = end
            continue
        if text.startswith("+=", i):
            tokens.append(Token("punct", "+=", line, column))
            i += 2
            continue
        if ch in "={}(),":
            tokens.append(Token("punct", ch, line, column))
            i += 1
            continue
        if ch in "\"'":
            j = i + 1
            out = []
            start_line = line
            while j < n and text[j] != ch:
                if text[j] == "\\" and ch == '"' and j + 1 < n:
                    out.append(text[j + 1])
                    j += 2
                    continue
                if text[j] == "\n":
                    line += 1
                    col0 = j + 1
                out.append(text[j])
                j += 1
            if j >= n:
                raise ParseError("unterminated quoted string", start_line, column)
            tokens.append(Token("string", "".join(out), start_line, column))
            i = j + 1
            continue
        j = i
        while j < n and text[j] not in " \t\r\n={}(),\"'#":
            if text.startswith("//", j) and j > i and text[j - 1] != ":":
                break
            j += 1
        tokens.append(Token("word", text[i:j], line, column))
        i = j
    return tokens


class _Parser:
    def __init__(self, tokens: list[Token], source: SourceFile, ctx, depth: int = 0):
        self.tokens = tokens
        self.pos = 0
        self.source = source
        self.ctx = ctx
        self.depth = depth

    def peek(self, offset: int = 0) -> Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            last = self.tokens[-1] if self.tokens else Token("word", "", 1, 1)
            raise ParseError("unexpected end of file", last.line, last.column)
        self.pos += 1
        return token

    def origin(self, token: Token) -> Origin:
        return Origin(self.source.relpath, token.line, token.column)

    def statements(self, section: Section, sections: list[Section], nested: bool) -> None:
        while True:
            token = self.peek()
            if token is None:
                if nested:
                    raise ParseError(f"section `{section.kind} {section.name}` is not closed with `}}`",
                                     section.origin.line, section.origin.column)
                return
            if token.text == "}" and token.kind == "punct":
                if not nested:
                    raise ParseError("`}` without an open section", token.line, token.column)
                self.take()
                return
            if token.kind == "punct":
                raise ParseError(f"unexpected `{token.text}`", token.line, token.column)
            name_token = self.take()
            name = name_token.text.lower()
            nxt = self.peek()
            if nxt is not None and nxt.kind == "punct" and nxt.text in ("=", "+="):
                self.take()
                value = self.value()
                section.options[name] = value if nxt.text == "=" or name not in section.options else Value(
                    section.options[name].items + value.items, True, value.origin, value.raw)
                section.order.append((name, value))
            elif nxt is not None and nxt.kind == "punct" and nxt.text == "(":
                self.take()
                args = []
                while True:
                    t = self.take()
                    if t.kind == "punct" and t.text == ")":
                        break
                    if t.kind != "punct":
                        args.append(t.text)
                if name == "include" and args and self.depth < _MAX_INCLUDE_DEPTH:
                    self.include(args[0], section, sections)
            else:
                # a section: NAME [TITLE] {
                title = ""
                if nxt is not None and nxt.kind != "punct":
                    title = self.take().text
                brace = self.take()
                if brace.text != "{" or brace.kind != "punct":
                    raise ParseError(f"expected `=` or `{{` after `{name_token.text}`", brace.line, brace.column)
                if nested:
                    raise ParseError(f"section `{name}` inside another section", name_token.line, name_token.column)
                child = Section(name, title, self.origin(name_token))
                sections.append(child)
                self.statements(child, sections, True)

    def value(self) -> Value:
        token = self.take()
        origin = self.origin(token)
        if token.kind == "punct" and token.text == "{":
            items = []
            while True:
                t = self.take()
                if t.kind == "punct" and t.text == "}":
                    break
                if t.kind == "punct" and t.text == ",":
                    continue
                if t.kind == "punct":
                    raise ParseError(f"unexpected `{t.text}` in a list", t.line, t.column)
                items.append(t.text)
            return Value(items, True, origin, "{ " + ", ".join(f'"{x}"' for x in items) + " }")
        if token.kind == "punct":
            raise ParseError(f"expected a value, found `{token.text}`", token.line, token.column)
        return Value([token.text], False, origin, token.text)

    def include(self, target: str, section: Section, sections: list[Section]) -> None:
        if target.startswith("~") or "{{" in target or "$" in target:
            return
        included = _load(target, self.source, self.ctx)
        if included is None or included.relpath == self.source.relpath:
            return
        sub = _Parser(tokenize(included.text), included, self.ctx, self.depth + 1)
        sub.statements(section, sections, False)


def _load(target: str, source: SourceFile, ctx) -> SourceFile | None:
    """The included file, if it exists in the scanned tree (ctx.load notes a missing file)."""
    if ctx is None:
        return None
    path = PurePosixPath(target)
    candidates = []
    if not path.is_absolute():
        candidates.append(Path(source.path).parent / target)
    else:
        parts = PurePosixPath(source.relpath).parts
        if "etc" in parts[:-1]:
            host_root = parts[: parts.index("etc")]
            candidates.append(Path(ctx.root).joinpath(*host_root, *path.parts[1:]))
        candidates.append(Path(source.path).parent / path.name)
    for candidate in candidates:
        if candidate.is_file():
            return ctx.load(str(candidate), None, PRODUCT)
    return None


_OLD_STYLE = re.compile(r"(?m)^\s*(--)?(username|password|alias|dyndns_system|update_period(_sec)?|"
                        r"ip_server_name|background|syslog|dyndns_server_name)\b(?!\s*=)")


def read(source: SourceFile, ctx) -> list[Fact]:
    text = source.text
    if "{" not in text and _OLD_STYLE.search(text):
        return _read_v1(source)
    tokens = tokenize(text)
    global_ = Section("global", "", Origin(source.relpath, 1))
    sections: list[Section] = [global_]
    _Parser(tokens, source, ctx).statements(global_, sections, False)
    return _facts(source, global_, [s for s in sections[1:] if s.kind in ("provider", "custom")], sections)


def _bool(value: Value | None, default: bool) -> bool | None:
    if value is None:
        return default
    return parse_bool(value.items[0]) if value.items else None


def _facts(source: SourceFile, global_: Section, providers: list[Section], sections: list[Section]) -> list[Fact]:
    facts: list[Fact] = []
    for section in sections:
        label = "global" if section.kind == "global" else f"{section.kind} {section.name}"
        for key, value in section.order:
            secret = key == "password"
            if secret:
                shown = "***"
            elif key in BOOLEAN_KEYS and not value.is_list and parse_bool(value.raw) is not None:
                shown = parse_bool(value.raw)
            elif value.is_list:
                shown = ", ".join(value.items)
            else:
                shown = int(value.raw) if value.raw.isdigit() else value.raw
            facts.append(Setting(
                origin=value.origin, product=PRODUCT, section=label, key=key, value=shown,
                raw="***" if secret else value.raw, secrets=tuple(value.items) if secret else (),
                detail=f"{label}: `{key}` is set" if secret else f"{label}: `{key} = {value.raw}`"))
        defaults = GLOBAL_DEFAULTS if section.kind == "global" else SECTION_DEFAULTS
        for key, default in defaults.items():
            if key not in section.options:
                facts.append(Setting(
                    origin=section.origin, product=PRODUCT, section=label, key=key, value=default,
                    raw=str(default).lower(), explicit=False,
                    detail=f"{label}: `{key}` is absent and inadyn's default is {str(default).lower()}"))

    for section in providers:
        label = f"{section.kind} {section.name}"
        hostnames = []
        for key in ("hostname", "alias"):
            if key in section.options:
                hostnames.extend(section.options[key].items)
        names = ", ".join(hostnames) or "(no hostname set)"
        server = section.options.get("ddns-server")
        where = f" through {server.items[0]}" if server and server.items else ""
        facts.append(Publication(
            origin=section.origin, product=PRODUCT, mechanism="ddns", provider=section.name,
            hostnames=tuple(hostnames),
            detail=f"inadyn {label}{where} keeps the dynamic DNS name {names} pointed at this "
                   f"network's public address"))

        user = section.options.get("username")
        password = section.options.get("password")
        if password is not None and password.items and password.items[0] != "":
            secret = password.items[0]
            user_name = user.items[0] if user and user.items else None
            strength = classify_secret(user_name, secret)
            facts.append(Credential(
                origin=password.origin, product=PRODUCT, service="ddns", user=user_name, secret=secret,
                strength=strength, secrets=(secret,),
                detail=f"{label}: `password` holds a literal dynamic DNS account password"
                       + (f", user `{user_name}`" if user_name else "")
                       + (" and it is on the list of well-known passwords" if strength == "well-known" else "")))

        ssl = section.options.get("ssl")
        if ssl is not None and _bool(ssl, True) is False and (user is not None or password is not None):
            facts.append(TlsPolicy(
                origin=ssl.origin, product=PRODUCT, service="ddns", role="client", enforced=False,
                detail=f"{label} sets `ssl = {ssl.raw}`: inadyn sends the account name and password, "
                       f"unencrypted (plain HTTP), whenever it updates {names}"))

    secure = global_.options.get("secure-ssl")
    if providers and secure is not None and _bool(secure, True) is False:
        facts.append(TlsPolicy(
            origin=secure.origin, product=PRODUCT, service="ddns", role="client", verify=False,
            detail=f"`secure-ssl = {secure.raw}`: when a provider's HTTPS certificate does not validate "
                   f"inadyn only warns and logs in to the DDNS provider all the same"))
    return facts


# inadyn 1.x: command line options in the file.
_V1_KEYS = {"username": "username", "u": "username", "password": "password", "p": "password",
            "alias": "alias", "a": "alias", "dyndns_system": "dyndns_system", "system": "dyndns_system",
            "s": "dyndns_system", "ssl": "ssl"}


def _read_v1(source: SourceFile) -> list[Fact]:
    facts: list[Fact] = []
    options: dict[str, list[tuple[str, Origin]]] = {}
    for number, raw in enumerate(source.lines, 1):
        text = raw.split("#", 1)[0]
        words = list(re.finditer(r"\S+", text))
        index = 0
        while index < len(words):
            word = words[index].group(0)
            name = word.lstrip("-").lower()
            key = _V1_KEYS.get(name)
            origin = Origin(source.relpath, number, words[index].start() + 1)
            if key is None:
                index += 1
                continue
            if key == "ssl":
                options.setdefault("ssl", []).append(("true", origin))
                index += 1
                continue
            value = words[index + 1].group(0) if index + 1 < len(words) else ""
            options.setdefault(key, []).append((value, origin))
            secret = key == "password"
            facts.append(Setting(origin=origin, product=PRODUCT, section="global", key=key,
                                 value="***" if secret else value, raw="***" if secret else value,
                                 secrets=(value,) if secret and value else (),
                                 detail=f"`{word}` is set" if secret else f"`{word} {value}`"))
            index += 2
    aliases = [v for v, _ in options.get("alias", []) if v]
    if not aliases and "username" not in options:
        return facts
    system = options.get("dyndns_system", [("default@dyndns.org", None)])[0][0]
    first = (options.get("alias") or options.get("username"))[0][1]
    names = ", ".join(aliases) or "(no alias set)"
    facts.append(Publication(
        origin=first, product=PRODUCT, mechanism="ddns", provider=system, hostnames=tuple(aliases),
        detail=f"inadyn ({system}) keeps the dynamic DNS name {names} pointed at this network's public address"))
    user = options.get("username", [(None, None)])[0][0]
    for value, origin in options.get("password", []):
        if not value:
            continue
        strength = classify_secret(user, value)
        facts.append(Credential(
            origin=origin, product=PRODUCT, service="ddns", user=user, secret=value, strength=strength,
            secrets=(value,), detail="`--password` holds a literal dynamic DNS account password"
                                     + (f", user `{user}`" if user else "")))
        if "ssl" not in options:
            facts.append(TlsPolicy(
                origin=origin, product=PRODUCT, service="ddns", role="client", enforced=False,
                detail="inadyn 1.x option file: that version has no HTTPS, so the account password, "
                       f"for {names}, crosses the internet unencrypted (plain HTTP)"))
    return facts
