"""What the cloud mappers share while they map one evaluated module tree.

Some facts need two resources: a security group rule and the instance the group is attached to,
a container and the storage account that decides whether it may be public. The mappers record
the inbound rules they find per security group here, and look other resources up through it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from linter.facts import Ingress
from linter.formats.terraform import _values as values
from linter.formats.terraform.model import Evaluated, Ref, Resource


@dataclass
class MapContext:
    evaluated: Evaluated
    # security group address -> the inbound rules that apply to it (inline or separate resources)
    group_ingress: dict[str, list[Ingress]] = field(default_factory=lambda: defaultdict(list))

    def resolve(self, holder: Resource, ref: Ref) -> Resource | None:
        return values.resolve(self.evaluated, holder, ref)

    def referenced(self, holder: Resource, value, *types: str) -> list[Resource]:
        """The resources of the given types that a value references (ids, names, arns)."""
        found = []
        for ref in values.refs(value):
            target = self.resolve(holder, ref)
            if target is not None and (not types or target.type in types) and target not in found:
                found.append(target)
        return found

    def group_key(self, resource: Resource) -> str:
        return resource.address

    def add_group_ingress(self, group: Resource, fact: Ingress) -> None:
        self.group_ingress[self.group_key(group)].append(fact)

    def ingress_of(self, group: Resource) -> list[Ingress]:
        return self.group_ingress.get(self.group_key(group), [])

    def referencing(self, target: Resource, attribute: str, *types: str) -> list[Resource]:
        """Resources of the given types whose `attribute` references `target`."""
        found = []
        for resource in self.evaluated.of_type(*types):
            for ref in values.refs(resource.get(attribute)):
                if self.resolve(resource, ref) is target:
                    found.append(resource)
                    break
        return found
