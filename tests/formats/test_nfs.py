"""NFS exports reader: exports(5) grammar, world-matching clients, effective options."""
from __future__ import annotations

import pytest

from linter.facts import AnonymousAccess, Listener, Setting
from linter.formats import nfs
from linter.model import ParseError, SourceFile
from linter.secrets import mask


def read(text: str, name: str = "exports"):
    return nfs.read(SourceFile("/x/" + name, name, "nfs", text))


def of(facts, kind, **fields):
    return [f for f in facts if isinstance(f, kind) and all(getattr(f, k) == v for k, v in fields.items())]


@pytest.mark.parametrize("spec", ["*", "0.0.0.0/0", "::/0", "0.0.0.0/0.0.0.0", "*.*", "?*", "*.*.*", "",
                                  "0.0.0.0/1", "[::]/0", "gss/krb5p"])
def test_matches_everyone(spec):
    assert nfs.matches_everyone(spec)


@pytest.mark.parametrize("spec", ["192.168.1.0/24", "10.0.0.0/8", "host1", "*.clinic.example", "@radiology",
                                  "ws[0-9]*.clinic.example", "2001:db8::/32", "192.168.1.5"])
def test_does_not_match_everyone(spec):
    assert not nfs.matches_everyone(spec)


def test_world_client_position_and_write():
    line = "/srv/dicom  host1(rw)  *(rw,no_root_squash)"
    facts = read(f"# c\n{line}\n")
    (anon,) = of(facts, AnonymousAccess)
    assert (anon.origin.line, anon.origin.column, anon.write, anon.who, anon.service) == \
        (2, line.index("*") + 1, True, "any-host", "nfs")
    assert "no_root_squash" in anon.detail and anon.resource == "/srv/dicom"


def test_default_is_read_only():
    (anon,) = of(read("/srv *\n"), AnonymousAccess)
    assert anon.write is False and "read-only" in anon.detail


def test_hostless_entry_and_bare_path():
    facts = read("/srv/a (rw)\n/srv/b\n")
    a, b = sorted(of(facts, AnonymousAccess), key=lambda f: f.origin.line)
    assert (a.origin.line, a.origin.column, a.write) == (1, 8, True) and "blank" in a.detail
    assert (b.origin.line, b.origin.column, b.write) == (2, 1, False) and "no client" in b.detail


def test_line_defaults_and_overrides():
    line = "/srv -rw,no_root_squash host1 host2(ro,root_squash) *"
    facts = read(line + "\n")
    (anon,) = of(facts, AnonymousAccess)
    assert anon.write is True and anon.origin.column == line.index(" *") + 2
    squash = of(facts, Setting, key="no_root_squash")
    assert {s.section for s in squash} == {"/srv host1", "/srv *"}
    assert {s.origin.column for s in squash} == {line.index("no_root_squash") + 1}
    assert of(facts, Setting, section="/srv host2", key="root_squash")


def test_continuation_quotes_escapes_and_comments():
    text = '"/srv/my exports" \\\n   host1(ro) \\\n   *(rw)  # world\n/srv/a\\040b host2 # c\n'
    facts = read(text)
    (anon,) = of(facts, AnonymousAccess)
    assert (anon.resource, anon.origin.line, anon.origin.column) == ("/srv/my exports", 3, 4)
    assert of(facts, Listener)[0].exposure == "all"


def test_kerberos_only_world_export_is_reported_but_not_writable():
    (anon,) = of(read("/srv *(rw,sec=krb5p)\n"), AnonymousAccess)
    assert anon.write is False and "Kerberos" in anon.detail


def test_templated_client_is_unknown():
    assert not of(read("/srv {{ nfs_client }}(rw)\n"), AnonymousAccess)


def test_listener():
    assert not of(read("# nothing exported\n"), Listener)
    (listener,) = of(read("/srv 10.0.0.0/8(rw)\n"), Listener)
    assert (listener.port, listener.exposure, listener.anonymous) == (2049, "restricted", False)
    (listener,) = of(read("/srv 10.0.0.0/8(rw)\n/pub *(ro)\n"), Listener)
    assert (listener.exposure, listener.origin.line, listener.auth) == ("all", 2, "none")


@pytest.mark.parametrize("text", ['"/srv/unterminated *(rw)\n', "(rw) /srv\n", "-rw /srv host\n"])
def test_parse_errors(text):
    with pytest.raises(ParseError):
        read(text)


def test_details_survive_secret_masking():
    facts = read("/a *(rw,no_root_squash,insecure)\n/b (rw,all_squash,anonuid=99)\n/c\n/d *(sec=krb5p)\n")
    for fact in facts:
        assert mask(fact.detail) == fact.detail, fact.detail


def test_bsd_exports_grammar():
    facts = read("/tank -alldirs -maproot=root\n/a /b -ro\n/lan -network 10.1.0.0 -mask 255.255.0.0 -mapall=nobody\n"
                 "/net -network=10.2.0.0/16\n\"/Users/me/p\" 192.168.56.10 -alldirs\n")
    world = of(facts, AnonymousAccess)
    assert [(w.resource, w.write) for w in world] == [("/tank", True), ("/a", False), ("/b", False)]
    assert "no `-network`" in world[0].detail and "no_root_squash" in world[0].detail
    squash = of(facts, Setting, key="no_root_squash")
    assert [(s.origin.line, s.raw) for s in squash] == [(1, "-maproot=root")]
    assert of(facts, Setting, key="all_squash")[0].section == "/lan 10.1.0.0/255.255.0.0"


def test_linux_lines_with_dash_defaults_are_not_bsd():
    facts = read("/srv -rw,no_root_squash 192.168.1.5 host2(ro)\n")
    assert not of(facts, AnonymousAccess)
    assert len(of(facts, Setting, key="no_root_squash")) == 2
