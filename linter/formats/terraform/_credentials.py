"""Administrator logins that Terraform code sets on databases and virtual machines.

A password written in the code (or as a variable's default) ends up in the plan output and the
state file; a reference to a secret manager or a generated password does not. The evaluator
resolves a variable to its default, so `var.db_password` with `default = "changeme"` arrives
here as the literal "changeme", and one without a default arrives as `Unknown`.
"""
from __future__ import annotations

from linter.facts import Credential
from linter.formats.terraform import _values as values
from linter.formats.terraform.model import Block, Resource, is_known
from linter.knowledge import classify_secret

_WHY = {
    "blank": "an empty password",
    "default": "a product's default password",
    "well-known": "a password on the common-password list (or equal to the user name)",
    "literal": "a password written in the code, which Terraform also stores in plan output and state",
}


def admin_login(resource: Resource, *, user_attr: str | None, secret_attr: str, service: str,
                product: str, what: str = "database administrator", block: Block | None = None,
                default_user: str | None = None, empty_rejected: bool = True) -> Credential | None:
    """The administrator credential of `resource` (or of one of its nested blocks), or None when
    the code sets neither a user nor a password.

    `empty_rejected`: the cloud refuses an empty password here (RDS wants 8 characters, Azure a
    complex one), so `""` (typically a variable's placeholder default) is a value the deployment
    must replace, not a blank password that can be deployed."""
    body = block or resource.body
    user = values.text(body.get(user_attr)) if user_attr else None
    user = user or default_user
    has_secret = values.present(body, secret_attr)
    raw = body.get(secret_attr)
    if not has_secret and user is None:
        return None
    secret = values.text(raw) if has_secret and is_known(raw) else None
    if secret is not None and secret.strip() == "" and empty_rejected:
        secret = None
    strength = classify_secret(user, secret) if secret is not None else "reference"
    who = f"{what} `{user}`" if user else what
    if strength == "reference":
        detail = (f"`{resource.address}` creates the {who}; its password comes from a reference"
                  if has_secret else f"`{resource.address}` creates the {who}")
        origin = body.origin_of(user_attr) if user_attr and values.present(body, user_attr) else body.origin
    else:
        detail = f"`{resource.address}` gives the {who} {_WHY[strength]} (`{secret_attr}`)"
        origin = body.origin_of(secret_attr)
    return Credential(origin=origin, product=product, detail=detail, service=service, user=user,
                      secret=secret if strength != "reference" else None, strength=strength,
                      secrets=(secret,) if secret else (), admin=True)
