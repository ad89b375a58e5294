"""ProFTPD proftpd.conf (ProFTPD 1.3.8 directives, Debian proftpd-core templates).

Grammar: one directive per line (`Name arg1 "arg two"`), names case-insensitive; `#` starts a
comment at the beginning of a line (a trailing ` # ...` is tolerated here); a line ending in `\\`
continues on the next. Sections `<Name args>` ... `</Name>`: `<Global>` (applies to the main
server and every `<VirtualHost>`), `<VirtualHost addr>` (a server of its own), `<Anonymous dir>`
(anonymous login), `<Directory>`, `<Limit CMD ...>` (AllowAll, DenyAll, Allow/Deny from ...).
`<IfModule>` and `<IfVersion>` contents are treated as active; `<IfDefine NAME>` is active only
when the file says `Define NAME` (proftpd's `-D NAME` option is not visible here, and the packaged
defaults pass none), `<IfDefine !NAME>` otherwise. A server with `SFTPEngine on` speaks SFTP
(mod_sftp, SSH-encrypted, no `<Anonymous>`), not FTP. `SQLConnectInfo` and `LDAPBindDN`
passwords written in the file are credentials. `Include path`
splices a file, a directory (every file in it) or a glob in place; absolute paths are looked up
in the scanned tree (`etc/` of the same host, then beside the including file).

Debian's proftpd.conf includes modules.conf and conf.d/, and ships tls.conf and others beside it;
those fragments are classified as proftpd too. A fragment next to a main proftpd.conf is read only
through the main file's Include (so a tls.conf that is never included changes nothing); a fragment
without a main file is read on its own, and then only its explicit directives produce facts.
"""
from __future__ import annotations

import fnmatch
import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from linter.classify import TEMPLATE_SUFFIXES, strip_template_suffix
from linter.facts import AnonymousAccess, Credential, Fact, Listener, Setting, TlsPolicy
from linter.knowledge import classify_secret, is_reference, parse_bool
from linter.model import Origin, SourceFile
from linter.formats._text import logical_lines

PRODUCT = "proftpd"
_MAX_INCLUDE_DEPTH = 8
_TRANSPARENT = frozenset({"ifmodule", "ifdefine", "ifversion"})
# `<IfDefine NAME>` is true only when proftpd runs with `-D NAME` (Fedora's /etc/sysconfig/proftpd
# passes none by default) or the file says `Define NAME`: such a section stays in the tree as an
# inactive node. `<IfDefine !NAME>` is active unless NAME is defined.
_INACTIVE = "ifdefine"
_SERVER_LEVEL = frozenset({"servertype", "servername", "port", "defaultserver", "defaultaddress",
                           "maxinstances", "user", "group", "useipv6"})
# Commands a <Limit> can name that change the file system (ProFTPD's WRITE group plus SITE ones).
WRITE_COMMANDS = frozenset({
    "WRITE", "ALL", "APPE", "DELE", "MKD", "XMKD", "RMD", "XRMD", "RNFR", "RNTO", "STOR", "STOU",
    "SITE_CHMOD", "SITE_CHGRP", "SITE_MKDIR", "SITE_RMDIR", "SITE_SYMLINK", "SITE_UTIME", "SITE_CPTO",
    "SITE_COPY",
})
# Canonical spelling of the directives the reader decides on.
_CANONICAL = {n.lower(): n for n in (
    "TLSEngine", "TLSRequired", "TLSProtocol", "TLSVerifyClient", "TLSOptions", "TLSCipherSuite",
    "Port", "DefaultAddress", "SocketBindTight", "ServerType", "ServerName", "UseIPv6",
    "DefaultServer", "AnonRequirePassword", "RequireValidShell", "UserAlias", "User", "Group",
    "DefaultRoot", "AllowAll", "DenyAll", "Allow", "Deny", "Order", "Include", "MaxClients",
    "AllowOverwrite", "AuthOrder", "PassivePorts", "MasqueradeAddress", "AnonRequirePassword",
    "TLSRSACertificateFile", "TLSRSACertificateKeyFile", "TLSLog",
)}
ALL_TLS = ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
# mod_tls.c (1.3.8): TLSProtocol absent means TLSv1, TLSv1.1, TLSv1.2 and TLSv1.3 (OpenSSL 1.1.1+).
DEFAULT_TLS = ALL_TLS
_PROTOCOLS = {"sslv3": "SSLv3", "tlsv1": "TLSv1.0", "tlsv1.0": "TLSv1.0", "tlsv1.1": "TLSv1.1",
              "tlsv1.2": "TLSv1.2", "tlsv1.3": "TLSv1.3"}


def templated(value: str) -> bool:
    return "{{" in value or "{%" in value or "${" in value or "<%" in value or is_reference(value)


@dataclass
class Node:
    """A directive (children is None) or a section."""

    name: str  # as written
    args: list[str]
    raw: str
    origin: Origin
    children: list["Node"] | None = None

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def canonical(self) -> str:
        return _CANONICAL.get(self.key, self.name)


def _tokens(text: str) -> list[str]:
    """Arguments, honouring double quotes; an unquoted token starting with `#` ends the line."""
    out: list[str] = []
    for match in re.finditer(r'"((?:[^"\\]|\\.)*)"|(\S+)', text):
        if match.group(1) is not None:
            out.append(match.group(1))
        else:
            token = match.group(2)
            if token.startswith("#"):
                break
            out.append(token)
    return out


def _split(text: str) -> tuple[str, str]:
    """Directive name and the rest of the line (trailing ` # comment` removed)."""
    match = re.match(r"\s*(\S+)\s*(.*)$", text)
    if not match:
        return "", ""
    rest = match.group(2)
    comment = re.search(r'(^|\s)#', rest)
    if comment and rest[: comment.start()].count('"') % 2 == 0:
        rest = rest[: comment.start()]
    return match.group(1), rest.strip()


# --- includes -------------------------------------------------------------------------------

def _inside(ctx, path: Path) -> bool:
    return ctx is not None and ctx.relpath(path) is not None


def _candidates(value: str, source: SourceFile, ctx) -> list[Path]:
    """Where an Include target may live in the scanned tree, most specific first."""
    target = PurePosixPath(value)
    base = Path(source.path).parent
    if not target.is_absolute():
        return [base / target]
    found: list[Path] = []
    parts = PurePosixPath(source.relpath).parts
    if "etc" in parts[:-1]:
        host_root = parts[: len(parts) - 1 - parts[:-1][::-1].index("etc") - 1]
        found.append(Path(ctx.root).joinpath(*host_root, *target.parts[1:]))
    tail = target.parts[1:]
    for i in range(len(tail)):
        found.append(base.joinpath(*tail[i:]))
    return found


def _listing(ctx, directory: Path, pattern: str | None) -> list[Path]:
    try:
        names = sorted(e.name for e in os.scandir(directory) if e.is_file())
    except OSError:
        return []
    return [directory / n for n in names
            if not n.startswith(".") and (pattern is None or fnmatch.fnmatchcase(n, pattern))
            and _inside(ctx, directory / n)]


def resolve_include(value: str, source: SourceFile, ctx) -> list[SourceFile]:
    value = value.strip().strip('"')
    if not value or templated(value) or ctx is None:
        return []
    has_glob = any(c in value for c in "*?[")
    for candidate in _candidates(value, source, ctx):
        if has_glob:
            parent = candidate.parent
            if any(c in str(parent) for c in "*?["):
                continue  # globs in directory names: not resolved
            if not (_inside(ctx, parent) and parent.is_dir()):
                continue
            files = _listing(ctx, parent, candidate.name)
        elif _inside(ctx, candidate) and candidate.is_dir():
            files = _listing(ctx, candidate, None)
        elif _inside(ctx, candidate) and candidate.is_file():
            files = [candidate]
        else:
            # an Ansible/Chef role keeps `tls.conf` as `tls.conf.j2` beside `proftpd.conf.j2`
            templates = [candidate.with_name(candidate.name + s) for s in TEMPLATE_SUFFIXES]
            files = [t for t in templates if _inside(ctx, t) and t.is_file()][:1]
            if not files:
                continue
        loaded = [ctx.load(str(f.resolve()), None, "proftpd") for f in files]
        return [s for s in loaded if s is not None]
    return []  # not part of the scanned tree: nothing to check


# --- parsing --------------------------------------------------------------------------------

def _ifdefine_active(args: list[str], defined: set[str]) -> bool:
    if not args:
        return True
    name = args[0]
    if name.startswith("!"):
        return name[1:] not in defined
    return name in defined


def parse(source: SourceFile, ctx, depth: int = 0, seen: tuple[str, ...] = (),
          defined: set[str] | None = None) -> list[Node]:
    """Top-level nodes; `<IfModule>`-style sections and Includes are spliced in place, an
    inactive `<IfDefine>` stays a section of its own (which no query looks into)."""
    root: list[Node] = []
    stack: list[tuple[Node | None, list[Node]]] = [(None, root)]
    seen = seen + (source.relpath,)
    defined = set() if defined is None else defined
    for number, text in logical_lines(source, escaped_backslash=True):
        stripped = text.strip()
        column = len(text) - len(text.lstrip()) + 1
        origin = Origin(source.relpath, number, column)
        if stripped.startswith("</"):
            name = stripped[2:].rstrip(">").strip().lower()
            for index in range(len(stack) - 1, 0, -1):
                node = stack[index][0]
                if node is not None and node.key == name:
                    del stack[index:]
                    break
            continue  # a stray closing tag: ProFTPD would refuse it, we ignore it
        children = stack[-1][1]
        if stripped.startswith("<"):
            inner = stripped[1:]
            inner = inner[: inner.rfind(">")] if ">" in inner else inner
            name, rest = _split(inner)
            node = Node(name, _tokens(rest), rest, origin, [])
            if node.key == "ifdefine" and not _ifdefine_active(node.args, defined):
                children.append(node)  # kept (for messages and Settings) but inactive
                stack.append((node, node.children))
            elif node.key in _TRANSPARENT:
                stack.append((node, children))  # contents go to the enclosing list
            else:
                children.append(node)
                stack.append((node, node.children))
            continue
        name, rest = _split(stripped)
        node = Node(name, _tokens(rest), rest, origin)
        if node.key == "include" and depth < _MAX_INCLUDE_DEPTH:
            for included in resolve_include(rest, source, ctx):
                if included.relpath not in seen:
                    children.extend(parse(included, ctx, depth + 1, seen, defined))
            continue
        if node.key == "define" and node.args and not any(
                n is not None and n.key == _INACTIVE and items is n.children for n, items in stack[1:]):
            defined.add(node.args[0])
        children.append(node)
    return root


# --- queries --------------------------------------------------------------------------------

def _last(nodes: list[Node], key: str) -> Node | None:
    found = None
    for node in nodes:
        if node.children is None and node.key == key:
            found = node
    return found


def _sections(nodes: list[Node], key: str) -> list[Node]:
    return [n for n in nodes if n.children is not None and n.key == key]


def _flag(node: Node | None) -> bool | None:
    if node is None or not node.args or templated(node.raw):
        return None
    return parse_bool(node.args[0])


def _walk(nodes: list[Node]):
    for node in nodes:
        if node.key == _INACTIVE:
            continue
        yield node
        if node.children:
            yield from _walk(node.children)


def _inactive_section(nodes: list[Node], key: str) -> Node | None:
    """The inactive `<IfDefine>` that holds directive `key`, if any (for messages)."""
    for node in nodes:
        if node.key == _INACTIVE and node.children is not None:
            if _last(node.children, key) is not None:
                return node
            inner = _inactive_section(node.children, key)
            if inner is not None:
                return node
    return None


def _limit_policy(limit: Node) -> str:
    """`allow` (everyone), `deny` (no one), `hosts` (only an Allow list), or `none` (no rule).

    Allow/Deny lists are checked before DenyAll, and DenyAll beats AllowAll, so `Allow from all`
    admits everyone even with DenyAll, while AllowAll next to DenyAll admits no one."""
    acl_all = allow_all = deny_all = allow_some = False
    for node in limit.children or ():
        if node.children is not None:
            continue
        if node.key == "allowall":
            allow_all = True
        elif node.key == "denyall":
            deny_all = True
        elif node.key in ("allow", "allowuser", "allowgroup", "allowclass"):
            targets = [a.lower().rstrip(",") for a in node.args if a.lower() != "from"]
            if node.key == "allow" and any(t in ("all", "any") for t in targets):
                acl_all = True
            else:
                allow_some = True
    if acl_all:
        return "allow"
    if deny_all:
        return "hosts" if allow_some else "deny"
    if allow_all:
        return "allow"
    return "hosts" if allow_some else "none"


def _limit_commands(limit: Node) -> set[str]:
    return {a.upper() for a in limit.args}


@dataclass
class Server:
    label: str  # "main server" or "<VirtualHost 10.0.0.5>"
    origin: Origin  # where an absent directive is reported
    nodes: list[Node]  # its own directives plus <Global>'s
    vhost: Node | None = None
    facts: list[Fact] = field(default_factory=list)


def _servers(tree: list[Node], file_origin: Origin) -> list[Server]:
    global_nodes = [n for g in _sections(tree, "global") for n in (g.children or [])]
    main_nodes = [n for n in tree if not (n.children is not None and n.key in ("virtualhost", "global"))]
    servers = [Server("the main server", file_origin, global_nodes + main_nodes)]
    for vhost in _sections(tree, "virtualhost"):
        name = _last(vhost.children or [], "servername")
        label = f"<VirtualHost {vhost.raw}>" + (f" ({name.raw})" if name is not None and name.raw else "")
        servers.append(Server(label, vhost.origin, global_nodes + (vhost.children or []), vhost))
    return servers


# --- facts ----------------------------------------------------------------------------------

def _anonymous(server: Server) -> list[Fact]:
    facts: list[Fact] = []
    for anon in _sections(server.nodes, "anonymous"):
        children = anon.children or []
        require = _last(children, "anonrequirepassword")
        if _flag(require) is True:
            continue  # the mapped account's password is required: not anonymous
        login_limits = [n for n in _sections(children, "limit") if "LOGIN" in _limit_commands(n)]
        if login_limits and all(_limit_policy(n) == "deny" for n in login_limits):
            continue  # <Limit LOGIN> DenyAll: the section cannot be logged into
        user = _last(children, "user")
        aliases = [n for n in children if n.children is None and n.key == "useralias"]
        if user is None and not aliases:
            continue  # no login name leads into the section (`User` and `UserAlias` commented out)
        names = sorted({n.args[0] for n in aliases if n.args} | ({user.args[0]} if user and user.args else set()))
        allowed_writes: list[str] = []
        for node in _walk(children):
            if node.children is not None and node.key == "limit":
                commands = _limit_commands(node) & WRITE_COMMANDS
                if commands and _limit_policy(node) == "allow":
                    allowed_writes.extend(sorted(commands))
        write = bool(allowed_writes)
        quoted = [f"`{n}`" for n in names]
        who = (", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]) if quoted \
            else "the anonymous user"
        detail = (f"`<Anonymous {anon.raw}>` lets anyone log in as {who} without a password"
                  f" ({server.label})" if server.vhost is not None else
                  f"`<Anonymous {anon.raw}>` lets anyone log in as {who} without a password")
        restricted = [n for n in login_limits if _limit_policy(n) == "hosts"]
        if restricted:
            detail += "; `<Limit LOGIN>` admits only some hosts"
        if write:
            detail += ", and to write (`<Limit " + " ".join(dict.fromkeys(allowed_writes)) + ">` with AllowAll)"
        facts.append(AnonymousAccess(
            origin=anon.origin, product=PRODUCT, service="ftp", resource=anon.raw, who="anonymous",
            read=True, write=write, operations=tuple(dict.fromkeys(["read"] + [c.lower() for c in allowed_writes])),
            detail=detail))
    return facts


def _protocols(node: Node) -> list[str] | None:
    """TLSProtocol: a list of versions, `SSLv23`/`ALL` for all, `-TLSv1` to remove (1.3.7+)."""
    if templated(node.raw):
        return None
    versions: list[str] = []
    for arg in node.args:
        low = arg.lower()
        sign = ""
        if low[:1] in "+-":
            sign, low = low[0], low[1:]
        if low in ("sslv23", "all"):
            chosen = list(ALL_TLS)
        elif low in _PROTOCOLS:
            chosen = [_PROTOCOLS[low]]
        else:
            continue
        if sign == "-":
            versions = [v for v in versions if v not in chosen]
        else:
            versions += [v for v in chosen if v not in versions]
    order = ("SSLv3",) + ALL_TLS
    return sorted(versions, key=order.index)


def _required(node: Node | None) -> tuple[bool, str]:
    """(enforced, why): TLSRequired on / both / ctrl+data / auth+data protect logins and files."""
    if node is None:
        return False, "`TLSRequired` is absent (default off)"
    value = node.args[0].lower() if node.args else "off"
    flag = parse_bool(value)
    if flag is True or value in ("both", "ctrl+data", "auth+data", "control+data"):
        return True, f"`TLSRequired {node.raw}`"
    if flag is False:
        return False, f"`TLSRequired {node.raw}` accepts clear-text logins and transfers"
    if value in ("ctrl", "control", "auth", "ctrl+!data", "auth+!data"):
        return False, f"`TLSRequired {node.raw}` protects the login but lets files cross the network unencrypted"
    return False, f"`TLSRequired {node.raw}` does not protect the login"


def _local_logins(server: Server) -> bool:
    limits = [n for n in _sections(server.nodes, "limit") if "LOGIN" in _limit_commands(n)]
    return not (limits and all(_limit_policy(n) == "deny" for n in limits))


def _address_exposure(addresses: list[str]) -> str:
    """local when every address is loopback or private, else all."""
    if not addresses:
        return "all"
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address.strip("[]"))
        except ValueError:
            if address.lower() == "localhost":
                continue
            return "all"
        if ip.is_unspecified or not (ip.is_loopback or ip.is_private or ip.is_link_local):
            return "all"
    return "local"


def _tls_facts(server: Server, main: Server, full: bool, exposed: bool) -> list[Fact]:
    facts: list[Fact] = []
    engine = _last(server.nodes, "tlsengine")
    engine_on = _flag(engine)
    if engine is not None and engine_on is None:
        return facts  # templated
    required = _last(server.nodes, "tlsrequired")
    if required is not None and templated(required.raw):
        return facts
    local = _local_logins(server)
    if not engine_on:
        if full and local:
            hidden = _inactive_section(server.nodes, "tlsengine") if engine is None else None
            what = (f"`TLSEngine {engine.raw}`" if engine is not None
                    else f"`TLSEngine` is set only inside `<IfDefine {hidden.raw}>`, which is off unless proftpd "
                         f"starts with `-D{hidden.raw}`," if hidden is not None
                    else "`TLSEngine` is absent (default off)")
            facts.append(TlsPolicy(
                origin=engine.origin if engine is not None else server.origin, product=PRODUCT, service="ftp",
                role="server", enforced=False, exposed=exposed,
                detail=f"{what} for {server.label}: users log in and transfer files in clear text"))
        # An explicit TLSProtocol still says which versions the author means to allow (TLSEngine
        # may be switched on elsewhere, e.g. in a file this tree does not hold).
        if server is main:
            protocol = _last(main.nodes, "tlsprotocol")
            if protocol is not None:
                facts.extend(_weak_versions(_protocols(protocol), protocol.origin,
                                            f"`TLSProtocol {protocol.raw}`", exposed))
        return facts
    enforced, why = _required(required)
    if local and (full or required is not None):
        origin = required.origin if required is not None else engine.origin
        facts.append(TlsPolicy(
            origin=origin, product=PRODUCT, service="ftp", role="server", enforced=enforced, exposed=exposed,
            detail=(f"`TLSEngine on` with {why} for {server.label}" if enforced else
                    f"`TLSEngine on` but {why} for {server.label}: clients may skip TLS")))
    # TLSProtocol is a server-config directive: the main server's (or <Global>'s) applies to all.
    protocol = _last(server.nodes, "tlsprotocol") or _last(main.nodes, "tlsprotocol")
    if protocol is not None:
        versions = _protocols(protocol)
        if versions is None:
            return facts
        origin, why = protocol.origin, f"`TLSProtocol {protocol.raw}`"
    elif full:
        versions, origin = list(DEFAULT_TLS), engine.origin
        why = "`TLSProtocol` is absent and mod_tls's default is TLSv1 to TLSv1.3"
    else:
        return facts
    facts.extend(_weak_versions(versions, origin, why, exposed))
    return facts


def _weak_versions(versions: list[str] | None, origin: Origin, why: str, exposed: bool) -> list[Fact]:
    weak = [v for v in versions or () if v in ("SSLv3", "TLSv1.0", "TLSv1.1")]
    if not weak:
        return []
    return [TlsPolicy(origin=origin, product=PRODUCT, service="ftp", role="server", enforced=None,
                      versions=tuple(versions), exposed=exposed, detail=f"{why}: ProFTPD accepts {', '.join(weak)}")]


def _listener(server: Server, main: Server, anonymous: bool, tls: bool) -> tuple[Listener | None, bool]:
    """The server's listener (None for `Port 0`) and whether it is reachable from other hosts."""
    port_node = _last(server.nodes, "port")
    port = 21
    if port_node is not None and port_node.args and port_node.args[0].isdigit():
        port = int(port_node.args[0])
    if port == 0:
        return None, False
    tight = _flag(_last(main.nodes, "socketbindtight")) is True
    if server.vhost is not None:
        addresses = [a for a in server.vhost.args if not templated(a)]
        exposure = _address_exposure(addresses) if tight or addresses else "all"
        where, detail = server.vhost.origin, f"{server.label} answers on port {port}"
    else:
        default = _last(server.nodes, "defaultaddress")
        addresses = [a for a in (default.args if default else []) if not templated(a)]
        if tight and addresses:
            exposure = _address_exposure(addresses)
            where = default.origin
            detail = f"ProFTPD binds port {port} only to `DefaultAddress {default.raw}` (`SocketBindTight on`)"
        else:
            exposure = "all"
            where = port_node.origin if port_node is not None else server.origin
            detail = f"ProFTPD listens on port {port} of every interface"
            if default is not None:
                detail += f" (`DefaultAddress {default.raw}` without `SocketBindTight on` binds the wildcard address)"
    limits = [n for n in _sections(server.nodes, "limit") if "LOGIN" in _limit_commands(n)]
    if exposure == "all" and limits and all(_limit_policy(n) in ("hosts", "deny") for n in limits) \
            and any(_limit_policy(n) == "hosts" for n in limits):
        exposure = "restricted"
        detail += ", but `<Limit LOGIN>` admits only some hosts"
    local = _local_logins(server)
    auth = ("optional" if local else "none") if anonymous else ("required" if local else "unknown")
    loopback_only = exposure == "local" and bool(addresses) and all(
        a.lower() == "localhost" or _is_loopback(a) for a in addresses)
    return Listener(
        origin=where, product=PRODUCT, service="ftp", port=port, exposure=exposure, via="config", tls=tls,
        auth=auth, anonymous=anonymous, address=" ".join(addresses) or "*",
        detail=detail + ("; anonymous logins are enabled" if anonymous else "")), not loopback_only


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def _sftp_listener(server: Server) -> Listener | None:
    port_node = _last(server.nodes, "port")
    port = int(port_node.args[0]) if port_node is not None and port_node.args and port_node.args[0].isdigit() else 21
    if port == 0:
        return None
    addresses = [a for a in (server.vhost.args if server.vhost is not None else []) if not templated(a)]
    exposure = _address_exposure(addresses) if addresses else "all"
    return Listener(
        origin=server.vhost.origin if server.vhost is not None else (port_node.origin if port_node else server.origin),
        product=PRODUCT, service="ssh", port=port, exposure=exposure, via="config", tls=True, auth="required",
        address=" ".join(addresses) or "*", detail=f"{server.label} serves SFTP (`SFTPEngine on`) on port {port}")


def _credentials(tree: list[Node]) -> list[Fact]:
    """Database and directory passwords written into the file: `SQLConnectInfo info user
    password` (mod_sql) and `LDAPBindDN dn password` (mod_ldap)."""
    facts: list[Fact] = []
    backend = None
    for node in _walk(tree):
        if node.children is None and node.key == "sqlbackend" and node.args:
            backend = node.args[0].lower()
    for node in _walk(tree):
        if node.children is not None:
            continue
        if node.key == "sqlconnectinfo" and len(node.args) >= 3:
            user, secret = node.args[1], node.args[2]
            service = "postgres" if backend in ("postgres", "postgresql") else "mysql"
            what = f"`SQLConnectInfo {node.args[0]} {user} ...`"
        elif node.key == "sqlnamedconnectinfo" and len(node.args) >= 5:
            # SQLNamedConnectInfo name backend info user password ...
            user, secret = node.args[3], node.args[4]
            service = "postgres" if node.args[1].lower() in ("postgres", "postgresql") else "mysql"
            what = f"`SQLNamedConnectInfo {node.args[0]} {node.args[1]} {node.args[2]} {user} ...`"
        elif node.key == "ldapbinddn" and len(node.args) >= 2:
            user, secret = node.args[0], node.args[1]
            service, what = "ldap", f"`LDAPBindDN {user} ...`"
        else:
            continue
        strength = classify_secret(user, secret)
        if strength == "reference" or templated(secret):
            continue
        # (wording that avoids common passwords: the report masks every occurrence of the value)
        kind = {"blank": "an empty credential", "default": "a default credential",
                "well-known": "a well-known credential"}.get(strength, "a literal credential")
        facts.append(Credential(
            origin=node.origin, product=PRODUCT, service=service, user=user, secret=secret, strength=strength,
            secrets=(secret,) if secret else (),
            detail=f"{what} stores {kind} of `{user}` in the ProFTPD configuration"))
    return facts


def _settings(tree: list[Node], section: str = "server") -> list[Fact]:
    facts: list[Fact] = []
    for node in tree:
        if node.children is not None:
            facts.extend(_settings(node.children, f"{section}/{node.name} {node.raw}".strip()))
            continue
        flag = parse_bool(node.args[0]) if len(node.args) == 1 and node.args[0].lower() in (
            "on", "off", "yes", "no", "true", "false") else None
        value: object = flag if flag is not None else re.sub(r"\s+", " ", node.raw)
        facts.append(Setting(origin=node.origin, product=PRODUCT, section=section, key=node.canonical,
                             value=value, raw=node.raw, detail=f"ProFTPD sets `{node.name} {node.raw}`".rstrip()))
    return facts


def _find_main(source: SourceFile, ctx) -> bool:
    """True when a proftpd.conf (or a template of one) lives beside this fragment or above it."""
    if ctx is None:
        return False
    directory = Path(source.path).parent
    for _ in range(3):
        if not _inside(ctx, directory):
            return False
        try:
            names = [e.name for e in os.scandir(directory) if e.is_file()]
        except OSError:
            names = []
        if any(strip_template_suffix(n.lower()) == "proftpd.conf" for n in names):
            return True
        if directory.parent == directory:
            return False
        directory = directory.parent
    return False


def read(source: SourceFile, ctx=None) -> list[Fact]:
    name = strip_template_suffix(PurePosixPath(source.relpath).name.lower())
    if name != "proftpd.conf" and _find_main(source, ctx):
        return []  # read through the main file's Include, or not active at all
    tree = parse(source, ctx)
    full = name == "proftpd.conf" or any(
        n.children is None and n.key in _SERVER_LEVEL for n in tree)
    facts = _settings(tree)
    file_origin = Origin(source.relpath, 1)
    servers = _servers(tree, file_origin)
    main = servers[0]
    facts.extend(_credentials(tree))
    for server in servers:
        if _flag(_last(server.nodes, "sftpengine")) is True:
            # mod_sftp: this server speaks SSH (encrypted, no anonymous logins), not FTP.
            listener = _sftp_listener(server)
            if listener is not None and full:
                facts.append(listener)
            continue
        anonymous = _anonymous(server)
        facts.extend(anonymous)
        engine = _flag(_last(server.nodes, "tlsengine"))
        enforced, _ = _required(_last(server.nodes, "tlsrequired"))
        listener, exposed = _listener(server, main, bool(anonymous), bool(engine) and enforced)
        if listener is None:
            continue
        facts.extend(_tls_facts(server, main, full, exposed))
        if full:
            facts.append(listener)
    return facts
