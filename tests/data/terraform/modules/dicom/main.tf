variable "public" { default = false }
variable "firewall" {}
variable "cycle" { default = "x" }

resource "azurerm_healthcare_dicom_service" "store" {
  name                          = "dicom"
  workspace_id                  = var.firewall
  location                      = "westeurope"
  public_network_access_enabled = var.public
  tags = {
    cycle = var.cycle
    text  = "a\tb \"quoted\" \u00e9 $${literal} %%{literal}"
    num   = 1.5 * 2 + 10 % 4 - -1
    cmp   = 3 > 2 && !(1 == 2) || false
    fmt   = format("%s:%d/%05d %q", "host", 104, 42, "x")
  }
}
