"""One way to turn an inbound allow rule of any cloud into an `Ingress` fact.

AWS, Google Cloud and Azure spell protocols, port ranges and "anywhere" differently; each mapper
normalises its own spelling to (protocol, first port, last port, sources) and calls `ingress()`,
so the message a user reads has the same shape whichever cloud the rule came from.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace

from linter.facts import Ingress
from linter.knowledge import PORT_SERVICE, SENSITIVE_PORTS, range_has_sensitive_port
from linter.model import Origin
from linter.predicates import is_public_source

ALL_PORTS = (0, 65535)

# Protocol names and IANA numbers as AWS (`-1`, `6`), Google (`all`, `tcp`) and Azure (`*`,
# `Tcp`) write them. Protocols without ports (icmp, esp, ah, gre) are not port exposures.
_PROTOCOLS = {
    "-1": "all", "all": "all", "*": "all", "any": "all",
    "tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp",
}

# When a range holds several sensitive ports, name the one whose exposure matters most.
_SERVICE_ORDER = ("dicom", "smb", "nfs", "ftp", "afp")


def protocol(value: str | None) -> str | None:
    """tcp, udp or all; None for protocols that carry no ports, and for unknown values."""
    if value is None:
        return None
    return _PROTOCOLS.get(value.strip().lower())


def service_of(port_from: int, port_to: int) -> str:
    ports = range_has_sensitive_port(port_from, port_to)
    services = [PORT_SERVICE.get(p, "other") for p in ports]
    for preferred in _SERVICE_ORDER:
        if preferred in services:
            return preferred
    return services[0] if services else "other"


def describe_ports(proto: str, port_from: int, port_to: int) -> str:
    if proto == "all":
        return "every port and protocol"
    if (port_from, port_to) in ((0, 65535), (1, 65535)):
        return f"every {proto} port"
    if port_from == port_to:
        return f"{proto} port {port_from}"
    return f"{proto} ports {port_from}-{port_to}"


def describe_sensitive(port_from: int, port_to: int) -> str:
    ports = range_has_sensitive_port(port_from, port_to)
    if not ports or (port_from, port_to) in ((0, 65535), (1, 65535)):
        return ""
    shown = ", ".join(f"{p} ({SENSITIVE_PORTS[p]})" for p in ports[:6])
    more = f" and {len(ports) - 6} more" if len(ports) > 6 else ""
    return f", which includes {shown}{more}" if port_from != port_to else f" ({SENSITIVE_PORTS[port_from]})"


@dataclass(frozen=True, slots=True)
class Rule:
    """One inbound allow rule, already normalised: what a mapper knows about it."""

    where: str  # "`aws_security_group.pacs` ingress rule", for messages
    proto: str  # tcp, udp, all
    port_from: int
    port_to: int
    sources: tuple[str, ...]
    origin: Origin
    product: str
    # Azure's protocol "*" means "every protocol on the rule's ports", not every port: the ports
    # still apply. AWS's "-1" ignores the ports.
    ports_apply: bool = False


def ingress(rule: Rule) -> Ingress:
    proto = rule.proto
    if proto == "all" and rule.ports_apply and (rule.port_from, rule.port_to) != ALL_PORTS:
        proto = "tcp"  # the port-carrying protocols on those ports; tcp is what the services use
        shown_ports = describe_ports("tcp", rule.port_from, rule.port_to).replace("tcp ", "every protocol on ", 1)
    else:
        shown_ports = ""
    port_from, port_to = (ALL_PORTS if proto == "all" else (rule.port_from, rule.port_to))
    public = [s for s in rule.sources if is_public_source(s)]
    shown = ", ".join(public or rule.sources) or "unknown sources"
    detail = (f"{rule.where} admits {shown} to "
              f"{shown_ports or describe_ports(proto, port_from, port_to)}{describe_sensitive(port_from, port_to)}")
    return Ingress(origin=rule.origin, product=rule.product, detail=detail, protocol=proto,
                   port_from=port_from, port_to=port_to, sources=rule.sources,
                   service=service_of(port_from, port_to))


def parse_port_range(value: str) -> tuple[int, int] | None:
    """`22`, `1000-2000`, `*` (every port) as Google and Azure write them; None if unreadable."""
    text = value.strip()
    if text in ("*", "any", "Any"):
        return ALL_PORTS
    low, sep, high = text.partition("-")
    try:
        first = int(low)
        last = int(high) if sep else first
    except ValueError:
        return None
    return (first, last) if 0 <= first <= last <= 65535 else None


def exposed(fact: Ingress) -> bool:
    """From anywhere, to a sensitive port or to every port: what the exposed-port rules report."""
    if not any(is_public_source(s) for s in fact.sources):
        return False
    return fact.protocol == "all" or bool(range_has_sensitive_port(fact.port_from, fact.port_to))


_INSTANCE_KEY = re.compile(r"\[[^\]]*\]`")


def merge_details(facts: list) -> list:
    """Facts written on one line (a port list, a `count` or `dynamic` expansion) become one finding
    per rule there; give each the whole line's story, so the finding that remains names every
    port the line opens."""
    groups: dict[tuple, list[Ingress]] = defaultdict(list)
    for fact in facts:
        if isinstance(fact, Ingress):
            groups[(fact.origin, fact.product)].append(fact)
    merged: dict[int, Ingress] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        sources = list(dict.fromkeys(s for f in group for s in f.sources))
        public = [s for s in sources if is_public_source(s)]
        # name only the ports open to the sources named: a restricted instance on the same line
        # (a `count` over rules with different CIDRs) must not read as open to the world
        named = [f for f in group if not public or any(is_public_source(s) for s in f.sources)]
        where = _INSTANCE_KEY.sub("`", named[0].detail.partition(" admits ")[0])
        parts = list(dict.fromkeys(f.detail.partition(" admits ")[2].partition(" to ")[2] for f in named))
        detail = f"{where} admits {', '.join(public or sources)} to {'; '.join(parts)}"
        for fact in group:
            merged[id(fact)] = replace(fact, detail=detail)
    return [merged.get(id(f), f) for f in facts]
