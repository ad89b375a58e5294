"""Apache httpd configuration (apache2.conf, httpd.conf, ports.conf, sites-*/ conf-*/ mods-*/ files;
Apache 2.4 as Debian 12 ships it).

Grammar: one directive per line, `Name arg arg ...` (names case-insensitive, arguments split on
blanks, "double" or 'single' quoted arguments keep their blanks); a line ending in `\\` continues
on the next; `#` starts a comment only as the first non-blank character; containers
`<VirtualHost *:80>` ... `</VirtualHost>` nest. `Include` / `IncludeOptional` (globs allowed in
every path component) splice files of the scanned tree in place; relative paths are relative to
the server root (the folder of apache2.conf / httpd.conf, `conf/..` on Red Hat layouts).
`<IfModule>`, `<IfDefine>`, `<IfVersion>`, `<IfFile>` contents are read as active: which modules
are loaded is not known statically. `Define NAME value` is substituted into later `${NAME}` as
Apache does when it reads the file (other `${VAR}`, from envvars, stay unknown); a `<Macro>` that
no `Use` line expands is a template and not read. A file of nginx statements (`listen 443 ssl;`)
that the content sniffer took for Apache gives no facts.

Facts:
- `Listener` per `Listen [addr:]port [protocol]` (tls for `https` or port 443); a file without
  `Listen` (a site on its own) gets one per `<VirtualHost>` address.
- `TlsPolicy(versions=...)` per `SSLProtocol` / `SSLProxyProtocol`: `all` is SSLv3 (on builds that
  still have it), TLSv1, TLSv1.1, TLSv1.2, TLSv1.3; `+x` adds, `-x` removes, a bare name replaces.
  Debian's `SSLProtocol all -SSLv3` still allows TLS 1.0 and 1.1 as far as the configuration
  goes (OpenSSL's security level may refuse them at run time). An absent `SSLProtocol` is not
  reported (mod_ssl's default, `all -SSLv3`, is set in one place and read from another).
- `TlsPolicy(enforced=False)` for a `<VirtualHost>` without `SSLEngine on` that proxies to or
  serves a PACS/NAS web service (same evidence as the nginx reader) and does not redirect every
  request to https (`Redirect / https://...`, a catch-all `RedirectMatch`, a catch-all
  `RewriteRule` to https under `RewriteEngine on` whose `RewriteCond`s test only the scheme, host
  or port, or the same inside `<Location />` or `<If "%{HTTPS} ...">`). The same for proxies and
  document roots of the main server (outside any <VirtualHost>, inherited by the virtual hosts)
  when it is reached over plain HTTP; a conf-enabled/ or conf.d/ file is judged that way only
  through the apache2.conf / httpd.conf of its tree, when there is one.
- `TlsPolicy(role=client, verify=False)` for `ProxyPass` to `https://` on a non-local host while
  `SSLProxyVerify` is `none` (mod_ssl's default) or `SSLProxyCheckPeerName off` /
  `SSLProxyCheckPeerCN off`.
- `Setting(key="pacs-proxy-auth", value="none")` (derived) for a PACS backend proxied without
  `AuthType`/`Require` or an address restriction.
- `Setting` for every directive, and in a main configuration file for absent `ServerTokens`
  (default `Full`) and `ServerSignature` (default `Off`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from linter.facts import Fact, Listener, Setting, TlsPolicy
from linter.formats.nginx import (
    MAX_INCLUDE_DEPTH, PACS_PORTS, address_exposure, is_local_host, is_loopback, looks_pacs,
    _shown, include_sources, map_absolute, url_parts,
)
from linter.knowledge import TLS_VERSIONS, WEAK_TLS_VERSIONS, tls_version
from linter.model import Origin, ParseError, SourceFile
from linter.formats._text import logical_lines

PRODUCT = "apache"
_CONDITIONALS = frozenset({"ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection"})
_ALL_PATTERNS = frozenset({"^", "^/", "^(.*)", "^(.*)$", "(.*)", "(.*)$", "^/(.*)", "^/(.*)$", ".*", "^.*$",
                           "^/?(.*)$", "^/?(.*)", "/(.*)", "^/?", "(.*)?"})
_ALL_VERSIONS = TLS_VERSIONS[1:]  # SSLv3 .. TLSv1.3 (SSLv2 left mod_ssl in 2.4)
_AUTH_REQUIRE = re.compile(r"^(valid-user|user|group|ldap-\w+|claim|oauth2claim|jwt-claim|file-owner|file-group)$", re.I)
_DEFINED = re.compile(r"\$\{(\w+)\}")
_ADDRESS_REQUIRE = re.compile(r"^(ip|host|local|forward-dns)$", re.I)


@dataclass
class Directive:
    name: str  # as written
    args: list[str]
    origin: Origin
    block: list["Directive"] | None = None

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def raw(self) -> str:
        return " ".join(self.args)


def split_args(text: str, line: int, column: int) -> list[str]:
    args: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in " \t":
            i += 1
            continue
        if text[i] in "\"'":
            quote = text[i]
            j = i + 1
            out = []
            while j < n and text[j] != quote:
                if text[j] == "\\" and j + 1 < n and text[j + 1] in (quote, "\\"):
                    out.append(text[j + 1])
                    j += 2
                    continue
                out.append(text[j])
                j += 1
            if j >= n:
                raise ParseError("unterminated quoted argument", line, column + i)
            args.append("".join(out))
            i = j + 1
            continue
        j = i
        while j < n and text[j] not in " \t":
            j += 1
        args.append(text[i:j])
        i = j
    return args


class _Parser:
    def __init__(self, ctx, conf_root: tuple[str, ...]):
        self.ctx = ctx
        self.conf_root = conf_root
        self.stack: list[str] = []
        self.top = ""  # the file being read, whose folders relative includes fall back on
        # `Define NAME value` as read so far: Apache substitutes `${NAME}` when it reads the
        # configuration (names it does not know, such as Debian's envvars, stay as written).
        self.defines: dict[str, str] = {}

    def substitute(self, args: list[str]) -> list[str]:
        if not self.defines:
            return args
        return [_DEFINED.sub(lambda m: self.defines.get(m.group(1), m.group(0)), a) if "${" in a else a
                for a in args]

    def parse_source(self, source: SourceFile, depth: int = 0) -> list[Directive]:
        if source.relpath in self.stack or depth > MAX_INCLUDE_DEPTH:
            return []
        if not self.stack:
            self.top = source.relpath
        self.stack.append(source.relpath)
        try:
            root: list[Directive] = []
            open_: list[Directive] = []
            current = root
            for number, text in logical_lines(source):
                stripped = text.strip()
                column = len(text) - len(text.lstrip()) + 1
                origin = Origin(source.relpath, number, column)
                if stripped.startswith("</"):
                    name = stripped[2:].split(">")[0].strip().lower()
                    if not open_:
                        raise ParseError(f"`{stripped}` closes a section that was never opened", number, column)
                    if open_[-1].key != name:
                        raise ParseError(f"`{stripped}` closes `<{open_[-1].name}>` opened on line "
                                         f"{open_[-1].origin.line}", number, column)
                    open_.pop()
                    current = open_[-1].block if open_ else root
                    continue
                if stripped.startswith("<") and not stripped.startswith("<<"):
                    if not stripped.endswith(">"):
                        raise ParseError(f"section `{stripped[:40]}` does not end with `>`", number, column)
                    inner = stripped[1:-1].strip()
                    name, _, rest = inner.partition(" ")
                    if "\t" in name:
                        name, _, more = name.partition("\t")
                        rest = more + " " + rest
                    directive = Directive(name, self.substitute(split_args(rest, number, column)), origin, [])
                    current.append(directive)
                    open_.append(directive)
                    current = directive.block
                    continue
                name, _, rest = stripped.replace("\t", " ", 1).partition(" ")
                directive = Directive(name, self.substitute(split_args(rest, number, column + len(name))), origin)
                if directive.key == "define" and directive.args:
                    self.defines[directive.args[0]] = directive.args[1] if len(directive.args) > 1 else ""
                elif directive.key == "undefine" and directive.args:
                    self.defines.pop(directive.args[0], None)
                if directive.key in ("include", "includeoptional") and directive.args:
                    current.extend(self._include(directive.args[0], source, depth))
                elif directive.key == "serverroot" and directive.args and not open_:
                    mapped = map_absolute(directive.args[0], source.relpath, self.conf_root) \
                        if directive.args[0].startswith("/") else []
                    for candidate in mapped:
                        if self.ctx is not None and (self.ctx.root / candidate).is_dir():
                            self.conf_root = PurePosixPath(candidate).parts
                            break
                current.append(directive)
            if open_:
                raise ParseError(f"`<{open_[-1].name}>` is never closed", open_[-1].origin.line, open_[-1].origin.column)
            return root
        finally:
            self.stack.pop()

    def _include(self, target: str, source: SourceFile, depth: int) -> list[Directive]:
        if self.ctx is None or "{{" in target or "${" in target:
            return []
        result: list[Directive] = []
        for included in include_sources(target, source, self.ctx, self.conf_root, self.top, "apache",
                                        ("apache2.conf", "httpd.conf")):
            try:
                result.extend(self.parse_source(included, depth + 1))
            except ParseError:
                continue  # reported when the included file is read on its own
        return result


def conf_root_of(relpath: str) -> tuple[str, ...]:
    parts = PurePosixPath(relpath).parts[:-1]
    if parts and parts[-1] in ("sites-available", "sites-enabled", "conf-available", "conf-enabled",
                               "mods-available", "mods-enabled", "conf.d", "conf.modules.d", "extra"):
        return parts[:-1]
    if parts and parts[-1] == "conf":
        return parts[:-1]  # conf/httpd.conf: the server root is the folder above (upstream and Red Hat)
    return parts


def parse(source: SourceFile, ctx=None) -> list[Directive]:
    return _Parser(ctx, conf_root_of(source.relpath)).parse_source(source)


# ---------------------------------------------------------------------------------------------
# Facts

def flat(block: list[Directive]) -> list[Directive]:
    """The directives of one level, with conditional containers opened."""
    out: list[Directive] = []
    for d in block:
        if d.block is not None and d.key in _CONDITIONALS:
            out.extend(flat(d.block))
        else:
            out.append(d)
    return out


def walk(block: list[Directive]):
    for d in block:
        yield d
        if d.block is not None:
            yield from walk(d.block)


def protocols(args: list[str]) -> tuple[str, ...] | None:
    """The versions an SSLProtocol line allows, or None when a word is not understood."""
    allowed: set[str] = set()
    for word in args:
        if word.startswith("#"):
            break
        action = word[0] if word[0] in "+-" else ""
        name = word.lstrip("+-")
        if name.lower() == "all":
            versions = set(_ALL_VERSIONS)
        else:
            version = tls_version(name)
            if version is None:
                return None
            versions = {version}
        if action == "+":
            allowed |= versions
        elif action == "-":
            allowed -= versions
        else:
            allowed = set(versions)
    return tuple(v for v in TLS_VERSIONS if v in allowed)


def _vhost_address(text: str) -> tuple[str, int | None]:
    if text.startswith("["):
        close = text.find("]")
        port = text[close + 2:] if text[close + 1:close + 2] == ":" else ""
        return text[: close + 1], int(port) if port.isdigit() else None
    host, sep, port = text.rpartition(":")
    if sep and port.isdigit():
        return host, int(port)
    if sep and port == "*":
        return host, None
    return text, None


_REDIRECT_STATUS = ("permanent", "temp", "seeother")
# Request parts a RewriteCond may test without narrowing a redirect to part of the site: the
# scheme or port (`%{HTTPS} off`), the host name (certbot's `%{SERVER_NAME} =example.org`), and
# negated path tests that only spare the ACME challenge folder.
_SCOPING_CONDITION = re.compile(r"%\{(REQUEST_URI|REQUEST_FILENAME|THE_REQUEST|QUERY_STRING|SCRIPT_FILENAME)\}", re.I)
_SCHEME_TEST = re.compile(r"%\{(HTTPS|REQUEST_SCHEME|SERVER_PORT|HTTP:X-Forwarded-Proto)\}|\bHTTPS\b", re.I)


def _redirect_target(d: Directive, path_given: bool) -> str | None:
    """The target of `Redirect [status] [URL-path] URL` (the URL-path is omitted inside
    <Location> and <If>), when the redirected path is the whole site."""
    args = list(d.args)
    if args and (args[0].lower() in _REDIRECT_STATUS or args[0].isdigit()):
        args = args[1:]
    if path_given:
        return args[1] if len(args) >= 2 and args[0] in ("/", "") else None
    if len(args) == 1:
        return args[0]
    return args[1] if len(args) >= 2 and args[0] in ("/", "") else None


def _redirects_all(level: list[Directive], nested: bool = False) -> bool:
    """Whether every plain request of this server (or of this <Location /> / <If> section) is
    sent to an https:// URL: `Redirect / https://...`, a catch-all `RedirectMatch`, a catch-all
    `RewriteRule` to https with `RewriteEngine on` (conditions on the scheme, host or port do not
    narrow it), or the same inside `<Location />` or `<If "%{HTTPS} ...">`."""
    rewrite_on = any(d.key == "rewriteengine" and d.args and d.args[0].lower() == "on" for d in level)
    conditions: list[Directive] = []
    for d in level:
        if d.key == "redirect":
            target = _redirect_target(d, path_given=not nested)
            if target is not None and target.lower().startswith("https://"):
                return True
        elif d.key == "redirectmatch":
            args = list(d.args)
            if args and (args[0].lower() in _REDIRECT_STATUS or args[0].isdigit()):
                args = args[1:]
            if len(args) >= 2 and args[0] in _ALL_PATTERNS and args[1].lower().startswith("https://"):
                return True
        elif d.key == "rewritecond":
            conditions.append(d)
            continue
        elif d.key == "rewriterule" and len(d.args) >= 2 and rewrite_on:
            args = d.args
            flags = re.split(r"[\[\],]", args[2].lower()) if len(args) > 2 else []
            narrowed = any(_SCOPING_CONDITION.search(c.args[0]) and len(c.args) > 1 and not c.args[1].startswith("!")
                           for c in conditions if c.args)
            if (args[0] in _ALL_PATTERNS and args[1].lower().startswith("https://") and "p" not in flags
                    and not narrowed):
                return True
            conditions = []
        elif d.block is not None and d.key in ("location", "locationmatch") and d.args:
            where = d.args[-1]
            if (where in ("/", "") or (d.key == "locationmatch" or "~" in d.args) and where in _ALL_PATTERNS) \
                    and _redirects_all(flat(d.block), nested=True):
                return True
        elif d.block is not None and d.key in ("if", "elseif") and d.args and _SCHEME_TEST.search(d.args[0]):
            if _redirects_all(flat(d.block), nested=True):
                return True
    return False


@dataclass
class Proxy:
    directive: Directive
    path: str
    target: str
    containers: list[Directive]


def _proxies(vhost: Directive) -> list[Proxy]:
    out: list[Proxy] = []

    def visit(block: list[Directive], containers: list[Directive]) -> None:
        for d in flat(block):
            if d.block is not None:
                if d.key in ("location", "locationmatch", "directory", "directorymatch", "files", "filesmatch",
                             "proxy", "proxymatch", "if", "elseif", "else"):
                    visit(d.block, containers + [d])
                continue
            if d.key in ("proxypass", "proxypassmatch"):
                if containers and containers[-1].key in ("location", "locationmatch"):
                    path = containers[-1].args[0] if containers[-1].args else "/"
                    target = d.args[0] if d.args else ""
                else:
                    path = d.args[0] if d.args else "/"
                    target = d.args[1] if len(d.args) > 1 else ""
                if target and target != "!":
                    out.append(Proxy(d, path, target, containers))
            elif d.key == "rewriterule" and len(d.args) >= 3 and "p" in re.split(r"[\[\],]", d.args[2].lower()):
                out.append(Proxy(d, d.args[0], d.args[1], containers))
    visit(vhost.block or [], [])
    return out


def _guarded(vhost: Directive, proxy: Proxy) -> tuple[bool, bool]:
    """(authenticated, address-restricted) for the request path of a proxy."""
    blocks: list[list[Directive]] = [flat(vhost.block or [])]
    for d in flat(vhost.block or []):
        if d.block is not None and d.key in ("location", "proxy") and d.args:
            where = d.args[0]
            if where in ("/", "*") or proxy.path.startswith(where) or where.startswith(proxy.target) or \
                    (d.key == "proxy" and proxy.target.startswith(where.rstrip("*"))):
                blocks.append(flat(d.block))
    blocks.extend(flat(c.block or []) for c in proxy.containers)
    auth = restricted = False
    for level in blocks:
        for d in level:
            if d.key == "authtype" and d.args and d.args[0].lower() != "none":
                auth = True
            elif d.key == "require" and d.args:
                words = [a for a in d.args if a.lower() != "not"]
                if words and _AUTH_REQUIRE.match(words[0]):
                    auth = True
                elif words and _ADDRESS_REQUIRE.match(words[0]):
                    restricted = True
                elif len(words) >= 2 and words[0].lower() == "all" and words[1].lower() == "denied":
                    restricted = True
            elif d.key == "deny" and len(d.args) >= 2 and d.args[-1].lower() == "all":
                restricted = True
            elif d.key.startswith(("authopenidc", "oidc", "authnzfcgi", "mellon")):
                auth = True
    return auth, restricted


def _prune_macros(tree: list[Directive]) -> list[Directive]:
    """Drop `<Macro>` bodies no `Use` line expands: they are templates, not configuration. A used
    macro's body is read once as written (its `$parameters` are unknown values)."""
    used = {d.args[0].lower() for d in walk(tree) if d.key == "use" and d.args}

    def prune(block: list[Directive]) -> list[Directive]:
        out = []
        for d in block:
            if d.block is not None:
                if d.key == "macro" and (not d.args or d.args[0].lower() not in used):
                    continue
                d.block = prune(d.block)
            out.append(d)
        return out
    return prune(tree)


# Folders whose files an apache2.conf / httpd.conf includes: read there, the main server's
# directives are judged with the Listen ports and virtual hosts of the whole configuration.
_INCLUDED_FOLDERS = frozenset({"conf-available", "conf-enabled", "conf.d", "conf.modules.d", "mods-available",
                               "mods-enabled", "extra"})


def _root_config_in_tree(source: SourceFile, ctx) -> bool:
    folder = PurePosixPath(source.relpath).parent
    if ctx is None or folder.name not in _INCLUDED_FOLDERS:
        return False
    return any(ctx.exists(f"../{name}", source) for name in ("apache2.conf", "httpd.conf", "conf/httpd.conf"))


def _nginx_syntax(source: SourceFile) -> bool:
    """An nginx snippet (`listen 443 ssl;` in includes/listen_https.conf) that the content sniffer
    took for Apache's `Listen`: no <Section>, and most lines end like nginx statements."""
    lines = [text.strip() for _, text in logical_lines(source)]
    if not lines or any(line.startswith("<") for line in lines):
        return False
    nginx_like = sum(1 for line in lines if line.endswith((";", "{", "}")))
    return nginx_like * 2 >= len(lines)


def read(source: SourceFile, ctx) -> list[Fact]:
    if _nginx_syntax(source):
        return []  # not Apache: nginx statements end with `;`
    tree = _prune_macros(parse(source, ctx))
    facts: list[Fact] = []

    def settings(block: list[Directive], stack: list[Directive]) -> None:
        section = " > ".join(f"<{d.name} {d.raw}>".replace(" >", ">") for d in stack) or "server config"
        for d in block:
            if d.block is not None:
                settings(d.block, stack + [d])
                continue
            facts.append(Setting(origin=d.origin, product=PRODUCT, section=section, key=d.name,
                                 value=_normalise(d.args), raw=d.raw, detail=f"`{(d.name + ' ' + d.raw).strip()}`"))
    settings(tree, [])

    every = list(walk(tree))
    keys = {d.key for d in every}
    if PurePosixPath(source.relpath).name.lower() in ("apache2.conf", "httpd.conf"):
        origin = Origin(source.relpath, 1)
        for key, value in (("ServerTokens", "Full"), ("ServerSignature", "Off")):
            if key.lower() not in keys:
                facts.append(Setting(origin=origin, product=PRODUCT, section="server config", key=key, value=value,
                                     raw=value, explicit=False, detail=f"`{key}` is absent and Apache's default is {value}"))

    for d in every:
        if d.key in ("sslprotocol", "sslproxyprotocol") and d.block is None:
            if any("$" in a or "{{" in a for a in d.args):
                continue
            versions = protocols(d.args)
            if versions is None:
                continue
            weak = [v for v in versions if v in WEAK_TLS_VERSIONS]
            detail = f"`{d.name} {d.raw}`"
            detail += (f" allows {', '.join(weak)} (as far as the OpenSSL build still permits them)" if weak
                       else f" allows {', '.join(versions) or 'no protocol'}")
            facts.append(TlsPolicy(origin=d.origin, product=PRODUCT, service="http",
                                   role="client" if d.key == "sslproxyprotocol" else "server",
                                   versions=versions, detail=detail))

    listens = [d for d in every if d.key == "listen" and d.block is None and d.args]
    for d in listens:
        address, port = _vhost_address(d.args[0]) if not d.args[0].isdigit() else ("*", int(d.args[0]))
        if address == d.args[0] and port is None:
            continue
        proto = d.args[1].lower() if len(d.args) > 1 else ("https" if port == 443 else "http")
        exposure = address_exposure(address)
        facts.append(Listener(
            origin=d.origin, product=PRODUCT, service="http", port=port, address=address, exposure=exposure,
            via="config", tls=proto == "https",
            detail=_shown(f"Apache `Listen {d.raw}` accepts {'HTTPS' if proto == 'https' else 'HTTP'} on port {port}"
                          + (" from every address" if exposure == "all" else ""))))

    vhosts = [d for d in every if d.key == "virtualhost" and d.block is not None]
    for vhost in vhosts:
        _vhost_facts(facts, vhost, every, emit_listeners=not listens)
    if not _root_config_in_tree(source, ctx):
        _main_server_facts(facts, source, tree, every, listens, vhosts)
    return facts


def _vhost_tls(vhost: Directive) -> bool:
    engine = next((d for d in reversed(flat(vhost.block or [])) if d.key == "sslengine" and d.args), None)
    return engine is not None and engine.args[0].lower() in ("on", "optional")


def _main_server_facts(facts: list[Fact], source: SourceFile, tree: list[Directive], every: list[Directive],
                       listens: list[Directive], vhosts: list[Directive]) -> None:
    """Proxies and document roots outside any <VirtualHost> (the Orthanc Book's `ProxyPass /Orthanc/
    ...` added to httpd.conf, a conf.d/orthanc.conf): the main server serves them on its Listen
    ports, and every virtual host inherits its ProxyPass lines."""
    main = Directive("(main server)", [], Origin(source.relpath, 1),
                     [d for d in tree if not (d.block is not None and d.key == "virtualhost")])
    level = [d for d in flat(main.block) if not (d.block is not None and d.key == "virtualhost")]
    if not _proxies(main) and not any(d.key in _ROOT_KEYS for d in level):
        return
    engine = next((d for d in reversed(level) if d.key == "sslengine" and d.args), None)
    tls = engine is not None and engine.args[0].lower() in ("on", "optional")
    plain_ports = []
    for d in listens:
        address, port = _vhost_address(d.args[0]) if not d.args[0].isdigit() else ("*", int(d.args[0]))
        proto = d.args[1].lower() if len(d.args) > 1 else ("https" if port == 443 else "http")
        if proto != "https" and not is_loopback(address):
            plain_ports.append(d)
    if vhosts:
        # Reached through the virtual hosts that inherit it: a plain one that does not redirect.
        plain = [v for v in vhosts if not _vhost_tls(v) and not _redirects_all(flat(v.block or []))
                 and any(not is_loopback(_vhost_address(a)[0]) for a in (v.args or ["*"]))]
        exposed = bool(plain) or bool(plain_ports)
    else:
        exposed = bool(plain_ports) or not listens  # no Listen in view: the default port 80
    _vhost_facts(facts, main, every, emit_listeners=False, main=(tls or not exposed, exposed))


def _normalise(args: list[str]) -> object:
    if len(args) == 1:
        low = args[0].lower()
        if low in ("on", "off"):
            return low == "on"
        if args[0].isdigit():
            return int(args[0])
    return " ".join(args)


_ROOT_KEYS = ("documentroot", "alias", "aliasmatch", "scriptalias")


def _vhost_facts(facts: list[Fact], vhost: Directive, every: list[Directive], emit_listeners: bool,
                 main: tuple[bool, bool] | None = None) -> None:
    """Facts of one <VirtualHost>, or with `main=(tls, exposed)` of the main server."""
    level = flat(vhost.block or [])
    if main is not None:
        level = [d for d in level if not (d.block is not None and d.key == "virtualhost")]
    names = [a for d in level if d.key in ("servername", "serveralias") for a in d.args]
    if main is None:
        label = _shown(f"<VirtualHost {vhost.raw}>" + (f" ({names[0]})" if names else ""))
        tls = _vhost_tls(vhost)
        addresses = [_vhost_address(a) for a in vhost.args] or [("*", None)]
    else:
        label = _shown("main server (outside any <VirtualHost>)" + (f" ({names[0]})" if names else ""))
        tls = main[0]
        addresses = [("*", None)] if main[1] else [("127.0.0.1", None)]

    if emit_listeners:
        for address, port in addresses:
            exposure = address_exposure(address)
            facts.append(Listener(
                origin=vhost.origin, product=PRODUCT, service="http", port=port, address=address, exposure=exposure,
                via="config", tls=tls,
                detail=f"Apache {label} accepts {'HTTPS' if tls else 'plain HTTP'}"
                       + (f" on port {port}" if port else "") + (" from every address" if exposure == "all" else "")))

    balancers: dict[str, list[str]] = {}
    for d in every:
        if d.key == "proxy" and d.block is not None and d.args and d.args[0].lower().startswith("balancer://"):
            balancers[d.args[0].lower().rstrip("/")] = [m.args[0] for m in flat(d.block)
                                                         if m.key == "balancermember" and m.args]

    def backends(target: str) -> list[str]:
        low = target.lower()
        for name, members in balancers.items():
            if low.startswith(name):
                return members
        return [target]

    proxies = _proxies(vhost)
    name_pacs = looks_pacs(*names)
    roots = [d for d in (walk(vhost.block or []) if main is None else level) if d.key in _ROOT_KEYS]
    exposed = any(not is_loopback(a) for a, _ in addresses)

    def proxy_pacs(p: Proxy) -> bool:
        return looks_pacs(p.path, p.target) or any(
            looks_pacs(b) or url_parts(b)[2] in PACS_PORTS for b in backends(p.target))

    if not tls and exposed and not _redirects_all(level):
        evidence, where = None, vhost.origin
        for p in proxies:
            if proxy_pacs(p) or name_pacs:
                evidence, where = f"proxies `{p.path}` to {p.target}", p.directive.origin
                break
        if evidence is None:
            for d in roots:
                if looks_pacs(*d.args) or name_pacs:
                    evidence, where = f"serves {d.raw}", d.origin
                    break
        if evidence is not None:
            facts.append(TlsPolicy(
                origin=vhost.origin if main is None else where, product=PRODUCT, service="http", role="server",
                enforced=False, exposed=True,
                detail=_shown(f"Apache {label} has no `SSLEngine on` and {evidence}, a PACS/NAS web service, without "
                              f"redirecting to https: logins and images cross the network in clear text")))

    verify = next((d for d in reversed(level) if d.key == "sslproxyverify" and d.args), None)
    peer_checks = [d for d in level if d.key in ("sslproxycheckpeername", "sslproxycheckpeercn")
                   and d.args and d.args[0].lower() == "off"]
    for p in proxies:
        targets = backends(p.target)
        remote = [t for t in targets if url_parts(t)[0] in ("https", "wss", "h2") and not is_local_host(url_parts(t)[1])]
        if remote:
            if verify is None or verify.args[0].lower() in ("none", "optional_no_ca"):
                origin = verify.origin if verify is not None else p.directive.origin
                why = (f"`SSLProxyVerify {verify.raw}`" if verify is not None
                       else "`SSLProxyVerify` is absent (mod_ssl's default is none)")
                facts.append(TlsPolicy(
                    origin=origin, product=PRODUCT, service="http", role="client", verify=False,
                    detail=_shown(f"Apache {label} proxies `{p.path}` to {remote[0]} over TLS but {why}: any "
                                  f"certificate is accepted from that host")))
            for d in peer_checks:
                facts.append(TlsPolicy(
                    origin=d.origin, product=PRODUCT, service="http", role="client", verify=False,
                    detail=_shown(f"Apache {label}: `{d.name} {d.raw}` while proxying to {remote[0]}: the backend's "
                                  f"certificate may name any host")))
            peer_checks = []
        if (looks_pacs(p.path, p.target) or any(looks_pacs(b) or url_parts(b)[2] in PACS_PORTS for b in targets)) \
                and exposed:
            auth, restricted = _guarded(vhost, p)
            if not auth and not restricted:
                facts.append(Setting(
                    origin=p.directive.origin, product=PRODUCT, section=label, key="pacs-proxy-auth", value="none",
                    raw=p.directive.raw, explicit=False,
                    detail=_shown(f"Apache {label} proxies `{p.path}` to the PACS backend {p.target} with no login "
                                  f"required (`AuthType`/`Require`) and no address restriction")))
