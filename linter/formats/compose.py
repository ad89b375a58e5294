"""docker-compose files (Compose Specification; also the legacy version 1 layout).

Grammar: YAML, read with PyYAML's composer only, so no tag is ever constructed and line numbers
survive. Anchors and aliases are followed; merge keys (`<<: *defaults`, `<<: [*a, *b]`) are
applied as Compose does (keys of the mapping win, then the first merged mapping); the walk counts
every node it visits, so alias fan-out ("billion laughs") stops with a parse error instead of
exhausting memory. `!reset` reads as an empty value, `!override` as its value. Plain scalars are
read from their source text, never from PyYAML's YAML 1.1 resolution: `22:22` is the string
"22:22", not the sexagesimal integer 1342.

Interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`,
`${VAR:+alt}`, `${VAR+alt}`, `$VAR`, and `$$` for a literal dollar, resolved from the `.env` file
beside the compose file (the project directory). A variable that `.env` does not set is unknown
(the shell might set it) unless the expression gives a default, which then counts as the value.
Unknown values are never read as insecure.

Services: `image`, `ports` (short syntax `[IP:][HOST:]CONTAINER[/PROTO]` with ranges and
bracketed IPv6, long syntax `target`/`published`/`host_ip`/`protocol`/`mode`), `expose` (not
publishing: ignored), `network_mode: host`, `environment` (mapping or `KEY=value` list; a bare
`KEY` or a null value passes the shell's variable through: unknown), `env_file` (string, list,
or `path`/`required` entries; `environment` wins over env files, a later file over an earlier
one), `volumes` (short and long syntax, for Orthanc configuration mounts), `command`,
`entrypoint`, `secrets` (short and long syntax; the top-level `secrets:` map gives their files),
`extends` of a service of the same file (merged as Compose merges: sequences concatenated,
mounts by container path, mappings key by key, `!reset`/`!override`); `profiles` do not matter
(a profiled service is still deployed by whoever enables the profile).

Orthanc containers: the configuration Orthanc reads is found where the image reads it. jodogne
images run `Orthanc /etc/orthanc/` unless `command:` names another path (the Orthanc Book hands
the files over as Docker secrets with `command: /run/secrets/`); orthancteam/osimis images merge
/etc/orthanc/*.json and /run/secrets/*.json. Bind mounts and secrets landing there are read (and
claimed, so the Orthanc reader does not judge them a second time out of context). A mount whose
content is not in the scanned tree (missing file, named volume, external secret, unresolved
variable) makes the configuration unknown: only facts decided by what is visible are kept. A
service built locally (`build:`) that sets `ORTHANC__*` variables is built on the orthancteam
image (those variables mean nothing to anything else); its Dockerfile may add files, so it is
read the same way as an unknown configuration.

Exposure of a published port: no host IP, `0.0.0.0` or `::` is every interface ("all"); a
loopback or non-global address (RFC 1918 LAN, link-local, CGNAT/VPN ranges) is "local", as the
Listener fact defines it (loopback or one LAN address); an unresolved host IP is "unknown".
A port given alone (`"8042"`) is published on a random host port of every interface.

Which published ports become Listener facts: the fact's `port` is the container port (what the
service listens on; the host port is in the detail). Ports that identify a PACS, NAS, database
or management protocol by themselves (104, 11112, 4242, 8042, 445, 21, 2049, 5432, ...) always
do. The generic web and SSH ports (80, 443, 8080, 8443, 5000, 5001, 22) do only for images this
reader knows to be PACS, viewer, NAS or file-transfer software (Orthanc, dcm4chee, OHIF, Samba,
SFTP, ...): a web shop on port 80 is not a PACS exposure. The Listener's `product` is "compose"
(the publisher); the image's product is in the detail and on the other facts.

Secrets in `environment`: variables named like a secret (`*PASSWORD*`, `*PASS`, `*SECRET*`,
`*TOKEN*`, `*_KEY`, not `*_FILE`, `*_PATH`, `*_LIFETIME`, `*_VALIDITY`, ...) become Credential
facts, the user taken from the sibling `*_USER` variable; values that name a Docker secret or
another variable are references, and a short number under a token/key name (`*_TOKEN_MAX_USES=10`)
is a setting. A secret whose value comes from `.env` or an env file is reported where it is
written; the advice to use `<VAR>_FILE` is only given for images whose entrypoint reads it.
"""
from __future__ import annotations

import ipaddress
import json
import os
import re
import shlex
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

import yaml

from linter import knowledge
from linter.facts import AnonymousAccess, Credential, Fact, Listener, Publication, Setting, TlsPolicy
from linter.formats import dcm4chee
from linter.model import Origin, ParseError, SourceFile
from linter.scope import scope_of
from linter.formats._text import TEMPLATE_LINE

try:
    _LOADER = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _LOADER = yaml.SafeLoader

MAX_NODES = 250_000  # nodes visited while following aliases and merge keys
MAX_DEPTH = 200
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_UNKNOWN = "\x00"  # stands for an unresolved variable inside a value being parsed
_UNSET = "<unset>"  # the same in an image reference, where it is shown to users


# ---------------------------------------------------------------------------------------------
# YAML with line numbers


class YNode:
    """A YAML node after alias and merge-key resolution. `value` is a dict (map), a list (seq),
    the scalar's source text, or None (null, `!reset`)."""

    __slots__ = ("kind", "value", "line", "column", "tag", "key_line", "key_column")

    def __init__(self, kind: str, value, line: int, column: int, tag: str = ""):
        self.kind = kind
        self.value = value
        self.line = line
        self.column = column
        self.tag = tag
        self.key_line = line
        self.key_column = column

    def get(self, key: str) -> "YNode | None":
        return self.value.get(key) if self.kind == "map" else None

    @property
    def text(self) -> str | None:
        return self.value if self.kind == "scalar" else None

    def items(self) -> list["YNode"]:
        if self.kind == "seq":
            return self.value
        if self.kind == "scalar" and self.value is not None:
            return [self]
        return []


class _Builder:
    def __init__(self, limit: int = MAX_NODES):
        self.left = limit
        self.active: set[int] = set()

    def build(self, node: yaml.Node, depth: int = 0) -> YNode:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        self.left -= 1
        if self.left < 0:
            raise ParseError(f"more than {MAX_NODES} YAML nodes once aliases are followed "
                             f"(an alias bomb?)", line, column)
        if depth > MAX_DEPTH:
            raise ParseError("YAML nested too deeply", line, column)
        if isinstance(node, yaml.ScalarNode):
            value = None if node.tag in (_NULL, "!reset") else node.value
            return YNode("scalar", value, line, column, node.tag)
        if id(node) in self.active:
            raise ParseError("recursive YAML alias", line, column)
        self.active.add(id(node))
        try:
            if node.tag == "!reset":
                return YNode("scalar", None, line, column, node.tag)
            if isinstance(node, yaml.SequenceNode):
                return YNode("seq", [self.build(child, depth + 1) for child in node.value], line, column, node.tag)
            merged: dict[str, YNode] = {}
            explicit: dict[str, YNode] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and (
                        key_node.tag == _MERGE or (key_node.value == "<<" and key_node.style is None)):
                    sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                    for src in sources:
                        built = self.build(src, depth + 1)
                        if built.kind != "map":
                            raise ParseError("a merge key `<<` needs a mapping or a list of mappings",
                                             built.line, built.column)
                        for k, v in built.value.items():
                            merged.setdefault(k, v)
                    continue
                name = key_node.value if isinstance(key_node, yaml.ScalarNode) else f"<{key_node.tag}>"
                child = self.build(value_node, depth + 1)
                child.key_line = key_node.start_mark.line + 1
                child.key_column = key_node.start_mark.column + 1
                explicit[str(name)] = child
            merged.update(explicit)
            return YNode("map", merged, line, column, node.tag)
        finally:
            self.active.discard(id(node))


def parse_yaml(text: str) -> YNode | None:
    """The first document of `text` as a YNode tree, or None for an empty file."""
    # Jinja statement lines of templated compose files would break YAML: blank them, keeping lines.
    if "{%" in text or "{#" in text:
        text = "\n".join("" if TEMPLATE_LINE.match(line) else line for line in text.split("\n"))
    try:
        documents = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise ParseError(f"invalid YAML: {problem}", (mark.line + 1) if mark else 1,
                         (mark.column + 1) if mark else 1) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}") from None
    for document in documents:
        if document is not None:
            return _Builder().build(document)
    return None


# ---------------------------------------------------------------------------------------------
# .env files and interpolation


@dataclass(frozen=True)
class EnvVar:
    """One environment variable of a service, or one entry of a dotenv file.

    `value` is None when unknown (passed through from the shell, or an unresolved variable).
    `origin` is where the variable is set; `value_origin` where its literal value is written
    (the `.env` line when the value was interpolated from there)."""

    name: str
    value: str | None
    origin: Origin
    value_origin: Origin
    raw: str | None = None
    source: str = "environment"  # environment, env_file, dotenv


_DOTENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


def parse_dotenv(source: SourceFile, kind: str = "dotenv") -> dict[str, EnvVar]:
    """KEY=VALUE lines as Compose reads `.env` and `env_file` files: `export ` prefix, `#`
    comments (after a blank in unquoted values), single quotes literal, double quotes with
    escapes and several lines, a bare KEY without `=` meaning "unset". Values referring to
    earlier variables (`${A}`) are resolved from the same file."""
    result: dict[str, EnvVar] = {}
    lines = source.text.splitlines()
    index = 0
    while index < len(lines):
        number = index + 1
        raw = lines[index]
        index += 1
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("export ") or text.startswith("export\t"):
            text = text[7:].lstrip()
        column = raw.find(text[:1]) + 1 if text else 1
        if "=" not in text:
            key = text.split("#", 1)[0].strip()
            if _DOTENV_KEY.match(key):
                origin = Origin(source.relpath, number, column)
                result[key] = EnvVar(key, None, origin, origin, None, kind)
            continue
        key, _, rest = text.partition("=")
        key = key.strip()
        if not _DOTENV_KEY.match(key):
            continue
        rest = rest.lstrip()
        interpolate = True
        if rest.startswith("'"):
            end = rest.find("'", 1)
            value = rest[1:end] if end > 0 else rest[1:]
            interpolate = False
        elif rest.startswith('"'):
            body = rest[1:]
            chunks: list[str] = []
            while True:
                out, closed, i = [], False, 0
                while i < len(body):
                    ch = body[i]
                    if ch == "\\" and i + 1 < len(body):
                        out.append(_ESCAPES.get(body[i + 1], "\\" + body[i + 1]))
                        i += 2
                        continue
                    if ch == '"':
                        closed = True
                        break
                    out.append(ch)
                    i += 1
                chunks.append("".join(out))
                if closed or index >= len(lines) or len(chunks) > 200:
                    break
                body = lines[index]
                index += 1
            value = "\n".join(chunks)
        else:
            value = re.split(r"\s+#", rest, maxsplit=1)[0].strip()
        if interpolate and "$" in value:
            resolved, _ = Interpolator(result).expand(value)
            value_or_none = resolved
        else:
            value_or_none = value
        origin = Origin(source.relpath, number, column)
        result[key] = EnvVar(key, value_or_none, origin, origin, rest.strip(), kind)
    return result


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Interpolator:
    """Compose variable substitution against a dotenv mapping (see the module docstring)."""

    def __init__(self, variables: dict[str, EnvVar]):
        self.variables = variables

    def expand(self, text: str | None, placeholder: str | None = None) -> tuple[str | None, Origin | None]:
        """(value, origin of the first dotenv variable used). With `placeholder`, unresolved parts
        become the placeholder; without, any unresolved part makes the value None."""
        if text is None:
            return None, None
        if "{{" in text or "{%" in text:  # a Jinja template, not Compose: its placeholders are unknown
            if placeholder is None:
                return None, None
            text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", lambda _: placeholder.replace("$", "$$"), text)
        state = {"unresolved": False, "origin": None}
        out = self._expand(text, placeholder, state, 0)
        if state["unresolved"] and placeholder is None:
            return None, None
        return out, state["origin"]

    def _lookup(self, name: str, state) -> EnvVar | None:
        var = self.variables.get(name)
        if var is not None and var.value is not None:
            return var
        return None

    def _use(self, var: EnvVar, state) -> str:
        if state["origin"] is None:
            state["origin"] = var.value_origin
        return var.value or ""

    def _missing(self, placeholder, state) -> str:
        state["unresolved"] = True
        return placeholder or ""

    def _expand(self, text: str, placeholder, state, depth: int) -> str:
        if depth > 10:
            return self._missing(placeholder, state)
        out: list[str] = []
        i = 0
        while i < len(text):
            ch = text[i]
            if ch != "$":
                out.append(ch)
                i += 1
                continue
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if nxt == "$":
                out.append("$")
                i += 2
                continue
            if nxt == "{":
                level, j = 1, i + 2
                while j < len(text) and level:
                    if text.startswith("${", j):
                        level += 1
                        j += 2
                        continue
                    if text[j] == "}":
                        level -= 1
                    j += 1
                if level:
                    out.append(self._missing(placeholder, state))
                    break
                body = text[i + 2: j - 1]
                i = j
                match = _NAME.match(body)
                if not match:
                    out.append(self._missing(placeholder, state))
                    continue
                name, rest = match.group(), body[match.end():]
                op, arg = "", ""
                for candidate in (":-", ":?", ":+", "-", "?", "+"):
                    if rest.startswith(candidate):
                        op, arg = candidate, rest[len(candidate):]
                        break
                if rest and not op:
                    out.append(self._missing(placeholder, state))
                    continue
                var = self._lookup(name, state)
                is_set = var is not None
                nonempty = is_set and var.value != ""
                if op == ":-":
                    out.append(self._use(var, state) if nonempty else self._expand(arg, placeholder, state, depth + 1))
                elif op == "-":
                    out.append(self._use(var, state) if is_set else self._expand(arg, placeholder, state, depth + 1))
                elif op == ":?":
                    out.append(self._use(var, state) if nonempty else self._missing(placeholder, state))
                elif op == "?":
                    out.append(self._use(var, state) if is_set else self._missing(placeholder, state))
                elif op == ":+":
                    out.append(self._expand(arg, placeholder, state, depth + 1) if nonempty else "")
                elif op == "+":
                    out.append(self._expand(arg, placeholder, state, depth + 1) if is_set else "")
                else:
                    out.append(self._use(var, state) if is_set else self._missing(placeholder, state))
                continue
            match = _NAME.match(text, i + 1)
            if match:
                var = self._lookup(match.group(), state)
                out.append(self._use(var, state) if var is not None else self._missing(placeholder, state))
                i = match.end()
                continue
            out.append("$")
            i += 1
        return "".join(out)


# ---------------------------------------------------------------------------------------------
# Images and what they are


@dataclass(frozen=True)
class Product:
    name: str  # product for facts: orthanc, dcm4chee, samba, ftp, postgres, ...
    label: str  # for details
    ports: dict[int, tuple[str, str]] = field(default_factory=dict)  # container port -> (service, label)
    own_web: bool = False  # the generic web/SSH ports are this product's own sensitive services


_ORTHANC_PORTS = {4242: ("dicom", "Orthanc DICOM"), 8042: ("http", "Orthanc HTTP (REST API, Explorer, DICOMweb)")}
_SMB_PORTS = {445: ("smb", "SMB"), 139: ("smb", "NetBIOS session (SMB)"), 137: ("smb", "NetBIOS name"),
              138: ("smb", "NetBIOS datagram")}
_FTP_PORTS = {21: ("ftp", "FTP control"), 20: ("ftp", "FTP data"), 990: ("ftp", "FTPS")}

_PRODUCTS: tuple[tuple[re.Pattern[str], Product], ...] = (
    (re.compile(r"^(jodogne|orthancteam|osimis)/orthanc"), Product("orthanc", "Orthanc", _ORTHANC_PORTS, True)),
    (re.compile(r"^dcm4che/dcm4chee-arc"), Product("dcm4chee", "dcm4chee-arc", dcm4chee.ARC_PORTS, True)),
    (re.compile(r"^dcm4che/slapd-dcm4chee"), Product("dcm4chee", "dcm4chee LDAP", dcm4chee.LDAP_PORTS, True)),
    (re.compile(r"^dcm4che/(postgres|mariadb|mysql)-dcm4chee"),
     Product("dcm4chee", "dcm4chee database", dcm4chee.DB_PORTS, True)),
    (re.compile(r"^dcm4che/keycloak"), Product("keycloak", "dcm4che Keycloak", dcm4chee.KEYCLOAK_PORTS, True)),
    (re.compile(r"^dcm4che/"), Product("dcm4chee", "dcm4che", {}, True)),
    (re.compile(r"^ohif/|(^|/)[^/]*ohif[^/]*$"),
     Product("ohif", "OHIF viewer", {80: ("http", "OHIF viewer"), 3000: ("http", "OHIF viewer")}, True)),
    (re.compile(r"(^|/)[^/]*orthanc[^/]*$"), Product("orthanc", "Orthanc", _ORTHANC_PORTS, True)),
    (re.compile(r"(^|/)[^/]*(dcm4che|pacs|dicom|ohif|oviyam|weasis|conquest|meddream|dcmtk)[^/]*$"),
     Product("pacs", "PACS/DICOM software", {}, True)),
    (re.compile(r"(^|/)[^/]*samba[^/]*$"), Product("samba", "Samba", _SMB_PORTS, True)),
    (re.compile(r"(^|/)[^/]*sftp[^/]*$"), Product("sftp", "SFTP server", {22: ("ssh", "SFTP/SSH")}, True)),
    (re.compile(r"(^|/)([^/]*[_-])?(vsftpd|pure-?ftpd|proftpd|ftpd|ftps?)([_-][^/]*)?$"),
     Product("ftp", "FTP server", _FTP_PORTS, True)),
    (re.compile(r"(^|/)[^/]*nfs[^/]*$"), Product("nfs", "NFS server", {2049: ("nfs", "NFS"), 111: ("nfs", "rpcbind")}, True)),
    (re.compile(r"(^|/)[^/]*netatalk[^/]*$"), Product("netatalk", "Netatalk (AFP)", {548: ("afp", "AFP")}, True)),
    (re.compile(r"^(postgres|postgis/postgis|timescale/timescaledb[^/]*|bitnami/postgresql)$"),
     Product("postgres", "PostgreSQL", {5432: ("postgres", "PostgreSQL")})),
    (re.compile(r"^(mysql|mariadb|bitnami/mysql|bitnami/mariadb|mysql/mysql-server)$"),
     Product("mysql", "MySQL/MariaDB", {3306: ("mysql", "MySQL")})),
)

_ORTHANC_BUILD = Product("orthanc", "Orthanc (built on the orthancteam image)", _ORTHANC_PORTS, True)

# Ports whose service depends on the image: a generic web app or SSH server also uses them.
GENERIC_PORTS = frozenset({80, 443, 8080, 8443, 5000, 5001, 22})

_DDNS_IMAGES = frozenset({
    "linuxserver/ddclient", "qmcgaw/ddns-updater", "oznu/cloudflare-ddns", "favonia/cloudflare-ddns",
    "linuxserver/duckdns", "timothyjmiller/cloudflare-ddns", "crazymax/ddns-route53", "troglobit/inadyn",
    "hotio/ddclient", "ddclient/ddclient",
})
_DDNS_NAME = re.compile(r"(ddclient|inadyn|duckdns|ddns|dyndns|dynamic-dns|no-?ip-?(duc|updater)|dynu|freedns)")


@dataclass(frozen=True)
class ImageRef:
    raw: str
    name: str  # registry, `library/` and tag removed, lower case: "dcm4che/dcm4chee-arc-psql"
    tag: str | None


_ARCH_NAMESPACES = frozenset({"amd64", "arm32v5", "arm32v6", "arm32v7", "arm64v8", "i386", "ppc64le", "s390x",
                              "mips64le", "riscv64", "winamd64"})


def parse_image(ref: str) -> ImageRef:
    text = ref.strip()
    base = text.split("@", 1)[0]
    tag = None
    slash = base.rfind("/")
    colon = base.rfind(":")
    if colon > slash:
        base, tag = base[:colon], base[colon + 1:] or None
    parts = base.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "library":
        parts = parts[1:]
    if len(parts) == 2 and parts[0].lower() in _ARCH_NAMESPACES:
        parts = parts[1:]  # Docker Hub's per-architecture copies of the official images
    return ImageRef(text, "/".join(parts).lower(), tag)


def product_of(name: str) -> Product | None:
    for pattern, product in _PRODUCTS:
        if pattern.search(name):
            return product
    return None


def is_ddns_image(name: str) -> bool:
    return name in _DDNS_IMAGES or bool(_DDNS_NAME.search(name.rsplit("/", 1)[-1]))


# ---------------------------------------------------------------------------------------------
# Ports


@dataclass(frozen=True)
class PortMapping:
    origin: Origin
    raw: str
    host_ip: str | None  # None: every interface
    host_from: int | None  # None: a random host port (or unknown)
    host_to: int | None
    target_from: int
    target_to: int
    protocol: str
    exposure: str  # all, local, unknown

    def where(self) -> str:
        if self.exposure == "unknown":
            return "on a host address that depends on an unset variable"
        if self.exposure == "all":
            return "on every interface" if self.host_ip in (None, "", "0.0.0.0", "::") else f"on public address {self.host_ip}"
        return f"only on {self.host_ip}"

    def host_text(self) -> str:
        if self.host_from is None:
            return "a random host port"
        if self.host_to is not None and self.host_to != self.host_from:
            return f"host ports {self.host_from}-{self.host_to}"
        return f"host port {self.host_from}"

    def covers(self, port: int) -> bool:
        return self.target_from <= port <= self.target_to


def exposure_of(host_ip: str | None) -> str:
    if host_ip is None:
        return "all"
    if _UNKNOWN in host_ip:
        return "unknown"
    text = host_ip.strip().strip("[]")
    if text in ("", "0.0.0.0", "::", "*"):
        return "all"
    if text.lower() == "localhost":
        return "local"
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return "unknown"
    if address.is_unspecified:
        return "all"
    if address.is_loopback or not address.is_global:
        return "local"
    return "all"


def _port_range(text: str, what: str) -> tuple[int, int]:
    text = text.strip()
    low, sep, high = text.partition("-")
    if not low.isdigit() or (sep and not high.isdigit()):
        raise ValueError(f"{what} `{text}` is not a port or port range")
    a, b = int(low), int(high) if sep else int(low)
    if not (0 <= a <= 65535 and 0 <= b <= 65535) or b < a:
        raise ValueError(f"{what} `{text}` is out of range")
    return a, b


def parse_short_port(text: str, origin: Origin, raw: str | None = None) -> PortMapping | None:
    """`[IP:][HOST:]CONTAINER[/PROTOCOL]`; None when the container port is unknown."""
    spec = text.strip()
    protocol = "tcp"
    if "/" in spec:
        spec, _, proto = spec.rpartition("/")
        protocol = proto.strip().lower()
        if protocol not in ("tcp", "udp", "sctp") and _UNKNOWN not in protocol:
            raise ValueError(f"unknown protocol `{proto}`")
    host_ip: str | None = None
    if spec.startswith("["):
        end = spec.find("]")
        if end < 0:
            raise ValueError("unclosed `[` in an IPv6 host address")
        host_ip = spec[1:end]
        spec = spec[end + 1:]
        if not spec.startswith(":"):
            raise ValueError("a bracketed host address must be followed by `:`")
        parts = spec[1:].split(":")
        if len(parts) == 1:
            parts = ["", parts[0]]
    else:
        parts = spec.split(":")
        if len(parts) > 3:  # unbracketed IPv6 host address
            host_ip, parts = ":".join(parts[:-2]), parts[-2:]
        elif len(parts) == 3:
            host_ip, parts = parts[0], parts[1:]
        elif len(parts) == 2 and ("." in parts[0] or parts[0].lower() == "localhost"):
            host_ip, parts = parts[0], ["", parts[1]]
    if len(parts) == 1:
        host, container = "", parts[0]
    else:
        host, container = parts
    if _UNKNOWN in container or not container.strip():
        if not container.strip() and _UNKNOWN not in container:
            raise ValueError("no container port")
        return None
    target_from, target_to = _port_range(container, "container port")
    if _UNKNOWN in host or not host.strip():
        host_from = host_to = None
    else:
        host_from, host_to = _port_range(host, "host port")
    return PortMapping(origin, raw if raw is not None else text, host_ip, host_from, host_to, target_from,
                       target_to, protocol, exposure_of(host_ip))


# ---------------------------------------------------------------------------------------------
# Services


@dataclass
class Volume:
    source: str
    target: str
    origin: Origin
    bind: bool


@dataclass
class Service:
    name: str
    origin: Origin
    image: str = ""
    image_origin: Origin | None = None
    image_name: str = ""
    tag: str | None = None
    product: Product | None = None
    env: dict[str, EnvVar] = field(default_factory=dict)
    env_complete: bool = True  # False when an env file that sets variables could not be read
    ports: list[PortMapping] = field(default_factory=list)
    network_mode: str | None = None
    network_origin: Origin | None = None
    volumes: list[Volume] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    secret_mounts: list[tuple[str, str, Origin]] = field(default_factory=list)  # (secret name, path in container)
    command: list[tuple[str, Origin]] = field(default_factory=list)
    command_args: list[str] | None = None  # `command:` alone (None: the image's CMD)
    entrypoint_set: bool = False
    orthanc_build: bool = False  # built locally, configured with the orthancteam images' variables
    scalars: dict[str, YNode] = field(default_factory=dict)


def _load(ctx, target: str, base: SourceFile, fmt: str) -> SourceFile | None:
    """A file the compose file names (`.env`, env files, mounts), or None when it is absent or
    outside the scanned tree (ReadContext.load says which)."""
    if ctx is None or not target:
        return None
    return ctx.load(target, base, fmt)


# `extends`: keys merged as Compose merges a service with the one it extends. Sequences are
# concatenated (the mounts by container path, the later one winning); mappings merge key by key;
# anything else is replaced; `!reset` removes the inherited value, `!override` replaces it whole.
_MOUNT_SEQUENCES = frozenset({"volumes", "secrets", "configs"})


def _mount_target(item: YNode) -> str | None:
    if item.kind == "scalar" and item.value:
        parts = item.value.split(":")
        return parts[1] if len(parts) > 1 else ("/run/secrets/" + parts[0])
    if item.kind == "map":
        target = item.get("target") or item.get("source")
        return target.text if target is not None else None
    return None


def _env_key(item: YNode) -> str | None:
    return item.value.partition("=")[0].strip() if item.kind == "scalar" and item.value else None


def _merge_service(base: YNode, over: YNode) -> YNode:
    merged: dict[str, YNode] = {k: v for k, v in base.value.items() if k != "extends"}
    for key, value in over.value.items():
        old = merged.get(key)
        if key == "extends":
            continue
        if value.tag == "!reset":
            merged.pop(key, None)
        elif old is None or value.tag == "!override":
            merged[key] = value
        elif old.kind == "map" and value.kind == "map":
            merged[key] = _merge_service(old, value)
        elif old.kind == "seq" and value.kind == "seq":
            if key in _MOUNT_SEQUENCES:
                targets = {_mount_target(i) for i in value.value} - {None}
                items = [i for i in old.value if _mount_target(i) not in targets] + list(value.value)
            elif key == "environment":
                names = {_env_key(i) for i in value.value} - {None}
                items = [i for i in old.value if _env_key(i) not in names] + list(value.value)
            else:
                items = list(old.value) + list(value.value)
            node = YNode("seq", items, value.line, value.column, value.tag)
            node.key_line, node.key_column = value.key_line, value.key_column
            merged[key] = node
        else:
            merged[key] = value
    node = YNode("map", merged, over.line, over.column, over.tag)
    node.key_line, node.key_column = over.key_line, over.key_column
    return node


def _extended(body: YNode, services: dict[str, YNode], depth: int) -> YNode:
    """The service as Compose runs it when it `extends` another service of the same file (one in
    another file is left out: its lines belong to that file)."""
    ext = body.get("extends")
    if ext is None or depth > 10:
        return body
    if ext.kind == "scalar":
        base_name = ext.value
    elif ext.kind == "map" and ext.get("file") is None and ext.get("service") is not None:
        base_name = ext.get("service").text
    else:
        return body
    base = services.get(base_name or "")
    if base is None or base.kind != "map" or base is body:
        return body
    return _merge_service(_extended(base, services, depth + 1), body)


class _Reader:
    def __init__(self, source: SourceFile, ctx):
        self.source = source
        self.ctx = ctx
        self.path = source.relpath
        self.dotenv: dict[str, EnvVar] = {}
        if ctx is not None:
            loaded = _load(ctx, ".env", source, "")
            if loaded is not None and loaded.text:
                self.dotenv = parse_dotenv(loaded)
        self.interp = Interpolator(self.dotenv)
        self.top_secrets: set[str] = set()
        self.secret_files: dict[str, str | None] = {}  # top-level secret -> its `file:` (None: not a file)

    def origin(self, node: YNode, key: bool = False) -> Origin:
        if key:
            return Origin(self.path, node.key_line, node.key_column)
        return Origin(self.path, node.line, node.column)

    def expand(self, node: YNode | None) -> tuple[str | None, Origin | None]:
        if node is None or node.kind != "scalar":
            return None, None
        return self.interp.expand(node.value)

    # -- services ------------------------------------------------------------------------------

    def services(self, root: YNode) -> list[Service]:
        node = root.get("services")
        if node is None:
            if root.get("version") is None and any(
                    v.kind == "map" and (v.get("image") is not None or v.get("build") is not None)
                    for v in root.value.values()):
                node = root  # version 1 layout: services at the top level
            else:
                return []
        if node.kind == "scalar" and node.value is None:
            return []
        if node.kind != "map":
            raise ParseError("`services` must be a mapping of service names", node.line, node.column)
        secrets = root.get("secrets")
        if secrets is not None and secrets.kind == "map":
            self.top_secrets = set(secrets.value)
            for name, spec in secrets.value.items():
                file_node = spec.get("file") if spec.kind == "map" else None
                self.secret_files[name] = self.expand(file_node)[0] if file_node is not None else None
        result = []
        for name, body in node.value.items():
            if name.startswith("x-") or (node is root and body.kind != "map"):
                continue
            if body.kind == "scalar" and body.value is None:
                continue
            if body.kind != "map":
                raise ParseError(f"service `{name}` must be a mapping", body.line, body.column)
            result.append(self.service(name, _extended(body, node.value, 0)))
        return result

    def service(self, name: str, body: YNode) -> Service:
        svc = Service(name=name, origin=self.origin(body, key=True))
        image = body.get("image")
        if image is not None and image.kind == "scalar":
            value, _ = self.interp.expand(image.value, placeholder=_UNSET)
            if value:
                svc.image = value
                svc.image_origin = self.origin(image, key=True)
                ref = parse_image(value)
                svc.image_name, svc.tag = ref.name, ref.tag  # the tag may hold _UNSET for an unset variable
                svc.product = product_of(ref.name) if _UNSET not in ref.name else None
        for key, child in body.value.items():
            if child.kind == "scalar":
                svc.scalars[key] = child
        self.environment(svc, body)
        if (not svc.image and body.get("build") is not None
                and any(k.startswith(("ORTHANC__", "ORTHANC_JSON")) for k in svc.env)):
            # `ORTHANC__*` variables only mean something to the orthancteam/osimis startup script:
            # the Dockerfile builds on that image (orthanc-setup-samples do exactly this)
            svc.orthanc_build = True
            svc.product = _ORTHANC_BUILD
        mode = body.get("network_mode")
        if mode is not None and mode.kind == "scalar":
            svc.network_mode, _ = self.interp.expand(mode.value)
            svc.network_origin = self.origin(mode, key=True)
        if (svc.network_mode or "").strip().lower() != "host":
            self.ports(svc, body.get("ports"))
        self.volumes(svc, body.get("volumes"))
        for item in (body.get("secrets").items() if body.get("secrets") is not None else []):
            if item.kind == "scalar" and item.value:
                svc.secrets.add(item.value)
                svc.secret_mounts.append((item.value, f"/run/secrets/{item.value}", self.origin(item)))
            elif item.kind == "map" and item.get("source") is not None and item.get("source").kind == "scalar":
                source = item.get("source").value or ""
                svc.secrets.add(source)
                target, _ = self.expand(item.get("target"))
                target = target or source
                if not target.startswith("/"):
                    target = f"/run/secrets/{target}"
                svc.secret_mounts.append((source, target, self.origin(item)))
        self.command(svc, body)
        return svc

    def environment(self, svc: Service, body: YNode) -> None:
        env: dict[str, EnvVar] = {}
        env_file = body.get("env_file")
        if env_file is not None:
            entries = env_file.value if env_file.kind == "seq" else [env_file]
            for entry in entries:
                path_node, required = entry, True
                if entry.kind == "map":
                    path_node = entry.get("path")
                    req = entry.get("required")
                    if req is not None and req.kind == "scalar":
                        required = knowledge.parse_bool(req.value) is not False
                path, _ = self.expand(path_node)
                if not path:
                    svc.env_complete = False if path_node is not None else svc.env_complete
                    continue
                loaded = _load(self.ctx, path, self.source, "")
                if loaded is None or (not loaded.text and os.path.isdir(loaded.path)):
                    if required:
                        svc.env_complete = False
                    continue
                for key, var in parse_dotenv(loaded, "env_file").items():
                    env[key] = var
        node = body.get("environment")
        if node is not None:
            if node.kind == "map":
                for key, child in node.value.items():
                    origin = self.origin(child, key=True)
                    if child.kind != "scalar" or child.value is None:
                        env[key] = self.passthrough(key, origin)
                        continue
                    value, from_env = self.interp.expand(child.value)
                    env[key] = EnvVar(key, value, origin, from_env or origin, child.value)
            elif node.kind == "seq":
                for item in node.value:
                    if item.kind != "scalar" or item.value is None:
                        continue
                    origin = self.origin(item)
                    key, sep, raw = item.value.partition("=")
                    key = key.strip()
                    if not key:
                        continue
                    if not sep:
                        env[key] = self.passthrough(key, origin)
                        continue
                    value, from_env = self.interp.expand(raw)
                    env[key] = EnvVar(key, value, origin, from_env or origin, raw)
        svc.env = env

    def passthrough(self, key: str, origin: Origin) -> EnvVar:
        """A bare `KEY` (or `KEY:` with no value) takes the value Compose sees: from `.env` when
        set there, otherwise from the shell, which is unknown."""
        dotenv = self.dotenv.get(key)
        if dotenv is not None and dotenv.value is not None:
            return EnvVar(key, dotenv.value, origin, dotenv.value_origin, None)
        return EnvVar(key, None, origin, origin, None)

    def ports(self, svc: Service, node: YNode | None) -> None:
        if node is None:
            return
        for item in node.items():
            origin = self.origin(item)
            try:
                if item.kind == "scalar":
                    if item.value is None:
                        continue
                    text, _ = self.interp.expand(item.value, placeholder=_UNKNOWN)
                    mapping = parse_short_port(text or _UNKNOWN, origin, item.value)
                elif item.kind == "map":
                    mapping = self.long_port(item, origin)
                else:
                    continue
            except ValueError as exc:
                raise ParseError(f"service `{svc.name}`: invalid port `{item.value if item.kind == 'scalar' else ''}`: {exc}",
                                 item.line, item.column) from None
            if mapping is not None:
                svc.ports.append(mapping)

    def long_port(self, item: YNode, origin: Origin) -> PortMapping | None:
        def field_text(name: str) -> str | None:
            child = item.get(name)
            if child is None or child.kind != "scalar" or child.value is None:
                return None
            value, _ = self.interp.expand(child.value, placeholder=_UNKNOWN)
            return value

        target = field_text("target")
        if target is None:
            raise ValueError("the long syntax needs `target`")
        if _UNKNOWN in target:
            return None
        target_from, target_to = _port_range(target, "target")
        published = field_text("published")
        if published is None or not published.strip() or _UNKNOWN in published:
            host_from = host_to = None
        else:
            host_from, host_to = _port_range(published, "published")
        host_ip = field_text("host_ip")
        protocol = (field_text("protocol") or "tcp").lower()
        raw = ", ".join(f"{k}: {v.value}" for k, v in item.value.items() if v.kind == "scalar")
        return PortMapping(origin, raw, host_ip or None, host_from, host_to, target_from, target_to, protocol,
                           exposure_of(host_ip or None))

    def volumes(self, svc: Service, node: YNode | None) -> None:
        if node is None:
            return
        for item in node.items():
            origin = self.origin(item)
            if item.kind == "scalar" and item.value:
                # unresolved variables stay visible (`_UNKNOWN`): a mount whose source is unknown
                # still tells that something replaces the image's files at its target
                text, _ = self.interp.expand(item.value, placeholder=_UNKNOWN)
                if not text:
                    continue
                parts = text.split(":")
                if len(parts) < 2 or _UNKNOWN in parts[1]:
                    continue
                src, dst = parts[0], parts[1]
                bind = _UNKNOWN not in src and (src.startswith((".", "/", "~")) or "/" in src)
                svc.volumes.append(Volume(src, dst, origin, bind))
            elif item.kind == "map":
                src, _ = self.interp.expand((item.get("source").text if item.get("source") is not None else None),
                                            placeholder=_UNKNOWN)
                dst, _ = self.expand(item.get("target"))
                kind, _ = self.expand(item.get("type"))
                if src and dst:
                    bind = (kind or "volume") == "bind" and _UNKNOWN not in src
                    svc.volumes.append(Volume(src, dst, origin, bind))

    def command(self, svc: Service, body: YNode) -> None:
        for key in ("command", "entrypoint"):
            node = body.get(key)
            if node is None:
                continue
            tokens: list[tuple[str, Origin]] = []
            if node.kind == "scalar" and node.value:
                text, _ = self.interp.expand(node.value, placeholder=_UNKNOWN)
                try:
                    words = shlex.split(text or "")
                except ValueError:
                    words = (text or "").split()
                tokens = [(t, self.origin(node, key=True)) for t in words]
            elif node.kind == "seq":
                for item in node.value:
                    if item.kind == "scalar" and item.value is not None:
                        text, _ = self.interp.expand(item.value, placeholder=_UNKNOWN)
                        tokens.append((text or "", self.origin(item)))
            svc.command += tokens
            if key == "command" and (node.kind == "seq" or (node.kind == "scalar" and node.value is not None)):
                svc.command_args = [t for t, _ in tokens]
            elif key == "entrypoint" and (node.kind == "seq" or (node.kind == "scalar" and node.value is not None)):
                svc.entrypoint_set = True


# ---------------------------------------------------------------------------------------------
# Secrets in the environment

_SECRET_WORDS = re.compile(r"PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|APIKEY|PRIVATE_?KEY")
_NOT_SECRET_LAST = frozenset({
    "FILE", "PATH", "DIR", "URL", "URI", "POLICY", "LENGTH", "EXPIRY", "EXPIRES", "EXPIRATION", "TTL",
    "TIMEOUT", "ENABLED", "ENABLE", "DISABLED", "DISABLE", "ALGORITHM", "ALG", "TYPE", "MODE", "METHOD",
    "LIFESPAN", "HEADER", "NAME", "ID", "PORT", "HOST", "USER", "USERNAME", "LOCATION", "FORMAT", "SIZE",
    "COUNT", "PROVIDER", "REQUIRED", "ROTATION", "PERIOD", "INTERVAL", "RESET", "HINT", "CHANGE", "REGEX",
    "PATTERN", "PREFIX", "SUFFIX", "BYPASS", "HASH", "HASHING", "ITERATIONS", "ENDPOINT", "LOGIN", "AGE",
    "VERIFY", "CHECK", "STRENGTH", "MIN", "MAX", "SALT_ROUNDS", "ROUNDS", "SCOPE", "AUDIENCE", "ISSUER",
    "LIFETIME", "VALIDITY", "DURATION", "SECONDS", "MINUTES", "HOURS", "DAYS", "EXPIRE", "LEEWAY", "VERSION",
})
_LITERAL_SECRET_KEYS = frozenset({"LDAP_ROOTPASS", "LDAP_CONFIGPASS", "ORTHANC__REGISTERED_USERS", "AC_REGISTERED_USERS"})
_SPECIAL_KEYS = ("ALLOW_EMPTY", "RANDOM_ROOT", "RANDOM_PASSWORD", "GENERATE", "ONETIME")


def is_secret_key(key: str) -> bool:
    up = key.upper()
    if up in _LITERAL_SECRET_KEYS:
        return True
    if any(s in up for s in _SPECIAL_KEYS):
        return False
    words = [w for w in re.split(r"[_.]+", up) if w]
    if not words or words[-1] in _NOT_SECRET_LAST or "PUBLIC" in words:
        return False
    if _SECRET_WORDS.search(up) or up.endswith("PASS") or up.endswith("_PWD"):
        return True
    return words[-1] == "KEY" and len(words) > 1


# Values that tell the reader to put their own secret there.
_PLACEHOLDER = re.compile(r"(?i)^(your|enter|insert|put|paste)[-_ ]\S*|\S*[-_ ](here|goes[-_ ]here)$|"
                          r"^replace[-_]?(me|this|it)$|^x{4,}$|^\.{3}$|^\*{3,}$|^<[^<>]*>$|"
                          r"^(todo|tbd|fixme|placeholder|redacted)$")


def _credential_service(key: str, product: Product | None) -> str:
    up = key.upper()
    for marker, service in (("POSTGRES", "postgres"), ("PG_", "postgres"), ("MYSQL", "mysql"), ("MARIADB", "mysql"),
                            ("LDAP", "ldap"), ("KEYCLOAK", "keycloak"), ("KC_", "keycloak"),
                            ("WILDFLY_ADMIN", "management"), ("REGISTERED_USERS", "http"), ("FTP", "ftp"),
                            ("SMB", "smb"), ("SAMBA", "smb")):
        if marker in up:
            return service
    if product is not None and product.name in ("postgres", "mysql", "ftp", "samba", "sftp", "orthanc"):
        return {"samba": "smb", "sftp": "ssh", "orthanc": "http"}.get(product.name, product.name)
    return "other"


def _sibling_user(key: str, env: dict[str, EnvVar], svc: Service) -> str | None:
    up = key.upper()
    if up in ("MYSQL_ROOT_PASSWORD", "MARIADB_ROOT_PASSWORD"):
        return "root"
    if up == "LDAP_ROOTPASS":
        return "cn=admin"
    if up == "LDAP_CONFIGPASS":
        return "cn=config"
    if up == "ORTHANC_PASSWORD":
        return "orthanc"
    if up == "KEYCLOAK_ADMIN_PASSWORD":
        for name in ("KEYCLOAK_ADMIN", "KEYCLOAK_ADMIN_USER"):
            if env.get(name) is not None and env[name].value:
                return env[name].value
        return None
    if up == "KC_BOOTSTRAP_ADMIN_PASSWORD":
        var = env.get("KC_BOOTSTRAP_ADMIN_USERNAME")
        return var.value if var is not None and var.value else None
    for suffix in ("PASSWORD", "PASSWD", "PASS", "PWD"):
        if up.endswith(suffix):
            stem = up[: -len(suffix)]
            candidates = [stem + u for u in ("USER", "USERNAME", "LOGIN", "ADMIN", "ADMIN_USER")]
            if stem.endswith("_"):
                candidates.append(stem[:-1])
            for cand in candidates:
                var = next((v for k, v in env.items() if k.upper() == cand and k.upper() != up), None)
                if var is not None and var.value:
                    return var.value
            break
    if up == "POSTGRES_PASSWORD" and svc.product is not None and svc.product.name == "postgres":
        return "postgres"  # the official image's default superuser
    return None


def _credential_detail(key: str, svc: Service, strength: str, user: str | None, var: EnvVar, path: str,
                       label: str = "") -> str:
    file = PurePosixPath(var.value_origin.path).name
    elsewhere = var.value_origin.path != path
    if elsewhere and var.source == "env_file":  # an env file line, possibly shared by several services
        subject = f"`{key}` in `{file}`"
    elif elsewhere:
        subject = f"`{key}` of service `{svc.name}`, interpolated from `{file}`,"
    else:
        subject = f"`{key}` of service `{svc.name}`"
    if label:
        subject += f" ({label})"
    if strength == "blank":
        return f"{subject} is empty, so the account has no protection at all"
    if strength == "default":
        same = user is not None and user.strip().lower() == (var.value or "").strip().lower()
        who = " (the user name is the same)" if same else (f" for user `{user}`" if user else "")
        if svc.image_name.startswith("dcm4che/") and dcm4chee.DEFAULT_SECRETS.get(key.upper()) == (var.value or "").strip():
            return f"{subject} keeps dcm4chee's documented default{who}; anyone who has read the manual can log in"
        known = knowledge.DEFAULT_CREDENTIALS.get(((user or "").strip().lower(), (var.value or "").strip().lower()))
        if known:
            return (f"{subject} is a login published in product documentation ({known}); anyone who has "
                    f"read the manual can log in")
        return f"{subject} keeps a documented product default{who}; anyone who has read the manual can log in"
    if strength == "well-known":
        same = user is not None and (var.value or "").strip().lower() == user.strip().lower()
        return f"{subject} " + ("equals the user name" if same else
                                "is on every list of common passwords, so it is guessed first")
    where = f"`{file}`" if elsewhere else "the compose file"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) and _reads_file_variant(svc, key):
        advice = f"read it from a file instead (`{key}_FILE` with Compose `secrets`) or keep it out of the repository"
    else:
        advice = "keep it out of the repository (an untracked env file or a Docker secret)"
    return f"{subject} is written in clear in {where}; {advice}"


# Images whose entrypoint reads `<VAR>_FILE` for their own secret variables (the official database
# images, and the dcm4che images); for others the advice to use `_FILE` would not work.
_FILE_VARIANT_IMAGES = re.compile(r"^(postgres|postgis/postgis|mysql|mariadb|mysql/mysql-server|mongo|"
                                  r"bitnami/[\w.-]+|dcm4che/[\w.-]+|nextcloud|wordpress|redmine)$")
_FILE_VARIANT_KEYS = re.compile(r"^(POSTGRES|POSTGRESQL|MYSQL|MARIADB|MONGO_INITDB|LDAP|KEYSTORE|KEY|TRUSTSTORE|"
                                r"WORDPRESS_DB|NEXTCLOUD|REDMINE_DB)_")


def _reads_file_variant(svc: Service, key: str) -> bool:
    return bool(_FILE_VARIANT_IMAGES.match(svc.image_name)) and bool(_FILE_VARIANT_KEYS.match(key.upper()))


def _registered_users(value: str) -> list[tuple[str, str]] | None:
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return [(str(u), str(p)) for u, p in data.items() if isinstance(p, (str, int))]


def _credentials(svc: Service, path: str, all_secrets: set[str]) -> list[Fact]:
    facts: list[Fact] = []
    env = svc.env
    product = svc.product.name if svc.product is not None else "compose"
    is_dcm4che = svc.image_name.startswith("dcm4che/")
    for key, var in env.items():
        up = key.upper()
        if up in ("MYSQL_ALLOW_EMPTY_PASSWORD", "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "MARIADB_ALLOW_EMPTY_PASSWORD"):
            if var.value is not None and var.value.strip() and knowledge.parse_bool(var.value) is not False:
                facts.append(Credential(
                    origin=var.origin, product=product, service="mysql", user="root", secret="", strength="blank",
                    detail=f"`{key}` of service `{svc.name}` is set, so the MySQL root account logs in with an empty password"))
            continue
        if up == "POSTGRES_HOST_AUTH_METHOD":
            if (var.value or "").strip().lower() == "trust":
                user = env.get("POSTGRES_USER")
                facts.append(Credential(
                    origin=var.origin, product=product, service="postgres",
                    user=(user.value if user is not None and user.value else "postgres"), secret="", strength="blank",
                    detail=(f"`POSTGRES_HOST_AUTH_METHOD` of service `{svc.name}` is `trust`: PostgreSQL lets "
                            f"every client in without asking for a password")))
            continue
        if not is_secret_key(key) or var.value is None:
            continue
        value = var.value
        if up in ("ORTHANC__REGISTERED_USERS", "AC_REGISTERED_USERS"):
            users = _registered_users(value)
            if users is not None:
                for user, secret in users:
                    strength = knowledge.classify_secret(user, secret)
                    if strength == "reference":
                        continue
                    facts.append(Credential(
                        origin=var.value_origin, product="orthanc", service="http", user=user, secret=secret,
                        strength=strength, secrets=(secret,) if secret else (),
                        detail=_credential_detail(key, svc, strength, user, EnvVar(key, secret, var.origin, var.value_origin),
                                                  path, f"Orthanc user `{user}`")))
                continue
        stripped = value.strip()
        if stripped.lower() in knowledge.TRUE_WORDS | knowledge.FALSE_WORDS and not re.search(r"(PASSWORD|PASSWD|PASS)$", up):
            continue
        if re.fullmatch(r"\d{1,6}", stripped) and not re.search(r"PASS|PWD|SECRET|PIN", up):
            continue  # `*_TOKEN_MAX_USES=10`, `SHARE_TOKEN_TTL=3600`: a count or a duration, not a token
        password_like = bool(re.search(r"(PASSWORD|PASSWD|PASS|PWD|PASSPHRASE)$", up)) or up in _LITERAL_SECRET_KEYS
        if not stripped and not password_like:
            continue  # an empty API token or client secret is a client left unconfigured, not an open account
        if not password_like and _PLACEHOLDER.match(stripped):
            continue  # `TOKEN=your-duckdns-token`: a client token nobody filled in opens nothing
        if stripped in all_secrets and (up.endswith("_SECRET") or up.endswith("SECRET_NAME")):
            continue  # names a Docker secret (Orthanc's `*_SECRET` indirection)
        user = _sibling_user(key, env, svc)
        strength = knowledge.classify_secret(user, value)
        if strength == "reference":
            continue
        if is_dcm4che and dcm4chee.DEFAULT_SECRETS.get(up) == stripped:
            strength = "default"
        if svc.product is not None and svc.product.name == "orthanc" and up == "ORTHANC_PASSWORD" and stripped == "orthanc":
            strength = "default"
        facts.append(Credential(
            origin=var.value_origin, product=product, service=_credential_service(key, svc.product), user=user,
            secret=value, strength=strength, secrets=(value,) if value else (),
            detail=_credential_detail(key, svc, strength, user, var, path)))
    return facts


# ---------------------------------------------------------------------------------------------
# Image-specific knowledge: Samba and FTP containers, DDNS clients, Java debug agents


def _samba_shares(svc: Service) -> tuple[list[Fact], bool]:
    """Guest shares of dperson/samba (`-s "name;/path;browse;readonly;guest;..."`, guest and
    read-only default to yes) and servercontainers/samba (`SAMBA_VOLUME_CONFIG_*` smb.conf
    snippets), and their users (`-u "user;password"`, `USER*`, `ACCOUNT_<name>`)."""
    facts: list[Fact] = []
    guest = False
    if svc.image_name.startswith("dperson/samba"):
        specs: list[tuple[str, str, Origin]] = []
        tokens = svc.command
        for i, (token, origin) in enumerate(tokens):
            flag, value = None, None
            if token in ("-s", "-u") and i + 1 < len(tokens):
                flag, value = token, tokens[i + 1][0]
            elif token.startswith(("-s", "-u")) and len(token) > 2 and not token.startswith("--"):
                flag, value = token[:2], token[2:]
            if flag:
                specs.append((flag, value, origin))
        for key, var in svc.env.items():
            if var.value is None:
                continue
            if re.match(r"^SHARE\d*$", key):
                specs.append(("-s", var.value, var.origin))
            elif re.match(r"^USER\d*$", key) and ";" in var.value:
                specs.append(("-u", var.value, var.value_origin))
        for flag, value, origin in specs:
            fields = [None if _UNKNOWN in f else f for f in value.split(";")]
            value = value.replace(_UNKNOWN, "${...}")
            if flag == "-s":
                name = (fields[0] or "").strip() or "share"

                def get(i: int, default: str) -> str | None:
                    if len(fields) <= i:
                        return default
                    return None if fields[i] is None else (fields[i].strip().lower() or default)
                readonly, guest_ok = get(3, "yes"), get(4, "yes")
                users = get(5, "all")
                # a users list becomes `valid users`, which the guest account is not on: Samba then
                # refuses guest connections even with `guest ok = yes`
                restricted = users is None or users.replace(" ", "") not in ("all", "")
                if guest_ok == "yes" and not restricted:
                    guest = True
                    write = readonly == "no"
                    how = ("sets the guest field (the fifth) to `yes`" if len(fields) > 4 and (fields[4] or "").strip()
                           else "leaves the guest field (the fifth) at the image's default `yes`")
                    facts.append(AnonymousAccess(
                        origin=origin, product="samba", service="smb", resource=f"[{name}]", who="guest",
                        read=True, write=write,
                        detail=(f"dperson/samba share `{value}` of service `{svc.name}` {how} and names no users: "
                                f"anyone on the network can read it"
                                + (" and write to it" if write else "") + " without logging in")))
            elif len(fields) >= 2 and fields[0] and fields[0].strip() and fields[1] is not None:
                user, secret = fields[0].strip(), fields[1]
                strength = knowledge.classify_secret(user, secret)
                if strength != "reference":
                    var = EnvVar("-u", secret, origin, origin)
                    facts.append(Credential(
                        origin=origin, product="samba", service="smb", user=user, secret=secret, strength=strength,
                        secrets=(secret,) if secret else (),
                        detail=_credential_detail("-u", svc, strength, user, var, origin.path, f"Samba user `{user}`")))
    elif "samba" in svc.image_name:
        from linter.formats.samba import canonical
        for key, var in svc.env.items():
            if var.value is None:
                continue
            if key.startswith("SAMBA_VOLUME_CONFIG_"):
                params: dict[str, str] = {}
                name = key[len("SAMBA_VOLUME_CONFIG_"):]
                for part in var.value.split(";"):
                    part = part.strip()
                    if part.startswith("[") and part.endswith("]"):
                        name = part[1:-1]
                    elif "=" in part:
                        k, _, v = part.partition("=")
                        params[canonical(k)] = v.strip()
                ok = knowledge.parse_bool(params.get("guest ok", "no")) or knowledge.parse_bool(params.get("guest only", "no"))
                if ok:
                    guest = True
                    ro = params.get("read only")
                    writable = knowledge.parse_bool(params["writeable"]) if "writeable" in params else (
                        knowledge.parse_bool(ro) is False if ro is not None else False)
                    facts.append(AnonymousAccess(
                        origin=var.origin, product="samba", service="smb", resource=f"[{name}]", who="guest",
                        read=True, write=bool(writable),
                        detail=(f"`{key}` of service `{svc.name}` sets `guest ok = yes` for share [{name}]: anyone on "
                                f"the network can read it" + (" and write to it" if writable else "") + " without logging in")))
            elif key.startswith("ACCOUNT_") and len(key) > 8:
                user = key[8:]
                strength = knowledge.classify_secret(user, var.value)
                if strength != "reference":
                    facts.append(Credential(
                        origin=var.value_origin, product="samba", service="smb", user=user, secret=var.value,
                        strength=strength, secrets=(var.value,) if var.value else (),
                        detail=_credential_detail(key, svc, strength, user, var, svc.origin.path, f"Samba user `{user}`")))
    return facts, guest


def _ftp_defaults(svc: Service) -> list[Fact]:
    """delfer/alpine-ftp-server creates `alpineftp`/`alpineftp` when `USERS` is not set (its
    start script); a `USERS` list (`name|password|...`) holds literal passwords."""
    facts: list[Fact] = []
    if not svc.image_name.startswith("delfer/alpine-ftp-server"):
        return facts
    users = svc.env.get("USERS")
    if users is None:
        if svc.env_complete:
            facts.append(Credential(
                origin=svc.origin, product="ftp", service="ftp", user="alpineftp", secret=None, strength="default",
                implicit=True, detail=(f"service `{svc.name}` ({svc.image}) sets no `USERS`, so the image creates its "
                                       f"built-in FTP account `alpineftp` with the image's documented default")))
        return facts
    if users.value is None:
        return facts
    for entry in users.value.split():
        fields = entry.split("|")
        if len(fields) >= 2 and fields[0]:
            strength = knowledge.classify_secret(fields[0], fields[1])
            if strength == "reference":
                continue
            var = EnvVar("USERS", fields[1], users.origin, users.value_origin)
            facts.append(Credential(
                origin=users.value_origin, product="ftp", service="ftp", user=fields[0], secret=fields[1],
                strength=strength, secrets=(fields[1],) if fields[1] else (),
                detail=_credential_detail("USERS", svc, strength, fields[0], var, svc.origin.path, f"FTP user `{fields[0]}`")))
    return facts


def _ddns_hostnames(svc: Service) -> tuple[str, ...]:
    env = {k.upper(): v.value for k, v in svc.env.items() if v.value}
    names: list[str] = []
    if "duckdns" in svc.image_name and env.get("SUBDOMAINS"):
        for sub in re.split(r"[,\s]+", env["SUBDOMAINS"]):
            if sub:
                names.append(sub if "." in sub else f"{sub}.duckdns.org")
    for key in ("DOMAINS", "DOMAIN", "IP4_DOMAINS", "IP6_DOMAINS", "HOSTNAMES", "HOSTNAME", "DDNS_HOSTNAME"):
        for item in re.split(r"[,\s]+", env.get(key, "")):
            if "." in item:
                names.append(item.strip())
    if env.get("ZONE") and env.get("SUBDOMAIN"):
        names.append(f"{env['SUBDOMAIN']}.{env['ZONE']}")
    if env.get("CONFIG", "").lstrip().startswith("{"):
        try:
            config = json.loads(env["CONFIG"])
            for entry in config.get("settings", []) if isinstance(config, dict) else []:
                domain = str(entry.get("domain", ""))
                for host in str(entry.get("host", "@")).split(","):
                    host = host.strip()
                    names.append(domain if host in ("", "@") else f"{host}.{domain}")
        except (ValueError, AttributeError):
            pass
    seen: list[str] = []
    for n in names:
        n = n.strip().strip(".").lower()
        if n and n not in seen:
            seen.append(n)
    return tuple(seen[:20])


_JDWP = re.compile(r"(?:-agentlib:jdwp=|-Xrunjdwp:)([^\s\"']+)")


def _jdwp_ports(svc: Service) -> list[tuple[int, Origin, str]]:
    """(port, origin, option) of Java debug agents that listen on every interface of the container
    (`server=y` with `address=*:port` or `0.0.0.0:port`; since Java 9 a bare port is loopback-only)."""
    found = []
    texts = [(v.value, v.origin) for v in svc.env.values() if v.value and "jdwp" in v.value]
    texts += [(t, o) for t, o in svc.command if "jdwp" in t]
    for text, origin in texts:
        for match in _JDWP.finditer(text):
            options = dict(part.partition("=")[::2] for part in match.group(1).split(","))
            if options.get("server", "n").lower() != "y":
                continue
            host, _, port = options.get("address", "").rpartition(":")
            if host in ("*", "0.0.0.0", "[::]", "::") and port.isdigit():
                found.append((int(port), origin, match.group(0)))
    return found


# ---------------------------------------------------------------------------------------------
# Facts


def _value_setting(text: str | None) -> object:
    if text is None:
        return None
    flag = knowledge.parse_bool(text) if text.strip().lower() in ("true", "false", "yes", "no", "on", "off") else None
    if flag is not None:
        return flag
    if re.fullmatch(r"-?\d{1,18}", text.strip()):
        return int(text.strip())
    return text


def _settings(svc: Service, reader: _Reader) -> list[Fact]:
    facts: list[Fact] = []
    product = svc.product.name if svc.product is not None else "compose"
    section = f"services.{svc.name}"
    for key, node in svc.scalars.items():
        if key in ("environment", "ports", "volumes", "command", "entrypoint"):
            continue
        value, _ = reader.interp.expand(node.value)
        facts.append(Setting(origin=reader.origin(node, key=True), product=product, section=section, key=key,
                             value=_value_setting(value), raw=node.value or "",
                             detail=f"service `{svc.name}` sets `{key}: {node.value}`"))
    for key, var in svc.env.items():
        if is_secret_key(key):
            continue
        facts.append(Setting(origin=var.origin, product=product, section=f"{section}.environment", key=key,
                             value=_value_setting(var.value), raw=var.raw or "",
                             detail=f"service `{svc.name}` sets `{key}={var.raw if var.raw is not None else ''}`"))
    return facts


def _port_label(svc: Service, port: int, ports: dict[int, tuple[str, str]]) -> tuple[str, str]:
    if port in ports:
        return ports[port]
    return knowledge.port_service(port), knowledge.SENSITIVE_PORTS.get(port, "")


def _listener_ports(svc: Service, mapping: PortMapping, ports: dict[int, tuple[str, str]]) -> list[int]:
    """Container ports of `mapping` that say which sensitive service listens there."""
    span = range(mapping.target_from, min(mapping.target_to, mapping.target_from + 65535) + 1)
    own_web = svc.product is not None and svc.product.own_web
    if mapping.target_to - mapping.target_from > 4096:
        candidates = [p for p in knowledge.SENSITIVE_PORTS if p in span] + [p for p in ports if p in span]
    else:
        candidates = [p for p in span if p in knowledge.SENSITIVE_PORTS or p in ports]
    result = []
    for p in sorted(set(candidates)):
        if p in ports or (p in knowledge.SENSITIVE_PORTS and (p not in GENERIC_PORTS or own_web)):
            result.append(p)
    return result


def _image_label(svc: Service) -> str:
    if svc.image:
        return f"`{svc.image}`" + (f", {svc.product.label}" if svc.product is not None else "")
    return "a locally built image"


def _read_service(svc: Service, reader: _Reader) -> list[Fact]:
    facts = _settings(svc, reader)
    path = reader.path
    product_ports: dict[int, tuple[str, str]] = dict(svc.product.ports) if svc.product is not None else {}
    dcm_kind = dcm4chee.kind(svc.image_name)
    if dcm_kind is not None:
        product_ports.update(dcm4chee.port_map(dcm_kind, svc.env))
    host_network = (svc.network_mode or "").strip().lower() == "host"

    # Which container ports are reachable, and how.
    published: dict[int, dcm4chee.Exposure] = {}
    rank = {"all": 2, "unknown": 1, "local": 0}
    for mapping in svc.ports:
        if mapping.target_to - mapping.target_from > 1024:
            span = [p for p in set(product_ports) | set(knowledge.SENSITIVE_PORTS) if mapping.covers(p)]
        else:
            span = range(mapping.target_from, mapping.target_to + 1)
        for port in span:
            old = published.get(port)
            if old is None or rank[mapping.exposure] > rank[old.exposure]:
                published[port] = dcm4chee.Exposure(port, mapping.exposure, mapping.origin)
    if host_network:
        for port in product_ports:
            published[port] = dcm4chee.Exposure(port, "all", svc.network_origin or svc.origin)

    auth: dict[str, str] = {}
    anonymous: set[str] = set()
    if dcm_kind is not None:
        extra, auth = dcm4chee.service_facts(svc, published, host_network)
        facts += extra
    facts += _orthanc(svc, reader, published)
    for fact in facts:
        if isinstance(fact, AnonymousAccess) and fact.product == "orthanc":
            anonymous.add("http" if fact.service in ("http", "dicomweb") else fact.service)
    samba_facts, guest = _samba_shares(svc)
    facts += samba_facts
    if guest:
        anonymous.add("smb")
        auth["smb"] = "optional"
    facts += _ftp_defaults(svc)
    all_secrets = reader.top_secrets | svc.secrets
    facts += _credentials(svc, path, all_secrets)

    if svc.image and is_ddns_image(svc.image_name):
        hostnames = _ddns_hostnames(svc)
        named = f" ({', '.join(hostnames)})" if hostnames else ""
        facts.append(Publication(
            origin=svc.image_origin or svc.origin, product="compose", mechanism="ddns", provider=svc.image,
            hostnames=hostnames,
            detail=(f"service `{svc.name}` runs the dynamic DNS client `{svc.image}`, which keeps a public host "
                    f"name{named} pointing at this host's changing internet address")))

    # Listeners: one per published mapping that carries a sensitive service.
    for mapping in svc.ports:
        ports = _listener_ports(svc, mapping, product_ports)
        if not ports:
            continue
        first = ports[0]
        service, label = _port_label(svc, first, product_ports)
        if service == "other":
            service = next((s for s, _ in (_port_label(svc, p, product_ports) for p in ports) if s != "other"), "other")
        container = (f"container port {mapping.target_from}" if mapping.target_from == mapping.target_to
                     else f"container ports {mapping.target_from}-{mapping.target_to}")
        what = f" ({label})" if label else ""
        proto = f"/{mapping.protocol}" if mapping.protocol != "tcp" else ""
        detail = (f"service `{svc.name}` ({_image_label(svc)}) publishes {container}{proto}{what} on "
                  f"{mapping.host_text()} {mapping.where()}")
        if mapping.exposure == "all":
            detail += ", past the host firewall"
        facts.append(Listener(
            origin=mapping.origin, product="compose", service=service, port=mapping.target_from,
            port_to=mapping.target_to if mapping.target_to != mapping.target_from else None,
            protocol=mapping.protocol, address=(mapping.host_ip or "*").replace(_UNKNOWN, "?"),
            exposure=mapping.exposure, via="container",
            auth=auth.get(service, "unknown"), anonymous=service in anonymous, detail=detail))
        if dcm_kind == "arc" and mapping.exposure == "all" and service in ("http", "dicom", "hl7"):
            clear = [p for p in ports if p in product_ports and p not in dcm4chee.ARC_TLS_PORTS
                     and product_ports[p][0] in ("http", "dicom", "hl7")
                     and "HTTPS" not in product_ports[p][1] and "TLS" not in product_ports[p][1]]
            for p in clear[:1]:
                svc_name, plabel = product_ports[p]
                plabel = plabel.removeprefix("dcm4chee-arc ")
                facts.append(TlsPolicy(
                    origin=mapping.origin, product="dcm4chee", service=svc_name, role="server", enforced=False,
                    exposed=True, detail=(f"service `{svc.name}` publishes dcm4chee-arc's {plabel} port {p} on every "
                                          f"interface without TLS: studies and reports cross the network unencrypted")))

    if host_network:
        ports = sorted(p for p in product_ports)
        origin = svc.network_origin or svc.origin
        for port in ports:
            service, label = _port_label(svc, port, product_ports)
            facts.append(Listener(
                origin=origin, product="compose", service=service, port=port, exposure="all", via="host-network",
                auth=auth.get(service, "unknown"), anonymous=service in anonymous,
                detail=(f"service `{svc.name}` ({_image_label(svc)}) uses `network_mode: host`, so its "
                        f"{label or 'port'} {port} listens on every interface of the host")))

    for port, origin, option in _jdwp_ports(svc):
        if host_network:
            exposure, where, at = "all", "every interface of the host (`network_mode: host`)", svc.network_origin or origin
        else:
            mapping = next((m for m in svc.ports if m.covers(port)), None)
            if mapping is None:
                continue
            exposure, where, at = mapping.exposure, f"{mapping.host_text()} {mapping.where()}", mapping.origin
        facts.append(Listener(
            origin=at, product="compose", service="jdwp", port=port, exposure=exposure,
            via="host-network" if host_network else "container", auth="none",
            detail=(f"service `{svc.name}` starts a Java debug agent (`{option}`) listening on port {port}, "
                    f"reachable on {where}: anyone who connects can run code in the container")))
    return facts


_ORTHANC_DEFAULT_DIR = "/etc/orthanc"
_SECRETS_DIR = "/run/secrets"


def _orthanc_config_paths(svc: Service, family: str) -> tuple[list[str], bool, bool]:
    """(paths Orthanc reads its configuration from, whether the image's own /etc/orthanc/orthanc.json
    can be among them, whether the paths are known).

    jodogne images run `Orthanc` with CMD `/etc/orthanc/`: a `command:` replaces that argument (the
    Orthanc Book's compose example passes `/run/secrets/` and hands the files over as secrets); a
    command without a path starts Orthanc with no configuration file. orthancteam/osimis images read
    /etc/orthanc/*.json and /run/secrets/*.json (orthanc-builder generateConfiguration.py)."""
    if family == "orthancteam":
        return [_ORTHANC_DEFAULT_DIR, _SECRETS_DIR], True, not svc.entrypoint_set
    if svc.entrypoint_set:
        return [], False, False
    if svc.command_args is None:
        return [_ORTHANC_DEFAULT_DIR], True, True
    paths = [a for a in svc.command_args if a and not a.startswith("-")]
    if any(_UNKNOWN in a for a in paths):
        return [], False, False
    paths = [PurePosixPath(a).as_posix().rstrip("/") or "/" for a in paths]
    builtin = any(p in (_ORTHANC_DEFAULT_DIR, f"{_ORTHANC_DEFAULT_DIR}/orthanc.json") for p in paths)
    return paths, builtin, True


def _config_target(target: str, paths: list[str]) -> str | None:
    """How a container path relates to the configuration paths: "dir" (it is a configuration folder),
    "file" (a JSON file Orthanc reads), or None."""
    target = PurePosixPath(target).as_posix().rstrip("/") or "/"
    for path in paths:
        if target == path:
            return "file" if path.lower().endswith(".json") else "dir"
        if PurePosixPath(target).parent.as_posix() == path and target.lower().endswith(".json"):
            return "file"
    return None


def _orthanc(svc: Service, reader: _Reader, published: dict[int, "dcm4chee.Exposure"]) -> list[Fact]:
    image = svc.image or ("orthancteam/orthanc" if svc.orthanc_build else "")
    if not image:
        return []
    try:
        from linter.formats import orthanc as orthanc_reader

        prefixes = tuple(orthanc_reader.ORTHANC_IMAGES)
        container_facts = orthanc_reader.container_facts
    except (ImportError, AttributeError):
        return []
    raw = image.lower()
    if not svc.orthanc_build and not any(svc.image_name.startswith(p) or raw.startswith(p) for p in prefixes):
        return []
    family_of = getattr(orthanc_reader, "image_family", None)
    family = (family_of(image) if family_of else None) or "orthancteam"
    paths, builtin, known = _orthanc_config_paths(svc, family)
    if svc.orthanc_build:
        known = False  # the Dockerfile may copy configuration files into the image
    mounted: list[SourceFile] = []
    targets: dict[str, str] = {}
    ctx = reader.ctx

    def add_file(loaded: SourceFile, target: str) -> None:
        if loaded.relpath not in targets:
            mounted.append(loaded)
            targets[loaded.relpath] = target

    for volume in svc.volumes:
        kind = _config_target(volume.target, paths)
        if kind is None:
            continue
        target = PurePosixPath(volume.target).as_posix().rstrip("/")
        loaded = _load(ctx, volume.source, reader.source, "orthanc") if volume.bind else None
        if loaded is None:
            known = False  # a named volume, or a file outside the scanned tree: its content is unknown
            continue
        if os.path.isdir(loaded.path):
            if kind != "dir":
                continue
            names = [n for n in ctx.listdir(loaded.path) if n.lower().endswith(".json")]
            for name in names[:64]:
                child = ctx.load(os.path.join(loaded.path, name), None, "orthanc")
                if child is not None and os.path.isfile(child.path):
                    add_file(child, f"{target}/{name}")
        elif kind == "file" or target.lower().endswith(".json"):
            add_file(loaded, target)
    for name, target, _ in svc.secret_mounts:
        if _config_target(target, paths) != "file":
            continue
        file = reader.secret_files.get(name)
        loaded = _load(ctx, file, reader.source, "orthanc") if file and _UNKNOWN not in file else None
        if loaded is None or os.path.isdir(loaded.path):
            known = False  # an external secret, or one whose file is not in the scanned tree
            continue
        add_file(loaded, target)

    environment = {k: (v.value, v.value_origin) for k, v in svc.env.items()}
    # orthancteam images read Docker secrets named like environment variables
    # (/run/secrets/ORTHANC__REGISTERED_USERS): set, value unknown.
    for name in sorted(svc.secrets):
        if name.upper().startswith("ORTHANC") and name not in environment and not name.lower().endswith(".json"):
            environment[name] = (None, svc.origin)
    for loaded in mounted:
        if hasattr(ctx, "claim"):
            ctx.claim(loaded.relpath, f"{reader.source.relpath} service {svc.name}")
    ports = {p: e.exposure == "all" for p, e in published.items() if e.exposure != "unknown"}
    if (svc.network_mode or "").strip().lower() == "host":
        ports.update({4242: True, 8042: True})
    try:
        result = container_facts(image, environment, mounted, svc.origin, ports, ctx, mount_targets=targets,
                                 builtin_config=builtin, config_known=known)
    except TypeError:
        result = container_facts(image, environment, mounted, svc.origin, ports, ctx)
    return list(result or [])


def read(source: SourceFile, ctx) -> list[Fact]:
    root = parse_yaml(source.text)
    if root is None or (root.kind == "scalar" and root.value is None):
        return []
    if root.kind != "map":
        raise ParseError("a compose file must be a mapping at the top level", root.line, root.column)
    reader = _Reader(source, ctx)
    scope = scope_of(source.relpath)
    facts: list[Fact] = []
    for svc in reader.services(root):
        facts += _read_service(svc, reader)
    return [f if f.scope else replace(f, scope=scope) for f in facts]
