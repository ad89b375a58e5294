variable "dicom_clients" {
  description = "Who may send studies to the cloud PACS"
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "db_password" {
  type    = string
  default = "changeme"
}
