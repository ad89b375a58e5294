"""ddclient.conf (ddclient 3.10, Debian 12's 3.10.0-2; the grammar is unchanged in 3.11).

Grammar, as ddclient 3.10's own `_read_config` and `parse_assignment` read it:
- on each physical line a password (any key containing `password`) is taken first: a
  single-quoted value runs to the last quote of the line, an unquoted one to the next blank (a
  `#` inside it is part of the password);
- then `#` starts a comment anywhere, and a line ending in `\\` continues on the next;
- a logical line is `[name=value ...] [host[,host...] [login [password]]]`: assignments are
  separated by commas and/or blanks, a value ends at an unquoted blank or comma and may contain
  quoted parts and backslash escapes; the rest, with blanks around commas removed, is split on
  blanks into host names, then the old positional login and password;
- a line with assignments only sets global values for every host defined after it; assignments
  on a host line apply to those hosts only. `host=` adds host names.

Defaults (ddclient 3.10 variable table, catalogue 3.14): `ssl` 0 (off), `web-ssl-validate` and
`fw-ssl-validate` 1 (on), `protocol` dyndns2, `server` members.dyndns.org. `ssl` is a global
option: ddclient's `geturl` reads the global value, so the last global `ssl=` of the file wins.
Only dyndns2 (the default), woima, keysystems and dnsmadeeasy follow `ssl` (see `FOLLOWS_SSL`);
every other 3.10 protocol writes its update URL with `https://` (checked in the 3.10.0 script).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from linter.facts import Credential, Fact, Publication, Setting, TlsPolicy
from linter.knowledge import classify_secret, is_reference, parse_bool
from linter.model import Origin, SourceFile
from linter.formats._text import TEMPLATE_LINE

PRODUCT = "ddclient"

# Protocols whose update URL follows the global `ssl` option in ddclient 3.10.0 (Debian 12): their
# update functions build `http://...` (dyndns2, woima, keysystems) or pick the scheme from `ssl`
# (dnsmadeeasy), and `geturl` uses https only for an explicit `https://` URL or `ssl=yes`. Every
# other 3.10 protocol (dyndns1, noip, changeip, easydns, zoneedit1, dslreports1, freedns,
# namecheap, cloudflare, duckdns, googledomains, ...) writes `https://` itself; `nsupdate` sends no
# HTTP request and `cloudns` uses the full `dynurl` it is given.
FOLLOWS_SSL = frozenset({"dyndns2", "woima", "keysystems", "dnsmadeeasy"})

BOOLEAN_KEYS = frozenset({
    "ssl", "web-ssl-validate", "fw-ssl-validate", "wildcard", "static", "custom", "backupmx",
    "syslog", "quiet", "verbose", "debug", "exec", "retry", "force", "foreground", "help", "test",
    "quietreply", "use-personal-access-token", "ipv6",
})
SECRET_KEYS = frozenset({"password", "fw-password", "secretapikey", "apikey"})
DEFAULTS = {
    "ssl": (False, "0"),
    "web-ssl-validate": (True, "1"),
    "fw-ssl-validate": (True, "1"),
    "protocol": ("dyndns2", "dyndns2"),
}


@dataclass
class Assignment:
    key: str
    value: str
    raw: str
    origin: Origin
    quoted: bool = False


@dataclass
class Line:
    number: int
    text: str
    assignments: list[Assignment] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)


_PASSWORD = re.compile(r"^([^#]*\s)?([^#]*?password\S*?)\s*=\s*('.*'|[^']\S*)(.*)")


def _logical_lines(source: SourceFile):
    """(text, positions, passwords) per logical line, as ddclient 3.10's `_read_config` builds
    them: a password (any key containing `password`) is taken from each physical line first
    (single-quoted up to the last quote, or up to the next blank, `#` included); then `#` starts
    a comment anywhere; a line ending in `\\` continues. positions maps each character of the
    text to its physical (line, column)."""
    buffer, positions = "", []
    passwords: dict[str, tuple[str, str, int, int]] = {}
    for number, raw in enumerate(source.lines, 1):
        if not buffer and TEMPLATE_LINE.match(raw):
            continue
        text = raw
        match = _PASSWORD.match(text)
        if match:
            key = match.group(2).strip().lower()
            raw_value = match.group(3)
            start = match.start(3)
            if raw_value.startswith("{{") and "}}" in text[start:]:  # a template: keep it whole
                raw_value = text[start:text.index("}}", start) + 2]
            value = raw_value[1:-1] if len(raw_value) >= 2 and raw_value[0] == raw_value[-1] == "'" else raw_value
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            key = re.split(r"[\s,]+", key)[-1]
            passwords[key] = (value, raw_value, number, start + 1)
            text = text[:start] + "x" * len(raw_value) + text[start + len(raw_value):]
        cut = text.find("#")
        if cut >= 0:
            text = text[:cut]
        joined = text.rstrip("\r\n").endswith("\\")
        if joined:
            text = text.rstrip("\r\n")[:-1]
        positions.extend((number, column) for column in range(1, len(text) + 1))
        buffer += text
        if joined:
            continue
        if buffer.strip():
            yield buffer, positions, passwords
        buffer, positions, passwords = "", [], {}
    if buffer.strip():
        yield buffer, positions, passwords


_ASSIGNMENT = re.compile(r"[,\s]*([A-Za-z][0-9A-Za-z_-]*)=")


def _parse_line(text: str, positions: list[tuple[int, int]], passwords, relpath: str) -> Line:
    def origin_at(index: int) -> Origin:
        line, column = positions[min(max(index, 0), len(positions) - 1)]
        return Origin(relpath, line, column)

    line = Line(positions[0][0], text)
    pos, length = 0, len(text)
    while True:
        match = _ASSIGNMENT.match(text, pos)
        if match is None:
            break
        key = match.group(1).lower()
        start = match.start(1)
        pos = match.end()
        value, escape, quote, quoted = [], False, "", False
        while pos < length:
            c = text[pos]
            if not escape and not quote and text.startswith("{{", pos):  # a template: one unknown value
                close = text.find("}}", pos)
                end = length if close < 0 else close + 2
                value.append(text[pos:end])
                pos = end
                continue
            if escape:
                value.append(c)
                escape = False
            elif c == "\\":
                escape = True
            elif quote and c == quote:
                quote = ""
            elif not quote and c in "'\"":
                quote, quoted = c, True
            elif not quote and (c.isspace() or c == ","):
                break
            else:
                value.append(c)
            pos += 1
        raw = text[match.end():pos].strip()
        assignment = Assignment(key, "".join(value), raw, origin_at(start), quoted)
        if key in passwords:
            secret, secret_raw, secret_line, secret_column = passwords[key]
            assignment = Assignment(key, secret, secret_raw, Origin(relpath, secret_line, secret_column), True)
        line.assignments.append(assignment)
    # The rest: `host[,host...] [login [password]]`, blanks around commas removed, split on blanks.
    rest = text[pos:]
    offset = pos
    words: list[tuple[str, int]] = []
    i = 0
    while i < len(rest):
        if rest[i].isspace() or rest[i] == ",":
            i += 1
            continue
        j = i
        word_start = i
        pieces = []
        while j < len(rest):
            if rest.startswith("{{", j):
                close = rest.find("}}", j)
                end = len(rest) if close < 0 else close + 2
                pieces.append(rest[j:end])
                j = end
                continue
            if rest[j] == ",":
                k = j + 1
                while k < len(rest) and rest[k].isspace():
                    k += 1
                pieces.append(",")
                j = k
                continue
            if rest[j].isspace():
                k = j
                while k < len(rest) and rest[k].isspace():
                    k += 1
                if k < len(rest) and rest[k] == ",":
                    j = k
                    continue
                break
            pieces.append(rest[j])
            j += 1
        words.append(("".join(pieces), offset + word_start))
        i = j
    host_assignment = next((a for a in line.assignments if a.key == "host"), None)
    hosts = [h for h in words[0][0].split(",") if h] if words else []
    if host_assignment is not None:
        hosts.extend(h for h in host_assignment.value.split(",") if h)
    line.hosts = hosts
    if words:
        line.number = origin_at(words[0][1]).line
    elif host_assignment is not None:
        line.number = host_assignment.origin.line
    for key, (value, offset_) in zip(("login", "password"), words[1:3]):
        line.assignments.append(Assignment(key, value, value, origin_at(offset_)))
    return line


def parse(source: SourceFile) -> list[Line]:
    return [_parse_line(text, positions, passwords, source.relpath)
            for text, positions, passwords in _logical_lines(source)]


def _normalise(key: str, value: str) -> object:
    if key in BOOLEAN_KEYS:
        flag = parse_bool(value)
        return flag if flag is not None else value
    if value.isdigit():
        return int(value)
    return value


def _is_templated(value: str) -> bool:
    return "{{" in value or "{%" in value or is_reference(value)


def read(source: SourceFile, ctx) -> list[Fact]:
    lines = parse(source)
    facts: list[Fact] = []
    file_origin = Origin(source.relpath, 1)

    # Settings, with the documented defaults of absent keys.
    seen: set[str] = set()
    for line in lines:
        for a in line.assignments:
            seen.add(a.key)
            secret = a.key in SECRET_KEYS
            facts.append(Setting(
                origin=a.origin, product=PRODUCT, section="host" if line.hosts else "global",
                key=a.key, value="***" if secret else _normalise(a.key, a.value),
                raw="***" if secret else a.raw, secrets=(a.value,) if secret and a.value else (),
                detail=f"`{a.key}` is set" if secret else f"`{a.key}={a.raw}`"))
    for key, (value, raw) in DEFAULTS.items():
        if key not in seen:
            facts.append(Setting(origin=file_origin, product=PRODUCT, section="global", key=key,
                                 value=value, raw=raw, explicit=False,
                                 detail=f"`{key}` is absent and ddclient 3.10's default is {raw}"))

    # The global `ssl` value ddclient uses: the last global assignment in the file.
    global_ssl: Assignment | None = None
    for line in lines:
        if not line.hosts:
            for a in line.assignments:
                if a.key == "ssl":
                    global_ssl = a

    globals_: dict[str, Assignment] = {}
    credential_lines: set[tuple[int, int]] = set()
    host_lines = [line for line in lines if line.hosts]

    # What each host line sees: the global values set above it, then its own. A global `password=`
    # is used by the hosts defined after it, with the login they see.
    scopes: list[dict[str, Assignment]] = []
    running: dict[str, Assignment] = {}
    for line in lines:
        locals_ = {a.key: a for a in line.assignments}
        if not line.hosts:
            running.update(locals_)
        scope = dict(running)
        scope.update(locals_)
        scopes.append(scope)

    def login_for(index: int, login_key: str) -> Assignment | None:
        if lines[index].hosts:
            return scopes[index].get(login_key)
        following = next((j for j in range(index + 1, len(lines)) if lines[j].hosts), None)
        if following is not None:
            return scopes[following].get(login_key)
        return running.get(login_key)

    for index, line in enumerate(lines):
        locals_ = {a.key: a for a in line.assignments}
        if not line.hosts:
            globals_.update(locals_)
        scope = scopes[index]

        # Credentials: one per literal password assignment.
        for key in ("password", "fw-password"):
            a = locals_.get(key)
            if a is None or (a.origin.line, a.origin.column) in credential_lines or a.value == "":
                continue
            credential_lines.add((a.origin.line, a.origin.column))
            login = login_for(index, "login" if key == "password" else "fw-login")
            user = login.value if login else None
            protocol = (scope.get("protocol").value if scope.get("protocol") else "dyndns2").lower()
            if key == "password" and protocol == "nsupdate":
                continue  # the `password` of nsupdate is the path of a TSIG key file
            strength = classify_secret(user, a.value)
            what = "dynamic DNS account password" if key == "password" else "router (firewall) login password"
            detail = (f"`{key}` holds a literal {what}" + (f", login `{user}`" if user else "")
                      + {"well-known": " and it is on the list of well-known passwords",
                         "default": " and it is a documented default",
                         "blank": " and it is empty"}.get(strength, ""))
            facts.append(Credential(
                origin=a.origin, product=PRODUCT, service="ddns" if key == "password" else "management",
                user=user, secret=a.value, strength=strength, secrets=(a.value,), detail=detail))

        if not line.hosts:
            continue
        hosts = tuple(line.hosts)
        host_origin = Origin(source.relpath, line.number)
        protocol_a = scope.get("protocol")
        protocol = protocol_a.value.lower() if protocol_a else "dyndns2"
        server_a = scope.get("server")
        server = server_a.value if server_a else ("members.dyndns.org" if protocol in ("dyndns1", "dyndns2") else "")
        names = ", ".join(hosts)
        via = f"protocol {protocol}" + (f", server {server}" if server else "")
        facts.append(Publication(
            origin=host_origin, product=PRODUCT, mechanism="ddns", provider=server or protocol,
            hostnames=hosts,
            detail=f"ddclient keeps the dynamic DNS name {names} pointed at this network's public "
                   f"address ({via})"))
        _transport(facts, source, scope, locals_, global_ssl, protocol, server, hosts, host_origin)

    if not host_lines:
        # Host names given on the command line or by a template: the file still configures updates.
        protocol_a = globals_.get("protocol")
        if protocol_a is not None:
            protocol = protocol_a.value.lower()
            facts.append(Publication(
                origin=protocol_a.origin, product=PRODUCT, mechanism="ddns", provider=protocol,
                detail=f"ddclient is configured to update a dynamic DNS name (protocol {protocol})"))

    # Certificate checks switched off (explicit only: the default is to validate).
    for line in lines:
        for a in line.assignments:
            if a.key in ("web-ssl-validate", "fw-ssl-validate") and parse_bool(a.value) is False:
                what = ("the web page ddclient asks for the public address" if a.key == "web-ssl-validate"
                        else "the router status page, with the router login")
                facts.append(TlsPolicy(
                    origin=a.origin, product=PRODUCT, service="ddns", role="client", verify=False,
                    detail=f"`{a.key}={a.raw}`: ddclient accepts any certificate from {what}, so a man "
                           f"in the middle can feed it a forged address"))
    return facts


def _transport(facts, source, scope, locals_, global_ssl, protocol, server, hosts, host_origin) -> None:
    """PG505: does the update carry the account password over plain HTTP?"""
    password = scope.get("password")
    if password is None or password.value == "" or protocol not in FOLLOWS_SSL:
        return
    if server.lower().startswith("https://"):
        return
    ssl_a = locals_.get("ssl") or global_ssl
    if ssl_a is not None:
        flag = parse_bool(ssl_a.value)
        if flag is None or _is_templated(ssl_a.value):
            return  # unknown: skip the decision
        if flag:
            return
        origin = ssl_a.origin
        why = f"`ssl={ssl_a.raw}`"
    else:
        origin = host_origin
        why = "`ssl` is absent and ddclient 3.10's default is `ssl=0`"
    names = ", ".join(hosts)
    facts.append(TlsPolicy(
        origin=origin, product=PRODUCT, service="ddns", role="client", enforced=False,
        detail=f"{why}: ddclient sends the `{protocol}` account login and password, unencrypted "
               f"(plain HTTP), whenever it updates {names}"))
