"""miniupnpd.conf (miniupnpd 2.3.1, Debian 12; upstream options.c / upnppermissions.c).

Grammar: `name=value` lines (blanks around `=` are tolerated), `#` comments, and permission
rules `allow|deny EXT_PORTS INT_IP[/MASK] INT_PORTS ["description regex"]` where a port range is
`N` or `N-M` and the mask is a prefix length or a dotted mask. Rules are checked in order and the
first match wins; a request no rule matches is accepted ("accept by default").

Defaults (catalogue 3.16, miniupnpd.c option parser): UPnP IGD on unless `enable_upnp` is exactly
`yes` (any other value turns it off); NAT-PMP/PCP (`enable_natpmp`, newer `enable_pcp_pmp`) off
unless `yes` or a non-zero number; `secure_mode` on only for exactly `yes` in 2.3.1 (newer
upstream releases turn it on by default and only `no` clears it; Debian 12 ships 2.3.1).
miniupnpd keeps everything after `=` as the value, a trailing `# comment` included, so those three
switches are judged on the whole rest of the line (`secure_mode=yes  # note` is not `yes`); other
values are quoted without such a comment. In `listening_ip=`, only the first word is where
miniupnpd listens; later words are bridge members or, with MULTIPLE_EXTERNAL_IP, the public
address of that subnet.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from linter.facts import Fact, Listener, Publication, Setting
from linter.knowledge import SENSITIVE_PORTS
from linter.model import Origin, ParseError, SourceFile

PRODUCT = "miniupnpd"
_RULE = re.compile(r"^\s*(allow|deny)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*))?$", re.I)
_OPTION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
# Ranges that start at 1024 and span most of the unprivileged ports are the upstream template's
# own advice ("only allow redirection of port >= 1024"); only narrower rules, or rules reaching
# below 1024, are reported for the sensitive ports they contain.
_WIDE_HIGH_RANGE = 10000


@dataclass
class Rule:
    action: str
    ext: tuple[int, int]
    network: ipaddress.IPv4Network
    internal: tuple[int, int]
    origin: Origin
    text: str


def _range(text: str, line: int, column: int) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)(?:-(\d+))?", text)
    if not match:
        raise ParseError(f"bad port range `{text}` in a permission rule", line, column)
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else low
    if low > 65535 or high > 65535 or low > high:
        raise ParseError(f"bad port range `{text}` in a permission rule", line, column)
    return low, high


def _network(text: str, line: int, column: int) -> ipaddress.IPv4Network:
    address, _, mask = text.partition("/")
    try:
        if mask and "." in mask:
            return ipaddress.IPv4Network(f"{address}/{mask}", strict=False)
        return ipaddress.IPv4Network(f"{address}/{mask or 32}", strict=False)
    except ValueError:
        raise ParseError(f"bad address `{text}` in a permission rule", line, column) from None


def parse(source: SourceFile) -> tuple[dict[str, list[tuple[str, Origin]]], list[Rule]]:
    options: dict[str, list[tuple[str, Origin]]] = {}
    rules: list[Rule] = []
    for number, raw in enumerate(source.lines, 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#") or stripped.startswith(("{%", "{#")):
            continue
        column = len(raw) - len(raw.lstrip()) + 1
        rule = _RULE.match(raw)
        if rule and "=" not in rule.group(1):
            parts = raw.split()
            ext = _range(rule.group(2), number, raw.find(rule.group(2)) + 1)
            network = _network(rule.group(3), number, raw.find(rule.group(3)) + 1)
            internal = _range(rule.group(4), number, raw.rfind(rule.group(4)) + 1)
            rules.append(Rule(rule.group(1).lower(), ext, network, internal,
                              Origin(source.relpath, number, column), " ".join(parts)))
            continue
        option = _OPTION.match(raw)
        if option is None:
            raise ParseError(f"expected `name=value` or a permission rule, found `{stripped[:40]}`", number, column)
        value = option.group(2)
        if " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        options.setdefault(option.group(1).lower(), []).append((value, Origin(source.relpath, number, column)))
    return options, rules


def _as_read(source: SourceFile, entry: tuple[str, Origin] | None) -> tuple[str, Origin] | None:
    """The value as miniupnpd's option parser keeps it: everything after `=`, trimmed, a `# ...`
    after the value included (it strips no comment there), so `secure_mode=yes  # own IP only` is
    not `yes` and leaves secure mode off."""
    if entry is None:
        return None
    value, origin = entry
    line = source.lines[origin.line - 1] if 0 < origin.line <= len(source.lines) else ""
    return (line.split("=", 1)[1].strip(), origin) if "=" in line else entry


def _atoi(text: str) -> int:
    match = re.match(r"\s*([+-]?\d+)", text)
    return int(match.group(1)) if match else 0


def _last(options, key: str) -> tuple[str, Origin] | None:
    values = options.get(key)
    return values[-1] if values else None


def _is_deny_all(rule: Rule) -> bool:
    return (rule.action == "deny" and rule.ext[0] <= 1 and rule.ext[1] == 65535
            and rule.network.prefixlen == 0 and rule.internal[0] <= 1 and rule.internal[1] == 65535)


def _sensitive(low: int, high: int) -> list[int]:
    return sorted(p for p in SENSITIVE_PORTS if low <= p <= high)


def _reported_ports(rule: Rule) -> list[int]:
    found: set[int] = set()
    for low, high in (rule.ext, rule.internal):
        ports = _sensitive(low, high)
        if low >= 1024 and high - low >= _WIDE_HIGH_RANGE:
            continue
        found.update(ports)
    return sorted(found)


def read(source: SourceFile, ctx) -> list[Fact]:
    options, rules = parse(source)
    facts: list[Fact] = []
    file_origin = Origin(source.relpath, 1)

    for key, values in options.items():
        for value, origin in values:
            if key in ("enable_upnp", "enable_natpmp", "enable_pcp_pmp", "secure_mode"):
                value = _as_read(source, (value, origin))[0]
            facts.append(Setting(origin=origin, product=PRODUCT, section="options", key=key,
                                 value={"yes": True, "no": False}.get(value, int(value) if value.isdigit() else value),
                                 raw=value, detail=f"`{key}={value}`"))
    for rule in rules:
        facts.append(Setting(origin=rule.origin, product=PRODUCT, section="permissions", key=rule.action,
                             value=rule.text, raw=rule.text, detail=f"permission rule `{rule.text}`"))

    upnp = _as_read(source, _last(options, "enable_upnp"))
    natpmp = _as_read(source, _last(options, "enable_natpmp") or _last(options, "enable_pcp_pmp"))
    secure = _as_read(source, _last(options, "secure_mode"))
    upnp_on = upnp is None or upnp[0] == "yes"
    natpmp_on = natpmp is not None and (natpmp[0] == "yes" or _atoi(natpmp[0]) != 0)
    secure_on = secure is not None and secure[0] == "yes"
    for key, current, default, on in (("enable_upnp", upnp, "yes", upnp_on),
                                      ("enable_natpmp", natpmp, "no", natpmp_on),
                                      ("secure_mode", secure, "no", secure_on)):
        if current is None:
            facts.append(Setting(origin=file_origin, product=PRODUCT, section="options", key=key,
                                 value=on, raw=default, explicit=False,
                                 detail=f"`{key}` is absent and miniupnpd's default is {default}"))
    if not (upnp_on or natpmp_on):
        return facts

    deny_all = next((r for r in rules if _is_deny_all(r)), None)
    restricted = secure_on and deny_all is not None
    ext_if = _last(options, "ext_ifname")
    mechanisms = [m for m, on in (("upnp", upnp_on), ("natpmp", natpmp_on)) if on]
    for mechanism in mechanisms:
        if mechanism == "upnp":
            origin = upnp[1] if upnp else (ext_if[1] if ext_if else file_origin)
            what = "UPnP IGD is on" + (f" (`enable_upnp={upnp[0]}`)" if upnp else " (`enable_upnp` is absent; the default is yes)")
        else:
            origin = natpmp[1]
            what = f"NAT-PMP/PCP is on (`{'enable_natpmp' if _last(options, 'enable_natpmp') else 'enable_pcp_pmp'}={natpmp[0]}`)"
        if restricted:
            detail = (f"miniupnpd: {what}, but `secure_mode=yes` and the final `{deny_all.text}` limit "
                      f"clients to mappings for their own address")
        else:
            missing = []
            if not secure_on:
                if secure is None:
                    missing.append("`secure_mode` is absent (off in miniupnpd 2.3.1)")
                elif "#" in secure[0] and secure[0].split("#", 1)[0].strip() == "yes":
                    missing.append(f"`secure_mode={secure[0]}` is not `yes`: miniupnpd keeps the `# ...` after a value "
                                   f"as part of it, so secure mode is off")
                else:
                    missing.append(f"`secure_mode={secure[0]}`")
            if deny_all is None:
                missing.append("no permission rule ends with `deny 0-65535 0.0.0.0/0 0-65535` "
                               "(miniupnpd accepts requests no rule matches)")
            reach = ("any device on the LAN can ask the router to forward any public port to itself" if secure_on
                     else "any device on the LAN can ask the router to forward a public port to any internal address")
            detail = f"miniupnpd: {what} and {reach}: " + "; ".join(missing)
        facts.append(Publication(origin=origin, product=PRODUCT, mechanism=mechanism,
                                 provider=ext_if[0] if ext_if else "", restricted=restricted, detail=detail))

    # Permission rules that let clients map NAS/PACS ports.
    for rule in rules:
        if rule.action != "allow":
            continue
        ports = _reported_ports(rule)
        if not ports:
            continue
        names = ", ".join(f"{p} ({SENSITIVE_PORTS[p]})" for p in ports[:8]) + (", ..." if len(ports) > 8 else "")
        facts.append(Setting(
            origin=rule.origin, product=PRODUCT, section="permissions", key="allow-sensitive-ports",
            value=", ".join(str(p) for p in ports), raw=rule.text, explicit=True,
            detail=f"permission rule `{rule.text}` lets UPnP/NAT-PMP clients forward public ports to "
                   f"{rule.network} that include {names}"))

    # The WAN interface (or a public address) among the listening addresses.
    wan = {ext_if[0]} if ext_if else set()
    ext6 = _last(options, "ext_ifname6")
    if ext6:
        wan.add(ext6[0])
    # `listening_ip=ADDR[/MASK]|IFNAME [...]`: the first word is where miniupnpd listens; further words
    # are either more interfaces of the same bridge or, with MULTIPLE_EXTERNAL_IP, the public
    # address mappings of that subnet get (upstream `listening_ip=192.168.0.1/24 88.22.44.13`), so
    # a public address counts only in first place.
    for value, origin in options.get("listening_ip", []):
        for index, item in enumerate(value.split()):
            address = item.split("/")[0]
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                ip = None
            if ip is None and item in wan:
                why = f"`listening_ip={value}` includes the WAN interface `ext_ifname={item}`"
            elif ip is not None and index == 0 and not (ip.is_private or ip.is_loopback or ip.is_link_local):
                why = f"`listening_ip={value}` includes the public address {address}"
            else:
                continue
            facts.append(Listener(
                origin=origin, product=PRODUCT, service="upnp", port=None, protocol="udp",
                address=item, exposure="all", via="config", tls=False, auth="none",
                detail=f"{why}: miniupnpd answers UPnP/NAT-PMP mapping requests from the internet"))
            break
    return facts
