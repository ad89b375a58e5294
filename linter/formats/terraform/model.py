"""The Terraform document model that both parser back ends produce and the evaluator resolves.

This is the contract between the three parts of the Terraform reader:
- a parser back end (tree-sitter or python-hcl2) turns one `.tf` / `.tf.json` file into `Body`s
  of raw expressions with positions;
- the evaluator (`evaluate.py`) resolves variables, locals, functions, `count` / `for_each`,
  `dynamic` blocks and local modules into `Resource` instances whose attribute values are plain
  Python values (str, int, float, bool, None, list, dict), `Unknown`, or `Ref`;
- the cloud mappers (`aws.py`, `gcp.py`, `azure.py`) turn resources into the format-independent
  facts of `linter.facts`, with the origin of the attribute that makes each fact true.

Values are never guessed: what the files do not decide is `Unknown`, and a rule never treats
an unknown CIDR as "anywhere".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from linter.model import Origin


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value the files do not decide: an input without default or tfvars, a data source, a
    function we do not evaluate, a cyclic local. `reason` says which, for messages and debugging."""

    reason: str = ""

    def __bool__(self) -> bool:  # an unknown is never "truthy enough" to make a finding
        return False


@dataclass(frozen=True, slots=True)
class Ref(Unknown):
    """A reference to another resource's attribute, known only after apply
    (`aws_security_group.pacs.id`). `address` is the referenced resource's address in the module
    that holds the reference (`aws_security_group.pacs`, `module.net.aws_security_group.pacs`),
    so mappers can follow a security group to the instances that use it.

    The address is always the full one from the root module, with the instance key when the
    reference names one (`aws_instance.node[0]`, `module.net["a"].aws_security_group.pacs`), so it
    matches `Resource.address` and `Evaluated.by_address`. `attribute` may be a path
    (`tags.Name`), or "" for a reference to the whole resource."""

    address: str = ""
    attribute: str = ""


def is_known(value: Any) -> bool:
    return not isinstance(value, Unknown)


@dataclass(slots=True)
class Attribute:
    name: str
    value: Any  # resolved: python value, Unknown or Ref (lists and dicts may contain unknowns)
    origin: Origin  # the attribute's own line and column: findings point here


@dataclass(slots=True)
class Block:
    """A block with resolved attributes: a resource body, or a nested block (`ingress`,
    `security_rule`, `allow`, `listener`...). Blocks produced by `dynamic "x" { content {...} }`
    appear as ordinary `x` blocks, one per iteration, with origins inside the `content` block."""

    type: str
    labels: tuple[str, ...]
    origin: Origin
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list["Block"] = field(default_factory=list)

    def get(self, name: str, default: Any = None) -> Any:
        attr = self.attributes.get(name)
        return default if attr is None else attr.value

    def has(self, name: str) -> bool:
        return name in self.attributes

    def origin_of(self, name: str) -> Origin:
        """The attribute's origin, or the block's when the attribute is absent (a default)."""
        attr = self.attributes.get(name)
        return attr.origin if attr is not None else self.origin

    def children(self, type_: str) -> list["Block"]:
        return [b for b in self.blocks if b.type == type_]

    def walk(self) -> Iterator["Block"]:
        yield self
        for child in self.blocks:
            yield from child.walk()


@dataclass(slots=True)
class Resource:
    """One resource instance after `count` / `for_each` expansion.

    `address` is Terraform's own (`module.pacs.aws_security_group.dicom["a"]`); `body` holds its
    resolved attributes and nested blocks; `mode` is "managed" or "data"; `from_plan` is True when
    the values come from `terraform show -json` (fully resolved) and the origin was mapped back to
    the `.tf` block of the scanned tree (or to the plan file when no such block exists).

    Plan values carry no schema: a list of objects (`ingress`, `security_rule`, `allow`, ...)
    becomes nested blocks, as it is written in `.tf` files; maps (`tags`) stay attributes;
    attributes the plan marks as known only after apply are `Unknown`."""

    type: str
    name: str
    address: str
    body: Block
    module: str = ""  # "" for the root module, "module.pacs" for a child
    mode: str = "managed"
    from_plan: bool = False

    @property
    def origin(self) -> Origin:
        return self.body.origin

    def get(self, name: str, default: Any = None) -> Any:
        return self.body.get(name, default)


@dataclass(slots=True)
class Evaluated:
    """Everything one root module (a folder of `.tf` files, with its local child modules) or one
    plan file resolves to. Mappers receive this whole, because some facts need several resources
    (a security-group rule and its group; an instance and the groups it is attached to)."""

    resources: list[Resource] = field(default_factory=list)

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    def by_address(self, address: str) -> Resource | None:
        for resource in self.resources:
            if resource.address == address or resource.address.split("[", 1)[0] == address:
                return resource
        return None
