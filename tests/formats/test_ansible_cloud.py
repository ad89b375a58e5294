"""Ansible cloud modules give the facts Terraform's cloud resources give (docs/cloud-facts.md)."""
from __future__ import annotations

from pathlib import Path

import pytest

from linter.engine import scan
from linter.facts import AnonymousAccess, Credential, Ingress, Listener, Setting, TlsPolicy


def facts_of(tmp_path: Path, rules, files: dict[str, str], kind=None) -> list:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = scan([str(tmp_path)], rules, root=str(tmp_path))
    return [f for f in result.facts if kind is None or isinstance(f, kind)]


def play(*tasks: str) -> dict[str, str]:
    body = "".join("    - " + task.strip().replace("\n", "\n      ") + "\n" for task in tasks)
    return {"site.yml": "- hosts: localhost\n  connection: local\n  tasks:\n" + body}


def shape(fact: Ingress) -> tuple:
    return (fact.protocol, fact.port_from, fact.port_to, fact.sources, fact.service)


def test_security_group_matches_terraform(tmp_path, rules):
    ansible = facts_of(tmp_path / "a", rules, play("""
amazon.aws.ec2_security_group:
  name: pacs
  description: pacs
  rules:
    - proto: tcp
      from_port: 104
      to_port: 104
      cidr_ip: 0.0.0.0/0
    - proto: "-1"
      cidr_ipv6: ::/0
"""), Ingress)
    terraform = facts_of(tmp_path / "t", rules, {"main.tf": """
resource "aws_security_group" "pacs" {
  ingress {
    protocol    = "tcp"
    from_port   = 104
    to_port     = 104
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    protocol         = "-1"
    from_port        = 0
    to_port          = 0
    ipv6_cidr_blocks = ["::/0"]
  }
}
"""}, Ingress)
    assert sorted(map(shape, ansible)) == sorted(map(shape, terraform))
    assert {f.product for f in ansible} == {"aws"}


@pytest.mark.parametrize("rule,expected", [
    ("ports: [104, '2000-2100']\n  cidr_ip: 0.0.0.0/0", [("tcp", 104, 104), ("tcp", 2000, 2100)]),
    ("from_port: -1\n  to_port: -1\n  cidr_ip: 0.0.0.0/0", [("tcp", 0, 65535)]),  # proto defaults to tcp
    ("proto: udp\n  ports: 137-138\n  cidr_ip: 0.0.0.0/0", [("udp", 137, 138)]),
    ("proto: icmp\n  from_port: -1\n  to_port: -1\n  cidr_ip: 0.0.0.0/0", []),
    ("proto: tcp\n  ports: [445]\n  group_id: sg-0123", []),
    ("proto: tcp\n  ports: [445]\n  cidr_ip: '{{ nobody_knows }}'", []),
])
def test_security_group_rule_spellings(tmp_path, rules, rule, expected):
    task = "ec2_group:\n  name: g\n  description: g\n  rules:\n    - " + rule.replace("\n", "\n    ")
    found = facts_of(tmp_path, rules, play(task), Ingress)
    assert sorted((f.protocol, f.port_from, f.port_to) for f in found) == expected


def test_origin_is_the_source_line_and_names_the_variable(tmp_path, rules):
    files = play("""
amazon.aws.ec2_security_group:
  name: pacs
  description: pacs
  rules:
    - proto: tcp
      ports: ["{{ dicom_port }}"]
      cidr_ip: 0.0.0.0/0
""")
    files["group_vars/all.yml"] = "dicom_port: 104\n"
    [fact] = facts_of(tmp_path, rules, files, Ingress)
    assert (fact.origin.path, fact.origin.line) == ("site.yml", 10)
    assert "`dicom_port` in group_vars/all.yml:1" in fact.detail
    assert fact.port_from == 104


def test_azure_defaults_and_deny_priority(tmp_path, rules):
    found = facts_of(tmp_path, rules, play("""
azure.azcollection.azure_rm_securitygroup:
  name: nsg
  resource_group: rg
  rules:
    - name: everything
      priority: 300
    - name: deny-smb
      access: Deny
      destination_port_range: 445
      priority: 100
    - name: smb
      protocol: Tcp
      destination_port_range: 445
      priority: 200
    - name: dicom
      protocol: "*"
      destination_port_range: 104
      priority: 400
"""), Ingress)
    # no protocol, port or source: every port from "*"; smb shadowed by the earlier deny;
    # protocol "*" on one port keeps the port
    assert sorted(shape(f) for f in found) == [("all", 0, 65535, ("*",), "dicom"), ("tcp", 104, 104, ("*",), "dicom")]


def test_gcp_firewall_defaults(tmp_path, rules):
    found = facts_of(tmp_path, rules, play("""
google.cloud.gcp_compute_firewall:
  name: a
  allowed:
    - ip_protocol: tcp
    - ip_protocol: icmp
""", """
google.cloud.gcp_compute_firewall:
  name: b
  allowed: [{ip_protocol: tcp, ports: ["104"]}]
  source_tags: [gateway]
"""), Ingress)
    assert [shape(f) for f in found] == [("tcp", 0, 65535, ("0.0.0.0/0",), "dicom")]


def test_public_access_block_neutralises_acl_but_not_policy(tmp_path, rules):
    found = facts_of(tmp_path, rules, play("""
amazon.aws.s3_bucket:
  name: exports
  acl: public-read-write
  policy: '{"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*"}}'
  public_access:
    block_public_acls: true
    ignore_public_acls: true
"""))
    public = [f for f in found if isinstance(f, AnonymousAccess)]
    assert [(f.origin.line, f.write) for f in public] == [(7, True)]  # the policy line
    [block] = [f for f in found if isinstance(f, Setting)]
    assert block.raw == "block_public_policy, restrict_public_buckets"


def test_rds_listener_and_credential(tmp_path, rules):
    found = facts_of(tmp_path, rules, play("""
amazon.aws.rds_instance:
  id: db
  engine: sqlserver-se
  publicly_accessible: yes
  master_username: sa
  master_user_password: "S3cure!Passw0rd-x"
"""))
    [listener] = [f for f in found if isinstance(f, Listener)]
    assert (listener.service, listener.port, listener.via) == ("mssql", 1433, "public-endpoint")
    [cred] = [f for f in found if isinstance(f, Credential)]
    assert (cred.user, cred.strength, cred.admin, cred.secrets) == ("sa", "literal", True, ("S3cure!Passw0rd-x",))


def test_rds_empty_password_is_a_placeholder_not_blank(tmp_path, rules):
    [cred] = facts_of(tmp_path, rules, play('rds_instance: id=db engine=mysql master_username=owner master_user_password=""'),
                      Credential)
    assert cred.strength == "reference" and cred.secrets == ()


def test_load_balancer_and_storage_tls(tmp_path, rules):
    found = facts_of(tmp_path, rules, play("""
amazon.aws.elb_application_lb:
  name: lb
  scheme: internal
  listeners:
    - Protocol: HTTP
      Port: 80
    - Protocol: HTTPS
      Port: 443
      SslPolicy: ELBSecurityPolicy-TLS-1-1-2017-01
""", "azure_rm_storageaccount: name=a resource_group=rg minimum_tls_version=TLS1_1 https_only=true"), TlsPolicy)
    assert [(f.enforced, f.versions, f.exposed) for f in found] == [
        (False, (), False), (True, ("TLSv1.1", "TLSv1.2"), False), (True, ("TLSv1.1", "TLSv1.2"), True)]


@pytest.mark.parametrize("task", [
    "amazon.aws.ec2_security_group:\n  name: g\n  state: absent\n  rules: [{proto: -1, cidr_ip: 0.0.0.0/0}]",
    "amazon.aws.s3_bucket:\n  name: b\n  state: absent\n  acl: public-read",
    "amazon.aws.rds_instance:\n  id: d\n  state: absent\n  publicly_accessible: true",
    "rds: command=delete instance_name=d publicly_accessible=yes",
    "amazon.aws.elb_classic_lb:\n  name: l\n  state: absent\n  listeners: [{protocol: http, load_balancer_port: 80}]",
    "azure_rm_securitygroup:\n  name: n\n  resource_group: r\n  state: absent\n  rules: [{name: all, priority: 100}]",
    "azure_rm_storageblob:\n  container: c\n  storage_account_name: a\n  resource_group: r\n  public_access: blob\n  state: absent",
    "gcp_compute_firewall:\n  name: f\n  state: absent\n  allowed: [{ip_protocol: all}]",
    "gcp_storage_bucket_access_control:\n  bucket: {name: b}\n  entity: allUsers\n  role: READER\n  state: absent",
])
def test_removal_exposes_nothing(tmp_path, rules, task):
    found = facts_of(tmp_path, rules, play(task), (Ingress, AnonymousAccess, Listener, TlsPolicy, Setting))
    assert found == []
