"""What the cloud mappers share while they map one evaluated module tree.

Some facts need two resources: a security group rule and the instance the group is attached to,
a container and the storage account that decides whether it may be public. The mappers record
the inbound rules they find per security group here, and look other resources up through it.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from linter.facts import Ingress
from linter.formats.terraform import _values as values
from linter.formats.terraform.model import Evaluated, Ref, Resource, Unknown


_INSTANCE_KEY = re.compile(r"\[[^\]]*\]$")


@dataclass
class MapContext:
    evaluated: Evaluated
    read_ctx: Any = None  # the scan's ReadContext: the scanned files' text, for heredoc policies
    # security group address -> the inbound rules that apply to it (inline or separate resources)
    group_ingress: dict[str, list[Ingress]] = field(default_factory=lambda: defaultdict(list))
    # address (and address without its `count` / `for_each` key) -> resource: references are
    # looked up once per attribute, so a linear search would make big modules quadratic
    by_address: dict[str, Resource] = field(default_factory=dict)
    _reverse: dict[tuple, dict[int, list[Resource]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for resource in self.evaluated.resources:
            self.by_address.setdefault(resource.address, resource)
            self.by_address.setdefault(_INSTANCE_KEY.sub("", resource.address), resource)

    def resolve(self, holder: Resource, ref: Ref) -> Resource | None:
        """The resource a reference names, looked up in the module that holds the reference first."""
        if not ref.address:
            return None
        if holder.module:
            found = self.by_address.get(f"{holder.module}.{ref.address}")
            if found is not None:
                return found
        return self.by_address.get(ref.address)

    def referenced(self, holder: Resource, value, *types: str) -> list[Resource]:
        """The resources of the given types that a value references (ids, names, arns)."""
        found = []
        for ref in values.refs(value):
            target = self.resolve(holder, ref)
            if target is not None and (not types or target.type in types) and target not in found:
                found.append(target)
        return found

    def data_sources(self, holder: Resource, value, type_: str) -> list[Resource]:
        """The `type_` data sources a value comes from. A reference the evaluator resolves names
        its data source; one it leaves as a bare "data source" unknown is taken to be the
        holder module's only data source of that type (with several, nothing is assumed)."""
        found = self.referenced(holder, value, type_)
        if found or not isinstance(value, Unknown) or isinstance(value, Ref) or value.reason != "data source":
            return found
        candidates = [r for r in self.evaluated.resources
                      if r.mode == "data" and r.type == type_ and r.module == holder.module]
        return candidates if len(candidates) == 1 else []

    def group_key(self, resource: Resource) -> str:
        return resource.address

    def add_group_ingress(self, group: Resource, fact: Ingress) -> None:
        self.group_ingress[self.group_key(group)].append(fact)

    def ingress_of(self, group: Resource) -> list[Ingress]:
        return self.group_ingress.get(self.group_key(group), [])

    def referencing(self, target: Resource, attribute: str, *types: str) -> list[Resource]:
        """Resources of the given types whose `attribute` references `target` (indexed once per
        attribute and types, so a module of thousands of rules stays linear)."""
        key = (attribute, types)
        index = self._reverse.get(key)
        if index is None:
            index = defaultdict(list)
            for resource in self.evaluated.of_type(*types):
                for found in self.referenced(resource, resource.get(attribute)):
                    index[id(found)].append(resource)
            self._reverse[key] = index
        return index.get(id(target), [])
