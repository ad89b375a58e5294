"""Named, tested predicates for what a rule's YAML cannot say by itself.

A rule calls them by name (`predicate: sensitive_port`); user rule files can call them too, but
cannot add code. Each takes a fact and returns a bool.
"""
from __future__ import annotations

import ipaddress
from typing import Callable

from linter.facts import Fact
from linter.knowledge import ADMIN_USER_NAMES, WEAK_TLS_VERSIONS, is_ddns_hostname, range_has_sensitive_port

PREDICATES: dict[str, Callable[[Fact], bool]] = {}


def predicate(func: Callable[[Fact], bool]) -> Callable[[Fact], bool]:
    PREDICATES[func.__name__] = func
    return func


_ANYWHERE_WORDS = frozenset({"any", "*", "all", "internet", "0.0.0.0", "::", "anywhere", "world"})


def is_public_source(source: str) -> bool:
    """True for a source that means 'anyone on the internet': 0.0.0.0/0, ::/0, *, Internet, any,
    or a network broad enough to include public addresses (a /0 to /7 prefix)."""
    text = source.strip().strip("'\"").lower()
    if text in _ANYWHERE_WORDS or text == "/0":  # "/0": a prefix of length 0 is every address
        return True
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return network.prefixlen <= 7 and not network.is_private


def _sensitive_ports_of(fact: Fact) -> list[int]:
    """The catalogue's sensitive ports inside the fact's port or port range."""
    start = fact.get("port_from")
    if start is None:
        start = fact.get("port")
    end = fact.get("port_to")
    if start is None:
        return []
    return range_has_sensitive_port(start, end if end is not None else start)


@predicate
def sensitive_port(fact: Fact) -> bool:
    """The fact's port or port range contains a port from the catalogue's list (section 2)."""
    return bool(_sensitive_ports_of(fact))


HTTPS_PORTS = frozenset({443, 8443})


@predicate
def only_https_ports(fact: Fact) -> bool:
    """Every sensitive port of the fact's range is an HTTPS port (443, 8443): a TLS front end
    that is meant to be reached, unlike 80, 22 or a DICOM port in the same range."""
    ports = _sensitive_ports_of(fact)
    return bool(ports) and all(p in HTTPS_PORTS for p in ports)


@predicate
def from_anywhere(fact: Fact) -> bool:
    sources = fact.get("sources") or ()
    return any(is_public_source(s) for s in sources)


@predicate
def weak_tls_version(fact: Fact) -> bool:
    return any(v in WEAK_TLS_VERSIONS for v in (fact.get("versions") or ()))


@predicate
def ddns_hostname(fact: Fact) -> bool:
    return any(is_ddns_hostname(h) for h in (fact.get("hostnames") or ()))


@predicate
def well_known_admin_user(fact: Fact) -> bool:
    """The fact's user is a built-in or generic administrator name (admin, root, sa, postgres...)."""
    user = fact.get("user")
    return isinstance(user, str) and user.strip().lower() in ADMIN_USER_NAMES
