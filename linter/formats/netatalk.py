"""Netatalk (AFP, port 548): afp.conf (3.x/4.x) and afpd.conf (2.x).

afp.conf (afp.conf(5), netatalk 3.1): INI. `[Global]` holds server options, `[Homes]` the home
folders, every other section is a volume. `name = value`; `;` and `#` start a comment line (and,
as in iniparser, end an unquoted value); a trailing `\\` continues the line; blanks inside option
names do not matter (`uamlist` is `uam list`), case is folded; `include = path` splices a file.
Defaults: `uam list = uams_dhx.so uams_dhx2.so`, `afp port = 548`, every interface, `guest
account = nobody`, volumes are writable (`read only = no`).

afpd.conf (afpd.conf(5), netatalk 2.2): one server per line, `name -option value ...` (`-` is the
default server), `#` comment lines, `\\` continuation. `-uamlist a.so,b.so` (default
`uams_dhx.so,uams_dhx2.so`), `-port` (548), `-ipaddr`. A file without a server line runs the
default server. Volumes live in AppleVolumes.default, which is not read here.

UAMs: `uams_guest.so` lets anyone in as the guest account (AnonymousAccess who="guest") on every
volume whose `valid users` (an empty list restricts nothing) admits that account;
`uams_clrtxt.so`, `uams_passwd.so` and `uams_pam.so` take passwords in clear text (PG510 matches
the `uam list` Setting).
"""
from __future__ import annotations

import ipaddress
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from linter.classify import strip_template_suffix
from linter.facts import AnonymousAccess, Fact, Listener, Setting
from linter.knowledge import is_reference, parse_bool
from linter.model import Origin, SourceFile
from linter.formats._text import logical_lines

PRODUCT = "netatalk"
DEFAULT_UAMS = ("uams_dhx.so", "uams_dhx2.so")
CLEAR_TEXT_UAMS = frozenset({"uams_clrtxt.so", "uams_passwd.so", "uams_pam.so"})
GUEST_UAM = "uams_guest.so"
_CANONICAL = {n.replace(" ", ""): n for n in (
    "uam list", "afp listen", "afp port", "afp interfaces", "hosts allow", "hosts deny", "guest account",
    "valid users", "invalid users", "rolist", "rwlist", "read only", "path", "include", "save password",
    "zeroconf", "time machine", "vol size limit", "file perm", "directory perm", "umask",
)}
_BOOLEAN = frozenset({"read only", "save password", "zeroconf", "time machine"})
# afpd.conf 2.x options that take a value; everything else is a switch.
_V2_WITH_VALUE = frozenset({
    "uamlist", "port", "ipaddr", "guestname", "uampath", "defaultvol", "systemvol", "passwdfile",
    "loginmesg", "server_quantum", "admingroup", "k5keytab", "k5service", "k5realm", "fqdn",
    "hostname", "maccharset", "unixcharset", "signature", "setuplog", "unsetuplog", "nlspath",
    "passwdminlen", "loginmaxfail", "cnidserver", "timeout", "tickleval", "sleep", "dsireadbuf",
    "volnamelen", "tcprcvbuf", "tcpsndbuf", "mimicmodel", "ntdomain", "ntseparator", "authprintdir",
    "uampath", "server_notif", "fcelistener", "fceevents", "fcecoalesce", "fceholdfmod", "maxcon",
    "dircachesize", "keepsessions", "closevol", "client_polling", "uservol", "defaultvol",
})


def templated(value: str) -> bool:
    return "{{" in value or "{%" in value or "${" in value or "<%" in value or is_reference(value)


def canonical(name: str) -> str:
    key = re.sub(r"\s+", "", name).lower()
    return _CANONICAL.get(key) or re.sub(r"\s+", " ", name.strip().lower())


def split_uams(value: str) -> list[str]:
    return [u for u in re.split(r"[\s,]+", value.strip().strip('"').lower()) if u]


@dataclass
class Param:
    name: str
    value: str
    origin: Origin


@dataclass
class Section:
    name: str  # lower case
    origin: Origin
    params: dict[str, Param] = field(default_factory=dict)
    label: str = ""  # as first written, for messages


# --- afp.conf (3.x) -------------------------------------------------------------------------

def _value(text: str) -> str:
    text = text.strip()
    quoted = re.match(r'^"([^"]*)"|^\'([^\']*)\'', text)
    if quoted:
        return quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
    return re.split(r"[;#]", text, maxsplit=1)[0].strip()


def _include(value: str, source: SourceFile, ctx) -> SourceFile | None:
    if ctx is None or not value or templated(value):
        return None
    target = PurePosixPath(value)
    base = Path(source.path).parent
    candidates = [base / target] if not target.is_absolute() else []
    parts = PurePosixPath(source.relpath).parts
    if target.is_absolute() and "etc" in parts[:-1]:
        index = len(parts) - 2 - parts[:-1][::-1].index("etc")
        candidates.append(Path(ctx.root).joinpath(*parts[:index], *target.parts[1:]))
    if target.is_absolute():
        candidates += [base.joinpath(*target.parts[i:]) for i in range(1, len(target.parts))]
    for candidate in candidates:
        if ctx.relpath(candidate) is not None and candidate.is_file():
            return ctx.load(str(candidate), None, "netatalk")
    return None


def parse_ini(source: SourceFile, ctx, sections: list[Section] | None = None, nested: bool = False) -> list[Section]:
    sections = sections if sections is not None else [Section("global", Origin(source.relpath, 1))]
    for number, text in logical_lines(source, comments="#;"):
        stripped = text.strip()
        column = len(text) - len(text.lstrip()) + 1
        if stripped.startswith("["):
            end = stripped.find("]")
            label = stripped[1:end if end > 0 else None].strip()
            name = label.lower()
            existing = next((s for s in sections if s.name == name), None)
            if existing is None:
                existing = Section(name, Origin(source.relpath, number, column), label=label)
                sections.append(existing)
            else:
                sections.remove(existing)
                sections.append(existing)
            continue
        if "=" not in stripped:
            continue
        raw_name, _, raw_value = stripped.partition("=")
        name = canonical(raw_name)
        value = _value(raw_value)
        if name == "include":
            if not nested:  # "Nested includes are not supported."
                included = _include(value, source, ctx)
                if included is not None and included.relpath != source.relpath:
                    parse_ini(included, ctx, sections, nested=True)
            continue
        sections[-1].params[name] = Param(name, value, Origin(source.relpath, number, column))
    return sections


# --- afpd.conf (2.x) ------------------------------------------------------------------------

@dataclass
class Server2:
    name: str
    origin: Origin
    options: dict[str, Param] = field(default_factory=dict)


def parse_v2(source: SourceFile) -> list[Server2]:
    servers: list[Server2] = []
    for number, text in logical_lines(source, comments="#;"):
        if text.strip().startswith(";"):
            continue
        try:
            tokens = shlex.split(text, comments=True, posix=True)
        except ValueError:
            tokens = text.split()
        if not tokens:
            continue
        column = len(text) - len(text.lstrip()) + 1
        server = Server2(tokens[0], Origin(source.relpath, number, column))
        i = 1
        while i < len(tokens):
            token = tokens[i]
            if token.startswith("-"):
                name = token[1:].lower()
                if name in _V2_WITH_VALUE and i + 1 < len(tokens) and not tokens[i + 1].startswith("-"):
                    value = tokens[i + 1]
                    i += 1
                else:
                    value = "yes"
                key = "uam list" if name == "uamlist" else name
                position = text.find(token)
                server.options[key] = Param(key, value, Origin(source.relpath, number, position + 1 if position >= 0 else column))
            i += 1
        servers.append(server)
    return servers


# --- facts ----------------------------------------------------------------------------------

def _bool(section: Section, name: str, default: bool) -> bool | None:
    param = section.params.get(name)
    if param is None:
        return default
    return parse_bool(param.value)


def _guest_volumes(sections: list[Section], guest: str) -> tuple[list[str], list[str]]:
    """(volumes the guest account can open, those of them it may write to)."""
    reachable, writable = [], []
    for section in sections:
        if section.name in ("global", "homes"):
            continue
        valid = section.params.get("valid users")
        if valid is not None and valid.value.strip():  # an empty list restricts nothing
            users = {u.lower() for u in re.split(r"[\s,]+", valid.value) if u}
            if templated(valid.value) or guest.lower() not in users:
                continue
        invalid = section.params.get("invalid users")
        if invalid is not None and guest.lower() in {u.lower() for u in re.split(r"[\s,]+", invalid.value) if u}:
            continue
        reachable.append(section.label or section.name)
        read_only = _bool(section, "read only", False)
        rwlist = section.params.get("rwlist")
        rolist = section.params.get("rolist")
        forced_ro = rolist is not None and guest.lower() in {u.lower() for u in re.split(r"[\s,]+", rolist.value) if u}
        rw_ok = rwlist is None or not rwlist.value.strip() or guest.lower() in {u.lower() for u in re.split(r"[\s,]+", rwlist.value) if u}
        if read_only is False and rw_ok and not forced_ro:
            writable.append(section.label or section.name)
    return reachable, writable


def _exposure(addresses: str) -> str:
    items = [a.strip("[]") for a in re.split(r"[\s,]+", addresses) if a]
    if not items:
        return "all"
    for item in items:
        host = item.rsplit(":", 1)[0] if item.count(":") == 1 else item
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return "all"  # an interface or host name: cannot tell
        if ip.is_unspecified or not (ip.is_loopback or ip.is_private or ip.is_link_local):
            return "all"
    return "local"


def _uam_facts(uam: Param | None, default_origin: Origin, sections: list[Section], guest: str,
               label: str) -> tuple[list[Fact], bool]:
    facts: list[Fact] = []
    if uam is not None and templated(uam.value):
        return facts, False
    uams = split_uams(uam.value) if uam is not None else list(DEFAULT_UAMS)
    value = " ".join(uams)
    if uam is None:
        facts.append(Setting(origin=default_origin, product=PRODUCT, section=label, key="uam list", value=value,
                             raw="", explicit=False,
                             detail="`uam list` is absent and Netatalk's default is `uams_dhx.so`, `uams_dhx2.so`"))
    else:
        facts.append(Setting(origin=uam.origin, product=PRODUCT, section=label, key="uam list", value=value,
                             raw=uam.value, detail="`uam list` offers " + ", ".join(f"`{u}`" for u in uams)))
    guest_on = GUEST_UAM in uams
    if guest_on:
        reachable, writable = _guest_volumes(sections, guest)
        detail = (f"`uam list` offers `{GUEST_UAM}`: anyone on the network can log in to the AFP server as the "
                  f"guest account `{guest}` without a password")
        if reachable:
            detail += "; volumes open to the guest: " + ", ".join(f"[{v}]" for v in reachable)
        if writable:
            detail += " (writable: " + ", ".join(f"[{v}]" for v in writable) + ")"
        facts.append(AnonymousAccess(
            origin=uam.origin if uam is not None else default_origin, product=PRODUCT, service="afp",
            resource=", ".join(f"[{v}]" for v in reachable), who="guest", read=True, write=bool(writable),
            detail=detail))
    return facts, guest_on


def _read_v3(source: SourceFile, ctx) -> list[Fact]:
    sections = parse_ini(source, ctx)
    global_ = next((s for s in sections if s.name == "global"), sections[0])
    facts: list[Fact] = []
    for section in sections:
        for param in section.params.values():
            value: object = param.value
            if param.name in _BOOLEAN:
                flag = parse_bool(param.value)
                value = flag if flag is not None else param.value
            elif param.name == "uam list":
                continue  # emitted with its decision below
            facts.append(Setting(origin=param.origin, product=PRODUCT, section=section.name, key=param.name,
                                 value=value, raw=param.value, detail=f"[{section.name}] sets `{param.name} = {param.value}`"))
    guest = global_.params.get("guest account")
    guest_name = guest.value if guest is not None and not templated(guest.value) else "nobody"
    uam_facts, guest_on = _uam_facts(global_.params.get("uam list"), global_.origin, sections, guest_name, "global")
    facts.extend(uam_facts)

    port_param = global_.params.get("afp port")
    port = int(port_param.value) if port_param is not None and port_param.value.isdigit() else 548
    listen = global_.params.get("afp listen")
    allow = global_.params.get("hosts allow")
    if listen is not None and listen.value and not templated(listen.value) and _exposure(listen.value) == "local":
        exposure, where, detail = "local", listen.origin, f"afpd listens only on `afp listen = {listen.value}`"
    elif allow is not None and allow.value and not templated(allow.value):
        exposure, where, detail = ("restricted", allow.origin,
                                   f"afpd listens on every interface but admits only `hosts allow = {allow.value}`")
    else:
        exposure, where = "all", listen.origin if listen is not None else global_.origin
        detail = f"afpd listens on port {port} of every interface (no `afp listen` or `hosts allow`)"
    facts.append(Listener(origin=where, product=PRODUCT, service="afp", port=port, exposure=exposure, via="config",
                          tls=False, auth="optional" if guest_on else "required", anonymous=guest_on,
                          detail=detail + ("; guest logins are enabled" if guest_on else "")))
    return facts


def _read_v2(source: SourceFile) -> list[Fact]:
    servers = parse_v2(source) or [Server2("-", Origin(source.relpath, 1))]
    facts: list[Fact] = []
    for server in servers:
        label = server.name
        for param in server.options.values():
            if param.name != "uam list":
                facts.append(Setting(origin=param.origin, product=PRODUCT, section=label, key=param.name,
                                     value=parse_bool(param.value) if param.value == "yes" else param.value,
                                     raw=param.value, detail=f"server `{label}` sets `-{param.name}`" + (
                                         f" `{param.value}`" if param.value != "yes" else "")))
        guest = server.options.get("guestname")
        uam_facts, guest_on = _uam_facts(server.options.get("uam list"), server.origin, [],
                                         guest.value if guest else "nobody", label)
        facts.extend(uam_facts)
        port_param = server.options.get("port")
        port = int(port_param.value) if port_param is not None and port_param.value.isdigit() else 548
        address = server.options.get("ipaddr")
        if address is not None and _exposure(address.value) == "local":
            exposure, where, detail = "local", address.origin, f"afpd server `{label}` listens only on `-ipaddr {address.value}`"
        else:
            exposure, where = "all", address.origin if address is not None else server.origin
            detail = f"afpd server `{label}` listens on port {port} of every interface"
        facts.append(Listener(origin=where, product=PRODUCT, service="afp", port=port, exposure=exposure,
                              via="config", tls=False, auth="optional" if guest_on else "required",
                              anonymous=guest_on, detail=detail + ("; guest logins are enabled" if guest_on else "")))
    return facts


def read(source: SourceFile, ctx=None) -> list[Fact]:
    name = strip_template_suffix(PurePosixPath(source.relpath).name.lower())
    v3 = name != "afpd.conf" or any(re.match(r"^\s*\[[^\]]+\]\s*$", line) for line in source.lines)
    return _read_v3(source, ctx) if v3 else _read_v2(source)
