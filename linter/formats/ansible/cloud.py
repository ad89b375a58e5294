"""Ansible's cloud modules as the same facts Terraform's cloud resources give (docs/cloud-facts.md).

A security group written with `amazon.aws.ec2_security_group` and one written with
`aws_security_group` are the same object, so they give the same `Ingress` facts and the same
rules fire. Module parameters and defaults are the collections' (amazon.aws, azure.azcollection,
google.cloud); mappers are registered by short name, so `amazon.aws.ec2_security_group`,
`ec2_security_group` and the old `ec2_group` all arrive here.

Conventions shared with the Terraform reader: unknown values (unresolved Jinja, vault, lookups)
never make a source "anywhere" or a switch insecure; `state: absent` builds nothing. A fact
points at the argument that makes it true: the `cidr_ip` line of a rule, the `acl` line.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterator

from linter.cloud import (PUBLIC_MEMBERS, PUBLIC_S3_ACLS, elb_policy_versions, engine_port, public_statements,
                          statement_access, versions_from_minimum)
from linter.facts import AnonymousAccess, Credential, Fact, Listener, Setting, TlsPolicy
from linter.formats.ansible.frame import describe
from linter.formats.ansible.modules import emit, flag_of, mapper, text_of
from linter.formats.ansible.yamlfile import YNode
from linter.formats.terraform._ingress import ALL_PORTS, Rule, ingress, merge_details, parse_port_range, protocol
from linter.knowledge import classify_secret, tls_version
from linter.model import Origin
from linter.predicates import is_public_source

if TYPE_CHECKING:
    from linter.formats.ansible.evaluate import Task

_GONE = ("absent", "deleted", "terminated")


def _removed(task: "Task") -> bool:
    return (text_of(task.args.get("state")) or "present").lower() in _GONE


class _Item:
    """One entry of a list argument (a security group rule, a listener) with the lines of its keys."""

    def __init__(self, task: "Task", arg: str, data: dict, node: YNode | None, written: object):
        self.task, self.arg, self.data, self.node, self.written = task, arg, data, node, written

    def get(self, key: str, default: object = None) -> object:
        value = self.data.get(key, default)
        return default if value is None else value

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def origin(self, key: str | None = None) -> Origin:
        if self.node is not None and self.node.kind == "map":
            child = self.node.get(key) if key else None
            return Origin(self.task.path, child.key_line if child is not None else self.node.line)
        return self.task.origin(self.arg)  # the list came from a variable: the task's argument line

    def source(self) -> str:
        """` (from `var` in file:line)` for the variables this entry (or its list) is built from."""
        return describe(_used_vars(self.task, self.written))


def _used_vars(task: "Task", written: object) -> list:
    if isinstance(written, dict):
        return [v for item in written.values() for v in _used_vars(task, item)]
    if isinstance(written, list):
        return [v for item in written for v in _used_vars(task, item)]
    return task.frame.used_vars(written)


def _items(task: "Task", arg: str) -> list[_Item]:
    value = task.args.get(arg)
    if not isinstance(value, list):
        return []
    node = task.spec.nodes.get(arg)
    nodes = node.value if node is not None and node.kind == "seq" and len(node.value) == len(value) else []
    written = task.written(arg)
    entries = written if isinstance(written, list) and len(written) == len(value) else None
    return [_Item(task, arg, item, nodes[i] if nodes else None, entries[i] if entries else written)
            for i, item in enumerate(value) if isinstance(item, dict)]


def _strings(value: object) -> list[str]:
    """Known strings of a scalar or a list (comma-separated text split); unknown items dropped."""
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        text = text_of(item)
        if text is not None:
            found += [part.strip() for part in text.split(",") if part.strip()]
    return found


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = text_of(value)
    try:
        return int(text.strip()) if text is not None else None
    except ValueError:
        return None


def _emit_all(task: "Task", facts: list[Fact], out: list[Fact]) -> None:
    for fact in merge_details(facts):
        emit(out, task, fact)


def _label(task: "Task") -> str:
    name = text_of(task.args.get("name")) or text_of(task.args.get("bucket")) or text_of(task.args.get("container"))
    return f"`{task.spec.fqcn}`" + (f" `{name}`" if name else "")


# ---------------------------------------------------------------- AWS security groups

def _ec2_ports(item: _Item, proto: str) -> list[tuple[int, int]]:
    """`from_port`/`to_port` (-1 with tcp/udp: every port) or `ports` (ints and "a-b" ranges)."""
    if proto == "all":
        return [ALL_PORTS]
    if item.has("ports"):
        found = []
        for text in _strings(item.get("ports")):
            found += [r for r in [parse_port_range(text)] if r is not None]
        return found
    first, last = _integer(item.get("from_port")), _integer(item.get("to_port"))
    if first is None and last is None:
        return []
    first = first if first is not None else last
    last = last if last is not None else first
    if first < 0 or last < 0:
        return [ALL_PORTS]
    return [(min(first, last), max(first, last))]


@mapper("ec2_security_group", "ec2_group")
def ec2_security_group(task: "Task", out: list[Fact]) -> None:
    if _removed(task):
        return
    facts: list[Fact] = []
    for item in _items(task, "rules"):  # rules_egress: outbound, not an exposure
        proto = protocol(text_of(item.get("proto", "tcp")))  # the module's default protocol is tcp
        if proto is None:
            continue  # icmp, a protocol number without ports, or unknown
        where = f"{_label(task)} rule{item.source()}"
        for attr in ("cidr_ip", "cidr_ipv6"):
            sources = tuple(_strings(item.get(attr)))
            if not sources:
                continue  # group_id / group_name / ip_prefix: another group or a prefix list
            for low, high in _ec2_ports(item, proto):
                facts.append(ingress(Rule(where, proto, low, high, sources, item.origin(attr), "aws")))
    _emit_all(task, facts, out)


# ---------------------------------------------------------------- S3

def _public_access_flags(task: "Task") -> dict[str, bool | None] | None:
    """The bucket's public-access block as the task writes it (sub-options default to false);
    None when the task does not manage it."""
    if flag_of(task.args.get("delete_public_access")) is True:
        return {name: False for name in _PAB_FLAGS}
    block = task.args.get("public_access")
    if not isinstance(block, dict):
        return None
    return {name: (flag_of(block[name]) if block.get(name) is not None else False) for name in _PAB_FLAGS}


_PAB_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def _bucket_public(task: "Task", arg: str, read: bool, write: bool, how: str, resource: str | None = None) -> AnonymousAccess:
    name = resource or text_of(task.args.get("bucket")) or text_of(task.args.get("name")) or task.spec.fqcn
    return AnonymousAccess(origin=task.origin(arg), product="aws", service="object-storage", resource=name,
                           who="anyone", read=read, write=write,
                           detail=(f"{_label(task)} {how}{describe(task.vars_of(arg))}: anyone on the internet can "
                                   f"{'list, read and write' if write else 'read'} the bucket's objects"))


def _policy_document(value: object) -> object:
    if isinstance(value, dict):
        return value
    text = text_of(value)
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


@mapper("s3_bucket")
def s3_bucket(task: "Task", out: list[Fact]) -> None:
    if _removed(task):
        return
    flags = _public_access_flags(task)
    blocked = {name for name, on in (flags or {}).items() if on is True}
    if flags is not None and all(on is not None for on in flags.values()):
        off = [name for name, on in flags.items() if on is False]
        if off:
            arg = "delete_public_access" if flag_of(task.args.get("delete_public_access")) is True else "public_access"
            emit(out, task, Setting(origin=task.origin(arg), product="aws-s3", section=_label(task),
                                    key="public-access-block", value=False, raw=", ".join(off),
                                    detail=f"{_label(task)} leaves {', '.join(f'`{n}`' for n in off)} of its "
                                           f"public-access block off{describe(task.vars_of(arg))}"))
    acl = (text_of(task.args.get("acl")) or "").lower()
    if acl in PUBLIC_S3_ACLS and not blocked & {"block_public_acls", "ignore_public_acls"}:
        read, write = PUBLIC_S3_ACLS[acl]
        emit(out, task, _bucket_public(task, "acl", read, write, f"sets `acl: {acl}`"))
    if blocked & {"block_public_policy", "restrict_public_buckets"}:
        return
    for statement in public_statements(_policy_document(task.args.get("policy"))):
        read, write = statement_access(statement)
        if read:
            emit(out, task, _bucket_public(task, "policy", True, write,
                                           "has a bucket policy that allows `Principal: \"*\"` without a condition"))
            return


@mapper("s3_object", "aws_s3", "s3")
def s3_object(task: "Task", out: list[Fact]) -> None:
    mode = (text_of(task.args.get("mode")) or "").lower()
    if mode not in ("put", "create", "copy"):
        return  # get, list, delete: the object's ACL is not written
    for permission in _strings(task.args.get("permission")):  # default: private
        if permission.lower() in PUBLIC_S3_ACLS:
            read, write = PUBLIC_S3_ACLS[permission.lower()]
            obj = text_of(task.args.get("object"))
            bucket = text_of(task.args.get("bucket"))
            resource = f"{bucket}/{obj.lstrip('/')}" if bucket and obj else None
            emit(out, task, _bucket_public(task, "permission", read, write,
                                           f"uploads with `permission: {permission}`", resource))
            return


# ---------------------------------------------------------------- load balancers

def _redirects_to_https(listener: _Item) -> bool:
    actions = listener.get("DefaultActions") or []
    for action in actions if isinstance(actions, list) else []:
        if not isinstance(action, dict) or (text_of(action.get("Type")) or "").lower() != "redirect":
            continue
        config = action.get("RedirectConfig")
        if isinstance(config, dict) and (text_of(config.get("Protocol")) or "").upper() in ("HTTPS", "#{PROTOCOL}"):
            return True
    return False


def _internet_facing(task: "Task") -> bool:
    return (text_of(task.args.get("scheme")) or "internet-facing").lower() != "internal"


def _clear_text(task: "Task", listener: _Item, key: str, port: int | None, public: bool, out: list[Fact]) -> None:
    emit(out, task, TlsPolicy(
        origin=listener.origin(key), product="aws", service="http", role="server", enforced=False, exposed=public,
        detail=(f"{_label(task)} has a listener with `{key}: {listener.get(key)}`{f' on port {port}' if port else ''} "
                f"that does not redirect to HTTPS{listener.source()}: viewer sessions, passwords and images cross "
                "the network in clear text")))


@mapper("elb_application_lb", "elb_network_lb")
def elb_v2(task: "Task", out: list[Fact]) -> None:
    if _removed(task):
        return
    public = _internet_facing(task)
    for listener in _items(task, "listeners"):
        proto = (text_of(listener.get("Protocol")) or "").upper()
        port = _integer(listener.get("Port"))
        if proto == "HTTP" and not _redirects_to_https(listener):
            _clear_text(task, listener, "Protocol", port, public, out)
        policy = text_of(listener.get("SslPolicy"))
        versions = elb_policy_versions(policy) if proto in ("HTTPS", "TLS") and policy else ()
        if versions:
            emit(out, task, TlsPolicy(
                origin=listener.origin("SslPolicy"), product="aws", service="http", role="server", enforced=True,
                versions=versions, exposed=public,
                detail=(f"{_label(task)} uses `SslPolicy: {policy}`{f' on port {port}' if port else ''}"
                        f"{listener.source()}, which accepts {versions[0]}")))


@mapper("elb_classic_lb", "ec2_elb_lb")
def elb_classic(task: "Task", out: list[Fact]) -> None:
    if _removed(task):
        return
    for listener in _items(task, "listeners"):
        if (text_of(listener.get("protocol")) or "").lower() == "http":
            _clear_text(task, listener, "protocol", _integer(listener.get("load_balancer_port")), _internet_facing(task), out)


# ---------------------------------------------------------------- RDS

_WHY = {"blank": "an empty password", "default": "a product's default password",
        "well-known": "a password on the common-password list (or equal to the user name)",
        "literal": "a password written in the playbook"}


def _admin_login(task: "Task", user_arg: str, secret_arg: str, service: str, product: str) -> Credential | None:
    """The database administrator the task creates. RDS refuses empty passwords, so `""` (a
    placeholder) is a value the deployment replaces: a reference, never blank."""
    user = text_of(task.args.get(user_arg))
    raw = task.args.get(secret_arg)
    if raw is None and user is None:
        return None
    secret = text_of(raw)
    secret = secret if secret and secret.strip() else None
    strength = classify_secret(user, secret) if secret is not None else "reference"
    who = f"database administrator `{user}`" if user else "database administrator"
    if strength == "reference":
        origin = task.origin(user_arg if user else secret_arg)
        detail = f"{_label(task)} creates the {who}" + ("; its password comes from a reference" if raw is not None else "")
    else:
        origin = task.origin(secret_arg)
        detail = f"{_label(task)} gives the {who} {_WHY[strength]} (`{secret_arg}`){describe(task.vars_of(secret_arg))}"
    return Credential(origin=origin, product=product, detail=detail, service=service, user=user,
                      secret=secret if strength != "reference" else None, strength=strength,
                      secrets=(secret,) if secret and strength != "reference" else (), admin=True)


def _rds(task: "Task", out: list[Fact], engine_arg: str, user_arg: str, secret_arg: str) -> None:
    engine = text_of(task.args.get(engine_arg))
    default_port, service = engine_port(engine)
    if flag_of(task.args.get("publicly_accessible")) is True:
        port = _integer(task.args.get("port")) or default_port
        emit(out, task, Listener(
            origin=task.origin("publicly_accessible"), product="aws", service=service, port=port,
            exposure="restricted", via="public-endpoint", auth="required",
            detail=(f"{_label(task)} ({engine or 'database'}) sets `publicly_accessible: true`"
                    f"{describe(task.vars_of('publicly_accessible'))}: it gets a public address and DNS name; "
                    "its security groups decide who reaches it")))
    cred = _admin_login(task, user_arg, secret_arg, service, "aws")
    if cred is not None:
        emit(out, task, cred)


@mapper("rds_instance")
def rds_instance(task: "Task", out: list[Fact]) -> None:
    if not _removed(task):
        _rds(task, out, "engine", "master_username", "master_user_password")


@mapper("rds")
def rds_legacy(task: "Task", out: list[Fact]) -> None:
    """The old `rds` module: `command: create|modify`, `db_engine`, `username`, `password`."""
    if (text_of(task.args.get("command")) or "").lower() in ("create", "modify"):
        _rds(task, out, "db_engine", "username", "password")


# ---------------------------------------------------------------- Azure

def _azure_rules(task: "Task") -> Iterator[tuple[_Item, str | None, list[tuple[int, int]], bool]]:
    """(rule, protocol, port ranges, allow) of every inbound rule; `direction` defaults to
    Inbound, `access` to Allow, `protocol`, `destination_port_range` and `source_address_prefix`
    to `*`."""
    for arg in ("rules", "default_rules"):
        for item in _items(task, arg):
            if (text_of(item.get("direction", "Inbound")) or "").lower() != "inbound":
                continue
            proto = protocol(text_of(item.get("protocol", "*")))
            ranges: list[tuple[int, int]] = []
            for text in _strings(item.get("destination_port_range", "*")):
                found = parse_port_range(text)
                if found is None:
                    ranges = []
                    break
                ranges.append(found)
            allow = (text_of(item.get("access", "Allow")) or "").lower() == "allow"
            yield item, proto, ranges, allow


def _shadowed(rule: _Item, proto: str, low: int, high: int, denies: list[tuple[_Item, str | None, list]]) -> bool:
    """A Deny from anywhere with a lower priority number that covers these ports wins."""
    priority = _integer(rule.get("priority"))
    for deny, deny_proto, ranges in denies:
        deny_priority = _integer(deny.get("priority"))
        if priority is None or deny_priority is None or deny_priority >= priority:
            continue
        if deny_proto not in ("all", proto) or not any(is_public_source(s) for s in _strings(deny.get("source_address_prefix", "*"))):
            continue
        if any(a <= low and high <= b for a, b in ranges):
            return True
    return False


@mapper("azure_rm_securitygroup")
def azure_securitygroup(task: "Task", out: list[Fact]) -> None:
    if _removed(task):
        return
    rules = list(_azure_rules(task))
    denies = [(item, proto, ranges) for item, proto, ranges, allow in rules if not allow and proto]
    facts: list[Fact] = []
    for item, proto, ranges, allow in rules:
        if not allow or proto is None:
            continue
        source_arg = "source_address_prefix"
        sources = tuple(_strings(item.get(source_arg, "*")))
        if not sources:
            continue
        origin = item.origin(source_arg) if item.has(source_arg) else item.origin("destination_port_range")
        where = f"{_label(task)} rule `{text_of(item.get('name')) or '?'}`{item.source()}"
        for low, high in ranges:
            if _shadowed(item, proto, low, high, denies):
                continue
            facts.append(ingress(Rule(where, proto, low, high, sources, origin, "azure", ports_apply=True)))
    _emit_all(task, facts, out)


@mapper("azure_rm_storageaccount")
def azure_storageaccount(task: "Task", out: list[Fact]) -> None:
    if _removed(task):
        return
    raw = text_of(task.args.get("minimum_tls_version"))
    version = tls_version(raw) if raw else None
    if version in ("TLSv1.0", "TLSv1.1"):
        emit(out, task, TlsPolicy(
            origin=task.origin("minimum_tls_version"), product="azure", service="object-storage", role="server",
            enforced=True, versions=versions_from_minimum(version),
            detail=(f"{_label(task)} sets `minimum_tls_version: {raw}`{describe(task.vars_of('minimum_tls_version'))}: "
                    f"clients may still use {version}")))
    if flag_of(task.args.get("https_only")) is False:
        emit(out, task, TlsPolicy(
            origin=task.origin("https_only"), product="azure", service="object-storage", role="server", enforced=False,
            detail=(f"{_label(task)} sets `https_only: {task.quoted('https_only')}`{describe(task.vars_of('https_only'))}: blobs, files and "
                    "shared-key signatures are accepted over plain HTTP")))
    # Only when written: the module leaves the account's setting alone when it is omitted, and
    # Azure creates new accounts with anonymous blob access disallowed.
    if flag_of(task.args.get("allow_blob_public_access")) is True:
        emit(out, task, Setting(
            origin=task.origin("allow_blob_public_access"), product="azure-storage", section=_label(task),
            key="allow_nested_items_to_be_public", value=True, raw="true",
            detail=(f"{_label(task)} sets `allow_blob_public_access: {task.quoted('allow_blob_public_access')}`{describe(task.vars_of('allow_blob_public_access'))}: "
                    "any container in it can be made readable without a login")))


@mapper("azure_rm_storageblob")
def azure_storageblob(task: "Task", out: list[Fact]) -> None:
    if _removed(task):
        return
    access = (text_of(task.args.get("public_access")) or "").lower()
    if access not in ("blob", "container"):
        return
    what = "read every blob and list the container" if access == "container" else "read every blob whose name they know or guess"
    emit(out, task, AnonymousAccess(
        origin=task.origin("public_access"), product="azure", service="object-storage",
        resource=text_of(task.args.get("container")) or task.spec.fqcn, who="anyone", read=True,
        detail=(f"{_label(task)} sets `public_access: {access}`{describe(task.vars_of('public_access'))}: anyone "
                f"on the internet can {what}")))


# ---------------------------------------------------------------- Google Cloud

@mapper("gcp_compute_firewall")
def gcp_compute_firewall(task: "Task", out: list[Fact]) -> None:
    if _removed(task) or flag_of(task.args.get("disabled")) is True:
        return
    if (text_of(task.args.get("direction")) or "INGRESS").upper() != "INGRESS":
        return
    ranges_written = task.args.get("source_ranges") is not None
    if ranges_written:
        sources = tuple(_strings(task.args.get("source_ranges")))
    elif task.args.get("source_tags") is not None or task.args.get("source_service_accounts") is not None:
        return  # only the tagged machines or service accounts
    else:
        sources = ("0.0.0.0/0",)  # no source at all: GCP admits every address
    if not sources:
        return
    where = _label(task) + describe(_used_vars(task, [task.written("source_ranges"), task.written("allowed")]))
    facts: list[Fact] = []
    for item in _items(task, "allowed"):
        proto = protocol(text_of(item.get("ip_protocol")))
        if proto is None:
            continue
        origin = task.origin("source_ranges") if ranges_written else item.origin("ports" if item.has("ports") else "ip_protocol")
        ranges = [parse_port_range(text) for text in _strings(item.get("ports"))] if item.has("ports") else [ALL_PORTS]
        for found in ranges:
            if found is not None:
                facts.append(ingress(Rule(where, proto, found[0], found[1], sources, origin, "gcp")))
    _emit_all(task, facts, out)


def _gcp_public(task: "Task", arg: str, origin: Origin, entity: str, role: str) -> AnonymousAccess:
    write = role.upper() in ("WRITER", "OWNER")
    return AnonymousAccess(
        origin=origin, product="gcp", service="object-storage",
        resource=text_of(task.args.get("bucket")) or text_of(task.args.get("name")) or task.spec.fqcn,
        who="anyone", read=True, write=write,
        detail=(f"{_label(task)} grants `{role or 'a role'}` to `{entity}`{describe(task.vars_of(arg))}: "
                f"{PUBLIC_MEMBERS[entity.lower()]} can {'read and write' if write else 'read'} the bucket"))


@mapper("gcp_storage_bucket")
def gcp_storage_bucket(task: "Task", out: list[Fact]) -> None:
    if _removed(task):
        return
    for arg in ("acl", "default_object_acl"):
        for item in _items(task, arg):
            entity = (text_of(item.get("entity")) or "").strip()
            if entity.lower() in PUBLIC_MEMBERS:
                emit(out, task, _gcp_public(task, arg, item.origin("entity"), entity, text_of(item.get("role")) or ""))
    for arg in ("predefined_default_object_acl", "predefined_acl"):
        value = (text_of(task.args.get(arg)) or "").lower()
        if value in ("publicread", "publicreadwrite", "authenticatedread"):
            entity = "allAuthenticatedUsers" if value == "authenticatedread" else "allUsers"
            emit(out, task, _gcp_public(task, arg, task.origin(arg), entity,
                                        "WRITER" if value == "publicreadwrite" else "READER"))


@mapper("gcp_storage_bucket_access_control", "gcp_storage_default_object_acl")
def gcp_bucket_access_control(task: "Task", out: list[Fact]) -> None:
    if _removed(task):
        return
    entity = (text_of(task.args.get("entity")) or "").strip()
    if entity.lower() in PUBLIC_MEMBERS:
        emit(out, task, _gcp_public(task, "entity", task.origin("entity"), entity, text_of(task.args.get("role")) or ""))
