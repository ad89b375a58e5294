"""Deterministic benchmark corpus: Terraform, Ansible, compose and NAS/PACS files.

The corpus imitates the layout, file mix and file sizes of the public repositories issue 8
measured Checkov on (terraform-aws-modules security-group/vpc/eks/rds, the Google GKE and Azure
AKS modules, terragoat, kubespray, ansible-for-devops, ansible-examples, geerlingguy-style
roles, awesome-compose, orthanc-setup-samples) plus the NAS/PACS files of small clinics. The
text is generated here, never copied. A seeded fraction of the files carries the insecure
settings pacsguard looks for (0.0.0.0/0 on DICOM/SMB/FTP ports, guest shares, anonymous FTP,
default passwords, dynamic DNS), so a scanner has real work to do.

Every file's content depends only on the seed and its own path, so the corpus is byte-for-byte
the same on every run and on every machine. `--scale N` writes N copies under copy1/..copyN/.

    python bench/corpus.py OUT_DIR [--scale N] [--size full|quick|tiny] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

DEFAULT_SEED = 8
# How much of each repository plan is generated: full is the issue's corpus (~2,600 files,
# ~8 MB); quick keeps every kind of file but about a quarter of them; tiny is for the tests.
SIZES = {"full": 1.0, "quick": 0.25, "tiny": 0.01}
# Share of the places that can hold an insecure setting which actually do.
INSECURE_SHARE = 0.12
# Share of the clinics whose NAS publishes a dynamic DNS name (ddclient.conf).
DDNS_SHARE = 0.35

DICOM_PORTS = (104, 11112, 4242)
NAS_PORTS = (445, 139, 21, 2049, 548)
SAFE_PORTS = (22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9090, 9100, 10250, 2379)
ALL_WORLD = "0.0.0.0/0"
WORDS = (
    "app web api db cache queue worker batch data logs metrics admin public private internal "
    "edge core shared main primary replica backup archive imaging viewer router gateway bastion "
    "node pool cluster network subnet zone region east west north south blue green canary"
).split()


class Gen:
    """One file's random source: seeded by the corpus seed and the file path only."""

    def __init__(self, seed: int, path: str) -> None:
        self.rng = random.Random(f"{seed}:{path}")

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def insecure(self) -> bool:
        return self.chance(INSECURE_SHARE)

    def word(self) -> str:
        return self.rng.choice(WORDS)

    def name(self, parts: int = 2) -> str:
        return "_".join(self.rng.choice(WORDS) for _ in range(parts))

    def pick(self, seq):
        return self.rng.choice(seq)

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def cidr(self) -> str:
        return f"10.{self.int(0, 255)}.{self.int(0, 255)}.0/{self.pick((16, 20, 24))}"

    def sentence(self, words: int = 8) -> str:
        text = " ".join(self.word() for _ in range(words))
        return text[0].upper() + text[1:]


# --------------------------------------------------------------------------- Terraform


def tf_value(g: Gen, kind: str) -> str:
    if kind == "string":
        return f'"{g.name()}"'
    if kind == "bool":
        return g.pick(("true", "false"))
    if kind == "number":
        return str(g.int(0, 3600))
    if kind == "list(string)":
        return "[" + ", ".join(f'"{g.cidr()}"' for _ in range(g.int(0, 3))) + "]"
    if kind == "map(string)":
        return "{}"
    return "null"


def tf_variables(g: Gen, count: int) -> str:
    blocks = []
    for _ in range(count * 3 // 2):  # real modules declare many more inputs than they use
        kind = g.pick(("string", "bool", "number", "list(string)", "map(string)", "any"))
        default = f"\n  default     = {tf_value(g, kind)}" if g.chance(0.8) else ""
        if g.chance(0.15):
            default += (
                f"\n\n  validation {{\n    condition     = var.{g.name()} == null || can(regex(\"^[a-z0-9-]+$\", var.{g.name()}))\n"
                f'    error_message = "{g.sentence(g.int(6, 14))}."\n  }}'
            )
        blocks.append(
            f'variable "{g.name(3)}" {{\n'
            f'  description = "{g.sentence(g.int(8, 26))}"\n'
            f"  type        = {kind}{default}\n}}\n"
        )
    return "\n".join(blocks)


def tf_outputs(g: Gen, count: int, resource: str = "aws_security_group.this") -> str:
    blocks = []
    for _ in range(count):
        attr = g.pick(("id", "arn", "name", "owner_id", "vpc_id", "description"))
        blocks.append(
            f'output "{g.name(3)}" {{\n'
            f'  description = "The {attr} of the {g.word()} {g.word()}"\n'
            f"  value       = try({resource}[0].{attr}, {resource}.{attr}, null)\n}}\n"
        )
    return "\n".join(blocks)


def tf_versions(g: Gen, provider: str = "aws") -> str:
    source = {"aws": "hashicorp/aws", "google": "hashicorp/google", "azurerm": "hashicorp/azurerm"}
    return (
        "terraform {\n"
        f'  required_version = ">= 1.{g.int(0, 5)}"\n\n'
        "  required_providers {\n"
        f"    {provider} = {{\n"
        f'      source  = "{source[provider]}"\n'
        f'      version = ">= {g.int(3, 5)}.{g.int(0, 60)}"\n'
        "    }\n  }\n}\n"
    )


def tf_locals(g: Gen) -> str:
    lines = [f'  {g.name()} = {tf_value(g, g.pick(("string", "bool", "number")))}' for _ in range(g.int(4, 14))]
    tags = "\n".join(f'    {g.word().capitalize()} = "{g.word()}"' for _ in range(g.int(2, 6)))
    return "locals {\n" + "\n".join(lines) + "\n\n  tags = merge(var.tags, {\n" + tags + "\n  })\n}\n"


def tf_ingress_cidr(g: Gen, port: int) -> str:
    """The source of an ingress rule: world-open for a seeded share of DICOM/NAS ports."""
    if port in DICOM_PORTS + NAS_PORTS and g.insecure():
        return f'["{ALL_WORLD}"]'
    return g.pick(("var.ingress_cidr_blocks", f'["{g.cidr()}"]', "[data.aws_vpc.this.cidr_block]"))


def tf_security_group(g: Gen, rules: int) -> str:
    ports = [g.pick(DICOM_PORTS + NAS_PORTS + SAFE_PORTS * 3) for _ in range(rules)]
    rule_blocks = []
    for idx, port in enumerate(ports):
        rule_blocks.append(
            f'resource "aws_security_group_rule" "ingress_{idx}_{port}" {{\n'
            "  count = var.create ? 1 : 0\n\n"
            '  type              = "ingress"\n'
            "  security_group_id = aws_security_group.this[0].id\n"
            f"  from_port         = {port}\n  to_port           = {port}\n"
            '  protocol          = "tcp"\n'
            f"  cidr_blocks       = {tf_ingress_cidr(g, port)}\n"
            f'  description       = "{g.sentence(4)}"\n}}\n'
        )
    return (
        'resource "aws_security_group" "this" {\n'
        "  count = var.create ? 1 : 0\n\n"
        "  name_prefix            = \"${var.name}-\"\n"
        "  description            = var.description\n"
        "  vpc_id                 = var.vpc_id\n"
        "  revoke_rules_on_delete = var.revoke_rules_on_delete\n\n"
        "  dynamic \"ingress\" {\n"
        "    for_each = var.ingress_with_cidr_blocks\n"
        "    content {\n"
        "      from_port   = lookup(ingress.value, \"from_port\", var.rules[lookup(ingress.value, \"rule\", \"_\")][0])\n"
        "      to_port     = lookup(ingress.value, \"to_port\", var.rules[lookup(ingress.value, \"rule\", \"_\")][1])\n"
        "      protocol    = lookup(ingress.value, \"protocol\", \"tcp\")\n"
        "      cidr_blocks = split(\",\", lookup(ingress.value, \"cidr_blocks\", join(\",\", var.ingress_cidr_blocks)))\n"
        "    }\n  }\n\n"
        "  tags = merge({ \"Name\" = var.name }, var.tags)\n\n"
        "  lifecycle {\n    create_before_destroy = true\n  }\n}\n\n" + "\n".join(rule_blocks)
    )


def tf_rules_map(g: Gen, count: int) -> str:
    lines = []
    for _ in range(count):
        port = g.pick(DICOM_PORTS + NAS_PORTS + SAFE_PORTS)
        lines.append(f'    {g.name()}-tcp = [{port}, {port}, "tcp", "{g.sentence(3)}"]')
    return (
        'variable "rules" {\n  description = "Map of known security group rules"\n'
        "  type        = map(list(any))\n\n  default = {\n" + "\n".join(lines) + "\n  }\n}\n"
    )


def tf_sg_submodule(g: Gen, service: str) -> dict[str, str]:
    port = g.pick(DICOM_PORTS + NAS_PORTS + SAFE_PORTS)
    world = g.insecure() and port in DICOM_PORTS + NAS_PORTS
    cidrs = f'["{ALL_WORLD}"]' if world else "var.ingress_cidr_blocks"
    main = (
        'module "sg" {\n  source = "../../"\n\n'
        "  create      = var.create\n  name        = var.name\n"
        "  description = var.description\n  vpc_id      = var.vpc_id\n\n"
        f"  ingress_rules       = sort(compact(distinct(concat(var.auto_ingress_rules, var.ingress_rules, [\"\"]))))\n"
        f"  ingress_cidr_blocks = {cidrs}\n"
        "  ingress_with_self   = concat(var.auto_ingress_with_self, var.ingress_with_self)\n\n"
        "  egress_rules       = sort(compact(distinct(concat(var.auto_egress_rules, var.egress_rules, [\"\"]))))\n"
        "  egress_cidr_blocks = var.egress_cidr_blocks\n\n"
        "  tags = var.tags\n}\n"
    )
    auto = "\n".join(
        f'variable "auto_{kind}" {{\n  description = "List of {kind.replace("_", " ")} to add automatically"\n'
        f'  type        = list(string)\n  default     = ["{service}-{port}-tcp"]\n}}\n'
        for kind in ("ingress_rules", "ingress_with_self", "egress_rules", "egress_with_self")
    )
    return {
        "main.tf": main,
        "auto_values.tf": "# Generated from rules.tf; edit the rules map instead.\n\n" + auto,
        "variables.tf": tf_variables(g, g.int(35, 55)),
        "outputs.tf": tf_outputs(g, 5, "module.sg"),
        "versions.tf": tf_versions(g),
    }


def tf_vpc(g: Gen) -> str:
    parts = [
        'resource "aws_vpc" "this" {\n  count = local.create_vpc ? 1 : 0\n\n'
        "  cidr_block           = var.cidr\n  enable_dns_hostnames = var.enable_dns_hostnames\n"
        "  enable_dns_support   = var.enable_dns_support\n\n  tags = merge({ \"Name\" = var.name }, var.tags)\n}\n"
    ]
    for tier in ("public", "private", "database", "redshift", "elasticache", "intra", "outpost")[: g.int(3, 7)]:
        parts.append(
            f'resource "aws_subnet" "{tier}" {{\n  count = local.create_{tier}_subnets ? local.len_{tier}_subnets : 0\n\n'
            f"  vpc_id            = local.vpc_id\n  cidr_block        = element(concat(var.{tier}_subnets, [\"\"]), count.index)\n"
            "  availability_zone = element(var.azs, count.index)\n"
            f"  map_public_ip_on_launch = {'var.map_public_ip_on_launch' if tier == 'public' else 'false'}\n}}\n"
        )
        open_acl = g.insecure()
        parts.append(
            f'resource "aws_network_acl_rule" "{tier}_inbound" {{\n'
            f"  count = local.create_{tier}_network_acl ? length(var.{tier}_inbound_acl_rules) : 0\n\n"
            f"  network_acl_id = aws_network_acl.{tier}[0].id\n  egress         = false\n"
            f"  rule_number    = var.{tier}_inbound_acl_rules[count.index][\"rule_number\"]\n"
            f"  rule_action    = \"allow\"\n"
            f"  from_port      = {445 if open_acl else 0}\n  to_port        = {445 if open_acl else 0}\n"
            f"  protocol       = \"{'tcp' if open_acl else '-1'}\"\n"
            f"  cidr_block     = \"{ALL_WORLD if open_acl else g.cidr()}\"\n}}\n"
        )
        parts.append(
            f'resource "aws_route_table" "{tier}" {{\n  count = local.create_{tier}_subnets ? 1 : 0\n\n'
            "  vpc_id = local.vpc_id\n\n  tags = merge(\n    { \"Name\" = \"${var.name}-"
            f'{tier}" }},\n    var.tags,\n    var.{tier}_route_table_tags,\n  )\n}}\n'
        )
    return "\n".join(parts)


def tf_rds(g: Gen) -> str:
    password = '"changeme123"' if g.insecure() else "var.password"
    public = "true" if g.insecure() else "var.publicly_accessible"
    engine = g.pick(("postgres", "mysql", "mariadb"))
    return (
        'resource "aws_db_instance" "this" {\n  count = var.create ? 1 : 0\n\n'
        f'  identifier        = var.identifier\n  engine            = "{engine}"\n'
        f"  engine_version    = var.engine_version\n  instance_class    = var.instance_class\n"
        f"  allocated_storage = {g.int(20, 500)}\n  storage_encrypted = {g.pick(('true', 'var.storage_encrypted'))}\n\n"
        f"  db_name  = var.db_name\n  username = var.username\n  password = {password}\n"
        f"  port     = {5432 if engine == 'postgres' else 3306}\n\n"
        f"  vpc_security_group_ids = var.vpc_security_group_ids\n  db_subnet_group_name   = var.db_subnet_group_name\n"
        f"  publicly_accessible    = {public}\n  multi_az               = var.multi_az\n"
        "  backup_retention_period = var.backup_retention_period\n  skip_final_snapshot     = var.skip_final_snapshot\n\n"
        "  tags = var.tags\n\n  timeouts {\n    create = lookup(var.timeouts, \"create\", null)\n"
        "    delete = lookup(var.timeouts, \"delete\", null)\n  }\n}\n"
    )


def tf_s3(g: Gen) -> str:
    acl = '"public-read"' if g.insecure() else '"private"'
    name = g.name()
    return (
        f'resource "aws_s3_bucket" "{name}" {{\n  bucket = "${{local.prefix}}-{name.replace("_", "-")}"\n'
        f"  force_destroy = {g.pick(('true', 'false'))}\n\n  tags = local.tags\n}}\n\n"
        f'resource "aws_s3_bucket_acl" "{name}" {{\n  bucket = aws_s3_bucket.{name}.id\n  acl    = {acl}\n}}\n\n'
        f'resource "aws_s3_bucket_versioning" "{name}" {{\n  bucket = aws_s3_bucket.{name}.id\n'
        f'  versioning_configuration {{\n    status = "{g.pick(("Enabled", "Suspended"))}"\n  }}\n}}\n'
    )


def tf_gcp_firewall(g: Gen) -> str:
    blocks = []
    for _ in range(g.int(2, 6)):
        port = g.pick(DICOM_PORTS + NAS_PORTS + SAFE_PORTS * 2)
        world = port in DICOM_PORTS + NAS_PORTS and g.insecure()
        ranges = f'["{ALL_WORLD}"]' if world else f'[local.cluster_endpoint_for_nodes, "{g.cidr()}"]'
        blocks.append(
            f'resource "google_compute_firewall" "{g.name()}" {{\n  count       = var.add_cluster_firewall_rules ? 1 : 0\n'
            f'  name        = "gke-${{substr(var.name, 0, min(25, length(var.name)))}}-{g.word()}"\n'
            f'  description = "{g.sentence(6)}"\n  project     = local.network_project_id\n'
            f"  network     = var.network\n  priority    = var.firewall_priority\n"
            f'  direction   = "INGRESS"\n\n  source_ranges = {ranges}\n'
            "  target_tags   = [local.cluster_network_tag]\n\n"
            f'  allow {{\n    protocol = "tcp"\n    ports    = ["{port}"]\n  }}\n}}\n'
        )
    return "\n".join(blocks)


def tf_gke_cluster(g: Gen) -> str:
    pools = "\n".join(
        f'  node_pool {{\n    name               = "{g.name()}"\n    initial_node_count = {g.int(1, 5)}\n'
        f'    node_config {{\n      machine_type = "{g.pick(("e2-medium", "n2-standard-4", "n1-standard-2"))}"\n'
        f"      disk_size_gb = {g.int(50, 200)}\n      oauth_scopes = [\"https://www.googleapis.com/auth/cloud-platform\"]\n"
        "      workload_metadata_config {\n        mode = \"GKE_METADATA\"\n      }\n    }\n  }\n"
        for _ in range(g.int(1, 3))
    )
    networks = f'"{ALL_WORLD}"' if g.insecure() else f'"{g.cidr()}"'
    return (
        'resource "google_container_cluster" "primary" {\n  provider = google\n\n'
        "  name            = var.name\n  description     = var.description\n  project         = var.project_id\n"
        "  resource_labels = var.cluster_resource_labels\n  location        = local.location\n"
        "  node_locations  = local.node_locations\n  network         = \"projects/${local.network_project_id}/global/networks/${var.network}\"\n\n"
        "  dynamic \"master_authorized_networks_config\" {\n    for_each = local.master_authorized_networks_config\n"
        "    content {\n      cidr_blocks {\n        cidr_block   = " + networks + "\n"
        "        display_name = \"all\"\n      }\n    }\n  }\n\n"
        "  private_cluster_config {\n    enable_private_endpoint = var.enable_private_endpoint\n"
        "    enable_private_nodes    = var.enable_private_nodes\n    master_ipv4_cidr_block  = var.master_ipv4_cidr_block\n  }\n\n"
        + pools + "}\n"
    )


def tf_azure_nsg(g: Gen) -> str:
    rules = []
    for prio in range(100, 100 + 10 * g.int(2, 6), 10):
        port = g.pick(DICOM_PORTS + NAS_PORTS + SAFE_PORTS * 2)
        world = port in DICOM_PORTS + NAS_PORTS and g.insecure()
        rules.append(
            f'  security_rule {{\n    name                       = "{g.name()}"\n    priority                   = {prio}\n'
            '    direction                  = "Inbound"\n    access                     = "Allow"\n'
            '    protocol                   = "Tcp"\n    source_port_range          = "*"\n'
            f'    destination_port_range     = "{port}"\n'
            f'    source_address_prefix      = "{"*" if world else "VirtualNetwork"}"\n'
            '    destination_address_prefix = "*"\n  }\n'
        )
    return (
        'resource "azurerm_network_security_group" "this" {\n  name                = "${var.prefix}-nsg"\n'
        "  location            = azurerm_resource_group.main.location\n"
        "  resource_group_name = azurerm_resource_group.main.name\n\n" + "\n".join(rules) + "\n  tags = var.tags\n}\n"
    )


def tf_aks(g: Gen) -> str:
    return (
        'resource "azurerm_kubernetes_cluster" "main" {\n  name                = coalesce(var.cluster_name, trim("${var.prefix}-aks", "-"))\n'
        "  location            = coalesce(var.location, data.azurerm_resource_group.main.location)\n"
        "  resource_group_name = data.azurerm_resource_group.main.name\n  dns_prefix          = var.prefix\n"
        f"  private_cluster_enabled = {g.pick(('var.private_cluster_enabled', 'false'))}\n"
        "  role_based_access_control_enabled = var.role_based_access_control_enabled\n\n"
        "  default_node_pool {\n    name                = var.agents_pool_name\n    vm_size             = var.agents_size\n"
        "    enable_auto_scaling = var.enable_auto_scaling\n    max_count           = var.agents_max_count\n"
        "    min_count           = var.agents_min_count\n    vnet_subnet_id      = var.vnet_subnet_id\n  }\n\n"
        "  dynamic \"api_server_access_profile\" {\n    for_each = var.api_server_authorized_ip_ranges != null ? [\"api_server_access_profile\"] : []\n"
        "    content {\n      authorized_ip_ranges = var.api_server_authorized_ip_ranges\n    }\n  }\n\n"
        "  identity {\n    type = \"SystemAssigned\"\n  }\n\n  network_profile {\n    network_plugin = var.network_plugin\n"
        "    network_policy = var.network_policy\n    dns_service_ip = var.net_profile_dns_service_ip\n  }\n\n  tags = var.tags\n}\n"
    )


def tf_module_calls(g: Gen, targets: list[str]) -> str:
    blocks = []
    for target in targets:
        cidrs = f'["{ALL_WORLD}"]' if g.insecure() else f'["{g.cidr()}"]'
        blocks.append(
            f'module "{g.name()}" {{\n  source = "{target}"\n\n'
            f'  name        = "{g.name().replace("_", "-")}"\n  description = "{g.sentence(5)}"\n'
            f"  vpc_id      = module.vpc.vpc_id\n\n  ingress_cidr_blocks = {cidrs}\n"
            f'  ingress_rules       = ["{g.pick(("https-443-tcp", "ssh-tcp", "dicom-104-tcp", "smb-445-tcp"))}"]\n\n'
            f"  tags = local.tags\n}}\n"
        )
    return "\n".join(blocks)


def tf_example(g: Gen, body: Callable[[Gen], str], module_path: str = "../../") -> dict[str, str]:
    return {
        "main.tf": 'provider "aws" {\n  region = local.region\n}\n\n' + tf_locals(g) + "\n"
        + tf_module_calls(g, [module_path] * g.int(1, 4)) + "\n" + body(g),
        "variables.tf": tf_variables(g, g.int(0, 6)),
        "outputs.tf": tf_outputs(g, g.int(4, 16), "module.this"),
        "versions.tf": tf_versions(g),
    }


def tfvars(g: Gen) -> str:
    lines = [f"{g.name()} = {tf_value(g, g.pick(('string', 'bool', 'number', 'list(string)')))}" for _ in range(g.int(5, 20))]
    if g.insecure():
        lines.append(f'db_password = "{g.pick(("admin", "password", "changeme"))}"')
    return "\n".join(lines) + "\n"


def tf_ec2(g: Gen) -> str:
    secret = 'export AWS_SECRET_ACCESS_KEY="example-not-a-real-key"\n' if g.insecure() else ""
    return (
        f'resource "aws_instance" "{g.name()}" {{\n  ami           = "${{var.ami}}"\n'
        f'  instance_type = "{g.pick(("t2.nano", "t3.small", "m5.large"))}"\n\n'
        f"  vpc_security_group_ids = [aws_security_group.{g.word()}.id]\n  subnet_id = aws_subnet.{g.word()}.id\n\n"
        f"  user_data = <<EOF\n#! /bin/bash\nsudo apt-get update\n{secret}sudo apt-get install -y nginx\nEOF\n\n"
        f"  tags = merge({{\n    Name = \"${{local.resource_prefix.value}}-{g.word()}\"\n  }}, local.tags)\n}}\n"
    )


# --------------------------------------------------------------------------- Ansible


def yaml_scalar(g: Gen) -> str:
    return g.pick((g.name(), str(g.int(1, 65535)), "true", "false", f'"{g.sentence(3)}"', f"/etc/{g.word()}/{g.word()}.conf"))


def ansible_defaults(g: Gen, prefix: str, count: int) -> str:
    lines = ["---"]
    for _ in range(count):
        lines.append(f"{prefix}_{g.name()}: {yaml_scalar(g)}")
        if g.chance(0.15):
            lines.append(f"{prefix}_{g.word()}_list:")
            lines.extend(f"  - {g.name()}" for _ in range(g.int(1, 5)))
    if g.insecure():
        lines.append(f'{prefix}_admin_password: "{g.pick(("admin", "changeme", "password", "orthanc"))}"')
    return "\n".join(lines) + "\n"


ANSIBLE_MODULES = (
    ("ansible.builtin.package", "name: \"{{{{ {p}_packages }}}}\"\n    state: present"),
    ("ansible.builtin.template", "src: {w}.conf.j2\n    dest: /etc/{w}/{w}.conf\n    owner: root\n    group: root\n    mode: \"0644\""),
    ("ansible.builtin.service", "name: \"{{{{ {p}_service_name }}}}\"\n    state: started\n    enabled: true"),
    ("ansible.builtin.lineinfile", "path: /etc/{w}/{w}.conf\n    regexp: '^{w}_'\n    line: \"{w}_enabled={{{{ {p}_enabled }}}}\""),
    ("ansible.builtin.file", "path: \"{{{{ {p}_data_dir }}}}\"\n    state: directory\n    mode: \"0755\""),
    ("ansible.builtin.command", "cmd: \"{w} --check\"\n    changed_when: false"),
    ("ansible.builtin.copy", "src: {w}.service\n    dest: /etc/systemd/system/{w}.service\n    mode: \"0644\""),
    ("ansible.builtin.get_url", "url: \"https://example.org/{w}/{{{{ {p}_version }}}}.tar.gz\"\n    dest: /tmp/{w}.tar.gz\n    checksum: \"{{{{ {p}_checksum }}}}\""),
)


def ansible_tasks(g: Gen, prefix: str, count: int, firewall: bool = False) -> str:
    tasks = ["---"]
    for _ in range(count * 3 // 2):
        module, args = g.pick(ANSIBLE_MODULES)
        task = f"- name: {g.sentence(g.int(3, 7))}\n  {module}:\n    {args.format(p=prefix, w=g.word())}"
        if g.chance(0.3):
            task += f"\n  when: {prefix}_{g.word()} | bool"
        if g.chance(0.2):
            task += "\n  loop: \"{{ " + f"{prefix}_{g.word()}_list" + " }}\""
        if g.chance(0.25):
            task += f"\n  notify: restart {g.word()}"
        if g.chance(0.2):
            task += "\n  tags:\n    - " + g.word()
        tasks.append(task)
    if firewall:
        port = g.pick(DICOM_PORTS + NAS_PORTS)
        source = ALL_WORLD if g.insecure() else g.cidr()
        tasks.append(
            f"- name: Allow {port}/tcp through the firewall\n  community.general.ufw:\n    rule: allow\n"
            f"    port: \"{port}\"\n    proto: tcp\n    from_ip: {source}"
        )
    return "\n\n".join(tasks) + "\n"


def ansible_handlers(g: Gen) -> str:
    return "---\n" + "\n".join(
        f"- name: restart {g.word()}\n  ansible.builtin.service:\n    name: {g.word()}\n    state: restarted\n"
        for _ in range(g.int(1, 4))
    )


def ansible_meta(g: Gen, role: str) -> str:
    platforms = "\n".join(
        f"    - name: {name}\n      versions:\n        - {ver}"
        for name, ver in g.rng.sample([("Debian", "bookworm"), ("Ubuntu", "jammy"), ("EL", "9"), ("Fedora", "all")], g.int(1, 4))
    )
    deps = "\n".join(f"  - role: {g.word()}" for _ in range(g.int(0, 2))) or "  []"
    return (
        f"---\ngalaxy_info:\n  role_name: {role}\n  author: {g.word()}\n  description: {g.sentence(6)}\n"
        f"  license: MIT\n  min_ansible_version: 2.{g.int(9, 16)}\n  platforms:\n{platforms}\n"
        f"  galaxy_tags:\n    - {g.word()}\n    - {g.word()}\n\ndependencies:\n{deps}\n"
    )


def ansible_playbook(g: Gen, roles: list[str]) -> str:
    role_lines = "\n".join(f"    - {r}" for r in roles) or "    []"
    vars_ = "\n".join(f"    {g.name()}: {yaml_scalar(g)}" for _ in range(g.int(1, 6)))
    return (
        f"---\n- name: {g.sentence(4)}\n  hosts: {g.pick(('all', 'nas', 'pacs', 'k8s_cluster', 'webservers', 'dbservers'))}\n"
        f"  become: true\n  gather_facts: {g.pick(('true', 'false'))}\n\n  vars:\n{vars_}\n\n"
        f"  pre_tasks:\n    - name: Update apt cache\n      ansible.builtin.apt:\n        update_cache: true\n"
        f"        cache_valid_time: 3600\n      when: ansible_os_family == 'Debian'\n\n  roles:\n{role_lines}\n"
    )


def inventory_ini(g: Gen) -> str:
    groups = []
    for group in g.rng.sample(["nas", "pacs", "web", "db", "kube_control_plane", "kube_node", "etcd", "bastion"], g.int(2, 5)):
        hosts = "\n".join(f"{group}{i} ansible_host=10.0.{g.int(0, 9)}.{g.int(2, 250)}" for i in range(1, g.int(2, 5)))
        groups.append(f"[{group}]\n{hosts}\n")
    return "\n".join(groups)


def ansible_smb_template(g: Gen) -> str:
    guest = "yes" if g.insecure() else "no"
    return (
        "# {{ ansible_managed }}\n[global]\n   workgroup = {{ samba_workgroup }}\n"
        "   server string = {{ samba_server_string }}\n   security = user\n"
        "   map to guest = {{ samba_map_to_guest | default('Never') }}\n"
        "{% if samba_interfaces | length > 0 %}\n   interfaces = {{ samba_interfaces | join(' ') }}\n"
        "   bind interfaces only = yes\n{% endif %}\n\n"
        "{% for share in samba_shares %}\n[{{ share.name }}]\n   path = {{ share.path }}\n"
        "   comment = {{ share.comment | default(share.name) }}\n"
        f"   guest ok = {{{{ share.guest_ok | default('{guest}') }}}}\n"
        "   read only = {{ share.read_only | default('yes') }}\n   browseable = yes\n{% endfor %}\n"
    )


def ansible_vsftpd_template(g: Gen) -> str:
    anon = "YES" if g.insecure() else "NO"
    return (
        "# {{ ansible_managed }}\nlisten=YES\nlisten_ipv6=NO\n"
        f"anonymous_enable={{{{ vsftpd_anonymous_enable | default('{anon}') }}}}\nlocal_enable=YES\nwrite_enable=YES\n"
        "local_umask=022\ndirmessage_enable=YES\nxferlog_enable=YES\nconnect_from_port_20=YES\n"
        "chroot_local_user=YES\nsecure_chroot_dir=/var/run/vsftpd/empty\npam_service_name=vsftpd\n"
        "ssl_enable={{ 'YES' if vsftpd_ssl else 'NO' }}\n"
        "pasv_min_port={{ vsftpd_pasv_min_port }}\npasv_max_port={{ vsftpd_pasv_max_port }}\n"
    )


def generic_template(g: Gen) -> str:
    lines = [f"# {{{{ ansible_managed }}}}\n[{g.word()}]"]
    for _ in range(g.int(8, 40)):
        lines.append(f"{g.name()} = {{{{ {g.name()} }}}}" if g.chance(0.5) else f"{g.name()} = {g.int(0, 9999)}")
        if g.chance(0.08):
            lines.append(f"{{% for item in {g.name()} %}}\n{g.word()} = {{{{ item }}}}\n{{% endfor %}}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- compose and NAS/PACS


def compose_file(g: Gen, services: int, pacs: bool) -> str:
    out = ["services:"]
    for idx in range(services):
        if pacs and idx == 0:
            image = g.pick(("orthancteam/orthanc:24.1.2", "jodogne/orthanc-plugins:1.12.1", "dcm4che/dcm4chee-arc-psql:5.31.0"))
            ports = ["4242:4242", "8042:8042"] if g.insecure() else ["127.0.0.1:8042:8042"]
            if image.startswith("dcm4che"):
                env = {"POSTGRES_DB": "pacsdb", "POSTGRES_USER": "pacs", "POSTGRES_PASSWORD": "pacs" if g.insecure() else "${PACS_DB_PASSWORD}"}
            else:
                env = {"ORTHANC__NAME": g.name(), "ORTHANC__DICOM_AET": g.word().upper()}
                if g.insecure():
                    env["ORTHANC__AUTHENTICATION_ENABLED"] = "false"
        else:
            image = g.pick(("nginx:1.25", "postgres:16", "redis:7", "node:20-alpine", "python:3.12-slim", "mysql:8", "traefik:v3.0"))
            ports = [f"{p}:{p}" for p in g.rng.sample(SAFE_PORTS, g.int(0, 2))]
            env = {g.name().upper(): g.word() for _ in range(g.int(0, 4))}
            if image.startswith(("postgres", "mysql")):
                env["POSTGRES_PASSWORD" if image.startswith("postgres") else "MYSQL_ROOT_PASSWORD"] = (
                    g.pick(("postgres", "example", "root")) if g.insecure() else "${DB_PASSWORD}"
                )
        block = [f"  {g.word()}{idx}:", f"    image: {image}", f"    restart: {g.pick(('always', 'unless-stopped'))}"]
        if ports:
            block += ["    ports:"] + [f'      - "{p}"' for p in ports]
        if env:
            block += ["    environment:"] + [f'      {k}: "{v}"' for k, v in env.items()]
        block += ["    volumes:", f"      - ./{g.word()}:/var/lib/{g.word()}"]
        if idx and g.chance(0.5):
            block += ["    depends_on:", f"      - {g.word()}0"]
        out.append("\n".join(block))
    return "\n".join(out) + "\n"


def smb_conf(g: Gen) -> str:
    shares = []
    for _ in range(g.int(1, 5)):
        name = g.pick(("dicom", "scans", "public", "backup", "radiology", "archive", "home"))
        guest = "yes" if g.insecure() else "no"
        shares.append(
            f"[{name}]\n   path = /srv/{name}\n   comment = {g.sentence(3)}\n   guest ok = {guest}\n"
            f"   read only = {g.pick(('yes', 'no'))}\n   browseable = yes\n   valid users = @{g.word()}\n"
        )
    bind = "" if g.insecure() else "   interfaces = lo eth0\n   bind interfaces only = yes\n"
    return (
        f"[global]\n   workgroup = {g.word().upper()}\n   server string = {g.sentence(3)}\n"
        f"   security = user\n   map to guest = {g.pick(('Bad User', 'Never'))}\n{bind}"
        f"   server min protocol = {g.pick(('SMB2', 'SMB3', 'NT1'))}\n   log file = /var/log/samba/log.%m\n\n"
        + "\n".join(shares)
    )


def vsftpd_conf(g: Gen) -> str:
    return (
        "listen=YES\n"
        f"anonymous_enable={'YES' if g.insecure() else 'NO'}\nlocal_enable=YES\nwrite_enable=YES\n"
        f"ssl_enable={'NO' if g.insecure() else 'YES'}\nchroot_local_user=YES\npasv_min_port=40000\npasv_max_port=40100\n"
    )


def exports_file(g: Gen) -> str:
    lines = ["# /etc/exports: NFS file systems exported to clients"]
    for _ in range(g.int(1, 4)):
        who = "*" if g.insecure() else g.cidr()
        opts = "rw,sync,no_root_squash" if g.insecure() else "ro,sync,root_squash,no_subtree_check"
        lines.append(f"/srv/{g.word()} {who}({opts})")
    return "\n".join(lines) + "\n"


def orthanc_json(g: Gen) -> str:
    remote = "true" if g.insecure() else "false"
    return (
        "{\n  // Generated for the benchmark corpus\n"
        f'  "Name" : "{g.name()}",\n  "StorageDirectory" : "/var/lib/orthanc/db",\n'
        f'  "DicomAet" : "{g.word().upper()}",\n  "DicomPort" : 4242,\n  "HttpPort" : 8042,\n'
        f'  "RemoteAccessAllowed" : {remote},\n  "AuthenticationEnabled" : {g.pick(("true", "false"))},\n'
        '  "SslEnabled" : false,\n  "DicomModalities" : {\n'
        f'    "{g.word()}" : [ "{g.word().upper()}", "10.0.{g.int(0, 9)}.{g.int(2, 250)}", 104 ]\n  }}\n}}\n'
    )


def ddclient_conf(g: Gen) -> str:
    return (
        "daemon=300\nssl=yes\nprotocol=dyndns2\nuse=web, web=checkip.dyndns.org\n"
        f"server=members.dyndns.org\nlogin={g.word()}\npassword='{g.name()}'\n{g.word()}-clinic.dyndns.org\n"
    )


def nginx_conf(g: Gen) -> str:
    tls = not g.insecure()
    listen = "listen 443 ssl;\n    ssl_certificate /etc/ssl/viewer.crt;\n    ssl_certificate_key /etc/ssl/viewer.key;" if tls else "listen 80;"
    return (
        f"server {{\n    {listen}\n    server_name {g.word()}.example.org;\n\n"
        f"    location / {{\n        proxy_pass http://127.0.0.1:{g.pick((8042, 8080, 3000))};\n"
        "        proxy_set_header Host $host;\n    }\n}\n"
    )


# --------------------------------------------------------------------------- repository plans


@dataclass
class Plan:
    """Writes one imitated repository; `units` scales with the corpus size."""

    seed: int
    fraction: float
    files: dict[str, str] = field(default_factory=dict)

    def n(self, full: int) -> int:
        return max(1, round(full * self.fraction))

    def gen(self, path: str) -> Gen:
        return Gen(self.seed, path)

    def add(self, path: str, text: str) -> None:
        self.files[path] = text

    def add_all(self, prefix: str, files: dict[str, str]) -> None:
        for name, text in files.items():
            self.add(f"{prefix}/{name}", text)

    # Terraform repositories ---------------------------------------------------------------

    def aws_security_group(self, root: str) -> None:
        g = self.gen(root)
        self.add(f"{root}/main.tf", tf_security_group(g, 40) + "\n" + tf_security_group(self.gen(root + "/x"), 30))
        self.add(f"{root}/rules.tf", tf_rules_map(g, 160))
        self.add(f"{root}/variables.tf", tf_variables(g, 60))
        self.add(f"{root}/outputs.tf", tf_outputs(g, 8))
        self.add(f"{root}/versions.tf", tf_versions(g))
        for idx in range(self.n(60)):
            service = f"{self.gen(f'{root}/m{idx}').word()}-{idx}"
            self.add_all(f"{root}/modules/{service}", tf_sg_submodule(self.gen(f"{root}/modules/{service}"), service))
        for idx in range(self.n(8)):
            path = f"{root}/examples/example-{idx}"
            self.add_all(path, tf_example(self.gen(path), lambda g: "", "../../modules/http-80"))

    def aws_vpc(self, root: str) -> None:
        g = self.gen(root)
        self.add(f"{root}/main.tf", tf_locals(g) + "\n" + tf_vpc(g) + "\n" + tf_vpc(self.gen(root + "/2")))
        self.add(f"{root}/variables.tf", tf_variables(g, 240))
        self.add(f"{root}/outputs.tf", tf_outputs(g, 120, "aws_vpc.this"))
        self.add(f"{root}/vpc-flow-logs.tf", tf_s3(g) + tf_locals(g))
        self.add(f"{root}/versions.tf", tf_versions(g))
        self.add_all(f"{root}/modules/vpc-endpoints", {"main.tf": tf_security_group(g, 4), "variables.tf": tf_variables(g, 20),
                                                      "outputs.tf": tf_outputs(g, 4), "versions.tf": tf_versions(g)})
        for idx in range(self.n(18)):
            path = f"{root}/examples/{self.gen(f'{root}/e{idx}').word()}-{idx}"
            self.add_all(path, tf_example(self.gen(path), tf_vpc))

    def aws_eks(self, root: str) -> None:
        g = self.gen(root)
        self.add(f"{root}/main.tf", tf_locals(g) + tf_security_group(g, 20))
        self.add(f"{root}/node_groups.tf", tf_security_group(self.gen(root + "/ng"), 25))
        self.add(f"{root}/variables.tf", tf_variables(g, 180))
        self.add(f"{root}/outputs.tf", tf_outputs(g, 60))
        self.add(f"{root}/versions.tf", tf_versions(g))
        for sub in ("eks-managed-node-group", "self-managed-node-group", "fargate-profile", "karpenter", "_user_data", "hybrid-node-role"):
            path = f"{root}/modules/{sub}"
            sg = self.gen(path)
            self.add_all(path, {"main.tf": tf_locals(sg) + tf_security_group(sg, sg.int(2, 10)), "variables.tf": tf_variables(sg, 90),
                               "outputs.tf": tf_outputs(sg, 20), "versions.tf": tf_versions(sg)})
        for idx in range(self.n(12)):
            path = f"{root}/examples/{self.gen(f'{root}/e{idx}').word()}-{idx}"
            self.add_all(path, tf_example(self.gen(path), lambda g: tf_security_group(g, 3)))

    def aws_rds(self, root: str) -> None:
        g = self.gen(root)
        self.add(f"{root}/main.tf", tf_locals(g) + 'module "db_instance" {\n  source = "./modules/db_instance"\n\n'
                 "  create = local.create_db_instance\n  identifier = var.identifier\n  password = local.password\n}\n")
        self.add(f"{root}/variables.tf", tf_variables(g, 150))
        self.add(f"{root}/outputs.tf", tf_outputs(g, 40, "module.db_instance"))
        self.add(f"{root}/versions.tf", tf_versions(g))
        for sub in ("db_instance", "db_subnet_group", "db_parameter_group", "db_option_group", "db_instance_automated_backups_replication"):
            path = f"{root}/modules/{sub}"
            sg = self.gen(path)
            self.add_all(path, {"main.tf": tf_rds(sg), "variables.tf": tf_variables(sg, 60), "outputs.tf": tf_outputs(sg, 15, "aws_db_instance.this"),
                               "versions.tf": tf_versions(sg)})
        for idx in range(self.n(12)):
            path = f"{root}/examples/{self.gen(f'{root}/e{idx}').word()}-{idx}"
            self.add_all(path, tf_example(self.gen(path), lambda g: tf_rds(g) + tf_security_group(g, 2)))

    def google_gke(self, root: str) -> None:
        variants = ["", "beta-autopilot-private-cluster", "beta-autopilot-public-cluster", "beta-private-cluster",
                    "beta-private-cluster-update-variant", "beta-public-cluster", "beta-public-cluster-update-variant",
                    "private-cluster", "private-cluster-update-variant", "safer-cluster", "safer-cluster-update-variant",
                    "workload-identity", "acm", "hub", "auth", "binary-authorization", "fleet-membership", "gke-node-pool"]
        for variant in variants[: max(2, self.n(len(variants)))]:
            path = f"{root}/modules/{variant}" if variant else root
            g = self.gen(path)
            self.add_all(path, {"cluster.tf": tf_gke_cluster(g) + tf_gke_cluster(self.gen(path + "/2")), "firewall.tf": tf_gcp_firewall(g),
                               "main.tf": tf_locals(g) + tf_locals(self.gen(path + "/l")), "networks.tf": tf_locals(g),
                               "variables.tf": tf_variables(g, g.int(120, 240)), "outputs.tf": tf_outputs(g, 40, "google_container_cluster.primary"),
                               "versions.tf": tf_versions(g, "google"), "sa.tf": tf_locals(g)})
        for kind, count in (("examples", 52), ("test/fixtures", 45)):
            for idx in range(self.n(count)):
                path = f"{root}/{kind}/{self.gen(f'{root}/{kind}{idx}').name()}-{idx}"
                g = self.gen(path)
                self.add_all(path, {"main.tf": tf_locals(g) + f'module "gke" {{\n  source = "../../modules/private-cluster"\n'
                                    f'  project_id = var.project_id\n  name = "{g.name()}"\n  network = var.network\n}}\n' + tf_gcp_firewall(g),
                                    "variables.tf": tf_variables(g, g.int(3, 12)), "outputs.tf": tf_outputs(g, g.int(4, 14), "module.gke"),
                                    "versions.tf": tf_versions(g, "google")})

    def azure_aks(self, root: str) -> None:
        g = self.gen(root)
        self.add_all(root, {"main.tf": tf_aks(g), "extra_node_pool.tf": tf_aks(self.gen(root + "/np")), "locals.tf": tf_locals(g),
                            "variables.tf": tf_variables(g, 200), "outputs.tf": tf_outputs(g, 50, "azurerm_kubernetes_cluster.main"),
                            "versions.tf": tf_versions(g, "azurerm"), "role_assignments.tf": tf_locals(g)})
        for kind, count in (("examples", 14), ("test/fixture", 4)):
            for idx in range(self.n(count)):
                path = f"{root}/{kind}/{self.gen(f'{root}/{kind}{idx}').word()}-{idx}"
                sg = self.gen(path)
                self.add_all(path, {"main.tf": tf_azure_nsg(sg) + tf_aks(sg), "variables.tf": tf_variables(sg, 8),
                                   "outputs.tf": tf_outputs(sg, 6, "module.aks"), "providers.tf": tf_versions(sg, "azurerm"),
                                   "terraform.tfvars": tfvars(sg)})

    def terragoat(self, root: str) -> None:
        for cloud, files in (("aws", 22), ("azure", 20), ("gcp", 8)):
            for idx in range(self.n(files)):
                path = f"{root}/terraform/{cloud}/{self.gen(f'{root}{cloud}{idx}').word()}{idx}.tf"
                g = self.gen(path)
                body = {"aws": lambda: tf_ec2(g) + tf_s3(g) + tf_rds(g), "azure": lambda: tf_azure_nsg(g),
                        "gcp": lambda: tf_gcp_firewall(g) + tf_gke_cluster(g)}[cloud]()
                self.add(path, body)

    def clinic_sites(self, root: str) -> None:
        """Own infrastructure of imaging sites: stacks calling local modules, plus tfvars."""
        for idx in range(self.n(44)):
            path = f"{root}/sites/site-{idx:02d}"
            g = self.gen(path)
            self.add_all(path, {"main.tf": tf_module_calls(g, ["../../modules/pacs-sg", "../../modules/nas-sg"]) + tf_s3(g),
                                "variables.tf": tf_variables(g, g.int(4, 15)), "outputs.tf": tf_outputs(g, 3, "module.pacs"),
                                "versions.tf": tf_versions(g), "terraform.tfvars": tfvars(g)})
        for mod in ("pacs-sg", "nas-sg"):
            path = f"{root}/modules/{mod}"
            g = self.gen(path)
            self.add_all(path, {"main.tf": tf_security_group(g, 6), "variables.tf": tf_variables(g, 12), "outputs.tf": tf_outputs(g, 3)})

    # Ansible repositories ----------------------------------------------------------------

    def role(self, path: str, prefix: str, tasks: int, templates: list[tuple[str, Callable[[Gen], str]]]) -> None:
        g = self.gen(path)
        for idx in range(tasks):
            name = "main.yml" if idx == 0 else f"{g.word()}_{idx}.yml"
            self.add(f"{path}/tasks/{name}", ansible_tasks(self.gen(f"{path}/tasks/{name}"), prefix, g.int(4, 24), firewall=g.chance(0.15)))
        self.add(f"{path}/defaults/main.yml", ansible_defaults(g, prefix, g.int(8, 60)))
        if g.chance(0.6):
            self.add(f"{path}/handlers/main.yml", ansible_handlers(g))
        if g.chance(0.5):
            self.add(f"{path}/meta/main.yml", ansible_meta(g, prefix))
        if g.chance(0.25):
            self.add(f"{path}/vars/main.yml", ansible_defaults(self.gen(path + "/vars"), prefix, g.int(2, 10)))
        for name, make in templates:
            self.add(f"{path}/templates/{name}", make(self.gen(f"{path}/templates/{name}")))

    def kubespray(self, root: str) -> None:
        g = self.gen(root)
        for idx in range(self.n(80)):
            role = f"{g.pick(('kubernetes', 'container-engine', 'network_plugin', 'etcd', 'download', 'bootstrap-os', 'kubernetes-apps'))}/{g.name()}{idx}"
            rg = self.gen(f"{root}/roles/{role}")
            templates = [(f"{rg.word()}.conf.j2", generic_template) for _ in range(rg.int(0, 3))]
            self.role(f"{root}/roles/{role}", rg.word(), rg.int(1, 5), templates)
        for idx in range(self.n(26)):
            self.add(f"{root}/inventory/sample/group_vars/{g.word()}{idx}.yml", ansible_defaults(self.gen(f"{root}/gv{idx}"), g.word(), g.int(20, 70)))
        self.add(f"{root}/inventory/sample/inventory.ini", inventory_ini(g))
        for idx in range(self.n(16)):
            self.add(f"{root}/playbooks/{g.word()}{idx}.yml", ansible_playbook(self.gen(f"{root}/pb{idx}"), [g.word() for _ in range(g.int(2, 9))]))
        for cloud in ("aws", "openstack", "gcp", "exoscale", "hetzner", "equinix", "nifcloud", "upcloud", "vsphere"):
            for idx in range(self.n(9)):
                path = f"{root}/contrib/terraform/{cloud}/{'modules/' if idx > 2 else ''}{self.gen(f'{root}{cloud}{idx}').word()}{idx}"
                sg = self.gen(path)
                self.add_all(path, {"main.tf": tf_security_group(sg, sg.int(1, 6)) if cloud == "aws" else tf_gcp_firewall(sg),
                                   "variables.tf": tf_variables(sg, sg.int(5, 30))})

    def ansible_book(self, root: str, chapters: int) -> None:
        for idx in range(self.n(chapters)):
            path = f"{root}/{self.gen(f'{root}{idx}').word()}-{idx}"
            g = self.gen(path)
            roles = [g.word() for _ in range(g.int(1, 3))]
            self.add(f"{path}/playbook.yml", ansible_playbook(g, roles))
            self.add(f"{path}/inventory", inventory_ini(g))
            if g.chance(0.5):
                self.add(f"{path}/vars/main.yml", ansible_defaults(g, g.word(), g.int(3, 12)))
            for role in roles:
                self.role(f"{path}/roles/{role}", role, g.int(1, 3), [(f"{role}.conf.j2", generic_template)] if g.chance(0.5) else [])
            if g.chance(0.3):
                self.add(f"{path}/docker-compose.yml", compose_file(g, g.int(1, 4), pacs=False))

    def nas_roles(self, root: str) -> None:
        specs = [("samba", [("smb.conf.j2", ansible_smb_template)]), ("vsftpd", [("vsftpd.conf.j2", ansible_vsftpd_template)]),
                 ("nfs", [("exports.j2", lambda g: "{% for e in nfs_exports %}\n{{ e }}\n{% endfor %}\n")]),
                 ("docker", [("daemon.json.j2", lambda g: '{\n  "log-driver": "{{ docker_log_driver }}"\n}\n')]),
                 ("ddclient", [("ddclient.conf.j2", lambda g: "protocol={{ ddclient_protocol }}\nserver={{ ddclient_server }}\n"
                                "login={{ ddclient_login }}\npassword={{ ddclient_password }}\n{{ ddclient_hosts | join(',') }}\n")]),
                 ("orthanc", [("orthanc.json.j2", lambda g: '{\n  "RemoteAccessAllowed": {{ orthanc_remote | to_json }},\n'
                               '  "AuthenticationEnabled": {{ orthanc_auth | to_json }}\n}\n')]),
                 ("nginx", [("viewer.conf.j2", lambda g: "server {\n  listen {{ nginx_port }};\n  server_name {{ inventory_hostname }};\n}\n")])]
        for copy in range(self.n(4)):
            for name, templates in specs:
                path = f"{root}/ansible-role-{name}-{copy}"
                g = self.gen(path)
                self.role(path, name, g.int(2, 5), templates)
                self.add(f"{path}/molecule/default/converge.yml", ansible_playbook(g, [f"ansible-role-{name}"]))
                self.add(f"{path}/molecule/default/molecule.yml", f"---\ndriver:\n  name: docker\nplatforms:\n  - name: instance\n"
                         f"    image: \"geerlingguy/docker-{g.pick(('debian12', 'ubuntu2204', 'rockylinux9'))}-ansible:latest\"\n"
                         "    privileged: true\nprovisioner:\n  name: ansible\n")
                self.add(f"{path}/.github/workflows/ci.yml", "---\nname: CI\n'on':\n  pull_request:\n  push:\n    branches:\n      - master\n"
                         "jobs:\n  molecule:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
                         "      - run: pip3 install ansible molecule molecule-plugins[docker] docker\n      - run: molecule test\n")

    def clinic_ansible(self, root: str) -> None:
        for idx in range(self.n(12)):
            path = f"{root}/site-{idx:02d}"
            g = self.gen(path)
            self.add(f"{path}/site.yml", ansible_playbook(g, ["samba", "vsftpd", "nfs", "ddclient", "orthanc"][: g.int(2, 5)]))
            self.add(f"{path}/inventories/prod/hosts.ini", inventory_ini(g))
            self.add(f"{path}/inventories/prod/group_vars/all.yml", ansible_defaults(g, "site", g.int(5, 20)))
            self.add(f"{path}/inventories/prod/group_vars/nas.yml",
                     "---\nsamba_shares:\n  - name: dicom\n    path: /srv/dicom\n"
                     f"    guest_ok: \"{'yes' if g.insecure() else 'no'}\"\n"
                     f"vsftpd_anonymous_enable: \"{'YES' if g.insecure() else 'NO'}\"\n")

    # compose and NAS/PACS ------------------------------------------------------------

    def sample_dirs(self, root: str, parent: str, count: int) -> Iterator[tuple[str, Gen]]:
        """Folders named like `web-cache-3` under parent, each with its own random source."""
        for idx in range(self.n(count)):
            path = f"{parent}/{self.gen(f'{root}{idx}').name().replace('_', '-')}-{idx}"
            yield path, self.gen(path)

    def awesome_compose(self, root: str) -> None:
        for path, g in self.sample_dirs(root, root, 42):
            self.add(f"{path}/compose.yaml", compose_file(g, g.int(1, 4), pacs=False))
            if g.chance(0.3):
                self.add(f"{path}/nginx/nginx.conf", nginx_conf(g))

    def orthanc_samples(self, root: str) -> None:
        for path, g in self.sample_dirs(root, f"{root}/docker", 34):
            self.add(f"{path}/docker-compose.yml", compose_file(g, g.int(1, 4), pacs=True))
            if g.chance(0.6):
                self.add(f"{path}/orthanc.json", orthanc_json(g))
            if g.chance(0.3):
                self.add(f"{path}/nginx/default.conf", nginx_conf(g))

    def nas_configs(self, root: str) -> None:
        makers = {"samba/smb.conf": smb_conf, "vsftpd.conf": vsftpd_conf, "exports": exports_file,
                  "ddclient.conf": ddclient_conf, "nginx/sites-enabled/viewer": nginx_conf, "orthanc/orthanc.json": orthanc_json}
        for idx in range(self.n(10)):
            for name, make in makers.items():
                path = f"{root}/clinic-{idx:02d}/etc/{name}"
                g = self.gen(path)
                if name == "ddclient.conf" and not g.chance(DDNS_SHARE):
                    continue  # only some clinics publish a dynamic DNS name
                self.add(path, make(g))


def build_files(seed: int = DEFAULT_SEED, size: str = "full") -> dict[str, str]:
    """Relative path -> text of one copy of the corpus."""
    plan = Plan(seed, SIZES[size])
    plan.aws_security_group("terraform-aws-security-group")
    plan.aws_vpc("terraform-aws-vpc")
    plan.aws_eks("terraform-aws-eks")
    plan.aws_rds("terraform-aws-rds")
    plan.google_gke("terraform-google-kubernetes-engine")
    plan.azure_aks("terraform-azurerm-aks")
    plan.terragoat("terragoat")
    plan.clinic_sites("clinic-infra")
    plan.kubespray("kubespray")
    plan.ansible_book("ansible-for-devops", 24)
    plan.ansible_book("ansible-examples", 13)
    plan.nas_roles("ansible-roles")
    plan.clinic_ansible("clinic-ansible")
    plan.awesome_compose("awesome-compose")
    plan.orthanc_samples("orthanc-setup-samples")
    plan.nas_configs("nas-configs")
    return plan.files


def kind_of(path: str) -> str:
    """The file family a path belongs to, for the proportions report."""
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".tf"):
        return "terraform"
    if name.endswith(".tfvars"):
        return "tfvars"
    if name.endswith(".j2"):
        return "template"
    if name.startswith(("compose", "docker-compose")):
        return "compose"
    if name.endswith((".yml", ".yaml")):
        return "ansible"
    if name == "inventory" or name.endswith(".ini"):
        return "inventory"
    return "nas-pacs"


@dataclass(frozen=True)
class CorpusStats:
    files: int
    bytes: int
    by_kind: dict[str, int]


def write_corpus(out: Path, scale: int = 1, seed: int = DEFAULT_SEED, size: str = "full") -> CorpusStats:
    """Writes `scale` copies (copy1/ .. copyN/) of the corpus under `out`."""
    files = build_files(seed, size)
    total = 0
    for copy in range(1, scale + 1):
        for rel, text in files.items():
            target = out / f"copy{copy}" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            data = text.encode()
            target.write_bytes(data)
            total += len(data)
    kinds = Counter(kind_of(rel) for rel in files)
    return CorpusStats(len(files) * scale, total, {k: v * scale for k, v in sorted(kinds.items())})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=1, help="write N copies under distinct paths")
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    stats = write_corpus(args.out, args.scale, args.seed, args.size)
    print(f"{stats.files} files, {stats.bytes / 1e6:.1f} MB: " + ", ".join(f"{k} {v}" for k, v in stats.by_kind.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
