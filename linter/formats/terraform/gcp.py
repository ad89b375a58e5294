"""hashicorp/google resources -> facts.

Names and defaults from the provider's documentation (registry.terraform.io/providers/hashicorp/
google): `google_compute_firewall` (`direction` defaults to INGRESS; an `allow` block without
`ports` allows every port; `disabled = true` turns the rule off; an ingress rule with no source
ranges, tags or service accounts applies to every source, 0.0.0.0/0), Cloud SQL, Cloud
Healthcare and Cloud Storage IAM, HTTP(S) load balancer proxies and SSL policies, Cloud DNS.
"""
from __future__ import annotations

from typing import Iterator

from linter.facts import AnonymousAccess, Fact, Ingress, TlsPolicy
from linter.formats.terraform import _values as values
from linter.formats.terraform._context import MapContext
from linter.formats.terraform._credentials import admin_login
from linter.formats.terraform._dns import ddns_targets
from linter.formats.terraform._iam import PUBLIC_MEMBERS, is_write_role, public_grants
from linter.formats.terraform._ingress import Rule, ingress, parse_port_range, protocol
from linter.formats.terraform._workload import attached_exposure
from linter.formats.terraform.model import Resource
from linter.knowledge import port_service
from linter.predicates import is_public_source

PRODUCT = "gcp"
ANYWHERE_BY_DEFAULT = "0.0.0.0/0"


def _given(body, name: str) -> bool:
    """Set to something: an empty list (as plans show unset sets) counts as not set, an unknown
    value as set (it may hold anything)."""
    return values.present(body, name) and body.get(name) != []


def _active_ingress(body) -> bool:
    direction = values.text(body.get("direction"))
    if values.present(body, "direction") and direction is None:
        return False  # unknown direction
    if (direction or "INGRESS").upper() != "INGRESS":
        return False
    return not (values.present(body, "disabled") and values.flag(body.get("disabled")) is not False)


def _block_ranges(block) -> tuple[str | None, list[tuple[int, int]]]:
    """(protocol, port ranges) of an `allow` or `deny` block; no `ports` means every port."""
    proto = protocol(values.text(block.get("protocol")))
    if proto is None:
        return None, []
    if not values.present(block, "ports") or proto == "all":
        return proto, [(0, 65535)]
    return proto, [r for r in (parse_port_range(p) for p in values.strings(block.get("ports"))) if r]


def _priority(firewall: Resource) -> int | None:
    return values.integer(firewall.get("priority")) if values.present(firewall.body, "priority") else 1000


def _denied(allow_fw: Resource, proto: str, ports: tuple[int, int], ctx: MapContext) -> bool:
    """A deny firewall of the same network, for every source and the same (or every) target,
    with a lower priority number, that covers these ports: Google evaluates it first."""
    priority = _priority(allow_fw)
    network = values.text(allow_fw.get("network"))
    targets = sorted(values.strings(allow_fw.get("target_tags")))
    for deny_fw in ctx.evaluated.of_type("google_compute_firewall"):
        deny_priority = _priority(deny_fw)
        if (deny_fw is allow_fw or not deny_fw.body.children("deny") or not _active_ingress(deny_fw.body)
                or priority is None or deny_priority is None or deny_priority >= priority
                or network is None or values.text(deny_fw.get("network")) != network):
            continue
        deny_targets = sorted(values.strings(deny_fw.get("target_tags")))
        if (deny_targets and deny_targets != targets) or values.present(deny_fw.body, "target_service_accounts"):
            continue
        sources = values.strings(deny_fw.get("source_ranges")) if _given(deny_fw.body, "source_ranges") else \
            ([] if _given(deny_fw.body, "source_tags") else [ANYWHERE_BY_DEFAULT])
        if not any(is_public_source(s) for s in sources):
            continue
        for deny in deny_fw.body.children("deny"):
            deny_proto, ranges = _block_ranges(deny)
            if deny_proto in ("all", proto) and any(a <= ports[0] and ports[1] <= b for a, b in ranges):
                return True
    return False


def firewall(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    if not _active_ingress(body):
        return
    if _given(body, "source_ranges"):
        sources = tuple(values.strings(body.get("source_ranges")))
        origin = body.origin_of("source_ranges")
        where = f"`{resource.address}`"
    elif _given(body, "source_tags") or _given(body, "source_service_accounts"):
        return  # only instances with those tags or service accounts
    else:
        sources, origin = (ANYWHERE_BY_DEFAULT,), body.origin
        where = f"`{resource.address}` (no `source_ranges`, so every source)"
    if not sources:
        return
    for allow in body.children("allow"):
        proto, ranges = _block_ranges(allow)
        for first, last in ranges:
            if _denied(resource, proto, (first, last), ctx):
                continue
            fact = ingress(Rule(where, proto, first, last, sources, origin, PRODUCT))
            ctx.add_group_ingress(resource, fact)
            yield fact


_DB_PORTS = (("POSTGRES", 5432), ("MYSQL", 3306), ("SQLSERVER", 1433))


def _db_port(version: str | None) -> int | None:
    for prefix, port in _DB_PORTS:
        if (version or "").upper().startswith(prefix):
            return port
    return None


# `ssl_mode` (newer) or `require_ssl` (older, removed in provider 6.x) decide whether Cloud SQL
# accepts unencrypted connections on its public address.
_CLEAR_SSL_MODES = ("allow_unencrypted_and_encrypted",)


def _sql_tls(resource: Resource, ip, service: str) -> Iterator[Fact]:
    mode = (values.text(ip.get("ssl_mode")) or "").lower()
    if mode in _CLEAR_SSL_MODES:
        attr, how = "ssl_mode", f"`ssl_mode = \"{values.text(ip.get('ssl_mode'))}\"`"
    elif values.present(ip, "require_ssl") and values.flag(ip.get("require_ssl")) is False and not mode:
        attr, how = "require_ssl", "`require_ssl = false`"
    else:
        return
    yield TlsPolicy(origin=ip.origin_of(attr), product=PRODUCT, service=service, role="server", enforced=False,
                    detail=(f"`{resource.address}` sets {how} on its public IP: clients may connect and send "
                            "the database password without TLS"))


def sql_instance(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    port = _db_port(values.text(body.get("database_version")))
    for settings in body.children("settings"):
        for ip in settings.children("ip_configuration"):
            if values.flag(ip.get("ipv4_enabled")) is False or port is None:
                continue  # no public IPv4 address (ipv4_enabled defaults to true)
            yield from _sql_tls(resource, ip, port_service(port))
            for network in ip.children("authorized_networks"):
                sources = tuple(values.strings(network.get("value")))
                if sources:
                    yield ingress(Rule(f"`{resource.address}` authorized network", "tcp", port, port,
                                       sources, network.origin_of("value"), PRODUCT))
    cred = admin_login(resource, user_attr=None, secret_attr="root_password", service="mssql",
                       product=PRODUCT, what="SQL Server root user")
    if cred is not None and values.present(body, "root_password"):
        yield cred


def sql_user(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    service = "other"
    for instance in ctx.referenced(resource, resource.get("instance"), "google_sql_database_instance"):
        version = (values.text(instance.get("database_version")) or "").upper()
        service = "postgres" if version.startswith("POSTGRES") else "mysql" if version.startswith("MYSQL") else \
            "mssql" if version.startswith("SQLSERVER") else service
    if not values.present(resource.body, "password"):
        return  # IAM users and users without a password set here
    # Cloud SQL accepts an empty password for a built-in user (the CIS "root without password" case)
    cred = admin_login(resource, user_attr="name", secret_attr="password", service=service,
                       product=PRODUCT, what="database user", empty_rejected=False)
    if cred is not None:
        yield cred


def _iam(service: str, kind: str, id_attrs: tuple[str, ...]):
    def mapper(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
        target = next((values.text(resource.get(a)) for a in id_attrs if values.text(resource.get(a))), None)
        for role, member, origin in public_grants(resource, ctx):
            write = is_write_role(role)
            yield AnonymousAccess(
                origin=origin, product=PRODUCT, service=service, resource=target or resource.address,
                who="anyone", read=True, write=write,
                detail=(f"`{resource.address}` grants `{role or 'a role'}` on the {kind} to `{member}`: "
                        f"{PUBLIC_MEMBERS[member.lower()]} can {'read and change' if write else 'read'} it"))
    return mapper


def bucket_acl(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    """`google_storage_bucket_acl.role_entity` ("READER:allUsers") and
    `google_storage_bucket_access_control` / default object ACLs (`entity = "allUsers"`)."""
    body = resource.body
    grants = [(e.partition(":")[0], e.partition(":")[2], body.origin_of("role_entity"))
              for e in values.strings(body.get("role_entity"))]
    entity = values.text(body.get("entity"))
    if entity:
        grants.append((values.text(body.get("role")) or "", entity, body.origin_of("entity")))
    for role, member, origin in grants:
        if member.strip().lower() in PUBLIC_MEMBERS:
            write = role.upper() in ("WRITER", "OWNER")
            yield AnonymousAccess(
                origin=origin, product=PRODUCT, service="object-storage",
                resource=values.text(body.get("bucket")) or resource.address, who="anyone", read=True, write=write,
                detail=(f"`{resource.address}` grants `{role}` to `{member}`: "
                        f"{PUBLIC_MEMBERS[member.strip().lower()]} can {'read and write' if write else 'read'} the bucket"))


def http_proxy(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    for url_map in ctx.referenced(resource, resource.get("url_map"), "google_compute_url_map"):
        for redirect in url_map.body.children("default_url_redirect"):
            if values.flag(redirect.get("https_redirect")) is True:
                return
    yield TlsPolicy(origin=resource.origin, product=PRODUCT, service="http", role="server", enforced=False,
                    detail=(f"`{resource.address}` serves the load balancer over plain HTTP and its URL map "
                            "does not redirect to HTTPS (a `default_url_redirect` block with `https_redirect = true`)"))


_GCP_TLS = {"TLS_1_0": ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"), "TLS_1_1": ("TLSv1.1", "TLSv1.2", "TLSv1.3")}


def ssl_policy(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    version = values.text(body.get("min_tls_version")) if values.present(body, "min_tls_version") else "TLS_1_0"
    if version is None or version.upper() not in _GCP_TLS:
        return
    how = f"`min_tls_version = \"{version}\"`" if values.present(body, "min_tls_version") else \
        "no `min_tls_version` (the default is TLS_1_0)"
    yield TlsPolicy(origin=body.origin_of("min_tls_version"), product=PRODUCT, service="http", role="server",
                    enforced=True, versions=_GCP_TLS[version.upper()],
                    detail=f"`{resource.address}` has {how}: HTTPS clients may still use {_GCP_TLS[version.upper()][0]}")


def dns_record(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    name = values.text(body.get("name")) or resource.address
    targets = [(t, body.origin_of("rrdatas")) for t in values.strings(body.get("rrdatas"))]
    yield from ddns_targets(resource.address, name, targets, PRODUCT)


def _applies_to(firewall: Resource, instance_tags: set[str]) -> bool | None:
    """Whether a firewall targets an instance: by its `target_tags`, or every instance of the
    network when it names no targets. None when its targets are unknown."""
    if values.present(firewall.body, "target_service_accounts"):
        return None
    if not values.present(firewall.body, "target_tags"):
        return True
    targets = values.strings(firewall.get("target_tags"))
    return bool(set(targets) & instance_tags) if targets else None


def instance(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    """A VM with an external address (an `access_config` block) behind an open firewall. Only
    machines whose code says they run a PACS or NAS product are reported here; the firewall's own
    rule is reported where it is written."""
    body = resource.body
    nics = body.children("network_interface")
    if not any(nic.children("access_config") for nic in nics):
        return  # no external IP address
    tags = set(values.strings(body.get("tags")))
    origin = body.origin_of("tags") if values.present(body, "tags") else (nics[0].origin if nics else body.origin)
    groups = [(fw, origin) for fw in ctx.evaluated.of_type("google_compute_firewall")
              if fw.mode == "managed" and _applies_to(fw, tags)]
    fact = attached_exposure(resource, ctx, groups, None, PRODUCT, link="is a target of")
    if fact is not None:
        yield fact


_IAM_KINDS = {
    "google_healthcare_dicom_store_iam_": ("dicomweb", "DICOM store", ("dicom_store_id",)),
    "google_healthcare_dataset_iam_": ("dicomweb", "Healthcare dataset (and every DICOM store in it)", ("dataset_id",)),
    "google_storage_bucket_iam_": ("object-storage", "bucket", ("bucket",)),
}

NETWORK_MAPPERS = {"google_compute_firewall": firewall}

MAPPERS = {
    "google_sql_database_instance": sql_instance,
    "google_sql_user": sql_user,
    "google_storage_bucket_acl": bucket_acl,
    "google_storage_bucket_access_control": bucket_acl,
    "google_storage_default_object_access_control": bucket_acl,
    "google_compute_target_http_proxy": http_proxy,
    "google_compute_ssl_policy": ssl_policy,
    "google_dns_record_set": dns_record,
    "google_compute_instance": instance,
    "google_compute_instance_template": instance,
    **{prefix + shape: _iam(*spec) for prefix, spec in _IAM_KINDS.items() for shape in ("member", "binding", "policy")},
}

__all__ = ["MAPPERS", "NETWORK_MAPPERS", "Ingress"]
