# The clinic's cloud PACS: an Orthanc instance behind a security group, its index database and
# an archive bucket.
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
  username            = "postgres"
  password            = var.db_password
  publicly_accessible = true
}

resource "aws_s3_bucket" "archive" {
  bucket = "stmarys-dicom-archive"
}

resource "aws_s3_bucket_acl" "archive" {
  bucket = aws_s3_bucket.archive.id
  acl    = "public-read"
}
