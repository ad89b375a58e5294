"""DNS records (Route 53, Cloud DNS, Azure DNS) whose target is a dynamic-DNS name."""
from __future__ import annotations

from typing import Iterator

from linter.facts import Publication
from linter.knowledge import is_ddns_hostname
from linter.model import Origin


def ddns_targets(address: str, name: str, targets: list[tuple[str, Origin]], product: str) -> Iterator[Publication]:
    """One Publication for the first target under a dynamic-DNS provider's domain."""
    for target, origin in targets:
        host = target.strip().strip(".")
        if is_ddns_hostname(host):
            yield Publication(origin=origin, product=product, mechanism="dns-record", provider=host.lower(),
                              hostnames=(host,),
                              detail=(f"`{address}` points `{name}` at `{target}`, a dynamic-DNS name: the "
                                      "record publishes a device on a changing home or office line"))
            return
