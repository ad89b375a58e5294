"""DCMTK dcmqrscp.cfg grammar: global mnemonics, HostTable/VendorTable/AETable blocks."""
from pathlib import Path

import pytest

from linter.engine import ReadContext
from linter.facts import AnonymousAccess, Listener, Setting, TlsPolicy
from linter.formats import dcmtk
from linter.model import ParseError, SourceFile


def read(text: str):
    source = SourceFile("/nonexistent/dcmqrscp.cfg", "dcmqrscp.cfg", "dcmtk", text)
    return dcmtk.read(source, ReadContext(Path("/nonexistent")))


def of(facts, kind):
    return [f for f in facts if isinstance(f, kind)]


DEBIAN = """\
# Global Configuration Parameters
NetworkTCPPort  = 104
MaxPDUSize      = 16384
MaxAssociations = 16

HostTable BEGIN
#acme1           = (ANY, localhost, 5678)
#acmeCTcompany   = acme1, acme2
HostTable END

VendorTable BEGIN
#"Acme CT Company"   = acmeCTcompany
VendorTable END

AETable BEGIN
#READWRITE   /var/lib/dcmtk/db/READWRITE   RW (5, 1024mb)   ANY
#READ        /var/lib/dcmtk/db/READ        R  (5, 1024mb)   ANY
AETable END
"""


def test_debian_default_has_no_open_storage_area():
    facts = read(DEBIAN)
    assert not of(facts, AnonymousAccess) and not of(facts, TlsPolicy)
    listener = of(facts, Listener)[0]
    assert (listener.port, listener.exposure, listener.anonymous, listener.origin.line) == (104, "all", False, 2)


def test_any_peer_rows_by_access():
    facts = read("AETable BEGIN\n"
                 "PUB  /srv/pub  R  (10, 1gb)  ANY\n"
                 "DROP /srv/drop W  (10, 1gb)  ANY   # upload only\n"
                 "ALL  /srv/all  rw (10, 1gb)  ANY\n"
                 "AETable END\n")
    rows = {f.resource.split()[1]: f for f in of(facts, AnonymousAccess)}
    assert rows["PUB"].operations == ("find", "get", "move") and not rows["PUB"].write
    assert rows["DROP"].operations == ("store",) and rows["DROP"].write and not rows["DROP"].read
    assert rows["ALL"].operations == ("find", "get", "move", "store") and rows["ALL"].origin.line == 4
    assert all(f.who == "any-ae" and f.service == "dicom" for f in rows.values())
    assert of(facts, TlsPolicy)[0].exposed


def test_symbolic_peers_resolve_through_the_host_table():
    facts = read("HostTable BEGIN\n"
                 "ct = (CT1, ct1.example.org, 104)\n"
                 "ws = (WS1, localhost, 104)\n"
                 "group = ct, ws\n"
                 "HostTable END\n"
                 "AETable BEGIN\n"
                 "STORE /srv/store RW (9, 1024mb) group\n"
                 "AETable END\n")
    assert not of(facts, AnonymousAccess)
    assert "ct1.example.org" in of(facts, TlsPolicy)[0].detail
    hosts = {f.key: f for f in of(facts, Setting) if f.section == "HostTable"}
    assert "(CT1, ct1.example.org, 104)" in hosts["group"].value


def test_local_peers_only_need_no_tls():
    facts = read("HostTable BEGIN\nws = (WS1, localhost, 104)\nHostTable END\n"
                 "AETable BEGIN\nSTORE /srv/store RW (9, 1024mb) ws\nAETable END\n")
    assert not of(facts, TlsPolicy)


def test_defaults_when_mnemonics_are_absent():
    facts = read("AETable BEGIN\nAETable END\n")
    assert of(facts, Listener)[0].port == 104
    port = [f for f in of(facts, Setting) if f.key == "NetworkTCPPort"][0]
    assert port.explicit is False and port.value == 104


def test_indented_and_trailing_comments_and_quotes():
    facts = read('NetworkTCPPort = 11112   # non-root port\n'
                 'VendorTable BEGIN\n  "Acme # CT" = acme\n   # indented comment\nVendorTable END\n')
    assert of(facts, Listener)[0].port == 11112


@pytest.mark.parametrize("text,line,message", [
    ("NetworkTCPPort = 104\nAETable BEGIN\nX /x RW (1, 1mb) ANY\n", 2, "never closed"),
    ("HostTable END\n", 1, "without"),
    ("AETable START\n", 1, "unknown"),
    ("AETable BEGIN\nAETable STOP\n", 2, "unknown"),
    ("AETable BEGIN\nHostTable BEGIN\n", 2, "inside"),
    ("AETable BEGIN\nX /x RW\nAETable END\n", 2, "AETitle StorageArea"),
])
def test_malformed_tables_are_parse_errors(text, line, message):
    with pytest.raises(ParseError) as info:
        read(text)
    assert info.value.line == line and message in info.value.message
