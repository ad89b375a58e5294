variable "name" {}
variable "port" { type = number }
variable "cidr" { default = "10.0.0.0/8" }

resource "google_compute_firewall" "this" {
  name          = "fw-${var.name}"
  network       = "default"
  direction     = "INGRESS"
  source_ranges = [var.cidr]

  allow {
    protocol = "tcp"
    ports    = [tostring(var.port), "${var.port + 1}-${var.port + 10}"]
  }
}

output "group_id" {
  value = google_compute_firewall.this.id
}
