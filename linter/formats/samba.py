"""Samba smb.conf (smb.conf(5), Samba 4.17).

Grammar: `[section]` headers; `name = value` lines; a line ending in `\\` continues on the next;
`;` and `#` start a comment only at the beginning of a line (Samba has no trailing comments);
parameter names are case-insensitive and spaces inside them do not matter (`guestok` is `guest ok`);
`include = file` reads another file in place. Share parameters set in `[global]` are the default
of every share.

Guest access (smb.conf(5)): `guest ok` (synonym `public`) lets a client in as the `guest account`
(default `nobody`); `guest only` has no effect without it. Samba still checks that account's name
against `invalid users` and `valid users`, so a share listing only other users turns guests away.
Printer shares (`printable`, synonym `print ok`) are not file shares.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from linter.facts import AnonymousAccess, Fact, Listener, Setting
from linter.knowledge import parse_bool
from linter.model import Origin, SourceFile
from linter.predicates import is_public_source
from linter.formats._text import logical_lines

# Normalised name (lower case, no spaces) -> canonical name, folding the synonyms of smb.conf(5).
_SYNONYMS = {
    "public": "guest ok", "onlyguest": "guest only", "writable": "writeable", "writeok": "writeable",
    "browsable": "browseable", "allowhosts": "hosts allow", "denyhosts": "hosts deny",
    "smbencrypt": "server smb encrypt", "minprotocol": "server min protocol",
    "maxprotocol": "server max protocol", "protocol": "server max protocol",
    "createmode": "create mask", "directorymode": "directory mask", "nullpasswords": "null passwords",
    "printok": "printable",
}
_CANONICAL = {
    name.replace(" ", ""): name for name in (
        "guest ok", "guest only", "read only", "writeable", "browseable", "hosts allow", "hosts deny",
        "map to guest", "usershare allow guests", "security", "null passwords", "server min protocol",
        "server max protocol", "ntlm auth", "lanman auth", "encrypt passwords", "server smb encrypt",
        "server signing", "interfaces", "bind interfaces only", "smb ports", "disable netbios",
        "guest account", "restrict anonymous", "force user", "admin users", "path", "valid users",
        "wide links", "allow insecure wide links", "create mask", "directory mask", "printable",
        "available", "include", "config file", "server role", "printer", "invalid users",
    )
}
_BOOLEAN = frozenset({
    "guest ok", "guest only", "read only", "writeable", "browseable", "usershare allow guests",
    "null passwords", "lanman auth", "encrypt passwords", "bind interfaces only", "disable netbios",
    "wide links", "allow insecure wide links", "printable", "available",
})
_MAX_INCLUDE_DEPTH = 8


def canonical(name: str) -> str:
    key = re.sub(r"\s+", "", name).lower()
    return _SYNONYMS.get(key) or _CANONICAL.get(key) or re.sub(r"\s+", " ", name.strip().lower())


@dataclass
class Param:
    name: str  # canonical
    value: str
    origin: Origin
    written: str = ""  # `name = value` as the file spells it, for messages

    @property
    def quote(self) -> str:
        return self.written or f"{self.name} = {self.value}"


@dataclass
class Section:
    name: str  # lower case: Samba's share names are case-insensitive
    origin: Origin
    params: dict[str, Param] = field(default_factory=dict)
    explicit: bool = True  # False for the implicit [global] before any header
    label: str = ""  # the name as first written

    @property
    def display(self) -> str:
        return f"[{self.label or self.name}]"

    def get(self, name: str) -> Param | None:
        return self.params.get(name)


def _resolve_include(value: str, source: SourceFile, ctx) -> SourceFile | None:
    if "%" in value or "{{" in value:
        return None  # per-client includes (%m, %U) and templated names cannot be resolved statically
    target = PurePosixPath(value.strip())
    if not target.is_absolute():
        return ctx.load(str(target), source, "samba")
    # An absolute path on the target host: look for it under the host root in the tree, then
    # beside the including file.
    parts = PurePosixPath(source.relpath).parts
    host_root = parts[: parts.index("etc")] if "etc" in parts[:-1] else None
    if host_root is not None:
        found = ctx.load("/".join(host_root + target.parts[1:]) or ".", None, "samba")
        if found is not None:
            return found
    return ctx.load(target.name, source, "samba")


def parse(source: SourceFile, ctx, depth: int = 0, sections: list[Section] | None = None) -> list[Section]:
    """Sections in file order; `include` lines splice the included file in place."""
    sections = sections if sections is not None else [Section("global", Origin(source.relpath, 1), explicit=False)]
    for number, text in logical_lines(source, comments="#;"):
        stripped = text.strip()
        if stripped.startswith("["):
            end = stripped.find("]")
            label = stripped[1:end if end > 0 else None].strip()
            name = label.lower()
            existing = next((s for s in sections if s.name == name), None)
            if existing is None:
                existing = Section(name, Origin(source.relpath, number, text.find("[") + 1), label=label)
                sections.append(existing)
            else:  # a repeated section continues the first one, as in Samba
                if not existing.explicit:
                    existing.origin, existing.explicit = Origin(source.relpath, number, text.find("[") + 1), True
                sections.remove(existing)
                sections.append(existing)
            continue
        if "=" not in text:
            continue  # Samba ignores lines it cannot parse (with a warning); so do we
        raw_name, _, value = text.partition("=")
        name = canonical(raw_name)
        value = value.strip()
        column = len(text) - len(text.lstrip()) + 1
        if name == "include" and ctx is not None and depth < _MAX_INCLUDE_DEPTH:
            included = _resolve_include(value, source, ctx)
            if included is not None and included.relpath != source.relpath:
                parse(included, ctx, depth + 1, sections)
            continue
        section = sections[-1]
        written = " ".join(raw_name.split()) + " = " + value
        # `writeable` is the inverse synonym of `read only`: store both under `read only`.
        if name == "writeable":
            flag = parse_bool(value)
            name, value = "read only", ("no" if flag else "yes") if flag is not None else value
        section.params[name] = Param(name, value, Origin(source.relpath, number, column), written)
    return sections


def _bool(section: Section, global_: Section, name: str, default: bool) -> tuple[bool | None, Param | None]:
    param = section.get(name) or global_.get(name)
    if param is None:
        return default, None
    return parse_bool(param.value), param


def _settings(sections: list[Section]) -> list[Fact]:
    facts: list[Fact] = []
    for section in sections:
        for param in section.params.values():
            value: object = param.value
            if param.name in _BOOLEAN:
                flag = parse_bool(param.value)
                value = flag if flag is not None else param.value
            elif isinstance(value, str):
                value = re.sub(r"\s+", " ", value.strip().lower())
            facts.append(Setting(origin=param.origin, product="samba", section=section.name, key=param.name,
                                 value=value, raw=param.value, detail=f"{section.display} sets `{param.quote}`"))
    return facts


def templated(value: str) -> bool:
    return "{{" in value or "{%" in value or "${" in value or "<%" in value


def _names(value: str) -> list[str]:
    """Entries of a user list (`valid users`, `invalid users`): blanks or commas separate them,
    double quotes keep a name with blanks together."""
    return [n.strip('"').lower() for n in re.findall(r'"[^"]*"|[^\s,]+', value)]


def _guest_admitted(share: Section, global_: Section, guest_account: str) -> tuple[bool, Param | None]:
    """False (with the parameter) when `invalid users` names the guest account or `valid users`
    lists only other users: a guest session runs as the guest account, and Samba checks that
    name against both lists. Groups (`@staff`, `+staff`, `&staff`) and templated lists may hold
    the guest account, so they admit it."""
    guest = guest_account.lower()

    def matches(entry: str) -> bool:
        return entry == guest or entry.rsplit("\\", 1)[-1] == guest

    invalid = share.get("invalid users") or global_.get("invalid users")
    if invalid is not None and not templated(invalid.value) and any(matches(n) for n in _names(invalid.value)):
        return False, invalid
    valid = share.get("valid users") or global_.get("valid users")
    if valid is None or not valid.value.strip() or templated(valid.value):
        return True, None
    for entry in _names(valid.value):
        if entry[:1] in "@+&" or matches(entry):
            return True, None
    # Only named users (or %S, %U: the connecting user, never the guest account).
    return False, valid


def read(source: SourceFile, ctx) -> list[Fact]:
    sections = parse(source, ctx)
    global_ = sections[0] if sections[0].name == "global" else Section("global", Origin(source.relpath, 1))
    for s in sections:
        if s.name == "global":
            global_ = s
    facts = _settings(sections)

    guest_shares: list[str] = []
    inherited: dict[int, list[tuple[Section, Param, Param | None, bool]]] = {}
    for share in sections:
        if share.name == "global":
            continue
        printable, _ = _bool(share, global_, "printable", share.name == "printers")
        available, _ = _bool(share, global_, "available", True)
        if printable or available is False:
            continue
        # `guest only` "has no effect if guest ok is not set for the service" (smb.conf(5)).
        guest_ok, param = _bool(share, global_, "guest ok", False)
        if not guest_ok:
            continue
        account = share.get("guest account") or global_.get("guest account")
        account_name = account.value.strip() if account is not None and account.value.strip() else "nobody"
        admitted, _ = _guest_admitted(share, global_, account_name)
        if not admitted:
            continue  # the guest account is not let in: only the listed users can connect
        read_only, ro_param = _bool(share, global_, "read only", True)
        writable = read_only is False
        guest_shares.append(share.display)
        if any(p is param for p in global_.params.values()):
            inherited.setdefault(id(param), []).append((share, param, ro_param, writable))
            continue
        detail = f"share {share.display} sets `{param.quote}`: anyone on the network can read it without a password"
        if writable:
            detail += f", and write to it (`{ro_param.quote}`)" if ro_param else ", and write to it"
        if account_name.lower() == "root":
            detail += f"; guests act as root (`{account.quote}`)"
        facts.append(AnonymousAccess(
            origin=param.origin, product="samba", service="smb", resource=share.display,
            who="guest", read=True, write=writable, detail=detail))
    # A guest setting in [global] is one line that opens several shares: one fact for that line.
    for group in inherited.values():
        param = group[0][1]
        names = [share.display for share, *_ in group]
        writable = [share.display for share, _, _, w in group if w]
        if len(names) == 1:
            detail = (f"share {names[0]} gets `{param.quote}` (inherited from [global]): anyone on the network "
                      "can read it without a password")
            ro_param = group[0][2]
            if writable:
                detail += f", and write to it (`{ro_param.quote}`)" if ro_param else ", and write to it"
        else:
            detail = (f"shares {', '.join(names)} get `{param.quote}` (inherited from [global]): anyone on the "
                      "network can read them without a password")
            if writable:
                detail += f", and write to {', '.join(writable)}"
        facts.append(AnonymousAccess(
            origin=param.origin, product="samba", service="smb", resource=", ".join(names),
            who="guest", read=True, write=bool(writable), detail=detail))

    interfaces = global_.get("interfaces")
    bind_only, _ = _bool(global_, global_, "bind interfaces only", False)
    hosts_allow = global_.get("hosts allow")
    if interfaces is not None and bind_only and interfaces.value.strip():
        exposure, where = "local", interfaces
        detail = f"Samba binds only to `interfaces = {interfaces.value}`"
    elif hosts_allow is not None and hosts_allow.value.strip() and not any(
            is_public_source(h) or h.lower() == "all" for h in re.split(r"[\s,]+", hosts_allow.value) if h):
        exposure, where = "restricted", hosts_allow
        detail = f"Samba listens on every interface but only admits `hosts allow = {hosts_allow.value}`"
    else:
        exposure, where = "all", None
        detail = ("Samba listens on every network interface and admits every host: neither "
                  "`interfaces` with `bind interfaces only = yes` nor `hosts allow` is set")
    encrypt = (global_.get("server smb encrypt").value.strip().lower() if global_.get("server smb encrypt") else "default")
    origin = where.origin if where else global_.origin
    facts.append(Listener(
        origin=origin, product="samba", service="smb", port=445, exposure=exposure, via="config",
        tls=encrypt in ("required", "mandatory", "force"),
        auth="optional" if guest_shares else "required", anonymous=bool(guest_shares),
        detail=detail + (f"; guest shares: {', '.join(guest_shares)}" if guest_shares else ""),
    ))
    return facts
