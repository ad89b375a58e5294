"""Evaluated Terraform resources -> format-independent facts.

The entry point `facts_for` dispatches each managed resource to its cloud's mapper by type.
Network controls (security groups, their rule resources, ACLs, firewalls, NSGs) are mapped first,
so the mappers that relate a workload to its security groups see every rule. What each resource
becomes is listed in docs/cloud-facts.md.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from linter.facts import Fact
from linter.formats.terraform import aws, azure, gcp
from linter.formats.terraform._context import MapContext
from linter.formats.terraform._ingress import merge_details
from linter.formats.terraform.model import Evaluated, Resource

Mapper = Callable[[Resource, MapContext], Iterable[Fact]]

NETWORK_MAPPERS: dict[str, Mapper] = {**aws.NETWORK_MAPPERS, **gcp.NETWORK_MAPPERS, **azure.NETWORK_MAPPERS}
MAPPERS: dict[str, Mapper] = {**aws.MAPPERS, **gcp.MAPPERS, **azure.MAPPERS}


def mapped_types() -> frozenset[str]:
    """Every resource type that can become a fact (for documentation and quick skipping)."""
    return frozenset(NETWORK_MAPPERS) | frozenset(MAPPERS)


def facts_for(evaluated: Evaluated, ctx: Any = None) -> list[Fact]:
    """The facts of one evaluated root module (with its local modules) or plan.
    `ctx` is the scan's ReadContext (None in unit tests): heredoc policies are read from its files."""
    context = MapContext(evaluated, ctx)
    facts: list[Fact] = []
    for table in (NETWORK_MAPPERS, MAPPERS):
        for resource in evaluated.resources:
            mapper = table.get(resource.type)
            if mapper is not None and resource.mode == "managed":
                facts.extend(mapper(resource, context))
    return merge_details(facts)
