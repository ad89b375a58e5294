resource "aws_security_group" "pacs" {
  name = "pacs"

  dynamic "ingress" {
    for_each = [11112, 8042]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = var.dicom_clients
    }
  }
}

resource "aws_db_instance" "index" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  username            = "orthanc_index"
  password            = var.db_password
  publicly_accessible = false
  storage_encrypted   = true
}

resource "aws_s3_bucket" "archive" {
  bucket = "stmarys-dicom-archive"
}

resource "aws_s3_bucket_public_access_block" "archive" {
  bucket                  = aws_s3_bucket.archive.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
