"""Planted secrets, in every format that quotes passwords, never appear in any report."""
from __future__ import annotations

import pytest

from linter.engine import scan
from linter.report import REPORTERS, render

# Formats that print each finding's offending line (masked); the others print messages only.
QUOTES_OFFENDING_LINE = {"text", "json", "sarif", "junit"}

SECRETS = {
    "orthanc": "Orth4nc-Pl4nted-77",
    "peer": "P33r-Pl4nted-88",
    "pg": "Pg-Pl4nted-99",
    "compose": "C0mpose-Pl4nted-11",
    "ddclient": "Dd-Pl4nted-22",
    "inadyn": "In4dyn-Pl4nted-33",
    "proftpd": "Sql-Pl4nted-44",
    "conquest": "C0nq-Pl4nted-55",
    "users_env": "Env-Pl4nted-66",
    "terraform": "Tf-Pl4nted-12",
    "tfvar": "TfVar-Pl4nted-13",
    "ohif": "0hif-Pl4nted-14",
}

FILES = {
    "pacs/orthanc.json": """{
  "RemoteAccessAllowed": true,
  "RegisteredUsers": { "radiology": "%(orthanc)s", "admin": "admin" },
  "OrthancPeers": { "remote": ["http://10.9.9.9:8042/", "peer", "%(peer)s"] },
  "PostgreSQL": { "Host": "db.example.org", "Password": "%(pg)s" }
}
""",
    "pacs/docker-compose.yml": """services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: "%(compose)s"
  orthanc:
    image: orthancteam/orthanc:24.10.3
    ports: ["8042:8042"]
    environment:
      ORTHANC__REGISTERED_USERS: '{"reader": "%(users_env)s"}'
""",
    "nas/etc/ddclient.conf": "protocol=dyndns2\nlogin=clinic\npassword='%(ddclient)s'\nclinic.dyndns.org\n",
    "nas/etc/inadyn.conf": 'provider default@dyndns.org {\n  username = clinic\n  password = %(inadyn)s\n'
                           '  hostname = clinic.dyndns.org\n}\n',
    "nas/etc/proftpd/proftpd.conf": "SQLConnectInfo ftpdb@localhost ftpuser %(proftpd)s\n",
    "conquest/dicom.ini": "[sscscp]\nMyACRNema = CQ\nTCPPort = 104\nMySQL = 1\nUsername = root\nPassword = %(conquest)s\n",
    "cloud/main.tf": """variable "db_password" {
  default = "%(tfvar)s"
}
resource "aws_db_instance" "pacs" {
  engine              = "postgres"
  username            = "pacsadmin"
  password            = "%(terraform)s"
  publicly_accessible = true
}
resource "aws_db_instance" "index" {
  engine   = "postgres"
  username = "indexer"
  password = var.db_password
}
""",
    "viewer/app-config.js": "window.config = { dataSources: [{ configuration: {\n"
                            "  qidoRoot: 'https://pacs.example.org/rs',\n"
                            "  requestOptions: { auth: 'viewer:%(ohif)s' } } }] };\n",
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    from linter.rules import load_rules

    root = tmp_path_factory.mktemp("secrets")
    for path, text in FILES.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text % SECRETS, encoding="utf-8")
    return scan([str(root)], load_rules(), root=str(root))


def test_the_planted_secrets_are_found(result):
    quoted = {s for f in result.findings for s in f.secrets}
    assert set(SECRETS.values()) <= quoted, set(SECRETS.values()) - quoted


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_no_report_format_prints_a_planted_secret(fmt, result):
    out = render(fmt, result)
    leaked = [name for name, secret in SECRETS.items() if secret in out]
    assert not leaked, f"{fmt} report leaks {leaked}"
    # The report did print the findings that quote a secret (so the check above checked something):
    # every format names their rules; those that quote the offending line show it masked.
    assert {f.rule_id for f in result.active if f.secrets} <= {r for r in result.rules if r in out}
    if fmt in QUOTES_OFFENDING_LINE:
        assert "*****" in out


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_audit_reports_print_no_planted_secret(fmt, result, tmp_path):
    from linter.audit import build_audit, render_audit
    from linter.policies import load_policies

    policy = load_policies(set(result.rules))["hipaa"]
    out = render_audit(fmt, build_audit([result.root], result, policy))
    leaked = [name for name, secret in SECRETS.items() if secret in out]
    assert not leaked, f"{fmt} audit report leaks {leaked}"
    assert "*****" in out
