variable "public" {
  default = true
}

variable "allowed" {
  default = "0.0.0.0/0"
}

locals {
  # a cycle: both stay unknown
  a = local.b
  b = local.a
  sites = {
    north = { port = 104, open = true }
    south = { port = 11112, open = false }
  }
}

module "firewall" {
  source   = "./../modules/firewall"
  for_each = local.sites
  name     = each.key
  port     = each.value.port
  cidr     = each.value.open ? var.allowed : "10.0.0.0/8"
}

module "dicom" {
  source    = "../modules/dicom"
  count     = var.public ? 1 : 0
  public    = var.public
  firewall  = module.firewall["north"].group_id
  cycle     = local.a
}

module "registry" {
  source  = "terraform-aws-modules/security-group/aws"
  version = "5.1.0"
}

module "missing" {
  source = "./nowhere"
}
