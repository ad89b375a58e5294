"""NFS /etc/exports and /etc/exports.d/*.exports (exports(5), nfs-utils 2.6.2).

Grammar: `path [-defaults] client(opts) client(opts) ...`. A `#` starts a comment anywhere on a
line, a trailing `\\` continues the entry on the next line, a path with spaces is double-quoted
or uses octal escapes (`\\040`). No blank is allowed between a client and its `(options)`:
`/srv (rw)` is a *hostless* entry that exportfs exports to every host (with a warning), and a
path with no client at all is exported to everyone with the default options. `-opts` after the
path are the defaults of every client that follows on that line.

Clients: a host name or address, an IP network (`10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `::/64`),
a wildcard name (`*.example.org`, `*`, `*.*`), a netgroup (`@radiology`), the deprecated
`gss/krb5p` form. A single `*` matches every client; so do `0.0.0.0/0` and `::/0`, and wildcard
patterns with no literal name part (`*.*`, `?*`).

Defaults (exports(5)): `ro`, `root_squash`, `secure`, `no_all_squash`, `sec=sys` (no
cryptographic security: the server trusts the user id the client claims), `sync`.

BSD and macOS exports(5) are read too (a line is BSD when it uses an option only that grammar has,
`-alldirs`, `-maproot=`, `-mapall=`, `-network`, `-mask`, ..., or names a second path): `path [path
...] [-options] [host ... | -network net [-mask m]]`; read-write unless `-ro`; root is mapped to
nobody unless `-maproot=root` (or 0), the equivalent of `no_root_squash`; no host and no
`-network` exports to every host.

Facts: an AnonymousAccess (who="any-host") at the position of every client that matches every
host; a Setting per client and option (effective values: client options over line defaults),
at the option that set it; one Listener (port 2049) per file with at least one export. No
TlsPolicy: every export uses `sec=sys` unless told otherwise, so a clear-text finding per export
would be noise; the world exports are reported by PG103 and mention the security flavour.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from linter.facts import AnonymousAccess, Fact, Listener, Setting
from linter.knowledge import is_reference
from linter.model import Origin, ParseError, SourceFile
from linter.formats._text import TEMPLATE_LINE

PRODUCT = "nfs"
# Options that come in pairs; the last one written wins.
_PAIRS = {
    "rw": ("access", "rw"), "ro": ("access", "ro"),
    "root_squash": ("root", "root_squash"), "no_root_squash": ("root", "no_root_squash"),
    "all_squash": ("squash", "all_squash"), "no_all_squash": ("squash", "no_all_squash"),
    "secure": ("port", "secure"), "insecure": ("port", "insecure"),
    "sync": ("sync", "sync"), "async": ("sync", "async"),
    "subtree_check": ("subtree", "subtree_check"), "no_subtree_check": ("subtree", "no_subtree_check"),
    "secure_locks": ("locks", "secure_locks"), "auth_nlm": ("locks", "secure_locks"),
    "insecure_locks": ("locks", "insecure_locks"), "no_auth_nlm": ("locks", "insecure_locks"),
    "wdelay": ("wdelay", "wdelay"), "no_wdelay": ("wdelay", "no_wdelay"),
    "hide": ("hide", "hide"), "nohide": ("hide", "nohide"),
    "crossmnt": ("crossmnt", "crossmnt"), "nocrossmnt": ("crossmnt", "nocrossmnt"),
}
DEFAULTS = {"access": "ro", "root": "root_squash", "squash": "no_all_squash", "port": "secure",
            "sync": "sync", "sec": "sys"}


def templated(value: str) -> bool:
    return "{{" in value or "{%" in value or "${" in value or "<%" in value or is_reference(value)


@dataclass
class Token:
    text: str
    line: int
    column: int


@dataclass
class Opt:
    name: str  # canonical option name (no_root_squash, sec, anonuid, ...)
    value: object  # True for flags, the text after `=` otherwise
    raw: str
    origin: Origin


@dataclass
class Client:
    spec: str  # as written ("" for a hostless entry)
    origin: Origin
    options: dict[str, Opt] = field(default_factory=dict)  # effective, by slot or option name
    hostless: bool = False
    raw: str = ""  # the token as written
    bsd: bool = False  # a BSD/macOS exports line: read-write unless -ro, root mapped to nobody


@dataclass
class Export:
    path: str
    origin: Origin
    clients: list[Client] = field(default_factory=list)


def _unescape(text: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def _entries(source: SourceFile):
    """Lists of tokens (text, line, column), one list per export entry."""
    tokens: list[Token] = []
    for number, raw in enumerate(source.lines, 1):
        if TEMPLATE_LINE.match(raw):
            continue
        line = raw
        i, n = 0, len(line)
        continued = False
        while i < n:
            ch = line[i]
            if ch.isspace():
                i += 1
                continue
            if ch == "#":
                break
            if ch == "\\" and line[i:].strip() == "\\":
                continued = True
                break
            start = i
            text = []
            quoted = False
            depth = 0
            while i < n:
                ch = line[i]
                if ch == '"':
                    quoted = not quoted
                    i += 1
                    continue
                if not quoted and depth == 0 and (ch.isspace() or ch == "#"):
                    break
                if not quoted and ch == "(":
                    depth += 1
                elif not quoted and ch == ")":
                    depth = max(0, depth - 1)
                elif not quoted and ch == "\\" and i + 1 == n:
                    continued = True
                    i += 1
                    break
                text.append(ch)
                i += 1
            if quoted:
                raise ParseError("unterminated double quote in the export path", number, start + 1)
            if text:
                tokens.append(Token("".join(text), number, start + 1))
        if not continued and tokens:
            yield tokens
            tokens = []
    if tokens:
        yield tokens


def _parse_options(text: str, line: int, column: int, relpath: str) -> list[Opt]:
    """`rw,no_root_squash,sec=krb5p:sys` -> options with their own columns."""
    opts: list[Opt] = []
    offset = 0
    for part in text.split(","):
        name = part.strip()
        if name:
            key, eq, value = name.partition("=")
            key = key.strip().lower()
            origin = Origin(relpath, line, column + offset + (len(part) - len(part.lstrip())))
            opts.append(Opt(key, value.strip() if eq else True, name, origin))
        offset += len(part) + 1
    return opts


def _apply(target: dict[str, Opt], opts: list[Opt]) -> None:
    for opt in opts:
        slot = _PAIRS.get(opt.name, (opt.name, None))[0]
        target[slot] = opt


# Options that only the BSD/macOS exports(5) grammar has; a line using one is read as BSD.
_BSD_OPTIONS = frozenset({"alldirs", "maproot", "mapall", "network", "mask", "webnfs", "public", "index",
                          "quiet", "kerb", "tls", "tlscert", "tlscertuser"})


def _bsd_line(tokens: list[Token]) -> bool:
    """A BSD option, or a second path (a Linux client is never a path), makes the line BSD."""
    if len(tokens) > 1 and _unescape(tokens[1].text).startswith("/") and "(" not in tokens[1].text:
        return True
    return any(t.text.startswith("-") and "(" not in t.text
               and t.text[1:].partition("=")[0].lower() in _BSD_OPTIONS for t in tokens[1:])


def _bsd_export(tokens: list[Token], relpath: str) -> list[Export]:
    """FreeBSD/OpenBSD/macOS: `path [path ...] [-option[=value] ...] [host | -network net [-mask m] ...]`.
    Read-write unless `-ro`/`-o`; root is mapped to nobody unless `-maproot=root` (or 0); no host
    and no `-network` exports to every host."""
    paths = [tokens[0]]
    rest = tokens[1:]
    while rest and _unescape(rest[0].text).startswith("/"):
        paths.append(rest.pop(0))
    options: dict[str, Opt] = {}
    hosts: list[tuple[str, Token]] = []
    network: tuple[str, Token] | None = None
    mask: str | None = None
    i = 0
    while i < len(rest):
        token = rest[i]
        text = token.text
        origin = Origin(relpath, token.line, token.column)
        if not text.startswith("-"):
            hosts.append((text, token))
            i += 1
            continue
        name, eq, value = text[1:].partition("=")
        name = name.lower()
        if name in ("network", "mask") and not eq and i + 1 < len(rest):
            value, i = rest[i + 1].text, i + 1
        i += 1
        if name == "network":
            network = (value, token)
        elif name == "mask":
            mask = value
        elif name in ("ro", "o"):
            options["access"] = Opt("ro", True, text, origin)
        elif name == "maproot":
            user = value.split(":", 1)[0].strip().lower()
            squashed = "root_squash" if user not in ("root", "0") else "no_root_squash"
            options["root"] = Opt(squashed, True, text, origin)
        elif name == "mapall":
            options["squash"] = Opt("all_squash", True, text, origin)
            options["anonuid"] = Opt("anonuid", value, text, origin)
        elif name == "sec":
            options["sec"] = Opt("sec", value, text, origin)
        else:
            options[name] = Opt(name, value if eq else True, text, origin)
    clients: list[Client] = []
    if network is not None:
        spec = network[0] + (f"/{mask}" if mask and "/" not in network[0] else "")
        clients.append(Client(spec, Origin(relpath, network[1].line, network[1].column), dict(options),
                              raw=network[1].text, bsd=True))
    for host, token in hosts:
        clients.append(Client(host, Origin(relpath, token.line, token.column), dict(options), raw=host, bsd=True))
    exports = []
    for path in paths:
        export = Export(_unescape(path.text), Origin(relpath, path.line, path.column))
        export.clients = [Client(c.spec, c.origin, dict(c.options), c.hostless, c.raw, True) for c in clients] or [
            Client("", export.origin, dict(options), hostless=True, bsd=True)]
        exports.append(export)
    return exports


def parse(source: SourceFile) -> list[Export]:
    exports: list[Export] = []
    for tokens in _entries(source):
        head = tokens[0]
        if head.text.startswith("-") or head.text.startswith("("):
            raise ParseError(f"an export entry must start with a path, not `{head.text}`", head.line, head.column)
        if _bsd_line(tokens):
            exports.extend(_bsd_export(tokens, source.relpath))
            continue
        export = Export(_unescape(head.text), Origin(source.relpath, head.line, head.column))
        defaults: dict[str, Opt] = {}
        for token in tokens[1:]:
            text = token.text
            if text.startswith("-"):
                _apply(defaults, _parse_options(text[1:], token.line, token.column + 1, source.relpath))
                continue
            paren = text.find("(")
            if paren == 0:
                spec, opts_text, hostless = "", text[1:].rstrip(")"), True
            elif paren > 0:
                spec, opts_text, hostless = text[:paren], text[paren + 1:].rstrip(")"), False
            else:
                spec, opts_text, hostless = text, None, False
            client = Client(spec, Origin(source.relpath, token.line, token.column), dict(defaults), hostless, text)
            if opts_text is not None:
                _apply(client.options, _parse_options(opts_text, token.line, token.column + paren + 1, source.relpath))
            export.clients.append(client)
        if not export.clients:
            # No client at all: exportfs exports the path to every host with the defaults.
            client = Client("", export.origin, dict(defaults), hostless=True)
            export.clients.append(client)
        exports.append(export)
    return exports


def _strip_brackets(spec: str) -> str:
    """`[::1]/64` -> `::1/64` (exports(5) wants IPv6 without brackets; tolerate them)."""
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\](/\d+)?", spec)
    return match.group(1) + (match.group(2) or "") if match else spec


def matches_everyone(spec: str) -> bool:
    """True for a client specification that admits every host."""
    text = _strip_brackets(spec.strip()).lower()
    if text in ("", "*", "0/0", "0.0.0.0/0", "::/0", "0.0.0.0/0.0.0.0"):
        return True
    if text.startswith("@") or text.startswith("gss/"):
        return text.startswith("gss/")  # gss/krb5*: any host holding a Kerberos ticket
    if "/" in text:
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            return False
        return network.prefixlen <= 7 and not network.is_private
    literal = re.sub(r"\[[^\]]*\]", "", text)
    return "*" in literal and set(literal) <= set("*?.")


def _value(client: Client, slot: str) -> str:
    """Effective value of a paired option (`access` -> rw/ro, `root` -> root_squash/...)."""
    opt = client.options.get(slot)
    if opt is None:
        return "rw" if client.bsd and slot == "access" else DEFAULTS.get(slot, "")
    return _PAIRS[opt.name][1] if opt.name in _PAIRS else str(opt.value)


def _flavours(client: Client) -> list[str]:
    opt = client.options.get("sec")
    if client.spec.lower().startswith("gss/"):
        return [client.spec.split("/", 1)[1].lower()]
    if opt is None or opt.value is True:
        return ["sys"]
    return [f.strip().lower() for f in str(opt.value).split(":") if f.strip()]


def _anonymous(export: Export, client: Client) -> AnonymousAccess | None:
    if client.spec and templated(client.spec):
        return None
    if not matches_everyone(client.spec):
        return None
    if any(templated(str(o.raw)) for o in client.options.values()):
        return None
    flavours = _flavours(client)
    kerberos_only = all(f.startswith("krb5") for f in flavours)
    access = _value(client, "access")
    write = access == "rw" and not kerberos_only
    if client.bsd and client.hostless:
        who = f"`{export.path}` names no host and no `-network`, so mountd exports it to every host"
    elif client.hostless and client.spec == "" and client.origin == export.origin:
        who = f"`{export.path}` has no client, so exportfs exports it to every host"
    elif client.hostless:
        who = (f"`{export.path} {client.raw}` has a blank between the path and the options, "
               "so exportfs exports it to every host")
    else:
        who = f"`{export.path}` is exported to every host (`{client.spec}`)"
    detail = who + (", read-write" if access == "rw" else ", read-only")
    extras = []
    if _value(client, "root") == "no_root_squash":
        extras.append("`no_root_squash` (a client's root stays root)")
    if _value(client, "squash") == "all_squash" and ("anonuid" in client.options or "anongid" in client.options):
        extras.append("`all_squash` and `anonuid`/`anongid` (every visitor acts as that account)")
    elif _value(client, "squash") == "all_squash":
        extras.append("`all_squash`")
    if _value(client, "port") == "insecure":
        extras.append("`insecure` (unprivileged source ports accepted)")
    if extras:
        detail += ", with " + " and ".join(extras)
    if kerberos_only:
        detail += f"; clients need Kerberos (`sec={':'.join(flavours)}`)"
    elif "sys" in flavours:
        detail += "; with `sec=sys` the server trusts whatever user id the client claims"
    operations = ("read", "write") if write else ("read",)
    return AnonymousAccess(origin=client.origin, product=PRODUCT, service="nfs", resource=export.path,
                           who="any-host", read=True, write=write, operations=operations, detail=detail)


def _settings(export: Export, client: Client) -> list[Fact]:
    facts: list[Fact] = []
    label = f"{export.path} {client.spec or '(every host)'}"
    for opt in client.options.values():
        facts.append(Setting(origin=opt.origin, product=PRODUCT, section=label, key=opt.name, value=opt.value,
                             raw=opt.raw, detail=f"`{export.path}` sets `{opt.raw}` for `{client.spec or '*'}`"))
    return facts


def read(source: SourceFile, ctx=None) -> list[Fact]:
    exports = parse(source)
    facts: list[Fact] = []
    world: list[AnonymousAccess] = []
    for export in exports:
        for client in export.clients:
            facts.extend(_settings(export, client))
            anonymous = _anonymous(export, client)
            if anonymous is not None:
                world.append(anonymous)
    facts.extend(world)
    if exports:
        if world:
            first = world[0]
            detail = f"the NFS server (port 2049) exports {first.resource} to every host"
            exposure, origin = "all", first.origin
        else:
            detail = "the NFS server (port 2049) exports only to listed hosts, networks or netgroups"
            exposure, origin = "restricted", exports[0].origin
        krb5p = all(f == "krb5p" for e in exports for c in e.clients for f in _flavours(c))
        open_sys = any("sys" in _flavours(c) for e in exports for c in e.clients
                       if matches_everyone(c.spec) and not templated(c.spec))
        facts.append(Listener(origin=origin, product=PRODUCT, service="nfs", port=2049, exposure=exposure,
                              via="config", tls=krb5p, auth="none" if world and open_sys else "unknown",
                              anonymous=bool(world), detail=detail))
    return facts
