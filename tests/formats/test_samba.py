"""Samba grammar edge cases from smb.conf(5)."""
from pathlib import Path

from linter.engine import ReadContext
from linter.facts import AnonymousAccess, Listener, Setting
from linter.formats import samba
from linter.model import SourceFile


def read(text: str, tmp_path: Path | None = None, name: str = "smb.conf"):
    root = tmp_path or Path("/nonexistent")
    source = SourceFile(str(root / name), name, "samba", text)
    return samba.read(source, ReadContext(root))


def by_type(facts, kind):
    return [f for f in facts if isinstance(f, kind)]


def test_synonyms_case_and_spaces_in_names():
    facts = read("[a]\npath=/a\nPUBLIC = Yes\n[b]\npath=/b\nGuestOk=1\nWrite Ok = yes\n[c]\nonly guest = on\npublic = yes\n")
    guests = {f.resource: f for f in by_type(facts, AnonymousAccess)}
    assert set(guests) == {"[a]", "[b]", "[c]"}
    assert not guests["[a]"].write and guests["[b]"].write and not guests["[c]"].write


def test_guest_only_without_guest_ok_has_no_effect():
    assert not by_type(read("[a]\npath=/a\nguest only = yes\n"), AnonymousAccess)


def test_read_only_and_writeable_are_inverse_and_last_one_wins():
    facts = read("[a]\nguest ok = yes\nwriteable = yes\nread only = yes\n")
    assert not by_type(facts, AnonymousAccess)[0].write
    facts = read("[a]\nguest ok = yes\nread only = yes\nwritable = true\n")
    assert by_type(facts, AnonymousAccess)[0].write


def test_global_share_parameters_are_defaults_for_every_share():
    facts = read("[global]\nguest ok = yes\n[a]\npath=/a\n[b]\npath=/b\nguest ok = no\n")
    guests = by_type(facts, AnonymousAccess)
    assert [g.resource for g in guests] == ["[a]"]
    assert guests[0].origin.line == 2  # points at the inherited [global] line
    assert "inherited from [global]" in guests[0].detail


def test_comments_only_at_line_start_and_continuation_lines():
    facts = read("[a]\n  ; guest ok = yes\n  # guest ok = yes\nvalid users = alice \\\n  bob\nguest ok = no\n")
    assert not by_type(facts, AnonymousAccess)
    users = [s for s in by_type(facts, Setting) if s.key == "valid users"]
    assert users[0].raw.split() == ["alice", "bob"]


def test_invalid_boolean_and_templated_values_are_unknown_not_insecure():
    facts = read("[a]\nguest ok = {{ samba_guest_ok }}\n[b]\nguest ok = maybe\n{% if x %}\n[c]\n{% endif %}\n")
    assert not by_type(facts, AnonymousAccess)


def test_printers_and_unavailable_shares_are_not_file_shares():
    facts = read("[printers]\nguest ok = yes\n[p2]\nprintable = yes\nguest ok = yes\n[off]\navailable = no\nguest ok = yes\n")
    assert not by_type(facts, AnonymousAccess)


def test_interfaces_with_bind_only_make_samba_local():
    listener = by_type(read("[global]\ninterfaces = lo eth1\nbind interfaces only = yes\n"), Listener)[0]
    assert listener.exposure == "local" and listener.origin.line == 2
    listener = by_type(read("[global]\ninterfaces = lo eth1\n"), Listener)[0]
    assert listener.exposure == "all"
    listener = by_type(read("[global]\nhosts allow = 0.0.0.0/0\n"), Listener)[0]
    assert listener.exposure == "all"
    listener = by_type(read("[global]\nhosts allow = 10.1.2.0/24, 127.0.0.1\n"), Listener)[0]
    assert listener.exposure == "restricted"


def test_include_splices_a_file_of_the_tree(tmp_path):
    (tmp_path / "etc" / "samba").mkdir(parents=True)
    (tmp_path / "etc" / "samba" / "shares.conf").write_text("[drop]\npath = /srv/drop\nguest ok = yes\n")
    text = "[global]\ninclude = /etc/samba/shares.conf\n"
    (tmp_path / "etc" / "samba" / "smb.conf").write_text(text)
    source = SourceFile(str(tmp_path / "etc/samba/smb.conf"), "etc/samba/smb.conf", "samba", text)
    facts = samba.read(source, ReadContext(tmp_path))
    guest = by_type(facts, AnonymousAccess)[0]
    assert guest.origin.path == "etc/samba/shares.conf" and guest.origin.line == 3


def test_include_cycle_and_per_client_include_do_not_loop(tmp_path):
    (tmp_path / "a.conf").write_text("include = b.conf\n")
    (tmp_path / "b.conf").write_text("include = a.conf\n[x]\nguest ok = yes\n")
    text = "include = a.conf\ninclude = /etc/samba/smb.conf.%m\n"
    source = SourceFile(str(tmp_path / "smb.conf"), "smb.conf", "samba", text)
    facts = samba.read(source, ReadContext(tmp_path))
    assert len(by_type(facts, AnonymousAccess)) == 1


def test_guest_is_turned_away_by_valid_users_that_do_not_name_it():
    facts = read("[a]\nguest ok = yes\nvalid users = alice bob\n[b]\nguest ok = yes\nvalid users = %S\n"
                 "[c]\nguest ok = yes\ninvalid users = root, nobody\n")
    assert not by_type(facts, AnonymousAccess)
    assert by_type(facts, Listener)[0].anonymous is False


def test_guest_account_named_in_valid_users_or_a_group_still_gets_in():
    facts = read("[global]\nguest account = nasuser\n[a]\nguest ok = yes\nvalid users = nasuser\n"
                 "[b]\nguest ok = yes\nvalid users = @users\n[c]\nguest ok = yes\nvalid users =\n"
                 "[d]\nguest ok = yes\nvalid users = {{ samba_users }}\n")
    assert [g.resource for g in by_type(facts, AnonymousAccess)] == ["[a]", "[b]", "[c]", "[d]"]


def test_one_global_guest_line_gives_one_fact_naming_every_share():
    facts = read("[global]\nguest ok = Yes\n[print$]\nread only = No\n[File System]\npath = /\n[p]\nprint ok = yes\n")
    guests = by_type(facts, AnonymousAccess)
    assert len(guests) == 1 and guests[0].origin.line == 2 and guests[0].write
    assert guests[0].resource == "[print$], [File System]"
    assert "write to [print$]" in guests[0].detail and "inherited from [global]" in guests[0].detail


def test_messages_quote_the_names_as_written():
    guest = by_type(read("[Drop]\npath = /d\nread only = no\nwritable = yes\npublic = yes\n"), AnonymousAccess)[0]
    assert guest.resource == "[Drop]" and guest.origin.line == 5
    assert "`public = yes`" in guest.detail and "`writable = yes`" in guest.detail
