"""Accounts and database logins: ansible.builtin.user, community.mysql.mysql_user,
community.postgresql.postgresql_user and postgresql_pg_hba (catalogue 3.23).

`password` values: empty is blank (MySQL lets anyone in with no password; an empty crypt field
lets a local login in where PAM allows `nullok`), a literal is hard-coded (or well-known), a
crypt hash (`$6$...`) or a vaulted/unknown variable is a reference. PostgreSQL never accepts an
empty password, so an empty `postgresql_user` password is no finding. A pg_hba `trust` rule for
a network that includes the internet lets anyone log in as any listed user without a password.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from linter.facts import Credential, Fact
from linter.formats.ansible.frame import describe
from linter.formats.ansible.modules import emit, mapper, text_of
from linter.knowledge import classify_secret
from linter.predicates import is_public_source

if TYPE_CHECKING:
    from linter.formats.ansible.evaluate import Task

_CRYPT = re.compile(r"^\$(1|2[abxy]?|5|6|y|gy|7|argon2i?d?|sha1|md5)\$")
_WORDS = {"blank": "an empty password", "default": "a product's default password",
          "well-known": "a well-known password", "literal": "a hard-coded password"}


def _credential(task: "Task", out: list[Fact], arg: str, user: str | None, service: str, product: str,
                blank_ok: bool = True) -> None:
    value = task.args.get(arg)
    if value is None or isinstance(value, (list, dict)):
        return
    text = text_of(value)
    if text is None or _CRYPT.match(text):
        return  # vaulted, unknown, or a hash whose clear value the files do not hold
    strength = classify_secret(user, text)
    if strength == "reference" or (strength == "blank" and not blank_ok):
        return
    who = f"`{user}`" if user else "the account"
    detail = (f"`{task.spec.fqcn}` gives {who} {_WORDS[strength]} (`{arg}`)"
              f"{describe(task.vars_of(arg))}")
    emit(out, task, Credential(origin=task.origin(arg), product=product, service=service, user=user,
                               secret=text, strength=strength, secrets=(text,) if text.strip() else (),
                               detail=detail))


def _user(task: "Task", *names: str) -> str | None:
    _, value = task.first(*names)
    return text_of(value)


@mapper("user")
def user(task: "Task", out: list[Fact]) -> None:
    if (text_of(task.args.get("state")) or "present") == "absent":
        return
    _credential(task, out, "password", _user(task, "name", "user"), "ssh", "linux-user")


@mapper("mysql_user")
def mysql_user(task: "Task", out: list[Fact]) -> None:
    if (text_of(task.args.get("state")) or "present") == "absent":
        return
    if task.args.get("plugin") is None:
        _credential(task, out, "password", _user(task, "name", "user"), "mysql", "mysql")
    _credential(task, out, "login_password", _user(task, "login_user") or "root", "mysql", "mysql", blank_ok=False)


@mapper("postgresql_user")
def postgresql_user(task: "Task", out: list[Fact]) -> None:
    if (text_of(task.args.get("state")) or "present") == "absent":
        return
    _credential(task, out, "password", _user(task, "name", "user"), "postgres", "postgresql", blank_ok=False)
    _credential(task, out, "login_password", _user(task, "login_user") or "postgres", "postgres", "postgresql",
                blank_ok=False)


@mapper("postgresql_pg_hba")
def postgresql_pg_hba(task: "Task", out: list[Fact]) -> None:
    if (text_of(task.args.get("state")) or "present") == "absent":
        return
    method = (text_of(task.args.get("method")) or "md5").lower()
    contype = (text_of(task.args.get("contype")) or "host").lower()
    if method != "trust" or contype == "local":
        return
    arg, source = task.first("source", "src", "address")
    text = text_of(source)
    if text is None or not (is_public_source(text) or text.lower() == "all"):
        return
    users = text_of(task.args.get("users")) or "all"
    emit(out, task, Credential(
        origin=task.origin("method"), product="postgresql", service="postgres", user=users, secret="",
        strength="blank", detail=(f"`{task.spec.fqcn}` lets any host (`{arg}: {text}`) log in to PostgreSQL as "
                                  f"`{users}` without a password (`method: trust`){describe(task.vars_of(arg))}")))
