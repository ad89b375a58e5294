"""Discovery: what is read, what is skipped, and that nothing outside the tree is touched."""
from __future__ import annotations

import os

import pytest

from linter.classify import classify_by_content, classify_by_name
from linter.discover import discover
from linter.engine import scan


@pytest.mark.parametrize("path,fmt", [
    ("smb.conf", "samba"), ("etc/samba/smb.conf", "samba"), ("templates/smb.conf.j2", "samba"),
    ("samba/shares.conf", "samba"), ("roles/nas/templates/smb-shares.conf.tmpl", "samba"),
    ("vsftpd.conf", "vsftpd"), ("etc/vsftpd/vsftpd.conf.example", "vsftpd"),
    ("etc/proftpd/tls.conf", "proftpd"), ("etc/pure-ftpd/conf/NoAnonymous", "pureftpd_dir"),
    ("etc/exports", "nfs"), ("etc/exports.d/dicom.exports", "nfs"), ("afp.conf", "netatalk"),
    ("orthanc.json", "orthanc"), ("etc/orthanc/credentials.json", "orthanc"),
    ("dcmqrscp.cfg", "dcmtk"), ("etc/conquest-dicom-server/dgatesop.lst", "conquest"), ("acrnema.map", "conquest"),
    ("ddclient.conf", "ddclient"), ("inadyn.conf", "inadyn"),
    ("etc/miniupnpd/miniupnpd.conf", "miniupnpd"), ("docker-compose.yml", "compose"),
    ("compose.prod.yaml", "compose"), ("docker-compose.override.yml", "compose"),
    ("etc/nginx/sites-available/default", "nginx"), ("etc/apache2/ports.conf", "apache"),
    ("README.md", None), ("package.json", None), ("config.yml", None),
])
def test_classify_by_name(path, fmt):
    assert classify_by_name(path) == fmt


@pytest.mark.parametrize("name,text,fmt", [
    ("shares.conf", "[global]\n workgroup = X\n[a]\n path = /a\n guest ok = yes\n", "samba"),
    ("ftp.conf", "listen=YES\nanonymous_enable=NO\n", "vsftpd"),
    ("pacs.json", '{\n  "DicomAet": "PACS",\n  "RemoteAccessAllowed": true\n}\n', "orthanc"),
    ("stack.yml", "version: '3'\nservices:\n  web:\n    image: nginx\n", "compose"),
    ("viewer.conf", "server {\n  listen 80;\n  location / { proxy_pass http://pacs:8042; }\n}\n", "nginx"),
    ("site.conf", "<VirtualHost *:80>\n ProxyPass / http://localhost:8042/\n</VirtualHost>\n", "apache"),
    ("dicom.ini", "[sscscp]\nMyACRNema = CONQUESTSRV1\nTCPPort = 5678\n", "conquest"),
    ("dicom.ini.mysql", "[sscscp]\nMyACRNema = CONQUESTSRV1\n", "conquest"),
    ("playbook.yml", "- hosts: all\n  tasks: []\n", "ansible"),  # playbooks are read since issue 5
    ("settings.json", '{"theme": "dark"}', None),
])
def test_classify_by_content(name, text, fmt):
    assert classify_by_content(name, text) == fmt


def test_binary_and_oversized_files_become_notes(tmp_path, rules):
    (tmp_path / "smb.conf").write_bytes(b"\x00\x01" * 5)
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "smb.conf").write_text("; x\n" * 10)
    found = discover([str(tmp_path)], max_bytes=20)
    assert [s.relpath for s in found.skipped] == ["big/smb.conf"]
    result = scan([str(tmp_path)], rules, root=str(tmp_path))
    assert ("PG002", "smb.conf") in [(f.rule_id, f.origin.path) for f in result.findings]
    assert [s.relpath for s in result.files] == ["big/smb.conf"]


def test_fifty_megabyte_file_is_not_read(tmp_path, rules):
    big = tmp_path / "smb.conf"
    with open(big, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    result = scan([str(tmp_path)], rules, root=str(tmp_path))
    assert [(f.rule_id, f.origin.path) for f in result.findings] == [("PG002", "smb.conf")]
    assert "50 MiB" in result.findings[0].message


def test_symlinks_out_of_the_tree_are_not_followed(tmp_path, rules):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "smb.conf").write_text("[x]\nguest ok = yes\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    os.symlink(outside / "smb.conf", tree / "smb.conf")
    os.symlink(outside, tree / "linked-dir")
    result = scan([str(tree)], rules, root=str(tree))
    assert [(f.rule_id, f.origin.path) for f in result.findings] == [("PG002", "smb.conf")]
    assert "leaves the scanned tree" in result.findings[0].message


def test_directory_loops_end(tmp_path, rules):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "smb.conf").write_text("[global]\nhosts allow = 10.0.0.\n")
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")
    result = scan([str(tmp_path)], rules, root=str(tmp_path))
    assert [s.relpath for s in result.files] == ["a/smb.conf"]


def test_unreadable_file_is_reported_and_the_scan_goes_on(tmp_path, rules, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "smb.conf").write_text("[x]\nguest ok = yes\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "smb.conf").write_text("[x]\nguest ok = yes\n")
    real_open = open

    def deny(path, *args, **kwargs):
        if str(path).endswith("a/smb.conf") and "rb" in args:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    result = scan([str(tmp_path)], rules, root=str(tmp_path))
    assert ("PG002", "a/smb.conf") in [(f.rule_id, f.origin.path) for f in result.findings]
    assert ("PG201", "b/smb.conf") in [(f.rule_id, f.origin.path) for f in result.findings]


def test_version_control_and_dependency_folders_are_skipped(tmp_path):
    for folder in (".git", "node_modules", ".terraform"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "smb.conf").write_text("[x]\nguest ok = yes\n")
    assert discover([str(tmp_path)]).candidates == []
