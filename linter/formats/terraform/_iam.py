"""Public members in IAM bindings (Google Cloud's `allUsers` / `allAuthenticatedUsers`).

The provider's IAM resources come in three shapes for every resource kind: `_iam_member` (one
member), `_iam_binding` (one role, a member list) and `_iam_policy` (a whole policy, usually
`data.google_iam_policy.x.policy_data`). All three reduce to (role, member, origin) triples.
"""
from __future__ import annotations

from typing import Iterator

from linter.cloud import PUBLIC_MEMBERS
from linter.formats.terraform import _values as values
from linter.formats.terraform._context import MapContext
from linter.formats.terraform.model import Resource
from linter.model import Origin

# Roles whose holders can change or add data (DICOM stores, datasets, buckets).
_WRITE_WORDS = ("editor", "admin", "owner", "writer", "creator", "dicomstoreadmin")


def is_write_role(role: str) -> bool:
    low = role.lower()
    return any(word in low for word in _WRITE_WORDS)


def public_grants(resource: Resource, ctx: MapContext) -> Iterator[tuple[str, str, Origin]]:
    """(role, member, origin) for every public member the resource grants."""
    body = resource.body
    role = values.text(body.get("role")) or ""
    for attr in ("member", "members"):
        for member in values.strings(body.get(attr)):
            if member.strip().lower() in PUBLIC_MEMBERS:
                yield role, member.strip(), body.origin_of(attr)
    if not values.present(body, "policy_data"):
        return
    document = values.json_document(body.get("policy_data"))
    if isinstance(document, dict):
        for binding in document.get("bindings", []) or []:
            if isinstance(binding, dict):
                for member in binding.get("members", []) or []:
                    if str(member).strip().lower() in PUBLIC_MEMBERS:
                        yield str(binding.get("role", "")), str(member), body.origin_of("policy_data")
        return
    for source in ctx.data_sources(resource, body.get("policy_data"), "google_iam_policy"):
        for binding in source.body.children("binding"):
            for member in values.strings(binding.get("members")):
                if member.strip().lower() in PUBLIC_MEMBERS:
                    # the member is written in the data source: point there
                    yield values.text(binding.get("role")) or "", member.strip(), binding.origin_of("members")

