"""hashicorp/azurerm resources -> facts.

Names and defaults from the provider's documentation (registry.terraform.io/providers/hashicorp/
azurerm): network security rules (`direction` Inbound + `access` Allow; the service tag
`Internet` and `*` / `Any` mean every source), SQL firewall rules, the Health Data Services DICOM
service (`public_network_access_enabled` defaults to true), storage accounts and containers,
application gateways, administrator logins, DNS CNAME records.

Storage defaults across provider versions: `min_tls_version` defaults to TLS1_2 (3.x and 4.x;
2.x defaulted to TLS1_0, so an absent value is not reported); `https_traffic_only_enabled` (4.x
name; `enable_https_traffic_only` in 3.x) defaults to true; `allow_nested_items_to_be_public`
(3.x and 4.x; `allow_blob_public_access` in 2.x, which defaulted to false) defaults to true.
"""
from __future__ import annotations

from typing import Any, Iterator

from linter.cloud import versions_from_minimum
from linter.facts import AnonymousAccess, Fact, Listener, Setting, TlsPolicy
from linter.formats.terraform import _values as values
from linter.formats.terraform._context import MapContext
from linter.formats.terraform._credentials import admin_login
from linter.formats.terraform._dns import ddns_targets
from linter.formats.terraform._ingress import Rule, ingress, parse_port_range, protocol
from linter.formats.terraform._workload import attached_exposure
from linter.formats.terraform.model import Block, Resource
from linter.knowledge import tls_version
from linter.model import Origin
from linter.predicates import is_public_source

PRODUCT = "azure"


class _SecurityRule:
    """A `security_rule` block, or an element of `security_rule = [{...}]` written as a list."""

    def __init__(self, block: Block | None, data: dict | None = None, origin: Origin | None = None):
        self.block, self.data, self.origin = block, data or {}, origin

    def get(self, name: str) -> Any:
        return self.block.get(name) if self.block is not None else self.data.get(name)

    def has(self, name: str) -> bool:
        return values.present(self.block, name) if self.block is not None else self.data.get(name) not in (None, [], "")

    def origin_of(self, name: str) -> Origin:
        return self.block.origin_of(name) if self.block is not None else self.origin


def _inbound(rule: _SecurityRule, access: str) -> bool:
    return ((values.text(rule.get("direction")) or "").lower() == "inbound"
            and (values.text(rule.get("access")) or "").lower() == access)


def _port_ranges(rule: _SecurityRule) -> list[tuple[int, int]]:
    ports = [values.text(rule.get("destination_port_range"))] if values.present(rule, "destination_port_range") else []
    ports += values.strings(rule.get("destination_port_ranges"))
    # "22-64, 94": Azure wants a list in `destination_port_ranges`, but comma lists are written
    # (and accepted by the scanners' samples); each item is a port or a range
    items = [item for p in ports if p for item in p.split(",")]
    return [r for r in (parse_port_range(p) for p in items if p.strip()) if r]


def _shadowed(rule: _SecurityRule, proto: str, ports: tuple[int, int], denies: list[_SecurityRule]) -> bool:
    """A Deny from anywhere with a lower priority number (evaluated first) covering these ports."""
    priority = values.integer(rule.get("priority"))
    if priority is None:
        return False
    for deny in denies:
        deny_priority = values.integer(deny.get("priority"))
        deny_proto = protocol(values.text(deny.get("protocol")))
        if deny_priority is None or deny_priority >= priority or deny_proto not in ("all", proto):
            continue
        sources = values.strings(deny.get("source_address_prefix")) + values.strings(deny.get("source_address_prefixes"))
        if any(is_public_source(s) for s in sources) and any(
                first <= ports[0] and ports[1] <= last for first, last in _port_ranges(deny)):
            return True
    return False


def _nsg_rule(where: str, rule: _SecurityRule, denies: list[_SecurityRule] = ()) -> Iterator[Fact]:
    if not _inbound(rule, "allow"):
        return
    proto = protocol(values.text(rule.get("protocol")))
    if proto is None:
        return
    ranges = [r for r in _port_ranges(rule) if not _shadowed(rule, proto, r, list(denies))]
    for attr in ("source_address_prefix", "source_address_prefixes"):
        sources = tuple(values.strings(rule.get(attr)))
        if not sources:
            continue
        for first, last in ranges:
            yield ingress(Rule(where, proto, first, last, sources, rule.origin_of(attr), PRODUCT, ports_apply=True))


def _inline_rules(nsg: Resource) -> list[_SecurityRule]:
    body = nsg.body
    rules = [_SecurityRule(b) for b in body.children("security_rule")]
    attr = body.attributes.get("security_rule")
    if attr is not None and isinstance(attr.value, list):
        rules += [_SecurityRule(None, item, attr.origin) for item in attr.value if isinstance(item, dict)]
    return rules


def _denies(nsg: Resource, ctx: MapContext) -> list[_SecurityRule]:
    """Every inbound Deny of a network security group: inline and separate rule resources."""
    rules = _inline_rules(nsg) + [_SecurityRule(r.body) for r in ctx.referencing(
        nsg, "network_security_group_name", "azurerm_network_security_rule")]
    return [r for r in rules if _inbound(r, "deny")]


def security_group(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    denies = _denies(resource, ctx)
    for rule in _inline_rules(resource):
        name = values.text(rule.get("name"))
        for fact in _nsg_rule(f"`{resource.address}` rule `{name}`" if name else f"`{resource.address}`", rule, denies):
            ctx.add_group_ingress(resource, fact)
            yield fact


def security_rule(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    groups = ctx.referenced(resource, resource.get("network_security_group_name"), "azurerm_network_security_group")
    denies = [d for group in groups for d in _denies(group, ctx)]
    for fact in _nsg_rule(f"`{resource.address}`", _SecurityRule(resource.body), denies):
        for group in groups:
            ctx.add_group_ingress(group, fact)
        yield fact


_FIREWALL_PORTS = {"mssql": 1433, "sql": 1433, "postgresql": 5432, "mysql": 3306, "mariadb": 3306}


def sql_firewall_rule(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    """`start_ip_address = "0.0.0.0"`, `end_ip_address = "255.255.255.255"`: every address.
    (0.0.0.0 to 0.0.0.0 is Azure's "allow Azure services" switch, not the internet.)"""
    body = resource.body
    start, end = values.text(body.get("start_ip_address")), values.text(body.get("end_ip_address"))
    if start != "0.0.0.0" or end != "255.255.255.255":
        return
    kind = resource.type.split("_")[1]  # azurerm_<kind>_firewall_rule
    port = _FIREWALL_PORTS.get(kind.replace("flexible", ""), 1433)
    yield ingress(Rule(f"`{resource.address}` (0.0.0.0 to 255.255.255.255)", "tcp", port, port,
                       ("0.0.0.0/0",), body.origin_of("end_ip_address"), PRODUCT))


def dicom_service(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    enabled = values.flag(body.get("public_network_access_enabled")) if values.present(body, "public_network_access_enabled") else True
    if enabled is not True:
        return
    how = ("sets `public_network_access_enabled = true`" if values.present(body, "public_network_access_enabled")
           else "does not set `public_network_access_enabled`, which defaults to true")
    yield Listener(origin=body.origin_of("public_network_access_enabled"), product=PRODUCT, service="dicomweb",
                   port=443, exposure="internet", via="public-endpoint", auth="required", tls=True,
                   detail=(f"`{resource.address}` {how}: the DICOMweb endpoint answers from the whole "
                           "internet, protected only by its Entra ID tokens"))


# ---------------------------------------------------------------- storage

def _nested_public(account: Resource) -> tuple[bool | None, str, bool]:
    """(may containers be public?, attribute name, explicitly set?)"""
    for name in ("allow_nested_items_to_be_public", "allow_blob_public_access"):
        if values.present(account.body, name):
            return values.flag(account.get(name)), name, True
    return True, "allow_nested_items_to_be_public", False


def storage_account(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    if values.present(body, "min_tls_version"):
        raw = values.text(body.get("min_tls_version"))
        version = tls_version(raw) if raw else None
        if version in ("TLSv1.0", "TLSv1.1"):
            versions = versions_from_minimum(version)
            yield TlsPolicy(origin=body.origin_of("min_tls_version"), product=PRODUCT, service="object-storage",
                            role="server", enforced=True, versions=versions,
                            detail=f"`{resource.address}` sets `min_tls_version = \"{raw}\"`: clients may still use {version}")
    for name in ("https_traffic_only_enabled", "enable_https_traffic_only"):
        if values.present(body, name) and values.flag(body.get(name)) is False:
            yield TlsPolicy(origin=body.origin_of(name), product=PRODUCT, service="object-storage", role="server",
                            enforced=False,
                            detail=(f"`{resource.address}` sets `{name} = false`: blobs, files and shared-key "
                                    "signatures are accepted over plain HTTP"))
    allowed, name, explicit = _nested_public(resource)
    if allowed is True:
        how = f"sets `{name} = true`" if explicit else f"does not set `{name}`, which defaults to true"
        yield Setting(origin=body.origin_of(name), product="azure-storage", section=resource.address,
                      key="allow_nested_items_to_be_public", value=True, explicit=explicit, raw=str(explicit).lower(),
                      detail=f"`{resource.address}` {how}: any container in it can be made readable without a login")


def storage_container(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    access = (values.text(body.get("container_access_type")) or "private").lower()
    if access not in ("blob", "container"):
        return
    for account in ctx.referenced(resource, [body.get("storage_account_name"), body.get("storage_account_id")],
                                  "azurerm_storage_account"):
        if _nested_public(account)[0] is not True:
            return  # the account forbids public containers: Azure refuses this access type
    what = "read every blob and list the container" if access == "container" else "read every blob whose name they know or guess"
    yield AnonymousAccess(origin=body.origin_of("container_access_type"), product=PRODUCT, service="object-storage",
                          resource=values.text(body.get("name")) or resource.address, who="anyone", read=True,
                          detail=(f"`{resource.address}` sets `container_access_type = \"{access}\"`: anyone on "
                                  f"the internet can {what}"))


# ---------------------------------------------------------------- application gateway

_APPGW_WEAK = {"appgwsslpolicy20150501": ("TLSv1.0", "TLSv1.1", "TLSv1.2"),
               "appgwsslpolicy20170401": ("TLSv1.1", "TLSv1.2")}


def application_gateway(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    redirected = {values.text(r.get("http_listener_name")) for r in body.children("request_routing_rule")
                  if values.text(r.get("redirect_configuration_name"))}
    for listener in body.children("http_listener"):
        name = values.text(listener.get("name"))
        if (values.text(listener.get("protocol")) or "").lower() == "http" and name not in redirected:
            yield TlsPolicy(origin=listener.origin_of("protocol"), product=PRODUCT, service="http", role="server",
                            enforced=False,
                            detail=(f"`{resource.address}` listener `{name}` uses `protocol = \"Http\"` and no "
                                    "routing rule redirects it to HTTPS"))
    for policy in body.children("ssl_policy"):
        versions: tuple[str, ...] = ()
        attr = "policy_name"
        minimum = values.text(policy.get("min_protocol_version"))
        if minimum and tls_version(minimum) in ("TLSv1.0", "TLSv1.1"):
            attr = "min_protocol_version"
            versions = versions_from_minimum(tls_version(minimum))
        else:
            versions = _APPGW_WEAK.get((values.text(policy.get("policy_name")) or "").lower(), ())
        if versions:
            yield TlsPolicy(origin=policy.origin_of(attr), product=PRODUCT, service="http", role="server",
                            enforced=True, versions=versions,
                            detail=f"`{resource.address}` has an SSL policy that accepts {versions[0]}")


# ---------------------------------------------------------------- logins and DNS

_LOGIN_TYPES = {
    "azurerm_postgresql_server": "postgres", "azurerm_postgresql_flexible_server": "postgres",
    "azurerm_mysql_server": "mysql", "azurerm_mysql_flexible_server": "mysql", "azurerm_mariadb_server": "mysql",
    "azurerm_mssql_server": "mssql", "azurerm_sql_server": "mssql", "azurerm_mssql_managed_instance": "mssql",
}


# Database servers' own TLS switches: `ssl_enforcement_enabled` (PostgreSQL/MySQL/MariaDB single
# server; required, no default), `ssl_minimal_tls_version_enforced` and SQL Server's
# `minimum_tls_version` ("1.0", "1.1", "1.2"). An absent value is not reported.
_DB_MIN_TLS = ("ssl_minimal_tls_version_enforced", "minimum_tls_version")


def _db_tls(resource: Resource, service: str) -> Iterator[Fact]:
    body = resource.body
    if values.present(body, "ssl_enforcement_enabled") and values.flag(body.get("ssl_enforcement_enabled")) is False:
        yield TlsPolicy(origin=body.origin_of("ssl_enforcement_enabled"), product=PRODUCT, service=service,
                        role="server", enforced=False,
                        detail=(f"`{resource.address}` sets `ssl_enforcement_enabled = false`: clients may "
                                "connect and send the database password without TLS"))
    for name in _DB_MIN_TLS:
        raw = values.text(body.get(name)) if values.present(body, name) else None
        version = tls_version(raw) or tls_version(f"tls{raw}") if raw else None
        if version in ("TLSv1.0", "TLSv1.1"):
            versions = versions_from_minimum(version)
            yield TlsPolicy(origin=body.origin_of(name), product=PRODUCT, service=service, role="server",
                            enforced=True, versions=versions,
                            detail=f"`{resource.address}` sets `{name} = \"{raw}\"`: clients may still use {version}")


_DB_PORTS = {"postgres": 5432, "mysql": 3306, "mssql": 1433}


def _db_public(resource: Resource, service: str) -> Iterator[Fact]:
    """`public_network_access_enabled = true` written out: the server answers on a public
    endpoint, and its firewall rules decide who gets through. Left to the default it is not
    reported (the default differs between server kinds and VNet-integrated servers have none)."""
    body = resource.body
    if values.present(body, "public_network_access_enabled") and values.flag(body.get("public_network_access_enabled")) is True:
        yield Listener(origin=body.origin_of("public_network_access_enabled"), product=PRODUCT, service=service,
                       port=_DB_PORTS.get(service), exposure="restricted", via="public-endpoint", auth="required",
                       detail=(f"`{resource.address}` sets `public_network_access_enabled = true`: the database "
                               "server has a public endpoint and only its firewall rules decide who reaches it"))


def db_login(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    service = _LOGIN_TYPES[resource.type]
    yield from _db_public(resource, service)
    cred = admin_login(resource, user_attr="administrator_login", secret_attr="administrator_login_password",
                       service=service, product=PRODUCT)
    if cred is not None:
        yield cred
    yield from _db_tls(resource, service)


def _vm_groups(resource: Resource, ctx: MapContext) -> tuple[list[tuple[Resource, Origin]], bool]:
    """The network security groups in front of a VM (on its NICs or their subnets), and whether
    one of its NICs has a public IP address."""
    origin = resource.body.origin_of("network_interface_ids")
    groups: list[tuple[Resource, Origin]] = []
    public = False
    for nic in ctx.referenced(resource, resource.get("network_interface_ids"), "azurerm_network_interface"):
        holders = [nic]
        for ip in nic.body.children("ip_configuration"):
            public = public or values.present(ip, "public_ip_address_id")
            holders += ctx.referenced(nic, ip.get("subnet_id"), "azurerm_subnet")
        for holder in holders:
            attr = "network_interface_id" if holder is nic else "subnet_id"
            kind = ("azurerm_network_interface_security_group_association" if holder is nic
                    else "azurerm_subnet_network_security_group_association")
            for association in ctx.referencing(holder, attr, kind):
                for nsg in ctx.referenced(association, association.get("network_security_group_id"),
                                          "azurerm_network_security_group"):
                    groups.append((nsg, origin))
    return groups, public


def vm(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    yield from vm_login(resource, ctx)
    groups, public = _vm_groups(resource, ctx)
    if public:  # only machines the code says run a PACS or NAS product are reported here
        fact = attached_exposure(resource, ctx, groups, None, PRODUCT, link="sits behind")
        if fact is not None:
            yield fact


def vm_login(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    service = "management" if "windows" in resource.type else "ssh"
    blocks = [resource.body] + resource.body.children("os_profile")
    for block in blocks:
        if values.present(block, "admin_username") or values.present(block, "admin_password"):
            cred = admin_login(resource, user_attr="admin_username", secret_attr="admin_password",
                               service=service, product=PRODUCT, what="virtual machine administrator", block=block)
            if cred is not None:
                yield cred


def cname_record(resource: Resource, ctx: MapContext) -> Iterator[Fact]:
    body = resource.body
    name = values.text(body.get("name")) or resource.address
    targets = [(t, body.origin_of("record")) for t in values.strings(body.get("record"))]
    yield from ddns_targets(resource.address, name, targets, PRODUCT)


NETWORK_MAPPERS = {
    "azurerm_network_security_group": security_group,
    "azurerm_network_security_rule": security_rule,
}

MAPPERS = {
    "azurerm_mssql_firewall_rule": sql_firewall_rule,
    "azurerm_sql_firewall_rule": sql_firewall_rule,
    "azurerm_postgresql_firewall_rule": sql_firewall_rule,
    "azurerm_postgresql_flexible_server_firewall_rule": sql_firewall_rule,
    "azurerm_mysql_firewall_rule": sql_firewall_rule,
    "azurerm_mysql_flexible_server_firewall_rule": sql_firewall_rule,
    "azurerm_mariadb_firewall_rule": sql_firewall_rule,
    "azurerm_healthcare_dicom_service": dicom_service,
    "azurerm_storage_account": storage_account,
    "azurerm_storage_container": storage_container,
    "azurerm_application_gateway": application_gateway,
    **{t: db_login for t in _LOGIN_TYPES},
    **{t: vm for t in ("azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine",
                             "azurerm_virtual_machine", "azurerm_linux_virtual_machine_scale_set",
                             "azurerm_windows_virtual_machine_scale_set")},
    "azurerm_dns_cname_record": cname_record,
}
