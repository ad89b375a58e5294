"""nginx configuration (nginx.conf, sites-available/*, conf.d/*.conf; nginx 1.22 as Debian 12 ships it).

Grammar (nginx's own tokenizer): directives are words ending with `;`, blocks are `name args {
... }`; `#` starts a comment at the start of a word; only a blank, `;` or `{` ends a word (a `}`
or `#` inside one is a character, `\\x` escapes any character); "double" and 'single' quoted
words take backslash escapes; `${var}` inside a word is a variable, not a block;
`*_by_lua_block { }` bodies (the name may be quoted) are Lua code and skipped as
lua-nginx-module reads them, braces in Lua strings, `[[long strings]]` and comments not counted.
`include` (with globs) splices other files of the scanned tree in place; relative paths are
relative to the configuration prefix (the folder of nginx.conf), then to the folders above the
file read (a server block kept in `conf.d/templates/`), absolute ones are mapped into the tree.
Jinja/ERB template lines (`{% ... %}`) are ignored and `{{ var }}` inside a word is part of the
word (unknown, never insecure): `listen ${NGINX_PORT};` (the nginx image's envsubst templates)
has an unknown port, `listen {{ ip }}:80;` an unknown address that is not judged.

Contexts: main > http > server > location (nested, `if`, `limit_except`); upstream; stream >
server. Directives of http{} are inherited by servers and locations unless they set their own.

Facts:
- `Listener` per `listen` of an http server (none: `*:80`); exposure `local` for loopback,
  private or link-local addresses and unix sockets, `restricted` with `allow ...; deny all;`.
- `TlsPolicy(enforced=False)` for a server with a plain-HTTP listen on a non-loopback address that
  serves or proxies a PACS/NAS web service (upstream on port 8042, or Orthanc/dcm4chee/OHIF/
  DICOMweb/WADO/PACS/NAS words in the upstream, location, root or server name) and does not only
  redirect (`return`, a catch-all redirecting `rewrite`, or `if ($scheme ...) { return 301 https://...}`).
  A plain site proxying to an unknown backend is not reported.
- `TlsPolicy(versions=...)` for every `ssl_protocols` (PG502; Debian 12's nginx.conf sets
  `TLSv1 TLSv1.1 TLSv1.2 TLSv1.3` in http{}); an absent `ssl_protocols` is the default
  `TLSv1.2 TLSv1.3` (since 1.23.4) and is not reported.
- `TlsPolicy(role=client, verify=False)` for `proxy_pass https://` to a host that is not local
  while `proxy_ssl_verify` is off (its default).
- `Setting(key="pacs-proxy-auth", value="none")` (derived) for a PACS backend proxied with neither
  a login (`auth_basic`, `auth_request`, `auth_jwt`, `auth_ldap`, `auth_pam`, `auth_digest`,
  `auth_gss`, client certificates with `ssl_verify_client on` on a TLS-only server, or OpenResty
  `access_by_lua*` code, whose checks are not known) nor an `allow`/`deny` restriction, on a
  server reachable from other hosts.
- stream{} servers: `Listener` per `listen`, and `TlsPolicy(service=dicom, enforced=False)` when a
  DICOM port is forwarded without `ssl`.
- `Setting` for every simple directive, and for absent `ssl_protocols`, `server_tokens`,
  `proxy_ssl_verify` in http{} with their defaults.
"""
from __future__ import annotations

import fnmatch
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from linter.facts import Fact, Listener, Setting, TlsPolicy
from linter.knowledge import WEAK_TLS_VERSIONS, port_service, tls_version
from linter.model import Origin, ParseError, SourceFile

PRODUCT = "nginx"

# Words in an upstream URL, location path, document root or server name that name a PACS, a
# DICOM web API or a NAS front end (catalogue 3.18: Orthanc, dcm4chee, OHIF, /dicom-web, WADO).
PACS_WORDS = re.compile(
    r"orthanc|dcm4che|ohif|pacs|dicom|wado|qido|stow-?rs|conquest|oviyam|weasis|osirix|horos|"
    r"stone-?web|radiolog|imaging|synology|diskstation|qnap|\bnas\b", re.I)
# Ports of PACS HTTP backends: Orthanc's HttpPort. (8080 is dcm4chee's, but far too common to
# count on its own; with a PACS word in the URL or path it is caught by the words.)
PACS_PORTS = frozenset({8042})
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
MAX_INCLUDE_DEPTH = 16
MAX_GLOB_FILES = 512


def looks_pacs(*texts: str | None) -> bool:
    return any(t and PACS_WORDS.search(t) for t in texts)


def url_parts(url: str) -> tuple[str, str, int | None, str]:
    """scheme, host, port, path of a backend URL (`http://127.0.0.1:8042/`, `orthanc:8042`)."""
    text = url.strip().strip("'\"")
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return "", "", None, ""
    return parts.scheme.lower(), (parts.hostname or "").lower(), port, parts.path or ""


def is_local_host(host: str) -> bool:
    """Loopback, a private or link-local address, or a name that cannot be an internet host
    (a single label such as a compose service or an upstream group, *.local, *.internal)."""
    host = host.strip("[]").lower()
    if not host or host in ("localhost", "ip6-localhost") or host.startswith("unix:"):
        return True
    try:
        ip = ipaddress.ip_address(host)
        return ip.is_private or ip.is_loopback or ip.is_link_local
    except ValueError:
        pass
    if "$" in host or "{" in host:
        return True  # a variable: unknown, do not claim a remote host
    return "." not in host or host.endswith((".local", ".lan", ".internal", ".localdomain", ".home.arpa",
                                            ".svc", ".cluster.local", ".localhost"))


def address_exposure(address: str) -> str:
    """all / local for a listen address ("*", "0.0.0.0", "[::]", "127.0.0.1", "192.168.1.5")."""
    host = address.strip().strip("[]").lower()
    if host in ("", "*", "0.0.0.0", "::", "_default_"):
        return "all"
    if host in ("localhost",) or host.startswith("unix:"):
        return "local"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return "all"  # a host name: resolved at start-up, assume reachable
    if ip.is_loopback or ip.is_private or ip.is_link_local:
        return "local"
    return "all"


def is_loopback(address: str) -> bool:
    host = address.strip().strip("[]").lower()
    if host in ("localhost",) or host.startswith("unix:"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_root(relpath: str) -> tuple[str, ...] | None:
    """The folder that stands for `/` of the machine a file belongs to (the parent of `etc/`)."""
    parts = PurePosixPath(relpath).parts[:-1]
    if "etc" in parts:
        index = len(parts) - 1 - parts[::-1].index("etc")
        return parts[:index]
    return None


def map_absolute(target: str, source_relpath: str, conf_root: tuple[str, ...]) -> list[str]:
    """Candidate tree paths for an absolute path named in a configuration file.

    `/etc/nginx/sites-enabled/*` read from `srv/etc/nginx/nginx.conf` is `srv/etc/nginx/...`; read
    from `nginx/nginx.conf` (no `etc/` in the tree) the configuration root `nginx/` stands for the
    deepest folder of the target whose name it has (`/etc/nginx`)."""
    parts = PurePosixPath(target).parts[1:]
    candidates: list[str] = []
    root = host_root(source_relpath)
    if root is not None:
        candidates.append("/".join(root + parts))
    if conf_root:
        name = conf_root[-1]
        for index in range(len(parts) - 1, -1, -1):
            if parts[index] == name:
                candidates.append("/".join(conf_root + parts[index + 1:]))
                break
    elif parts:
        # the configuration root is the scan root: try the tail below a well-known folder
        for index in range(len(parts) - 1, -1, -1):
            if parts[index] in ("nginx", "apache2", "httpd", "conf"):
                candidates.append("/".join(parts[index + 1:]))
                break
    return [c for c in candidates if c]


def expand(pattern: str, ctx, fmt: str, base: SourceFile, remap=None) -> list[SourceFile]:
    """Files of the scanned tree matching `pattern` (a tree-relative path, possibly with `*`, `?`
    or `[...]` globs), in name order as nginx and Apache read them. Never leaves ctx.root.
    A symbolic link to an absolute path outside the tree (Debian's `sites-enabled/default ->
    /etc/nginx/sites-available/default`) is followed through `remap` (absolute path -> candidate
    tree-relative paths) instead."""
    if ctx is None or _TEMPLATE.search(pattern) or "$" in pattern:
        return []
    root: Path = Path(ctx.root).resolve()

    def inside(path: Path) -> bool:
        return path == root or root in path.parents

    def effective(path: Path) -> Path | None:
        try:
            if path.is_symlink():
                target = os.readlink(path)
                resolved = path.resolve()
                if inside(resolved) and resolved.exists():
                    return resolved
                if os.path.isabs(target) and remap is not None:
                    for candidate in remap(target):
                        mapped = (root / candidate).resolve()
                        if inside(mapped) and mapped.exists():
                            return mapped
                return None
            resolved = path.resolve()
        except (OSError, RuntimeError):
            return None
        return resolved if inside(resolved) and resolved.exists() else None

    parts = PurePosixPath(pattern).parts
    current = [root]
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        matches: list[Path] = []
        for directory in current:
            if any(ch in part for ch in "*?["):
                try:
                    names = sorted(p.name for p in directory.iterdir())
                except OSError:
                    continue
                matches.extend(directory / n for n in names if fnmatch.fnmatchcase(n, part) and not n.startswith("."))
            elif os.path.lexists(directory / part):
                matches.append(directory / part)
        following = []
        for m in matches:
            target = effective(m)
            if target is not None and (last or target.is_dir()):
                following.append(target)
        current = following[:MAX_GLOB_FILES]
        if not current:
            return []
    found = []
    for path in current:
        if path.is_dir():
            continue
        loaded = ctx.load(str(path), None, fmt)
        if loaded is not None and loaded.relpath != base.relpath:
            found.append(loaded)
    return found

# ---------------------------------------------------------------------------------------------
# Grammar

@dataclass
class Directive:
    name: str
    args: list[str]
    origin: Origin
    block: list["Directive"] | None = None
    quoted: tuple[bool, ...] = ()

    @property
    def raw(self) -> str:
        return " ".join(self.args)


_JINJA_LINE = re.compile(r"^[ \t]*(\{%.*?%\}|\{#.*?#\})[ \t]*$", re.M)
_RAW_BLOCK_SUFFIXES = ("_by_lua_block",)
_LUA_LONG_OPEN = re.compile(r"\[(=*)\[")


def tokenize(text: str, relpath: str):
    """(kind, text, line, column, quoted) with kind word / ; / { / }."""
    text = _JINJA_LINE.sub(lambda m: " " * len(m.group(0)), text)
    tokens = []
    i, n, line, line_start = 0, len(text), 1, 0
    directive_start = True
    pending_raw = False
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            line_start = i + 1
            i += 1
            continue
        if ch in " \t\r":
            i += 1
            continue
        column = i - line_start + 1
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == "{" and pending_raw:
            # Lua code blocks: skip to the matching brace, as lua-nginx-module's own lexer does:
            # braces inside strings ("...", '...', [[...]], [==[...]==]) and comments (-- ...,
            # --[[ ... ]]) do not count.
            depth, j = 0, i
            while j < n:
                c = text[j]
                long_open = _LUA_LONG_OPEN.match(text, j + 2 if text.startswith("--", j) else j)
                if long_open is not None and (text.startswith("--", j) or c == "["):
                    close = text.find("]" + long_open.group(1) + "]", long_open.end())
                    j = n if close < 0 else close + len(long_open.group(1)) + 2
                    continue
                if c in "\"'":
                    k = j + 1
                    while k < n and text[k] != c and text[k] != "\n":
                        k += 2 if text[k] == "\\" else 1
                    j = k + 1
                    continue
                if text.startswith("--", j):
                    end = text.find("\n", j)
                    j = n if end < 0 else end
                    continue
                if c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n:
                raise ParseError("unterminated code block", line, column)
            line += text.count("\n", i, j)
            last = text.rfind("\n", i, j)
            if last >= 0:
                line_start = last + 1
            tokens.append((";", ";", line, column, False))
            i = j + 1
            pending_raw = False
            directive_start = True
            continue
        if ch in ";{}" and not text.startswith("{{", i):
            tokens.append((ch, ch, line, column, False))
            i += 1
            directive_start = True
            continue
        if ch in "\"'":
            j = i + 1
            out = []
            start_line = line
            while j < n and text[j] != ch:
                if text[j] == "\\" and j + 1 < n:
                    out.append(text[j:j + 2] if text[j + 1] not in "\"'\\" else text[j + 1])
                    if text[j + 1] == "\n":
                        line += 1
                        line_start = j + 2
                    j += 2
                    continue
                if text[j] == "\n":
                    line += 1
                    line_start = j + 1
                out.append(text[j])
                j += 1
            if j >= n:
                raise ParseError("unterminated quoted string", start_line, column)
            word = "".join(out)
            if directive_start and word.endswith(_RAW_BLOCK_SUFFIXES):
                pending_raw = True
            tokens.append(("word", word, start_line, column, True))
            i = j + 1
            directive_start = False
            continue
        j = i
        while j < n:
            c = text[j]
            if text.startswith("{{", j):
                close = text.find("}}", j)
                j = n if close < 0 else close + 2
                continue
            if c == "{" and j > i and text[j - 1] == "$":
                close = text.find("}", j)
                j = n if close < 0 else close + 1
                continue
            if c == "\\" and j + 1 < n and text[j + 1] != "\n":
                j += 2  # an escaped character is part of the word (`\;`, `\{`, `\ `)
                continue
            # Like nginx, only a blank, `;` or `{` ends a word: a `}` inside one is a character.
            if c in " \t\r\n;{" or (c == "}" and j == i):
                break
            j += 1
        word = text[i:j]
        if directive_start and word.endswith(_RAW_BLOCK_SUFFIXES):
            pending_raw = True
        tokens.append(("word", word, line, column, False))
        directive_start = False
        i = j
    return tokens


class _Parser:
    def __init__(self, ctx, conf_root: tuple[str, ...]):
        self.ctx = ctx
        self.conf_root = conf_root
        self.stack: list[str] = []
        self.top = ""  # the file being read, whose folders relative includes fall back on

    def parse_source(self, source: SourceFile, depth: int = 0) -> list[Directive]:
        if source.relpath in self.stack or depth > MAX_INCLUDE_DEPTH:
            return []
        if not self.stack:
            self.top = source.relpath
        self.stack.append(source.relpath)
        try:
            tokens = tokenize(source.text, source.relpath)
            directives, pos = self._block(tokens, 0, source, depth, None)
            return directives
        finally:
            self.stack.pop()

    def _block(self, tokens, pos, source, depth, opener) -> tuple[list[Directive], int]:
        out: list[Directive] = []
        words: list[tuple] = []
        while pos < len(tokens):
            kind, text, line, column, quoted = tokens[pos]
            pos += 1
            if kind == "word":
                words.append((text, line, column, quoted))
                continue
            if kind == "}":
                if words:
                    raise ParseError(f"directive `{words[0][0]}` is not terminated by `;`", words[0][1], words[0][2])
                if opener is None:
                    raise ParseError("unexpected `}`", line, column)
                return out, pos
            if not words:
                if kind == ";":
                    continue  # an empty statement
                raise ParseError("block `{` without a directive name", line, column)
            name = words[0][0]
            origin = Origin(source.relpath, words[0][1], words[0][2])
            args = [w[0] for w in words[1:]]
            quoted = tuple(w[3] for w in words[1:])
            words = []
            if kind == "{":
                children, pos = self._block(tokens, pos, source, depth, origin)
                out.append(Directive(name, args, origin, children, quoted))
                continue
            if name == "include" and args:
                out.extend(self._include(args[0], source, depth, origin))
            out.append(Directive(name, args, origin, None, quoted))
        if words:
            raise ParseError(f"unexpected end of file: directive `{words[0][0]}` is not terminated by `;`",
                             words[0][1], words[0][2])
        if opener is not None:
            raise ParseError("unexpected end of file: block is not closed with `}`", opener.line, opener.column)
        return out, pos

    def _include(self, target: str, source: SourceFile, depth: int, origin: Origin) -> list[Directive]:
        if self.ctx is None or "{{" in target or "$" in target:
            return []
        result: list[Directive] = []
        for included in include_sources(target, source, self.ctx, self.conf_root, self.top, "nginx"):
            try:
                result.extend(self.parse_source(included, depth + 1))
            except ParseError:
                continue  # reported when the included file is read on its own
        return result


def include_sources(target: str, source: SourceFile, ctx, conf_root: tuple[str, ...], top: str, fmt: str,
                    markers: tuple[str, ...] = ("nginx.conf",)) -> list[SourceFile]:
    """The files an nginx `include` or Apache `Include` names, found inside the scanned tree: an
    absolute path is mapped under the configuration root, a relative one tried against the folders
    that can hold it; the first pattern that matches any file wins."""
    if target.startswith("/"):
        patterns = map_absolute(target, source.relpath, conf_root)
    else:
        patterns = relative_patterns(target, conf_root, top, ctx, markers)
    for pattern in patterns:
        files = expand(pattern, ctx, fmt, source, lambda t: map_absolute(t, source.relpath, conf_root))
        if files:
            return files
    return []


def relative_patterns(target: str, conf_root: tuple[str, ...], relpath: str, ctx=None,
                      markers: tuple[str, ...] = ("nginx.conf",)) -> list[str]:
    """Tree paths to try for a relative include: the configuration root first (where the server
    resolves it), then each folder above the file that names it and holds a main configuration
    file (`markers`), nearest first. A server block kept in `conf.d/templates/` still finds
    `h5bp/ssl/...` next to the nginx.conf it is meant for, and a sample in a repository of samples
    does not pick up another sample's `conf.d/*.conf`."""
    parts = PurePosixPath(target).parts
    folders = [conf_root]
    here = PurePosixPath(relpath).parts[:-1]
    root = Path(ctx.root) if ctx is not None else None
    for length in range(len(here) - 1, -1, -1):
        folder = here[:length]
        if folder in folders or root is None:
            continue
        if any((root.joinpath(*folder) / marker).is_file() for marker in markers):
            folders.append(folder)
    return ["/".join(folder + parts) for folder in folders]


def conf_root_of(relpath: str) -> tuple[str, ...]:
    parts = PurePosixPath(relpath).parts[:-1]
    if parts and parts[-1] in ("sites-available", "sites-enabled", "conf.d", "snippets", "modules-enabled",
                               "modules-available", "streams-enabled", "http.d", "vhosts.d", "default.d"):
        return parts[:-1]
    return parts


def parse(source: SourceFile, ctx=None) -> list[Directive]:
    return _Parser(ctx, conf_root_of(source.relpath)).parse_source(source)

# ---------------------------------------------------------------------------------------------
# Facts

_PASS = ("proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass")
_SKIP_SETTINGS_IN = frozenset({"types", "map", "geo", "split_clients", "match", "charset_map"})
_REDIRECT_CODES = frozenset({"301", "302", "303", "307", "308"})
_SCHEME_VARS = re.compile(r"\$(scheme|https|server_port|http_x_forwarded_proto)\b")
_ALL_PATTERNS = frozenset({"^", "^/", "^(.*)", "^(.*)$", "(.*)", "(.*)$", "^/(.*)", "^/(.*)$", ".*",
                           "^.*$", "^/?(.*)$", "^(.*)?$", "/", "^/?(.*)"})


def _normalise(args: list[str]) -> object:
    if len(args) == 1:
        low = args[0].lower()
        if low in ("on", "off"):
            return low == "on"
        if args[0].isdigit():
            return int(args[0])
    return " ".join(args)


def _section_label(stack: list[Directive]) -> str:
    return " > ".join(" ".join([d.name] + d.args) for d in stack) or "main"


@dataclass
class Listen:
    address: str
    port: int | None
    ssl: bool
    origin: Origin
    raw: str
    implicit: bool = False


_UNKNOWN_WORD = re.compile(r"\$|\{\{")


def _shown(text: str) -> str:
    """A message quoting templated words: `${PORT}` as `$PORT` (the same variable to nginx and
    envsubst) and `{{ port }}` as `<port>`, so no brace reaches the report."""
    text = re.sub(r"\$\{(\w+)\}", r"$\1", text)
    return re.sub(r"\{\{\s*(.*?)\s*\}\}", r"<\1>", text)


def parse_listen(d: Directive) -> Listen | None:
    if not d.args:
        return None
    first = d.args[0]
    flags = {a.lower() for a in d.args[1:]}
    ssl = "ssl" in flags or "quic" in flags or "http3" in flags
    if first.startswith("unix:"):
        return Listen(first, None, ssl, d.origin, d.raw)
    address, port = "*", None
    if first.startswith("["):
        close = first.find("]")
        address = first[: close + 1]
        rest = first[close + 1:]
        if rest.startswith(":") and rest[1:].isdigit():
            port = int(rest[1:])
        elif not rest:
            port = 80
    elif first.isdigit():
        port = int(first)
    elif _UNKNOWN_WORD.search(first) and ":" not in first.replace("${", "").replace("}}", ""):
        pass  # `listen ${NGINX_PORT}` (envsubst) or `listen {{ port }}`: address and port unknown
    elif ":" in first:
        address, _, tail = first.rpartition(":")
        port = int(tail) if tail.isdigit() else None
    else:
        address, port = first, 80
    return Listen(address, port, ssl, d.origin, d.raw)


def _is_https_target(text: str) -> bool:
    low = text.lower()
    return low.startswith("https://") or low.startswith("https:$") or "://$host" in low and low.startswith("https")


def _returns(block: list[Directive]) -> Directive | None:
    """The directive that ends processing for plain requests at this level: an unconditional
    `return`, a catch-all redirecting `rewrite`, or an `if` on the scheme that redirects to https."""
    for d in block:
        if d.name == "return":
            return d
        if d.name == "rewrite" and len(d.args) >= 2 and d.args[0] in _ALL_PATTERNS:
            flag = d.args[2].lower() if len(d.args) > 2 else ""
            if flag in ("redirect", "permanent") or d.args[1].lower().startswith(("http://", "https://", "$scheme://")):
                return d
        if d.name == "if" and d.block is not None and _SCHEME_VARS.search(" ".join(d.args)):
            inner = _returns(d.block)
            if inner is not None and inner.name in ("return", "rewrite") and any(
                    _is_https_target(a) for a in inner.args):
                return inner
    return None


@dataclass
class Content:
    kind: str  # pass, static
    directive: Directive
    target: str
    chain: list[list[Directive]]  # blocks from http down to the one holding the directive
    location: str
    pacs: bool
    backend_pacs: bool = False  # evidence in the backend or the location itself, not the server name


class _Server:
    def __init__(self, directive: Directive, http_chain: list[list[Directive]]):
        self.directive = directive
        self.block = directive.block or []
        self.http_chain = http_chain
        self.names = [a for d in self.block if d.name == "server_name" for a in d.args]
        self.listens = [l for d in self.block if d.name == "listen" for l in [parse_listen(d)] if l]
        if not self.listens:
            self.listens = [Listen("*", 80, False, directive.origin, "(no `listen`: *:80)", implicit=True)]
        ssl_on = self.lookup("ssl", [self.block])
        if ssl_on is not None and ssl_on.args and ssl_on.args[0].lower() == "on":
            for listen in self.listens:
                listen.ssl = True

    def lookup(self, name: str, chain: list[list[Directive]]) -> Directive | None:
        """The effective (inherited) value of an http/server/location directive."""
        for block in reversed(self.http_chain + chain):
            for d in reversed(block):
                if d.name == name:
                    return d
        return None

    @property
    def label(self) -> str:
        names = [n for n in self.names if n not in ("_", '""', "")]
        return f"server `{names[0]}`" if names else "the default server"


def _collect_content(server: _Server, upstreams: dict[str, list[tuple[str, int | None]]]) -> list[Content]:
    out: list[Content] = []
    # A PACS-like server name is evidence for what the server serves at `/`, unless `location /`
    # only redirects (the ACME challenge folder of such a server is not the PACS).
    root_location = next((d for d in server.block if d.name == "location" and d.args in (["/"], ["=", "/"])
                          and d.block is not None), None)
    name_pacs = looks_pacs(*server.names) and (root_location is None or _returns(root_location.block) is None)

    def visit(block: list[Directive], chain: list[list[Directive]], path: str, path_pacs: bool) -> None:
        if _returns(block) is not None:
            return
        sets = {d.args[0]: d.args[1] for blk in chain for d in blk if d.name == "set" and len(d.args) >= 2}
        for d in block:
            if d.name in _PASS and d.args:
                target = d.args[0]
                for var, value in sets.items():
                    if target.startswith(var):
                        target = value + target[len(var):]
                scheme, host, port, upath = url_parts(target)
                servers = upstreams.get(host, [])
                strong = (path_pacs or looks_pacs(target) or port in PACS_PORTS
                          or any(looks_pacs(h) or p in PACS_PORTS for h, p in servers))
                out.append(Content("pass", d, target, chain, path, strong or (name_pacs and path == "/"), strong))
            elif d.name in ("root", "alias") and d.args:
                out.append(Content("static", d, d.args[0], chain, path,
                                   path_pacs or (name_pacs and path == "/") or looks_pacs(d.args[0])))
        for d in block:
            if d.name in ("location", "limit_except") and d.block is not None:
                sub_path = d.args[-1] if d.name == "location" and d.args else path
                visit(d.block, chain + [d.block], sub_path, path_pacs or looks_pacs(sub_path))
            elif d.name == "if" and d.block is not None:
                visit(d.block, chain + [d.block], path, path_pacs)

    visit(server.block, [server.block], "/", False)
    if not out and name_pacs and _returns(server.block) is None:
        # no content directive at all: nginx serves its compiled-in document root
        out.append(Content("static", server.directive, "html", [server.block], "/", True))
    return out


def _restricted(server: _Server, chain: list[list[Directive]]) -> bool:
    """`allow` of local networks followed by `deny all` at the server (or http) level."""
    from linter.predicates import is_public_source

    for block in reversed(server.http_chain + chain):
        rules = [d for d in block if d.name in ("allow", "deny")]
        if rules:
            denies_all = any(d.name == "deny" and d.args and d.args[0] == "all" for d in rules)
            allows = [d.args[0] for d in rules if d.name == "allow" and d.args]
            return denies_all and not any(a == "all" or is_public_source(a) for a in allows)
    return False


# Directives that make nginx ask for credentials: the stock modules (auth_basic, auth_request,
# NGINX Plus auth_jwt / auth_oidc) and common third-party ones (nginx-auth-ldap, PAM, digest,
# SPNEGO/GSSAPI); each is switched off by `off`.
_AUTH_DIRECTIVES = ("auth_basic", "auth_request", "auth_jwt", "auth_oidc", "auth_ldap", "auth_pam",
                    "auth_digest", "auth_gss")
# Lua code in the access phase (OpenResty's lua-resty-openidc, JWT checks, ...): what it checks is
# not known, so it is not claimed to be absent.
_ACCESS_CODE = ("access_by_lua_block", "access_by_lua", "access_by_lua_file")


def _authenticated(server: _Server, chain: list[list[Directive]]) -> bool:
    for name in _AUTH_DIRECTIVES:
        d = server.lookup(name, chain)
        if d is not None and d.args and d.args[0].lower() != "off":
            return True
    if any(server.lookup(name, chain) is not None for name in _ACCESS_CODE):
        return True
    # Client certificates: a login only when every address of the server speaks TLS.
    verify = server.lookup("ssl_verify_client", chain)
    return (verify is not None and bool(verify.args) and verify.args[0].lower() == "on"
            and all(listen.ssl for listen in server.listens))


def read(source: SourceFile, ctx) -> list[Fact]:
    tree = parse(source, ctx)
    facts: list[Fact] = []
    upstreams: dict[str, list[tuple[str, int | None]]] = {}
    servers: list[_Server] = []
    stream_servers: list[tuple[Directive, list[list[Directive]]]] = []
    http_blocks: list[Directive] = []

    def walk(block: list[Directive], stack: list[Directive], chain: list[list[Directive]], context: str) -> None:
        for d in block:
            if d.block is None:
                if d.name != "include" and not (stack and stack[-1].name in _SKIP_SETTINGS_IN):
                    facts.append(Setting(
                        origin=d.origin, product=PRODUCT, section=_section_label(stack), key=d.name,
                        value=_normalise(d.args), raw=d.raw, detail=f"`{(d.name + ' ' + d.raw).strip()}`"))
                if d.name in ("ssl_protocols", "proxy_ssl_protocols") and context in ("http", "stream", "mail"):
                    at_top = not stack or stack[-1].name in ("http", "stream", "mail")
                    _protocols(facts, d, context, at_top)
                continue
            if d.name in _SKIP_SETTINGS_IN:
                continue
            if d.name == "http":
                http_blocks.append(d)
                walk(d.block, stack + [d], [d.block], "http")
            elif d.name == "stream":
                walk(d.block, stack + [d], [d.block], "stream")
            elif d.name == "mail":
                walk(d.block, stack + [d], [d.block], "mail")
            elif d.name == "upstream" and d.args:
                upstreams[d.args[0].lower()] = [
                    (url_parts(s.args[0])[1], url_parts(s.args[0])[2])
                    for s in d.block if s.name == "server" and s.args]
                walk(d.block, stack + [d], chain, context)
            elif d.name == "server" and context in ("http", "stream"):
                if context == "http":
                    servers.append(_Server(d, chain))
                else:
                    stream_servers.append((d, chain))
                walk(d.block, stack + [d], chain + [d.block], context)
            else:
                walk(d.block, stack + [d], chain + [d.block], context)

    # A file without an http block (a site in sites-available, a conf.d snippet) is read as the
    # inside of http{}, which is where nginx.conf includes it.
    has_http = any(d.name == "http" for d in tree)
    walk(tree, [], [tree] if not has_http else [], "main" if has_http else "http")

    for http in http_blocks:
        names = {d.name for d in http.block}
        for key, value, raw, why in (
                ("ssl_protocols", "TLSv1.2 TLSv1.3", "TLSv1.2 TLSv1.3", "nginx's default since 1.23.4"),
                ("server_tokens", True, "on", "nginx's default"),
                ("proxy_ssl_verify", False, "off", "nginx's default")):
            if key not in names:
                facts.append(Setting(origin=http.origin, product=PRODUCT, section="http", key=key, value=value,
                                     raw=raw, explicit=False, detail=f"`{key}` is absent: {why} is `{raw}`"))

    for server in servers:
        _server_facts(facts, server, upstreams)
    for directive, chain in stream_servers:
        _stream_facts(facts, directive, chain)
    return facts


def _protocols(facts: list[Fact], d: Directive, context: str, at_top: bool = True) -> None:
    if any("$" in a or "{{" in a for a in d.args):
        return
    versions = tuple(v for v in (tls_version(a) for a in d.args) if v)
    weak = [v for v in versions if v in WEAK_TLS_VERSIONS]
    role = "client" if d.name.startswith("proxy_") else "server"
    detail = f"`{d.name} {d.raw}`"
    if weak:
        detail += f" allows {', '.join(weak)}"
        if d.name == "ssl_protocols" and context == "http" and at_top:
            detail += " for every TLS server that does not set its own `ssl_protocols`"
    facts.append(TlsPolicy(origin=d.origin, product=PRODUCT, service="http" if context == "http" else "other",
                           role=role, versions=versions, detail=detail))


def _server_facts(facts: list[Fact], server: _Server, upstreams) -> None:
    chain = [server.block]
    auth = _authenticated(server, chain)
    restricted = _restricted(server, chain)
    for listen in server.listens:
        if _UNKNOWN_WORD.search(listen.address):
            continue  # `listen {{ ip }}:80`: who can reach it is unknown
        exposure = address_exposure(listen.address)
        if exposure == "all" and restricted:
            exposure = "restricted"
        where = f"`listen {listen.raw}`" if not listen.implicit else "no `listen` directive (nginx listens on *:80)"
        facts.append(Listener(
            origin=listen.origin, product=PRODUCT, service="http", port=listen.port, address=listen.address,
            exposure=exposure, via="config", tls=listen.ssl, auth="required" if auth else "unknown",
            detail=_shown(f"nginx {server.label} accepts {'HTTPS' if listen.ssl else 'plain HTTP'} on {where}"
                          + (" from every address" if exposure == "all" else ""))))

    content = _collect_content(server, upstreams)
    plain = [l for l in server.listens
             if not l.ssl and not is_loopback(l.address) and not _UNKNOWN_WORD.search(l.address)]
    pacs = [c for c in content if c.pacs]
    if plain and pacs:
        first = pacs[0]
        listen = plain[0]
        what = (f"proxies `{first.location}` to {first.target}" if first.kind == "pass"
                else f"serves `{first.location}` from {first.target}")
        where = f"`listen {listen.raw}`" if not listen.implicit else "port 80 (no `listen` directive)"
        facts.append(TlsPolicy(
            origin=listen.origin, product=PRODUCT, service="http", role="server", enforced=False, exposed=True,
            detail=_shown(f"nginx {server.label} accepts plain HTTP on {where} and {what}, a PACS/NAS web "
                          f"service, without redirecting to HTTPS: logins and images cross the network in clear text")))

    for item in content:
        if item.kind != "pass":
            continue
        scheme, host, port, _ = url_parts(item.target)
        # PG504: a TLS upstream on another host whose certificate is not checked.
        if scheme == "https" or item.directive.name == "grpc_pass" and item.target.startswith("grpcs://"):
            hosts = upstreams.get(host)
            remote = (not is_local_host(host)) if hosts is None else any(not is_local_host(h) for h, _ in hosts)
            if remote:
                verify = server.lookup("proxy_ssl_verify", item.chain)
                if verify is None or (verify.args and verify.args[0].lower() == "off"):
                    origin = verify.origin if verify is not None else item.directive.origin
                    why = (f"`proxy_ssl_verify {verify.raw}`" if verify is not None
                           else "`proxy_ssl_verify` is absent (nginx's default is off)")
                    facts.append(TlsPolicy(
                        origin=origin, product=PRODUCT, service="http", role="client", verify=False,
                        detail=_shown(f"nginx {server.label} proxies `{item.location}` to {item.target} over TLS but "
                                      f"{why}: any certificate is accepted from that host")))
        # PG240: a PACS backend published with no authentication at the proxy.
        if item.backend_pacs and any(not is_loopback(l.address) and not _UNKNOWN_WORD.search(l.address)
                                     for l in server.listens):
            if not _authenticated(server, item.chain) and not _restricted(server, item.chain):
                facts.append(Setting(
                    origin=item.directive.origin, product=PRODUCT, section=f"{server.label} location {item.location}",
                    key="pacs-proxy-auth", value="none", raw=item.directive.raw, explicit=False,
                    detail=_shown(f"nginx {server.label} proxies `{item.location}` to the PACS backend {item.target} "
                                  f"with neither `auth_basic` nor `auth_request` and no `allow`/`deny` restriction")))


def _stream_facts(facts: list[Fact], directive: Directive, chain) -> None:
    block = directive.block or []
    target = next((d.args[0] for d in block if d.name == "proxy_pass" and d.args), "")
    _, host, target_port, _ = url_parts(target) if target else ("", "", None, "")
    for d in block:
        if d.name != "listen":
            continue
        listen = parse_listen(d)
        if listen is None or listen.port is None:
            continue
        service = port_service(listen.port)
        if service == "other":
            service = port_service(target_port)
        exposure = address_exposure(listen.address)
        facts.append(Listener(
            origin=d.origin, product=PRODUCT, service=service, port=listen.port, address=listen.address,
            exposure=exposure, via="config", tls=listen.ssl,
            detail=_shown(f"nginx stream server `listen {listen.raw}` forwards TCP port {listen.port}"
                          + (f" to {target}" if target else "") + (" from every address" if exposure == "all" else ""))))
        if service == "dicom" and not listen.ssl:
            facts.append(TlsPolicy(
                origin=d.origin, product=PRODUCT, service="dicom", role="server", enforced=False,
                exposed=not is_loopback(listen.address),
                detail=_shown(f"nginx stream server `listen {listen.raw}` forwards DICOM"
                              + (f" to {target}" if target else "") + " without TLS")))
