"""Terraform resources -> facts, on hand-built resources (no parser involved).

Each test builds the resolved resources the evaluator would hand over and checks the facts, their
fields and the line they point at. Fixtures under tests/fixtures/ cover the same cases end to end.
"""
from __future__ import annotations

import itertools

import pytest

from linter.facts import AnonymousAccess, Credential, Ingress, Listener, Publication, Setting, TlsPolicy
from linter.formats.terraform.mapping import facts_for
from linter.formats.terraform.model import Attribute, Block, Evaluated, Ref, Resource, Unknown
from linter.model import Origin

_lines = itertools.count(1)


def block(type_: str, /, *children: Block, **attrs) -> Block:
    """A block whose attributes each get their own line, in the order written."""
    body = Block(type_, (), Origin("main.tf", next(_lines)))
    for name, value in attrs.items():
        body.attributes[name] = Attribute(name, value, Origin("main.tf", next(_lines)))
    body.blocks.extend(children)
    return body


def resource(type_: str, name: str, /, *children: Block, module: str = "", mode: str = "managed", **attrs) -> Resource:
    prefix = "data." if mode == "data" else ""
    address = f"{module + '.' if module else ''}{prefix}{type_}.{name}"
    return Resource(type_, name, address, block("resource", *children, **attrs), module=module, mode=mode)


def facts(*resources: Resource, kind=None):
    found = facts_for(Evaluated(list(resources)))
    return [f for f in found if kind is None or isinstance(f, kind)]


def ref(address: str, attribute: str = "id") -> Ref:
    return Ref(reason="known after apply", address=address, attribute=attribute)


# ---------------------------------------------------------------- AWS security groups

def test_inline_ingress_points_at_the_open_cidr_line():
    sg = resource("aws_security_group", "pacs",
                  block("ingress", from_port=104, to_port=104, protocol="tcp", cidr_blocks=["0.0.0.0/0"]))
    [fact] = facts(sg)
    assert isinstance(fact, Ingress)
    assert (fact.protocol, fact.port_from, fact.port_to, fact.sources) == ("tcp", 104, 104, ("0.0.0.0/0",))
    assert fact.service == "dicom"
    assert fact.origin == sg.body.blocks[0].origin_of("cidr_blocks")
    assert "aws_security_group.pacs" in fact.detail and "104" in fact.detail and "0.0.0.0/0" in fact.detail


def test_ipv6_and_ipv4_lists_give_one_fact_each():
    sg = resource("aws_security_group", "smb",
                  block("ingress", from_port=445, to_port=445, protocol="6",
                        cidr_blocks=["10.0.0.0/8"], ipv6_cidr_blocks=["::/0"]))
    found = facts(sg)
    assert [f.sources for f in found] == [("10.0.0.0/8",), ("::/0",)]
    assert found[1].protocol == "tcp"


@pytest.mark.parametrize("proto", ["-1", "all", "ALL"])
def test_protocol_all_means_every_port(proto):
    [fact] = facts(resource("aws_security_group", "x",
                            block("ingress", from_port=0, to_port=0, protocol=proto, cidr_blocks=["0.0.0.0/0"])))
    assert (fact.protocol, fact.port_from, fact.port_to) == ("all", 0, 65535)


def test_unknown_cidr_or_ports_or_icmp_give_no_fact():
    assert facts(resource("aws_security_group", "a",
                          block("ingress", from_port=104, to_port=104, protocol="tcp", cidr_blocks=Unknown("var")))) == []
    assert facts(resource("aws_security_group", "b",
                          block("ingress", from_port=Unknown("v"), to_port=104, protocol="tcp", cidr_blocks=["0.0.0.0/0"]))) == []
    assert facts(resource("aws_security_group", "c",
                          block("ingress", from_port=-1, to_port=-1, protocol="icmp", cidr_blocks=["0.0.0.0/0"]))) == []


def test_mixed_known_and_unknown_sources_keep_the_known_ones():
    [fact] = facts(resource("aws_security_group", "a",
                            block("ingress", from_port=22, to_port=22, protocol="tcp",
                                  cidr_blocks=[Unknown("var.office"), "0.0.0.0/0"])))
    assert fact.sources == ("0.0.0.0/0",)


def test_ingress_written_as_an_attribute_list():
    sg = resource("aws_security_group", "a", ingress=[{"from_port": 445, "to_port": 445, "protocol": "tcp",
                                                       "cidr_blocks": ["0.0.0.0/0"]}])
    [fact] = facts(sg)
    assert fact.origin == sg.body.origin_of("ingress") and fact.service == "smb"


def test_security_group_rule_only_for_ingress():
    egress = resource("aws_security_group_rule", "out", type="egress", from_port=0, to_port=0, protocol="-1",
                      cidr_blocks=["0.0.0.0/0"])
    ing = resource("aws_security_group_rule", "in", type="ingress", from_port=100, to_port=200, protocol="tcp",
                   cidr_blocks=["0.0.0.0/0"])
    [fact] = facts(egress, ing)
    assert (fact.port_from, fact.port_to, fact.service) == (100, 200, "dicom")  # 104 is inside
    assert "104 (dicom)" in fact.detail


def test_vpc_security_group_ingress_rule():
    rule = resource("aws_vpc_security_group_ingress_rule", "nfs", ip_protocol="tcp", from_port=2049, to_port=2049,
                    cidr_ipv6="::/0", security_group_id=ref("aws_security_group.nas"))
    everything = resource("aws_vpc_security_group_ingress_rule", "all", ip_protocol="-1", cidr_ipv4="0.0.0.0/0")
    first, second = facts(rule, everything)
    assert first.sources == ("::/0",) and first.origin == rule.body.origin_of("cidr_ipv6")
    assert second.protocol == "all"


# ---------------------------------------------------------------- network ACLs

def test_network_acl_allow_and_deny_shadowing():
    acl = resource("aws_network_acl", "pacs",
                   block("ingress", rule_no=50, action="deny", protocol="tcp", from_port=445, to_port=445,
                         cidr_block="0.0.0.0/0"),
                   block("ingress", rule_no=100, action="allow", protocol="tcp", from_port=445, to_port=445,
                         cidr_block="0.0.0.0/0"),
                   block("ingress", rule_no=110, action="allow", protocol="6", from_port=104, to_port=104,
                         cidr_block="0.0.0.0/0"),
                   block("egress", rule_no=100, action="allow", protocol="-1", from_port=0, to_port=0,
                         cidr_block="0.0.0.0/0"))
    [fact] = facts(acl)
    assert fact.port_from == 104 and fact.origin == acl.body.blocks[2].origin_of("cidr_block")


def test_network_acl_rule_resource():
    allow = resource("aws_network_acl_rule", "ftp", network_acl_id=ref("aws_network_acl.a"), rule_number=100,
                     egress=False, protocol="tcp", rule_action="allow", cidr_block="0.0.0.0/0", from_port=21, to_port=21)
    out = resource("aws_network_acl_rule", "out", rule_number=100, egress=True, protocol="-1",
                   rule_action="allow", cidr_block="0.0.0.0/0")
    [fact] = facts(allow, out)
    assert fact.service == "ftp"


# ---------------------------------------------------------------- workloads and public endpoints

def test_pacs_instance_attached_to_an_open_group_reports_the_chain():
    sg = resource("aws_security_group", "pacs",
                  block("ingress", from_port=4242, to_port=4242, protocol="tcp", cidr_blocks=["0.0.0.0/0"]))
    vm = resource("aws_instance", "viewer", ami="ami-123", user_data="apt-get install -y orthanc",
                  vpc_security_group_ids=[ref("aws_security_group.pacs")])
    [chain] = facts(sg, vm, kind=Listener)
    assert chain.via == "security-group" and chain.service == "dicom" and chain.port == 4242
    assert chain.origin == vm.body.origin_of("vpc_security_group_ids")
    assert "aws_security_group.pacs" in chain.detail and "main.tf:" in chain.detail and "orthanc" in chain.detail


def test_chain_follows_module_relative_refs_and_separate_rules():
    sg = resource("aws_security_group", "nas", module="module.nas")
    rule = resource("aws_security_group_rule", "smb", module="module.nas", type="ingress", from_port=445,
                    to_port=445, protocol="tcp", cidr_blocks=["0.0.0.0/0"],
                    security_group_id=ref("aws_security_group.nas"))
    vm = resource("aws_instance", "samba", module="module.nas", associate_public_ip_address=True,
                  vpc_security_group_ids=[ref("aws_security_group.nas")])
    [chain] = facts(sg, rule, vm, kind=Listener)
    assert chain.service == "smb"


def test_no_chain_without_public_ip_or_open_rule():
    sg = resource("aws_security_group", "pacs",
                  block("ingress", from_port=104, to_port=104, protocol="tcp", cidr_blocks=["10.0.0.0/8"]))
    vm = resource("aws_instance", "orthanc", vpc_security_group_ids=[ref("aws_security_group.pacs")])
    assert facts(sg, vm, kind=Listener) == []
    open_sg = resource("aws_security_group", "open",
                       block("ingress", from_port=104, to_port=104, protocol="tcp", cidr_blocks=["0.0.0.0/0"]))
    private = resource("aws_instance", "orthanc", associate_public_ip_address=False,
                       vpc_security_group_ids=[ref("aws_security_group.open")])
    plain = resource("aws_instance", "web", vpc_security_group_ids=[ref("aws_security_group.open")])
    assert facts(open_sg, private, plain, kind=Listener) == []


def test_public_database_with_open_group_is_exposed():
    sg = resource("aws_security_group", "db",
                  block("ingress", from_port=5432, to_port=5432, protocol="tcp", cidr_blocks=["0.0.0.0/0"]))
    db = resource("aws_db_instance", "pacs", engine="postgres", publicly_accessible=True,
                  vpc_security_group_ids=[ref("aws_security_group.db")], manage_master_user_password=True)
    [listener] = facts(sg, db, kind=Listener)
    assert (listener.exposure, listener.via, listener.port, listener.service) == ("internet", "public-endpoint", 5432, "postgres")
    closed = resource("aws_db_instance", "x", engine="mysql", publicly_accessible=True)
    [restricted] = facts(closed, kind=Listener)
    assert restricted.exposure == "restricted" and restricted.port == 3306
    assert facts(resource("aws_db_instance", "y", engine="mysql", publicly_accessible=False)) == []


def test_dicom_service_public_by_default():
    [listener] = facts(resource("azurerm_healthcare_dicom_service", "d", name="dicom"))
    assert listener.service == "dicomweb" and listener.via == "public-endpoint"
    assert facts(resource("azurerm_healthcare_dicom_service", "d", public_network_access_enabled=False)) == []
    assert facts(resource("azurerm_healthcare_dicom_service", "d", public_network_access_enabled=Unknown("v"))) == []


# ---------------------------------------------------------------- credentials

@pytest.mark.parametrize("password,strength", [("", "reference"), ("changeme", "well-known"),
                                               ("Xk4!pq9Lz2", "literal"), (Unknown("var.pw"), "reference"),
                                               (ref("random_password.db", "result"), "reference")])
def test_database_password_strengths(password, strength):
    [cred] = facts(resource("aws_db_instance", "pacs", engine="postgres", username="pacsadmin", password=password))
    assert isinstance(cred, Credential)
    assert cred.strength == strength and cred.admin and cred.service == "postgres"  # RDS refuses ""
    if strength in ("literal", "well-known"):
        assert cred.secrets == (password,) and password not in cred.detail


def test_managed_master_password_keeps_only_the_user_name():
    [cred] = facts(resource("aws_db_instance", "p", username="admin", manage_master_user_password=True))
    assert cred.strength == "reference" and cred.user == "admin" and cred.secret is None


def test_azure_and_google_logins():
    sql = resource("azurerm_mssql_server", "s", administrator_login="sa", administrator_login_password="sa")
    vm = resource("azurerm_virtual_machine", "vm",
                  block("os_profile", admin_username="azureuser", admin_password="P@ssw0rd!2024"))
    inst = resource("google_sql_database_instance", "db", database_version="POSTGRES_15")
    user = resource("google_sql_user", "u", name="postgres", password="", instance=ref("google_sql_database_instance.db", "name"))
    creds = facts(sql, vm, inst, user, kind=Credential)
    assert [(c.user, c.strength, c.service) for c in creds] == [
        ("sa", "well-known", "mssql"), ("azureuser", "literal", "ssh"), ("postgres", "blank", "postgres")]


# ---------------------------------------------------------------- TLS

def test_http_listener_without_redirect():
    lb = resource("aws_lb", "pacs", internal=False)
    plain = resource("aws_lb_listener", "http", load_balancer_arn=ref("aws_lb.pacs", "arn"), port=80, protocol="HTTP",
                     *[block("default_action", type="forward")])
    redirect = resource("aws_lb_listener", "r", port=80, protocol="HTTP",
                        *[block("default_action", block("redirect", protocol="HTTPS", status_code="HTTP_301"),
                                type="redirect")])
    [tls] = facts(lb, plain, redirect, kind=TlsPolicy)
    assert tls.enforced is False and tls.exposed and tls.origin == plain.body.origin_of("protocol")


def test_internal_http_listener_is_not_exposed():
    lb = resource("aws_lb", "pacs", internal=True)
    plain = resource("aws_lb_listener", "http", load_balancer_arn=ref("aws_lb.pacs", "arn"), protocol="HTTP")
    [tls] = facts(lb, plain, kind=TlsPolicy)
    assert tls.exposed is False


@pytest.mark.parametrize("policy,weak", [("ELBSecurityPolicy-2016-08", "TLSv1.0"),
                                         ("ELBSecurityPolicy-TLS-1-1-2017-01", "TLSv1.1"),
                                         ("ELBSecurityPolicy-FS-2018-06", "TLSv1.0"),
                                         ("ELBSecurityPolicy-TLS13-1-2-2021-06", None),
                                         ("ELBSecurityPolicy-TLS-1-2-Ext-2018-06", None)])
def test_elb_ssl_policies(policy, weak):
    found = facts(resource("aws_lb_listener", "https", protocol="HTTPS", port=443, ssl_policy=policy))
    assert [f.versions[0] for f in found] == ([weak] if weak else [])


def test_transfer_server_ftp_and_storage_tls():
    ftp = resource("aws_transfer_server", "t", protocols=["SFTP", "FTP"])
    sftp = resource("aws_transfer_server", "s", protocols=["SFTP"])
    account = resource("azurerm_storage_account", "a", min_tls_version="TLS1_0", https_traffic_only_enabled=False,
                       allow_nested_items_to_be_public=False)
    found = facts(ftp, sftp, account, kind=TlsPolicy)
    assert [(f.service, f.enforced, f.versions[:1]) for f in found] == [
        ("ftp", False, ()), ("object-storage", True, ("TLSv1.0",)), ("object-storage", False, ())]


# ---------------------------------------------------------------- anonymous access

def test_storage_gateway_shares():
    smb = resource("aws_storagegateway_smb_file_share", "s", authentication="GuestAccess")
    ad = resource("aws_storagegateway_smb_file_share", "ad")
    nfs = resource("aws_storagegateway_nfs_file_share", "n", client_list=["0.0.0.0/0"], squash="NoSquash", read_only=True)
    found = facts(smb, ad, nfs)
    assert [(type(f).__name__, getattr(f, "service", None) or f.get("key")) for f in found] == [
        ("AnonymousAccess", "smb"), ("AnonymousAccess", "nfs"), ("Setting", "no_root_squash")]
    assert found[0].write is True and found[1].write is False


def test_s3_public_acl_policy_and_block():
    bucket = resource("aws_s3_bucket", "b", bucket="pacs-exports")
    acl = resource("aws_s3_bucket_acl", "a", bucket=ref("aws_s3_bucket.b"), acl="public-read")
    policy = resource("aws_s3_bucket_policy", "p", bucket=ref("aws_s3_bucket.b"),
                      policy={"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                             "Resource": "arn:aws:s3:::pacs-exports/*"}]})
    found = facts(bucket, acl, policy, kind=AnonymousAccess)
    assert [f.origin for f in found] == [acl.body.origin_of("acl"), policy.body.origin_of("policy")]
    block_all = resource("aws_s3_bucket_public_access_block", "pab", bucket=ref("aws_s3_bucket.b"),
                         block_public_acls=True, block_public_policy=True, ignore_public_acls=True,
                         restrict_public_buckets=True)
    assert facts(bucket, acl, policy, block_all) == []


def test_s3_policy_with_condition_is_not_public():
    policy = resource("aws_s3_bucket_policy", "p", policy='{"Statement": [{"Effect": "Allow", "Principal": "*", '
                      '"Action": "s3:GetObject", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}')
    assert facts(policy) == []


def test_public_access_block_turned_off():
    [setting] = facts(resource("aws_s3_bucket_public_access_block", "p", block_public_acls=False,
                               block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True))
    assert isinstance(setting, Setting) and setting.raw == "block_public_acls"


def test_azure_container_public_unless_account_forbids():
    account = resource("azurerm_storage_account", "open")
    closed = resource("azurerm_storage_account", "closed", allow_nested_items_to_be_public=False)
    c1 = resource("azurerm_storage_container", "c1", container_access_type="blob",
                  storage_account_name=ref("azurerm_storage_account.open", "name"))
    c2 = resource("azurerm_storage_container", "c2", container_access_type="container",
                  storage_account_id=ref("azurerm_storage_account.closed"))
    c3 = resource("azurerm_storage_container", "c3", storage_account_name=ref("azurerm_storage_account.open", "name"))
    found = facts(account, closed, c1, c2, c3)
    assert [type(f).__name__ for f in found] == ["Setting", "AnonymousAccess"]
    assert found[0].explicit is False


def test_google_iam_public_members():
    member = resource("google_healthcare_dicom_store_iam_member", "m", dicom_store_id="projects/p/dicomStores/s",
                      role="roles/healthcare.dicomViewer", member="allUsers")
    binding = resource("google_storage_bucket_iam_binding", "b", bucket="exports", role="roles/storage.objectAdmin",
                       members=["user:a@example.org", "allAuthenticatedUsers"])
    policy_doc = resource("google_iam_policy", "p", block("binding", role="roles/healthcare.dicomEditor",
                                                          members=["allUsers"]), mode="data")
    policy = resource("google_healthcare_dataset_iam_policy", "d", dataset_id="ds",
                      policy_data=ref("data.google_iam_policy.p", "policy_data"))
    private = resource("google_healthcare_dicom_store_iam_member", "ok", role="roles/healthcare.dicomViewer",
                       member="group:radiology@example.org")
    found = facts(member, binding, policy_doc, policy, private, kind=AnonymousAccess)
    assert [(f.service, f.write) for f in found] == [("dicomweb", False), ("object-storage", True), ("dicomweb", True)]
    assert found[2].origin == policy_doc.body.blocks[0].origin_of("members")


# ---------------------------------------------------------------- Google and Azure firewalls

def test_google_firewall_semantics():
    open_all = resource("google_compute_firewall", "all", block("allow", protocol="tcp"), source_ranges=["0.0.0.0/0"])
    ports = resource("google_compute_firewall", "dicom", block("allow", protocol="tcp", ports=["104", "11000-12000"]),
                     source_ranges=["0.0.0.0/0"])
    default_source = resource("google_compute_firewall", "d", block("allow", protocol="tcp", ports=["445"]))
    tagged = resource("google_compute_firewall", "t", block("allow", protocol="tcp", ports=["445"]), source_tags=["a"])
    disabled = resource("google_compute_firewall", "x", block("allow", protocol="all"), source_ranges=["0.0.0.0/0"],
                        disabled=True)
    egress = resource("google_compute_firewall", "e", block("allow", protocol="all"), direction="EGRESS",
                      destination_ranges=["0.0.0.0/0"])
    deny = resource("google_compute_firewall", "n", block("deny", protocol="all"), source_ranges=["0.0.0.0/0"])
    found = facts(open_all, ports, default_source, tagged, disabled, egress, deny)
    assert [(f.port_from, f.port_to) for f in found] == [(0, 65535), (104, 104), (11000, 12000), (445, 445)]
    assert found[3].origin == default_source.body.origin and "no `source_ranges`" in found[3].detail


def test_cloud_sql_authorized_networks():
    db = resource("google_sql_database_instance", "pacs",
                  block("settings", block("ip_configuration", block("authorized_networks", value="0.0.0.0/0"),
                                          ipv4_enabled=True)),
                  database_version="MYSQL_8_0")
    [fact] = facts(db)
    assert fact.port_from == 3306 and fact.service == "mysql"
    private = resource("google_sql_database_instance", "p",
                       block("settings", block("ip_configuration", block("authorized_networks", value="0.0.0.0/0"),
                                               ipv4_enabled=False)), database_version="MYSQL_8_0")
    assert facts(private) == []


@pytest.mark.parametrize("source", ["*", "Internet", "Any", "0.0.0.0/0"])
def test_azure_nsg_sources(source):
    nsg = resource("azurerm_network_security_group", "n",
                   block("security_rule", name="smb", direction="Inbound", access="Allow", protocol="Tcp",
                         destination_port_range="445", source_address_prefix=source))
    [fact] = facts(nsg)
    assert fact.service == "smb" and fact.sources == (source,)


def test_azure_nsg_rule_lists_deny_and_outbound():
    rule = resource("azurerm_network_security_rule", "r", direction="Inbound", access="Allow", protocol="*",
                    destination_port_ranges=["22", "8000-8100", "*"], source_address_prefixes=["Internet"])
    deny = resource("azurerm_network_security_rule", "d", direction="Inbound", access="Deny", protocol="*",
                    destination_port_range="*", source_address_prefix="*")
    out = resource("azurerm_network_security_rule", "o", direction="Outbound", access="Allow", protocol="Tcp",
                   destination_port_range="*", source_address_prefix="*")
    found = facts(rule, deny, out)
    # protocol "*" keeps the rule's ports: every protocol on 22 and 8000-8100, everything on "*"
    assert [(f.protocol, f.port_from, f.port_to) for f in found] == [
        ("tcp", 22, 22), ("tcp", 8000, 8100), ("all", 0, 65535)]
    assert "every protocol on port 22" in found[0].detail


def test_azure_sql_firewall_rule_anywhere_only():
    everyone = resource("azurerm_mssql_firewall_rule", "all", start_ip_address="0.0.0.0", end_ip_address="255.255.255.255")
    azure_services = resource("azurerm_mssql_firewall_rule", "az", start_ip_address="0.0.0.0", end_ip_address="0.0.0.0")
    [fact] = facts(everyone, azure_services)
    assert fact.port_from == 1433 and fact.service == "mssql"


# ---------------------------------------------------------------- DNS

def test_dns_records_to_ddns_hosts():
    r53 = resource("aws_route53_record", "pacs", name="pacs.clinic.example", type="CNAME",
                   records=["clinic-pacs.duckdns.org"])
    gdns = resource("google_dns_record_set", "n", name="nas.example.", type="CNAME", rrdatas=["mynas.synology.me."])
    az = resource("azurerm_dns_cname_record", "a", name="nas", record="office.myqnapcloud.com")
    plain = resource("aws_route53_record", "www", name="www", type="CNAME", records=["lb.example.com"])
    found = facts(r53, gdns, az, plain)
    assert all(isinstance(f, Publication) for f in found)
    assert [f.hostnames for f in found] == [("clinic-pacs.duckdns.org",), ("mynas.synology.me",), ("office.myqnapcloud.com",)]


def test_classic_elb_and_database_tls_switches():
    elb = resource("aws_elb", "viewer", block("listener", lb_port=80, lb_protocol="http", instance_port=8042,
                                              instance_protocol="http"),
                   block("listener", lb_port=443, lb_protocol="https", instance_port=8042, instance_protocol="http"))
    pg = resource("azurerm_postgresql_server", "pg", administrator_login="pacs_owner",
                  administrator_login_password=Unknown("var"), ssl_enforcement_enabled=False,
                  ssl_minimal_tls_version_enforced="TLS1_0")
    mssql = resource("azurerm_mssql_server", "sql", minimum_tls_version="1.1")
    cloudsql = resource("google_sql_database_instance", "db", block("settings", block(
        "ip_configuration", ssl_mode="ALLOW_UNENCRYPTED_AND_ENCRYPTED")), database_version="POSTGRES_15")
    found = facts(elb, pg, mssql, cloudsql, kind=TlsPolicy)
    assert [(f.service, f.enforced, f.versions[:1]) for f in found] == [
        ("http", False, ()), ("postgres", False, ()), ("postgres", True, ("TLSv1.0",)),
        ("mssql", True, ("TLSv1.1",)), ("postgres", False, ())]


def test_application_gateway_http_listener_and_old_policy():
    gw = resource("azurerm_application_gateway", "pacs",
                  block("http_listener", name="http", protocol="Http", frontend_port_name="p80"),
                  block("http_listener", name="redirected", protocol="Http", frontend_port_name="p8080"),
                  block("http_listener", name="https", protocol="Https", frontend_port_name="p443"),
                  block("request_routing_rule", name="r", http_listener_name="redirected",
                        redirect_configuration_name="to-https"),
                  block("ssl_policy", policy_type="Predefined", policy_name="AppGwSslPolicy20150501"))
    found = facts(gw, kind=TlsPolicy)
    assert [(f.enforced, f.versions[:1]) for f in found] == [(False, ()), (True, ("TLSv1.0",))]
    assert "`http`" in found[0].detail


def test_google_instance_behind_open_firewall():
    fw = resource("google_compute_firewall", "dicom", block("allow", protocol="tcp", ports=["4242"]),
                  source_ranges=["0.0.0.0/0"], target_tags=["pacs"])
    other = resource("google_compute_firewall", "web", block("allow", protocol="tcp", ports=["443"]),
                     source_ranges=["0.0.0.0/0"], target_tags=["web"])
    vm = resource("google_compute_instance", "orthanc", block("network_interface", block("access_config")),
                  tags=["pacs"], metadata_startup_script="docker run orthancteam/orthanc")
    internal = resource("google_compute_instance", "orthanc2", block("network_interface"), tags=["pacs"])
    [chain] = facts(fw, other, vm, internal, kind=Listener)
    assert chain.origin == vm.body.origin_of("tags") and "google_compute_firewall.dicom" in chain.detail
    assert chain.port == 4242


def test_azure_vm_behind_open_nsg():
    nsg = resource("azurerm_network_security_group", "pacs")
    rule = resource("azurerm_network_security_rule", "smb", direction="Inbound", access="Allow", protocol="Tcp",
                    destination_port_range="445", source_address_prefix="Internet",
                    network_security_group_name=ref("azurerm_network_security_group.pacs", "name"))
    nic = resource("azurerm_network_interface", "nas",
                   block("ip_configuration", public_ip_address_id=ref("azurerm_public_ip.nas"),
                         subnet_id=ref("azurerm_subnet.lan")))
    subnet = resource("azurerm_subnet", "lan")
    assoc = resource("azurerm_subnet_network_security_group_association", "lan", subnet_id=ref("azurerm_subnet.lan"),
                     network_security_group_id=ref("azurerm_network_security_group.pacs"))
    vm = resource("azurerm_linux_virtual_machine", "samba", network_interface_ids=[ref("azurerm_network_interface.nas")],
                  admin_username="nasadmin", tags={"role": "samba"})
    [chain] = facts(nsg, rule, nic, subnet, assoc, vm, kind=Listener)
    assert chain.service == "smb" and "azurerm_network_security_group.pacs" in chain.detail


def test_s3_grants_to_all_users():
    inline = resource("aws_s3_bucket", "old", block("grant", type="Group", permissions=["READ", "WRITE"],
                                                    uri="http://acs.amazonaws.com/groups/global/AllUsers"))
    acp_only = resource("aws_s3_bucket", "acp", block("grant", type="Group", permissions=["READ_ACP"],
                                                      uri="http://acs.amazonaws.com/groups/global/AllUsers"))
    acl = resource("aws_s3_bucket_acl", "a", block("access_control_policy", block(
        "grant", block("grantee", type="Group", uri="http://acs.amazonaws.com/groups/global/AllUsers"),
        permission="READ")))
    found = facts(inline, acp_only, acl, kind=AnonymousAccess)
    assert [f.write for f in found] == [True, False]


def test_internet_facing_load_balancer_needs_a_pacs_to_be_reported():
    sg = resource("aws_security_group", "web",
                  block("ingress", from_port=443, to_port=443, protocol="tcp", cidr_blocks=["0.0.0.0/0"]))
    lb = resource("aws_lb", "site", internal=False, security_groups=[ref("aws_security_group.web")])
    pacs = resource("aws_lb", "orthanc", internal=False, security_groups=[ref("aws_security_group.web")])
    [chain] = facts(sg, lb, pacs, kind=Listener)
    assert "aws_lb.orthanc" in chain.detail


def test_heredoc_policy_with_interpolations_is_read_from_the_file():
    from types import SimpleNamespace

    from linter.model import SourceFile

    text = ('resource "aws_s3_bucket_policy" "p" {\n  policy = <<-EOT\n    {"Statement": [{"Effect": "Allow",\n'
            '     "Principal": "*", "Action": "s3:GetObject", "Resource": "${aws_s3_bucket.b.arn}/*"}]}\n  EOT\n}\n')
    read_ctx = SimpleNamespace(loaded={"main.tf": SourceFile("/x/main.tf", "main.tf", "terraform", text)})
    body = Block("resource", (), Origin("main.tf", 1))
    body.attributes["policy"] = Attribute("policy", Unknown("template with an unknown part"), Origin("main.tf", 2, 3))
    policy = Resource("aws_s3_bucket_policy", "p", "aws_s3_bucket_policy.p", body)
    [fact] = facts_for(Evaluated([policy]), read_ctx)
    assert isinstance(fact, AnonymousAccess) and fact.origin.line == 2
    assert facts_for(Evaluated([policy]), None) == []  # without the file, the value stays unknown


def test_google_firewall_empty_and_unknown_sources():
    empty = resource("google_compute_firewall", "e", block("allow", protocol="tcp", ports=["445"]),
                     source_ranges=[], source_tags=[])
    unknown = resource("google_compute_firewall", "u", block("allow", protocol="tcp", ports=["445"]),
                       source_ranges=Unknown("var.ranges"))
    [fact] = facts(empty, unknown)
    assert "no `source_ranges`" in fact.detail


def test_chain_service_is_the_open_ports_when_the_product_port_is_closed():
    sg = resource("aws_security_group", "admin",
                  block("ingress", from_port=22, to_port=22, protocol="tcp", cidr_blocks=["0.0.0.0/0"]))
    vm = resource("aws_instance", "pacs_server", vpc_security_group_ids=[ref("aws_security_group.admin")])
    [chain] = facts(sg, vm, kind=Listener)
    assert chain.service == "ssh" and chain.port == 22


def test_ecs_service_with_public_ip_running_orthanc():
    sg = resource("aws_security_group", "orthanc",
                  block("ingress", from_port=8042, to_port=8042, protocol="tcp", cidr_blocks=["0.0.0.0/0"]))
    task = resource("aws_ecs_task_definition", "pacs", family="imaging",
                    container_definitions='[{"name": "pacs", "image": "orthancteam/orthanc:24.1.2"}]')
    public = resource("aws_ecs_service", "pacs", block("network_configuration", assign_public_ip=True,
                                                       security_groups=[ref("aws_security_group.orthanc")]),
                      task_definition=ref("aws_ecs_task_definition.pacs", "arn"))
    private = resource("aws_ecs_service", "private", block("network_configuration",
                                                           security_groups=[ref("aws_security_group.orthanc")]),
                       task_definition=ref("aws_ecs_task_definition.pacs", "arn"))
    [chain] = facts(sg, task, public, private, kind=Listener)
    assert "aws_ecs_service.pacs" in chain.detail and "orthanc" in chain.detail and chain.service == "dicom"


def test_facts_on_one_line_share_one_detail_naming_every_port():
    nsg = resource("azurerm_network_security_rule", "r", direction="Inbound", access="Allow", protocol="Tcp",
                   destination_port_ranges=["104", "445"], source_address_prefix="Internet")
    first, second = facts(nsg)
    assert first.detail == second.detail
    assert "104 (dicom)" in first.detail and "445 (smb)" in first.detail


def test_separate_nacl_deny_shadows_inline_allow():
    acl = resource("aws_network_acl", "a",
                   block("ingress", rule_no=200, action="allow", protocol="tcp", from_port=445, to_port=445,
                         cidr_block="0.0.0.0/0"))
    deny = resource("aws_network_acl_rule", "d", network_acl_id=ref("aws_network_acl.a"), rule_number=10,
                    protocol="-1", rule_action="deny", cidr_block="0.0.0.0/0")
    assert facts(acl, deny) == []


# ---------------------------------------------------------------- robustness

from hypothesis import given, settings, strategies as st  # noqa: E402

from linter.formats.terraform.mapping import mapped_types  # noqa: E402

_NAMES = ["from_port", "to_port", "protocol", "cidr_blocks", "ipv6_cidr_blocks", "type", "ip_protocol",
          "cidr_ipv4", "source_ranges", "ports", "direction", "access", "source_address_prefix",
          "destination_port_range", "destination_port_ranges", "publicly_accessible", "password", "username",
          "policy", "acl", "member", "members", "policy_data", "records", "rrdatas", "record", "client_list",
          "authentication", "squash", "protocols", "ssl_policy", "min_tls_version", "container_access_type",
          "vpc_security_group_ids", "security_group_id", "network_acl_id", "rule_action", "rule_no", "action",
          "cidr_block", "egress", "disabled", "engine", "user_data", "tags", "start_ip_address", "end_ip_address"]
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 70000), st.text(max_size=12),
                     st.sampled_from(["0.0.0.0/0", "::/0", "*", "Internet", "tcp", "-1", "Inbound", "Allow",
                                      "public-read", "allUsers", "GuestAccess", "FTP", "x.duckdns.org"]),
                     st.builds(Unknown, st.text(max_size=5)), st.builds(Ref, st.just(""), st.sampled_from(
                         ["aws_security_group.g", "aws_s3_bucket.b", "nothing.here"]), st.just("id")))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(st.sampled_from(_NAMES), inner, max_size=3)),
                       max_leaves=6)


@st.composite
def _random_block(draw, depth=0):
    attrs = draw(st.dictionaries(st.sampled_from(_NAMES), _VALUES, max_size=6))
    children = [] if depth > 1 else draw(st.lists(st.tuples(
        st.sampled_from(["ingress", "allow", "security_rule", "statement", "grant", "listener", "default_action",
                         "settings", "ip_configuration", "authorized_networks", "network_interface", "binding"]),
        _random_block(depth + 1)), max_size=2))
    body = block("resource", **attrs)
    for name, child in children:
        child.type = name
        body.blocks.append(child)
    return body


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(mapped_types())), _random_block()), min_size=1, max_size=4))
def test_mappers_never_fail_on_odd_values(items):
    resources = [Resource(type_, f"r{i}", f"{type_}.r{i}", body) for i, (type_, body) in enumerate(items)]
    resources.append(Resource("aws_security_group", "g", "aws_security_group.g", block("resource")))
    for fact in facts_for(Evaluated(resources)):
        assert fact.detail and fact.origin.path == "main.tf"


def test_azure_comma_separated_port_list():
    rule = resource("azurerm_network_security_rule", "r", direction="Inbound", access="Allow", protocol="TCP",
                    destination_port_range="14, 23-24,46", source_address_prefix="/0")
    assert [(f.port_from, f.port_to) for f in facts(rule)] == [(14, 14), (23, 24), (46, 46)]


def test_explicit_public_network_access_on_database_servers():
    pg = resource("azurerm_postgresql_flexible_server", "pg", public_network_access_enabled=True)
    default = resource("azurerm_mssql_server", "sql")
    redshift = resource("aws_redshift_cluster", "dw", publicly_accessible=True)
    found = facts(pg, default, redshift, kind=Listener)
    assert [(f.service, f.port, f.exposure) for f in found] == [("postgres", 5432, "restricted"),
                                                                ("postgres", 5439, "restricted")]


def test_azure_deny_with_lower_priority_shadows_allow():
    nsg = resource("azurerm_network_security_group", "n",
                   block("security_rule", name="deny-smb", priority=100, direction="Inbound", access="Deny",
                         protocol="*", destination_port_range="139-445", source_address_prefix="*"),
                   block("security_rule", name="smb", priority=200, direction="Inbound", access="Allow",
                         protocol="Tcp", destination_port_ranges=["445", "104"], source_address_prefix="Internet"))
    late_deny = resource("azurerm_network_security_rule", "late", priority=4000, direction="Inbound", access="Deny",
                         protocol="*", destination_port_range="*", source_address_prefix="*",
                         network_security_group_name=ref("azurerm_network_security_group.n", "name"))
    early_deny = resource("azurerm_network_security_rule", "early", priority=50, direction="Inbound", access="Deny",
                          protocol="Tcp", destination_port_range="104", source_address_prefix="Internet",
                          network_security_group_name=ref("azurerm_network_security_group.n", "name"))
    assert [f.port_from for f in facts(nsg, late_deny)] == [104]  # 445 is denied first
    assert facts(nsg, late_deny, early_deny) == []


def test_google_deny_with_higher_precedence_shadows_allow():
    allow = resource("google_compute_firewall", "allow", block("allow", protocol="tcp", ports=["445", "104"]),
                     network="pacs-vpc", source_ranges=["0.0.0.0/0"], priority=1000)
    deny = resource("google_compute_firewall", "deny", block("deny", protocol="tcp", ports=["139-445"]),
                    network="pacs-vpc", source_ranges=["0.0.0.0/0"], priority=900)
    other_net = resource("google_compute_firewall", "deny2", block("deny", protocol="all"),
                         network="other-vpc", source_ranges=["0.0.0.0/0"], priority=10)
    assert [f.port_from for f in facts(allow, deny, other_net)] == [104]


def test_merged_line_names_only_what_is_open_to_the_world(tmp_path):
    """A `count` over rules with different sources shares one line: the finding must not say a
    restricted port is open to everyone."""
    from linter.engine import scan
    from linter.rules import load_rules

    (tmp_path / "main.tf").write_text('''
variable "rules" {
  default = [
    { port = 11112, cidr = "0.0.0.0/0" },
    { port = 8042, cidr = "10.0.0.0/8" },
  ]
}
resource "aws_security_group_rule" "r" {
  count             = length(var.rules)
  type              = "ingress"
  security_group_id = "sg-1"
  protocol          = "tcp"
  from_port         = var.rules[count.index].port
  to_port           = var.rules[count.index].port
  cidr_blocks       = [var.rules[count.index].cidr]
}
''', encoding="utf-8")
    result = scan([str(tmp_path)], load_rules(), root=str(tmp_path))
    (finding,) = [f for f in result.findings if f.rule_id == "PG110"]
    assert "11112" in finding.message and "8042" not in finding.message
