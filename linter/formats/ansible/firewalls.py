"""Host firewall modules to `Ingress` facts: community.general.ufw, ansible.posix.firewalld,
ansible.builtin.iptables (catalogue 3.23).

Only rules that admit traffic are facts; a source the files cannot tell (a variable without a
value, an interface whose network is unknown) is no fact at all: unknown is not a finding.
- ufw: `rule: allow` or `limit`, `direction` in (default), `from_ip` (aliases `from`, `src`)
  defaults to `any`; `to_port` (alias `port`), `proto` (default any), `name` (an application
  profile such as `Samba`); no port and no profile means every port.
- firewalld: `state: enabled`, `port: 104/tcp` or `service: samba`, `rich_rule`; the zone
  defaults to the default zone (`public`); `public`, `external` and `dmz` face untrusted networks.
  A rich rule with `source address=` admits only that source.
- iptables: `chain: INPUT`, `jump: ACCEPT`; `source` absent is anywhere; `destination_port` or
  `destination_ports`; no port is every port of the protocol (`protocol` absent: all).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from linter.facts import Fact, Ingress
from linter.formats.ansible.frame import describe
from linter.formats.ansible.modules import emit, flag_of, mapper, text_of
from linter.knowledge import port_service, range_has_sensitive_port

if TYPE_CHECKING:
    from linter.formats.ansible.evaluate import Task

# ufw application profiles shipped by Debian/Ubuntu packages: name -> (protocol, from, to).
UFW_APPS: dict[str, list[tuple[str, int, int]]] = {
    "samba": [("tcp", 445, 445), ("tcp", 139, 139), ("udp", 137, 138)],
    "openssh": [("tcp", 22, 22)], "apache": [("tcp", 80, 80)], "apache secure": [("tcp", 443, 443)],
    "apache full": [("tcp", 80, 80), ("tcp", 443, 443)], "nginx http": [("tcp", 80, 80)],
    "nginx https": [("tcp", 443, 443)], "nginx full": [("tcp", 80, 80), ("tcp", 443, 443)],
    "cups": [("tcp", 631, 631)], "postgresql": [("tcp", 5432, 5432)], "mysql": [("tcp", 3306, 3306)],
}

# firewalld service definitions (/usr/lib/firewalld/services/*.xml, firewalld 1.x).
FIREWALLD_SERVICES: dict[str, list[tuple[str, int, int]]] = {
    "samba": [("tcp", 445, 445), ("tcp", 139, 139), ("udp", 137, 138)],
    "samba-client": [("udp", 137, 138)], "ftp": [("tcp", 21, 21)], "nfs": [("tcp", 2049, 2049)],
    "nfs3": [("tcp", 2049, 2049), ("udp", 2049, 2049)], "mountd": [("tcp", 20048, 20048), ("udp", 20048, 20048)],
    "rpc-bind": [("tcp", 111, 111), ("udp", 111, 111)], "http": [("tcp", 80, 80)], "https": [("tcp", 443, 443)],
    "ssh": [("tcp", 22, 22)], "telnet": [("tcp", 23, 23)], "postgresql": [("tcp", 5432, 5432)],
    "mysql": [("tcp", 3306, 3306)], "rdp": [("tcp", 3389, 3389)], "vnc-server": [("tcp", 5900, 5903)],
    "iscsi-target": [("tcp", 3260, 3260)], "rsyncd": [("tcp", 873, 873)], "ldap": [("tcp", 389, 389)],
    "ldaps": [("tcp", 636, 636)], "dicom": [("tcp", 104, 104)], "afp": [("tcp", 548, 548)],
    "http-alt": [("tcp", 8080, 8080)], "wbem-https": [("tcp", 5989, 5989)],
}
EXPOSED_ZONES = frozenset({"public", "external", "dmz"})
_ANY = ("any",)


def _ports(text: str) -> list[tuple[int, int]] | None:
    """`445`, `137:139`, `8000-8100`, `80,443`; None when a part is not a number (a name)."""
    found: list[tuple[int, int]] = []
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        pieces = re.split(r"[:-]", part, maxsplit=1)
        low, high = pieces[0], pieces[-1]
        if not (low.isdigit() and high.isdigit()):
            return None
        found.append((int(low), int(high)))
    return found or None


def _service(port_from: int, port_to: int) -> str:
    sensitive = range_has_sensitive_port(port_from, port_to)
    return port_service(sensitive[0] if sensitive else port_from)


def _ingress(task: "Task", arg: str | None, protocol: str, low: int, high: int, sources: tuple[str, ...],
             what: str, out: list[Fact], product: str) -> None:
    ports = "every port" if (low, high) == (0, 65535) else (f"port {low}" if low == high else f"ports {low}-{high}")
    proto = "" if protocol == "all" else f"/{protocol}"
    who = "every address" if sources == _ANY else ", ".join(sources)
    detail = f"`{task.spec.fqcn}` {what} opens {ports}{proto} to {who}{describe(task.vars_of(arg))}"
    emit(out, task, Ingress(origin=task.origin(arg), product=product, protocol=protocol, port_from=low,
                            port_to=high, sources=sources, service=_service(low, high), detail=detail))


def _source(value: object, default_any: bool) -> tuple[str, ...] | None:
    if value is None:
        return _ANY if default_any else None
    text = text_of(value)
    if text is None or text.startswith("!"):
        return None
    return tuple(s.strip() for s in text.split(",") if s.strip()) or None


@mapper("ufw")
def ufw(task: "Task", out: list[Fact]) -> None:
    rule = (text_of(task.args.get("rule")) or "").lower()
    if rule not in ("allow", "limit") or flag_of(task.args.get("delete")) is True:
        return
    direction = (text_of(task.args.get("direction")) or "in").lower()
    if direction not in ("in", "incoming") or task.args.get("interface") is not None or task.args.get("interface_in") is not None:
        return  # outgoing, routed, or bound to an interface whose network the files do not tell
    src_arg, src_value = task.first("from_ip", "from", "src")
    sources = _source(src_value, default_any=True)
    if sources is None:
        return
    what = f"`rule: {rule}` from `{src_value}`" if src_arg else f"`rule: {rule}` (no `from_ip`: any address)"
    app_arg, app = task.first("name", "app")
    port_arg, port = task.first("to_port", "port")
    proto = (text_of(task.args.get("proto")) or "any").lower()
    if app is not None:
        profile = UFW_APPS.get((text_of(app) or "").lower())
        for protocol, low, high in profile or []:
            _ingress(task, app_arg, protocol, low, high, sources, what + f" for the `{app}` profile", out, "ufw")
        return
    if port is None:
        _ingress(task, src_arg or "rule", "all" if proto == "any" else proto, 0, 65535, sources, what, out, "ufw")
        return
    ranges = _ports(text_of(port) or "")
    for low, high in ranges or []:
        _ingress(task, port_arg, "tcp" if proto in ("any", "ipv6") else proto, low, high, sources, what, out, "ufw")


def _parse_rich_rule(text: str) -> tuple[tuple[str, ...] | None, list[tuple[str, int, int]], str]:
    """(sources or None when `not address`, port specs, action) of a firewalld rich rule."""
    sources: tuple[str, ...] | None = _ANY
    source = re.search(r"source\s+(not\s+)?(address|ipset|mac)=\"?([^\"\s]+)", text)
    if source:
        sources = None if source.group(1) or source.group(2) != "address" else (source.group(3),)
    specs: list[tuple[str, int, int]] = []
    for name in re.findall(r"service\s+name=\"?([\w.-]+)", text):
        specs += FIREWALLD_SERVICES.get(name.lower(), [])
    for port, proto in re.findall(r"port\s+port=\"?([\d:-]+)\"?\s+protocol=\"?(\w+)", text):
        for low, high in _ports(port.replace(":", "-")) or []:
            specs.append((proto.lower(), low, high))
    action = "accept" if re.search(r"\baccept\b", text) else "other"
    return sources, specs, action


@mapper("firewalld")
def firewalld(task: "Task", out: list[Fact]) -> None:
    state = (text_of(task.args.get("state")) or "").lower()
    if state != "enabled":
        return
    zone_value = task.args.get("zone")
    zone = (text_of(zone_value) or "").lower() if zone_value is not None else "public"
    if zone not in EXPOSED_ZONES:
        return  # internal, home, trusted or a custom zone: bound to networks the files do not show
    where = f"in zone `{zone}`" if zone_value is not None else "in the default zone (`public`)"
    if task.args.get("source") is not None or task.args.get("interface") is not None:
        return  # binds a network or an interface to the zone; opens no port by itself
    rich = task.args.get("rich_rule")
    if rich is not None:
        text = text_of(rich)
        if text is None:
            return
        sources, specs, action = _parse_rich_rule(text)
        if sources is None or action != "accept":
            return
        for protocol, low, high in specs:
            _ingress(task, "rich_rule", protocol, low, high, sources, f"rich rule {where}", out, "firewalld")
        return
    port = task.args.get("port")
    if port is not None:
        text = text_of(port)
        if text is None:
            return
        number, _, proto = text.partition("/")
        for low, high in _ports(number.replace(":", "-")) or []:
            _ingress(task, "port", (proto or "tcp").lower(), low, high, _ANY, where, out, "firewalld")
    service = task.args.get("service")
    if service is not None:
        name = (text_of(service) or "").lower()
        for protocol, low, high in FIREWALLD_SERVICES.get(name, []):
            _ingress(task, "service", protocol, low, high, _ANY, f"`service: {name}` {where}", out, "firewalld")


@mapper("iptables")
def iptables(task: "Task", out: list[Fact]) -> None:
    chain = (text_of(task.args.get("chain")) or "").upper()
    jump = (text_of(task.args.get("jump")) or "").upper()
    if chain != "INPUT" or jump != "ACCEPT" or (text_of(task.args.get("state")) or "present") == "absent":
        return
    if task.args.get("in_interface") is not None:
        return  # loopback or a named interface: who reaches it is not in the files
    ctstate = task.args.get("ctstate")
    states = ctstate if isinstance(ctstate, list) else ([ctstate] if ctstate is not None else [])
    state_words = {str(s).upper() for s in states for s in str(s).split(",")}
    if state_words and "NEW" not in state_words:
        return  # replies to connections the host opened
    src_arg = "source" if task.args.get("source") is not None else None
    sources = _source(task.args.get("source"), default_any=True)
    if sources is None:
        return
    protocol = (text_of(task.args.get("protocol")) or "all").lower()
    if protocol not in ("tcp", "udp", "all"):
        return
    what = f"`jump: ACCEPT` on `chain: INPUT` from `{task.args['source']}`" if src_arg else "`jump: ACCEPT` on `chain: INPUT` (no `source`: any address)"
    port_arg, port = task.first("destination_port", "destination_ports")
    if port is None:
        _ingress(task, src_arg or "jump", protocol, 0, 65535, sources, what, out, "iptables")
        return
    values = port if isinstance(port, list) else [port]
    for value in values:
        for low, high in _ports(text_of(value) or "") or []:
            _ingress(task, port_arg, "tcp" if protocol == "all" else protocol, low, high, sources, what, out, "iptables")
