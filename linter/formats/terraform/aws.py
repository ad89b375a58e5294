"""hashicorp/aws resources -> facts.

Attribute names and defaults are the provider's (registry.terraform.io/providers/hashicorp/aws):
security groups and their rule resources, network ACLs, RDS, load balancer listeners, Transfer
Family, Storage Gateway file shares, S3 ACLs, bucket policies and public-access blocks, Route 53.
"""
from __future__ import annotations

from typing import Any, Iterator

from linter.cloud import PUBLIC_S3_ACLS, elb_policy_versions, engine_port, public_statements, statement_access
from linter.facts import AnonymousAccess, Fact, Ingress, Listener, Setting, TlsPolicy
from linter.formats.terraform import _values as values
from linter.formats.terraform._context import MapContext
from linter.formats.terraform._credentials import admin_login
from linter.formats.terraform._dns import ddns_targets
from linter.formats.terraform._heredoc import heredoc_json
from linter.formats.terraform._ingress import Rule, exposed, ingress, protocol
from linter.formats.terraform._workload import attached_exposure
from linter.formats.terraform.model import Block, Resource
from linter.model import Origin
from linter.predicates import is_public_source

PRODUCT = "aws"


class _Entry:
    """An inline rule written as a block (`ingress { ... }`) or as an attribute holding a list
    of objects (`ingress = [{ ... }]`): the same questions either way."""

    def __init__(self, block: Block | None = None, data: dict | None = None, origin: Origin | None = None):
        self.block, self.data, self.origin = block, data or {}, origin or (block.origin if block else None)

    def get(self, name: str, default: Any = None) -> Any:
        return self.block.get(name, default) if self.block is not None else self.data.get(name, default)

    def origin_of(self, name: str) -> Origin:
        return self.block.origin_of(name) if self.block is not None else self.origin


def _entries(body: Block, name: str) -> list[_Entry]:
    found = [_Entry(block=b) for b in body.children(name)]
    attr = body.attributes.get(name)
    if attr is not None and isinstance(attr.value, list):
        found += [_Entry(data=item, origin=attr.origin) for item in attr.value if isinstance(item, dict)]
    return found


def _port_range(entry: _Entry, proto: str, start: str = "from_port", end: str = "to_port") -> tuple[int, int] | None:
    if proto == "all":
        return (0, 65535)
    first, last = values.integer(entry.get(start)), values.integer(entry.get(end))
    if first is None or last is None:
        return None  # unknown ports: nothing can be said
    if first < 0 or last < 0:  # -1 means "all" for ICMP; with tcp/udp AWS reads it as every port
        return (0, 65535)
    return (min(first, last), max(first, last))


def _sg_rules(where: str, entry: _Entry, proto_attr: str = "protocol") -> Iterator[Rule]:
    """Rules from `cidr_blocks` and `ipv6_cidr_blocks`, one per attribute so each finding points
    at the line that holds the open range."""
    proto = protocol(values.text(entry.get(proto_attr)))
    if proto is None:
        return
    ports = _port_range(entry, proto)
    if ports is None:
        return
    for attr in ("cidr_blocks", "ipv6_cidr_blocks"):
        sources = tuple(values.strings(entry.get(attr)))
        if sources:
            yield Rule(where, proto, ports[0], ports[1], sources, entry.origin_of(attr), PRODUCT)


def security_group(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    for entry in _entries(resource.body, "ingress"):
        for rule in _sg_rules(f"`{resource.address}` ingress rule", entry):
            fact = ingress(rule)
            ctx.add_group_ingress(resource, fact)
            yield fact


def _owning_groups(resource: Resource, ctx: MapContext) -> list[Resource]:
    return ctx.referenced(resource, resource.get("security_group_id"),
                          "aws_security_group", "aws_default_security_group")


def security_group_rule(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    if (values.text(resource.get("type")) or "").lower() != "ingress":
        return
    for rule in _sg_rules(f"`{resource.address}`", _Entry(block=resource.body)):
        fact = ingress(rule)
        for group in _owning_groups(resource, ctx):
            ctx.add_group_ingress(group, fact)
        yield fact


def vpc_ingress_rule(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    proto = protocol(values.text(body.get("ip_protocol")))
    if proto is None:
        return
    ports = _port_range(_Entry(block=body), proto)
    if ports is None:
        return
    for attr in ("cidr_ipv4", "cidr_ipv6"):
        sources = tuple(values.strings(body.get(attr)))
        if not sources:
            continue
        fact = ingress(Rule(f"`{resource.address}`", proto, ports[0], ports[1], sources,
                            body.origin_of(attr), PRODUCT))
        for group in _owning_groups(resource, ctx):
            ctx.add_group_ingress(group, fact)
        yield fact


# ---------------------------------------------------------------- network ACLs

class _AclEntry:
    def __init__(self, entry: _Entry, number: int | None, allow: bool, proto: str | None,
                 ports: tuple[int, int] | None):
        self.entry, self.number, self.allow, self.proto, self.ports = entry, number, allow, proto, ports

    def sources(self, attr: str) -> tuple[str, ...]:
        return tuple(values.strings(self.entry.get(attr)))

    def covers(self, other: "_AclEntry") -> bool:
        """A deny that matches all of another rule's traffic from anywhere."""
        if self.proto is None or self.ports is None or other.ports is None:
            return False
        if self.proto != "all" and self.proto != other.proto:
            return False
        public = any(is_public_source(s) for s in self.sources("cidr_block") + self.sources("ipv6_cidr_block"))
        return public and self.ports[0] <= other.ports[0] and other.ports[1] <= self.ports[1]


def _acl_entry(entry: _Entry, number_attr: str, action_attr: str) -> _AclEntry:
    proto = protocol(values.text(entry.get("protocol")))
    action = (values.text(entry.get(action_attr)) or "").lower()
    ports = _port_range(entry, proto) if proto else None
    return _AclEntry(entry, values.integer(entry.get(number_attr)), action == "allow", proto, ports)


def _acl_facts(where: str, entries: list[_AclEntry]) -> Iterator[Ingress]:
    """Allow rules that no lower-numbered deny rule shadows (network ACLs are evaluated in rule
    number order and the first match wins)."""
    denies = [e for e in entries if not e.allow and e.number is not None]
    for entry in entries:
        if not entry.allow or entry.proto is None or entry.ports is None:
            continue
        if any(d.number < entry.number and d.covers(entry) for d in denies if entry.number is not None):
            continue
        for attr in ("cidr_block", "ipv6_cidr_block"):
            sources = entry.sources(attr)
            if sources:
                yield ingress(Rule(where, entry.proto, entry.ports[0], entry.ports[1], sources,
                                   entry.entry.origin_of(attr), PRODUCT))


def network_acl(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    inline = [_acl_entry(e, "rule_no", "action") for e in _entries(resource.body, "ingress")]
    separate = [_acl_entry(_Entry(block=r.body), "rule_number", "rule_action")
                for r in ctx.referencing(resource, "network_acl_id", "aws_network_acl_rule")
                if values.flag(r.get("egress")) is not True]
    # A deny in a separate rule resource shadows inline allows too; facts come from each side.
    yield from _acl_facts(f"`{resource.address}` ingress rule", inline + [e for e in separate if not e.allow])


def network_acl_rule(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    if values.flag(resource.get("egress")) is True:
        return
    own = _acl_entry(_Entry(block=resource.body), "rule_number", "rule_action")
    others: list[_AclEntry] = []
    for acl in ctx.referenced(resource, resource.get("network_acl_id"), "aws_network_acl"):
        others += [_acl_entry(e, "rule_no", "action") for e in _entries(acl.body, "ingress")]
        others += [_acl_entry(_Entry(block=r.body), "rule_number", "rule_action")
                   for r in ctx.referencing(acl, "network_acl_id", "aws_network_acl_rule")
                   if r is not resource and values.flag(r.get("egress")) is not True]
    yield from _acl_facts(f"`{resource.address}`", [own] + [o for o in others if not o.allow])


# ---------------------------------------------------------------- databases

def _db_engine(resource: Resource, ctx: MapContext) -> str | None:
    engine = values.text(resource.get("engine"))
    if engine is None:  # a cluster instance may inherit it from its cluster
        for cluster in ctx.referenced(resource, resource.get("cluster_identifier"), "aws_rds_cluster"):
            engine = values.text(cluster.get("engine"))
    return engine


def db_instance(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    engine = _db_engine(resource, ctx)
    default_port, service = engine_port(engine)
    if values.flag(body.get("publicly_accessible")) is True:
        port = values.integer(body.get("port")) or default_port
        groups = ctx.referenced(resource, body.get("vpc_security_group_ids"),
                                "aws_security_group", "aws_default_security_group")
        open_rules = [f for g in groups for f in ctx.ingress_of(g)
                      if any(is_public_source(s) for s in f.sources)
                      and (port is None or f.port_from <= port <= f.port_to)]
        if open_rules:
            why = "; " + open_rules[0].detail + f" ({open_rules[0].origin.path}:{open_rules[0].origin.line})"
        else:
            why = "; its security groups decide who reaches it"
        yield Listener(origin=body.origin_of("publicly_accessible"), product=PRODUCT,
                       detail=(f"`{resource.address}` ({engine or 'database'}) has `publicly_accessible = true`: "
                               f"it gets a public address and DNS name{why}"),
                       service=service, port=port, exposure="internet" if open_rules else "restricted",
                       via="public-endpoint", auth="required")
    # With `manage_master_user_password = true` RDS keeps the password in Secrets Manager; the
    # user name is still the code's choice.
    user_attr = "master_username" if values.present(body, "master_username") else "username"
    secret_attr = "master_password" if resource.type == "aws_rds_cluster" or values.present(body, "master_password") else "password"
    cred = admin_login(resource, user_attr=user_attr, secret_attr=secret_attr, service=service, product=PRODUCT)
    if cred is not None:
        yield cred


def redshift_cluster(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    if values.present(body, "publicly_accessible") and values.flag(body.get("publicly_accessible")) is True:
        yield Listener(origin=body.origin_of("publicly_accessible"), product=PRODUCT, service="postgres",
                       port=values.integer(body.get("port")) or 5439, exposure="restricted", via="public-endpoint",
                       auth="required",
                       detail=(f"`{resource.address}` has `publicly_accessible = true`: the data warehouse gets a "
                               "public address; its security groups decide who reaches it"))
    yield from other_cluster_login(resource, ctx)


def other_cluster_login(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    cred = admin_login(resource, user_attr="master_username", secret_attr="master_password",
                       service="other", product=PRODUCT)
    if cred is not None:
        yield cred


# ---------------------------------------------------------------- load balancers and TLS

def _redirects_to_https(body: Block) -> bool:
    for action in body.children("default_action"):
        if (values.text(action.get("type")) or "").lower() != "redirect":
            continue
        for redirect in action.children("redirect"):
            if (values.text(redirect.get("protocol")) or "").upper() in ("HTTPS", "#{PROTOCOL}"):
                return True
    return False


def _lb_public(resource: Resource, ctx: MapContext) -> bool:
    for lb in ctx.referenced(resource, resource.get("load_balancer_arn"), "aws_lb", "aws_alb"):
        if values.flag(lb.get("internal")) is True:
            return False
    return True


def lb_listener(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    proto = values.text(body.get("protocol"))
    port = values.integer(body.get("port"))
    public = _lb_public(resource, ctx)
    if values.present(body, "protocol") and proto is None:
        return  # unknown protocol
    if (proto or "HTTP").upper() == "HTTP":
        if _redirects_to_https(body):
            return
        how = "`protocol = \"HTTP\"`" if proto else "no `protocol` (the provider's default is HTTP)"
        yield TlsPolicy(origin=body.origin_of("protocol"), product=PRODUCT, service="http",
                        detail=(f"`{resource.address}` listens with {how}"
                                f"{f' on port {port}' if port else ''} and does not redirect to HTTPS: "
                                "viewer sessions, passwords and images cross the network in clear text"),
                        role="server", enforced=False, exposed=public)
        return
    policy = values.text(body.get("ssl_policy"))
    if proto.upper() in ("HTTPS", "TLS") and policy:
        versions = elb_policy_versions(policy)
        if versions:
            yield TlsPolicy(origin=body.origin_of("ssl_policy"), product=PRODUCT, service="http",
                            detail=(f"`{resource.address}` uses `ssl_policy = \"{policy}\"`, "
                                    f"which accepts {versions[0]}"),
                            role="server", enforced=True, versions=versions, exposed=public)


def classic_elb(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    """`aws_elb` `listener { lb_protocol = "http" }`: the classic load balancer serves clear text."""
    body = resource.body
    public = values.flag(body.get("internal")) is not True
    for listener in body.children("listener"):
        proto = (values.text(listener.get("lb_protocol")) or "").lower()
        if proto == "http":
            port = values.integer(listener.get("lb_port"))
            yield TlsPolicy(origin=listener.origin_of("lb_protocol"), product=PRODUCT, service="http",
                            detail=(f"`{resource.address}` has a listener with `lb_protocol = \"http\"`"
                                    f"{f' on port {port}' if port else ''}: sessions, passwords and images "
                                    "cross the network in clear text"),
                            role="server", enforced=False, exposed=public)


def transfer_server(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    protocols = [p.upper() for p in values.strings(resource.get("protocols"))]
    if "FTP" in protocols:
        yield TlsPolicy(origin=resource.body.origin_of("protocols"), product=PRODUCT, service="ftp",
                        detail=(f"`{resource.address}` enables plain `FTP`: user names, passwords and "
                                "files cross the network unencrypted"),
                        role="server", enforced=False)


# ---------------------------------------------------------------- Storage Gateway file shares

def smb_file_share(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    if (values.text(body.get("authentication")) or "").lower() != "guestaccess":
        return  # the provider's default is ActiveDirectory
    write = values.flag(body.get("read_only")) is not True  # read_only defaults to false
    yield AnonymousAccess(origin=body.origin_of("authentication"), product=PRODUCT, service="smb",
                          resource=values.text(body.get("location_arn")) or resource.address,
                          who="guest", read=True, write=write,
                          detail=(f"`{resource.address}` sets `authentication = \"GuestAccess\"`: any SMB "
                                  f"client that knows the gateway's guest password can "
                                  f"{'read and write' if write else 'read'} the share"))


def nfs_file_share(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    clients = values.strings(body.get("client_list"))
    write = values.flag(body.get("read_only")) is not True
    public = [c for c in clients if is_public_source(c)]
    if public:
        yield AnonymousAccess(origin=body.origin_of("client_list"), product=PRODUCT, service="nfs",
                              resource=resource.address, who="any-host", read=True, write=write,
                              detail=(f"`{resource.address}` lets every client ({', '.join(public)}) mount the "
                                      f"share {'read-write' if write else 'read-only'}"))
    squash = values.text(body.get("squash"))
    if squash and squash.lower() == "nosquash":
        yield Setting(origin=body.origin_of("squash"), product="nfs", section=resource.address,
                      key="no_root_squash", value=True, raw=squash,
                      detail=f"`{resource.address}` sets `squash = \"NoSquash\"`")


# ---------------------------------------------------------------- S3

_ALL_USERS = ("acs.amazonaws.com/groups/global/allusers", "acs.amazonaws.com/groups/global/authenticatedusers")


def _bucket_of(resource: Resource, ctx: MapContext) -> Resource | None:
    if resource.type == "aws_s3_bucket":
        return resource
    found = ctx.referenced(resource, resource.get("bucket"), "aws_s3_bucket")
    return found[0] if found else None


def _access_blocks(bucket: Resource | None, ctx: MapContext) -> list[Resource]:
    if bucket is None:
        return []
    return ctx.referencing(bucket, "bucket", "aws_s3_bucket_public_access_block")


def _blocked(bucket: Resource | None, ctx: MapContext, *flags: str) -> bool:
    return any(values.flag(block.get(name)) is True for block in _access_blocks(bucket, ctx) for name in flags)


def _s3_public(resource: Resource, ctx: MapContext, origin: Origin, read: bool, write: bool, how: str) -> AnonymousAccess:
    name = values.text(resource.get("bucket")) or resource.address
    return AnonymousAccess(origin=origin, product=PRODUCT, service="object-storage", resource=name,
                           who="anyone", read=read, write=write,
                           detail=(f"`{resource.address}` {how}: anyone on the internet can "
                                   f"{'list, read and write' if write else 'read'} the bucket's objects"))


def s3_acl(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    bucket = _bucket_of(resource, ctx)
    if _blocked(bucket, ctx, "block_public_acls", "ignore_public_acls"):
        return
    acl = (values.text(resource.get("acl")) or "").lower()
    if acl in PUBLIC_S3_ACLS:
        read, write = PUBLIC_S3_ACLS[acl]
        yield _s3_public(resource, ctx, resource.body.origin_of("acl"), read, write, f"sets `acl = \"{acl}\"`")
        return
    grants = [(grant, grantee, values.strings(grant.get("permission")))
              for policy in resource.body.children("access_control_policy")
              for grant in policy.children("grant") for grantee in grant.children("grantee")]
    # aws_s3_bucket's own (pre-v4) `grant { uri = ..., permissions = [...] }` blocks
    grants += [(grant, grant, values.strings(grant.get("permissions"))) for grant in resource.body.children("grant")]
    for grant, grantee, permissions in grants:
        uri = (values.text(grantee.get("uri")) or "").lower()
        if any(uri.endswith(g) for g in _ALL_USERS):
            permissions = [p.upper() for p in permissions]
            write = any(p in ("WRITE", "FULL_CONTROL") for p in permissions)
            read = write or any(p in ("READ", "FULL_CONTROL") for p in permissions)
            if read:
                yield _s3_public(resource, ctx, grantee.origin_of("uri"), True, write,
                                 f"grants `{', '.join(permissions)}` to every user")
                return


def s3_bucket_policy(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    bucket = _bucket_of(resource, ctx)
    if _blocked(bucket, ctx, "restrict_public_buckets", "block_public_policy"):
        return
    document = values.json_document(resource.get("policy"))
    if document is None and not resource.from_plan and values.present(resource.body, "policy"):
        document = heredoc_json(ctx.read_ctx, resource.body.origin_of("policy"))
    if document is None:
        for source in ctx.data_sources(resource, resource.get("policy"), "aws_iam_policy_document"):
            document = _policy_document(source)
    for statement in public_statements(document):
        read, write = statement_access(statement)
        if read:
            yield _s3_public(resource, ctx, resource.body.origin_of("policy"), True, write,
                             "has a bucket policy that allows `Principal: \"*\"` without a condition")
            return


def _policy_document(source: Resource) -> dict:
    """An `aws_iam_policy_document` data source as the JSON it renders."""
    statements = []
    for st in source.body.children("statement"):
        principals = {}
        for p in st.children("principals"):
            principals.setdefault(values.text(p.get("type")) or "AWS", []).extend(values.strings(p.get("identifiers")))
        statements.append({"Effect": values.text(st.get("effect")) or "Allow",
                           "Principal": principals or None, "Action": values.strings(st.get("actions")),
                           "Condition": [c for c in st.children("condition")] or None})
    return {"Statement": statements}


def s3_bucket(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    """The pre-v4 inline `acl` and `policy` arguments of `aws_s3_bucket` itself."""
    yield from s3_acl(resource, ctx)
    yield from s3_bucket_policy(resource, ctx)


_PAB_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def public_access_block(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    off = [name for name in _PAB_FLAGS if values.flag(body.get(name)) is False or not values.present(body, name)]
    if not off or any(values.present(body, n) and values.flag(body.get(n)) is None for n in off):
        return  # all on, or a flag we cannot read
    explicit = [n for n in off if values.present(body, n)]
    origin = body.origin_of(explicit[0]) if explicit else body.origin
    yield Setting(origin=origin, product="aws-s3", section=resource.address, key="public-access-block",
                  value=False, raw=", ".join(off), explicit=bool(explicit),
                  detail=(f"`{resource.address}` leaves {', '.join(f'`{n}`' for n in off)} off "
                          f"({'set to false' if explicit else 'absent, and the provider default is false'})"))


# ---------------------------------------------------------------- Route 53

def route53_record(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    name = values.text(body.get("name")) or resource.address
    targets = [(t, body.origin_of("records")) for t in values.strings(body.get("records"))]
    for alias in body.children("alias"):
        targets += [(t, alias.origin_of("name")) for t in values.strings(alias.get("name"))]
    yield from ddns_targets(resource.address, name, targets, PRODUCT)


# ---------------------------------------------------------------- workloads (security-group chain)

_GROUP_TYPES = ("aws_security_group", "aws_default_security_group")


def _groups(resource: Resource, ctx: MapContext, body: Block, *attrs: str) -> list[tuple[Resource, Origin]]:
    found = []
    for attr in attrs:
        for group in ctx.referenced(resource, body.get(attr), *_GROUP_TYPES):
            found.append((group, body.origin_of(attr)))
    return found


def instance(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    public_ip = values.flag(body.get("associate_public_ip_address"))
    groups = _groups(resource, ctx, body, "vpc_security_group_ids", "security_groups")
    for nic in body.children("network_interface"):
        groups += _groups(resource, ctx, nic, "security_groups")
    fact = attached_exposure(resource, ctx, groups, public_ip, PRODUCT)
    if fact is not None:
        yield fact


def launch_template(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    groups = _groups(resource, ctx, body, "vpc_security_group_ids", "security_group_names")
    public_ip = None
    for nic in body.children("network_interfaces"):
        groups += _groups(resource, ctx, nic, "security_groups")
        public_ip = values.flag(nic.get("associate_public_ip_address"))
    fact = attached_exposure(resource, ctx, groups, public_ip, PRODUCT)
    if fact is not None:
        yield fact


def ecs_service(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    """Fargate/awsvpc tasks get a public address only with `assign_public_ip = true` (default
    false); what they run is read from the task definition's family and container definitions."""
    groups: list[tuple[Resource, Origin]] = []
    public_ip: bool | None = False
    for network in resource.body.children("network_configuration"):
        groups += _groups(resource, ctx, network, "security_groups")
        public_ip = values.flag(network.get("assign_public_ip")) if values.present(network, "assign_public_ip") else False
    if public_ip:
        public_ip = None  # reported only for a PACS or NAS task
    fact = attached_exposure(resource, ctx, groups, public_ip, PRODUCT)
    if fact is not None:
        yield fact


def load_balancer(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    internal = values.flag(body.get("internal"))
    groups = _groups(resource, ctx, body, "security_groups")
    # An internet-facing load balancer with an open listener port is normal; it is reported here
    # only when the code says it fronts a PACS or NAS product.
    fact = attached_exposure(resource, ctx, groups, False if internal else None, PRODUCT)
    if fact is not None:
        yield fact


# Security groups and their rules are mapped first, so every other mapper sees their rules.
NETWORK_MAPPERS = {
    "aws_security_group": security_group,
    "aws_default_security_group": security_group,
    "aws_security_group_rule": security_group_rule,
    "aws_vpc_security_group_ingress_rule": vpc_ingress_rule,
    "aws_network_acl": network_acl,
    "aws_default_network_acl": network_acl,
    "aws_network_acl_rule": network_acl_rule,
}

MAPPERS = {
    "aws_db_instance": db_instance,
    "aws_rds_cluster": db_instance,
    "aws_rds_cluster_instance": db_instance,
    "aws_docdb_cluster": other_cluster_login,
    "aws_redshift_cluster": redshift_cluster,
    "aws_lb_listener": lb_listener,
    "aws_alb_listener": lb_listener,
    "aws_transfer_server": transfer_server,
    "aws_elb": classic_elb,
    "aws_storagegateway_smb_file_share": smb_file_share,
    "aws_storagegateway_nfs_file_share": nfs_file_share,
    "aws_s3_bucket": s3_bucket,
    "aws_s3_bucket_acl": s3_acl,
    "aws_s3_bucket_policy": s3_bucket_policy,
    "aws_s3_bucket_public_access_block": public_access_block,
    "aws_route53_record": route53_record,
    "aws_instance": instance,
    "aws_launch_template": launch_template,
    "aws_lb": load_balancer,
    "aws_ecs_service": ecs_service,
    "aws_alb": load_balancer,
}

__all__ = ["MAPPERS", "NETWORK_MAPPERS", "exposed"]
