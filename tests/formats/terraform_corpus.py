"""A generator of realistic Terraform modules (variables, locals, security groups with dynamic
blocks, instances, firewalls, NSGs, heredocs, module calls), deterministic for a seed. Used by
the differential test and to measure parse + evaluate time on a large tree."""
from __future__ import annotations

import random
from pathlib import Path

PORTS = [22, 80, 104, 139, 443, 445, 2049, 2762, 4242, 5000, 8042, 11112]
CIDRS = ['"0.0.0.0/0"', '"10.0.0.0/8"', '"192.168.1.0/24"', "var.allowed_cidr", 'local.office_cidr', '"::/0"']


def _variables(rng: random.Random) -> str:
    return f'''variable "environment" {{
  type    = string
  default = "{rng.choice(["dev", "staging", "prod"])}"
}}

variable "allowed_cidr" {{
  description = "Who may reach the service"
  default     = {rng.choice(['"0.0.0.0/0"', '"10.0.0.0/8"'])}
}}

variable "instance_count" {{
  default = {rng.randint(0, 3)}
}}

variable "vpc_id" {{}}
'''


def _locals(rng: random.Random) -> str:
    ports = rng.sample(PORTS, 3)
    return f'''locals {{
  name        = "${{var.environment}}-pacs-{rng.randint(1, 999)}"
  office_cidr = "203.0.113.{rng.randint(0, 255)}/32"
  ports       = {ports}
  tags = merge(
    {{ Project = "imaging", Owner = "radiology" }},
    {{ Environment = var.environment }},
  )
  rules = {{ for p in local.ports : "p${{p}}" => {{ port = p, cidr = p == {ports[0]} ? var.allowed_cidr : local.office_cidr }} }}
  subnets = [for i in range(2) : cidrsubnet("10.{rng.randint(0, 255)}.0.0/16", 8, i)]
}}
'''


def _security_group(rng: random.Random, i: int) -> str:
    port = rng.choice(PORTS)
    return f'''resource "aws_security_group" "sg{i}" {{
  name        = "${{local.name}}-sg{i}"
  description = "Security group {i} for the PACS"
  vpc_id      = var.vpc_id
  tags        = local.tags

  ingress {{
    description = "port {port}"
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = [{rng.choice(CIDRS)}]
  }}

  dynamic "ingress" {{
    for_each = local.rules
    content {{
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }}
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
'''


def _instance(rng: random.Random, i: int) -> str:
    return f'''resource "aws_instance" "node{i}" {{
  count                  = var.instance_count
  ami                    = "ami-{rng.randrange(16 ** 8):08x}"
  instance_type          = var.environment == "prod" ? "m5.large" : "t3.micro"
  subnet_id              = local.subnets[count.index % 2]
  vpc_security_group_ids = [aws_security_group.sg{i}.id]
  associate_public_ip_address = {rng.choice(["true", "false"])}
  user_data = <<-EOT
    #!/bin/bash
    apt-get install -y {rng.choice(["orthanc", "samba", "nginx", "dcm4chee"])}
    echo "${{local.name}}-${{count.index}}" > /etc/hostname
  EOT
  tags = merge(local.tags, {{ Name = "${{local.name}}-node{i}-${{count.index}}" }})
}}
'''


def _gcp(rng: random.Random, i: int) -> str:
    return f'''resource "google_compute_firewall" "fw{i}" {{
  name          = "fw-{i}-${{var.environment}}"
  network       = "default"
  source_ranges = [{rng.choice(CIDRS)}]
  allow {{
    protocol = "tcp"
    ports    = [{", ".join(f'"{p}"' for p in rng.sample(PORTS, 2))}]
  }}
}}
'''


def _azure(rng: random.Random, i: int) -> str:
    port = rng.choice(PORTS)
    return f'''resource "azurerm_network_security_group" "nsg{i}" {{
  name                = "nsg-{i}"
  location            = "westeurope"
  resource_group_name = "rg-${{var.environment}}"

  security_rule {{
    name                       = "allow-{port}"
    priority                   = {100 + i}
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "{port}"
    source_address_prefix      = {rng.choice(['"*"', '"Internet"', '"10.0.0.0/8"'])}
    destination_address_prefix = "*"
  }}
}}
'''


def module_file(rng: random.Random, with_header: bool) -> str:
    parts = [_variables(rng), _locals(rng)] if with_header else []
    for i in range(rng.randint(2, 4)):
        parts.append(rng.choice([_security_group, _instance, _gcp, _azure, _security_group])(rng, rng.randint(0, 9999)))
    return "\n".join(parts)


def write_tree(root: Path, modules: int, files_per_module: int = 4, seed: int = 7) -> int:
    """Write `modules` root modules (each with a local child module it calls); return the
    number of `.tf` files written."""
    rng = random.Random(seed)
    count = 0
    for m in range(modules):
        folder = root / f"stack{m:04d}"
        child = folder / "modules" / "net"
        child.mkdir(parents=True, exist_ok=True)
        (folder / "main.tf").write_text(module_file(rng, True) + f'''
module "net" {{
  source       = "./modules/net"
  environment  = var.environment
  allowed_cidr = {rng.choice(['var.allowed_cidr', '"10.0.0.0/8"', '"0.0.0.0/0"'])}
  vpc_id       = var.vpc_id
}}
''')
        count += 1
        for f in range(1, files_per_module - 1):
            (folder / f"extra{f}.tf").write_text(module_file(rng, False))
            count += 1
        (child / "main.tf").write_text(module_file(rng, True))
        count += 1
        if rng.random() < 0.5:
            (folder / "terraform.tfvars").write_text(f'environment = "{rng.choice(["prod", "dev"])}"\n')
    return count
