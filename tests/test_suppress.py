"""Waivers in each format's own comment syntax."""
from __future__ import annotations

import datetime as dt

import pytest

from linter.engine import scan

TODAY = dt.date(2026, 6, 1)

CASES = {
    "orthanc // comment": ("orthanc.json", """{
  "RemoteAccessAllowed": true,
  // pacsguard:ignore PG402 -- lab instance on an isolated VLAN, ticket LAB-7
  "AuthenticationEnabled": false
}
""", "PG402"),
    "orthanc /* */ trailing": ("orthanc.json", """{
  "RemoteAccessAllowed": true,
  "AuthenticationEnabled": false /* pacsguard:ignore PG402 -- lab instance, ticket LAB-7 */
}
""", "PG402"),
    "compose # trailing": ("docker-compose.yml", """services:
  orthanc:
    image: orthancteam/orthanc:24.10.3
    ports:
      - "4242:4242"  # pacsguard:ignore PG102 -- modality VLAN only, firewall rule FW-12
""", "PG102"),
    "vsftpd # own line": ("vsftpd.conf", """# pacsguard:ignore PG202 until=2026-12-31 -- public software mirror, no PHI
anonymous_enable=YES
""", "PG202"),
    "nginx # trailing": ("nginx.conf", """http {
    ssl_protocols TLSv1 TLSv1.2; # pacsguard:ignore PG502 -- old ultrasound client, replaced Q3
}
""", "PG502"),
    "exports whole file": ("exports", """# pacsguard:ignore-file PG103, PG210 -- lab network image, never deployed
/srv/test *(rw,no_root_squash)
""", "PG103"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_waiver_suppresses_and_keeps_its_reason(name, tmp_path, rules):
    path, text, rule_id = CASES[name]
    (tmp_path / path).write_text(text)
    result = scan([str(tmp_path)], rules, root=str(tmp_path), today=TODAY)
    waived = [f for f in result.findings if f.rule_id == rule_id]
    assert waived and all(f.suppression is not None for f in waived), [f.message for f in waived]
    assert all(f.suppression.reason for f in waived)
    assert not [f for f in result.active if f.rule_id in ("PG003", "PG004", rule_id)]


def test_a_waiver_covers_only_its_rule_and_line(tmp_path, rules):
    (tmp_path / "vsftpd.conf").write_text(
        "# pacsguard:ignore PG501 -- FTPS terminates on the load balancer\nanonymous_enable=YES\nlocal_enable=YES\n")
    result = scan([str(tmp_path)], rules, root=str(tmp_path), today=TODAY)
    assert "PG202" in {f.rule_id for f in result.active}


def test_a_waiver_on_line_one_covers_a_whole_file_default(tmp_path, rules):
    (tmp_path / "vsftpd.conf").write_text(
        "# pacsguard:ignore PG202 -- public software mirror, no PHI\nlisten=YES\nlocal_enable=NO\n")
    result = scan([str(tmp_path)], rules, root=str(tmp_path), today=TODAY)
    anonymous = [f for f in result.findings if f.rule_id == "PG202"]
    assert anonymous and anonymous[0].origin.line == 1 and anonymous[0].suppression is not None
