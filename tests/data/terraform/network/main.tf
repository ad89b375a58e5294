# A root module: variables with defaults, tfvars, locals, functions, count and for_each.
variable "environment" {
  type    = string
  default = "dev"
}

variable "admin_cidrs" {
  type    = list(string)
  default = ["10.0.0.0/8"]
}

variable "dicom_port" {
  type    = number
  default = 104
}

variable "vpc_id" {} // no default: unknown unless a tfvars sets it

locals {
  name_prefix = "${var.environment}-pacs"
  common_tags = merge({ Project = "pacs" }, { Environment = upper(var.environment) })
  ports       = concat([var.dicom_port], [11112], var.environment == "prod" ? [] : [4242])
  rules = {
    for port in local.ports : tostring(port) => {
      port  = port
      cidrs = port == 104 ? ["0.0.0.0/0"] : var.admin_cidrs
    }
  }
  subnets  = [for i in range(3) : cidrsubnet("10.20.0.0/16", 8, i)]
  flat     = flatten([[1, 2], [3, [4]]])
  labels   = join(",", sort(keys(local.common_tags)))
  lookup_v = lookup({ a = "x" }, "b", "fallback")
  message  = <<-EOT
    Environment ${var.environment}
    %{ for p in local.ports ~}
    port ${p}
    %{ endfor ~}
  EOT
}

resource "aws_security_group" "pacs" {
  name        = "${local.name_prefix}-sg"
  description = local.message
  vpc_id      = var.vpc_id
  tags        = local.common_tags

  dynamic "ingress" {
    for_each = local.rules
    iterator = rule
    content {
      description = "port ${rule.key}"
      from_port   = rule.value.port
      to_port     = rule.value.port
      protocol    = "tcp"
      cidr_blocks = rule.value.cidrs
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "extra" {
  count             = length(var.admin_cidrs)
  type              = "ingress"
  from_port         = 445
  to_port           = 445
  protocol          = "tcp"
  cidr_blocks       = [element(var.admin_cidrs, count.index)]
  security_group_id = aws_security_group.pacs.id
}

resource "aws_instance" "node" {
  for_each               = toset(["a", "b"])
  ami                    = data.aws_ami.ubuntu.id
  instance_type          = each.key == "a" ? "t3.micro" : "t3.small"
  vpc_security_group_ids = [aws_security_group.pacs.id]
  subnet_id              = local.subnets[0]
  user_data              = "echo ${each.value} > /etc/hostname && ${jsonencode({ a = 1 })}"
  tags                   = merge(local.common_tags, { Name = "orthanc-${each.key}" })
}

data "aws_ami" "ubuntu" {
  most_recent = true
}
