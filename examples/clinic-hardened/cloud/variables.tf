variable "dicom_clients" {
  description = "Who may send studies to the cloud PACS: the modalities' site-to-site VPN range"
  type        = list(string)
  default     = ["10.20.0.0/16"]
}

variable "db_password" {
  description = "Set from the secret store at deployment (TF_VAR_db_password); no default"
  type        = string
  sensitive   = true
}
