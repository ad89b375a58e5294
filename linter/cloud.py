"""Cloud vocabulary shared by every reader of cloud code (Terraform, Ansible's cloud modules).

What a cloud means by its names does not depend on the tool that writes them: which ELB
security policies still accept TLS 1.0, which S3 canned ACLs and policy principals admit
anyone, which Google members are the public, which port an RDS engine listens on. Readers
normalise their own spelling and ask here, so the same object gives the same facts.
"""
from __future__ import annotations

import re
from typing import Any

# ---------------------------------------------------------------- ELB security policies

# ELB security policies that still accept TLS 1.0 or 1.1 (AWS "Security policies for your
# Application Load Balancer" tables): the 2015/2016 defaults, the TLS-1-0/TLS-1-1 families and
# the forward-secrecy policies without "1-2" in their name.
_WEAK_ELB = re.compile(r"^ELBSecurityPolicy-(?:201[1-6]-\d\d|TLS-1-0|TLS-1-1|TLS13-1-[01]-|FS-2018-06|FS-1-1)", re.I)
_ELB_VERSIONS_1_1 = re.compile(r"TLS-1-1|TLS13-1-1|FS-1-1", re.I)


def elb_policy_versions(policy: str) -> tuple[str, ...]:
    """The protocol versions an ELB predefined policy accepts, or () when it is not a weak one
    (a TLS 1.2+ policy or a custom name we cannot read)."""
    if not _WEAK_ELB.match(policy):
        return ()
    if _ELB_VERSIONS_1_1.search(policy):
        return ("TLSv1.1", "TLSv1.2")
    return ("TLSv1.0", "TLSv1.1", "TLSv1.2")


def versions_from_minimum(version: str | None) -> tuple[str, ...]:
    """The versions a "minimum TLS version" setting of 1.0 or 1.1 accepts, up to TLS 1.2."""
    return ("TLSv1.0", "TLSv1.1", "TLSv1.2") if version == "TLSv1.0" else ("TLSv1.1", "TLSv1.2")


# ---------------------------------------------------------------- databases

ENGINE_PORTS = (("aurora-postgresql", 5432, "postgres"), ("postgres", 5432, "postgres"),
                ("aurora", 3306, "mysql"), ("mysql", 3306, "mysql"), ("mariadb", 3306, "mysql"),
                ("sqlserver", 1433, "mssql"), ("oracle", 1521, "other"), ("db2", 50000, "other"))


def engine_port(engine: str | None) -> tuple[int | None, str]:
    """(default port, service) of an RDS engine name (`postgres`, `aurora-mysql`, `sqlserver-se`)."""
    low = (engine or "").lower()
    for prefix, port, service in ENGINE_PORTS:
        if low.startswith(prefix):
            return port, service
    return None, "other"


# ---------------------------------------------------------------- S3

# Canned ACL -> (read, write) for everyone it admits.
PUBLIC_S3_ACLS = {"public-read": (True, False), "public-read-write": (True, True),
                  "authenticated-read": (True, False)}
S3_READ_ACTIONS = ("s3:getobject", "s3:listbucket", "s3:*", "*", "s3:get*", "s3:list*")
S3_WRITE_ACTIONS = ("s3:putobject", "s3:deleteobject", "s3:*", "*", "s3:put*", "s3:delete*")


def _anyone(principal: Any) -> bool:
    if principal == "*" or (isinstance(principal, list) and "*" in principal):
        return True
    if isinstance(principal, dict):
        return any(p == "*" or (isinstance(p, list) and "*" in p) for p in principal.values())
    return False


def public_statements(document: Any) -> list[dict]:
    """Allow statements for every principal without a condition that narrows who."""
    if not isinstance(document, dict):
        return []
    statements = document.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    return [s for s in statements if isinstance(s, dict) and str(s.get("Effect", "")).lower() == "allow"
            and _anyone(s.get("Principal")) and not s.get("Condition")]


def statement_access(statement: dict) -> tuple[bool, bool]:
    """(read, write) that a public S3 policy statement's actions grant."""
    actions = statement.get("Action", [])
    actions = [str(a).lower() for a in (actions if isinstance(actions, list) else [actions])]
    write = any(a in S3_WRITE_ACTIONS for a in actions)
    return write or any(a in S3_READ_ACTIONS for a in actions), write


# ---------------------------------------------------------------- Google Cloud members

PUBLIC_MEMBERS = {"allusers": "anyone on the internet", "allauthenticatedusers": "anyone with a Google account"}
