"""Netatalk reader: afp.conf (3.x INI) and afpd.conf (2.x server lines)."""
from __future__ import annotations

from linter.engine import ReadContext
from linter.facts import AnonymousAccess, Listener, Setting
from linter.formats import netatalk
from linter.model import SourceFile
from linter.secrets import mask


def read(tmp_path, text: str, name: str = "afp.conf", extra: dict[str, str] | None = None):
    for rel, content in {name: text, **(extra or {})}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return netatalk.read(SourceFile(str(tmp_path / name), name, "netatalk", text), ReadContext(tmp_path))


def of(facts, kind, **fields):
    return [f for f in facts if isinstance(f, kind) and all(getattr(f, k) == v for k, v in fields.items())]


def test_default_uam_list(tmp_path):
    facts = read(tmp_path, "[Global]\n[Archive]\npath = /srv\n")
    (uam,) = of(facts, Setting, key="uam list")
    assert uam.explicit is False and uam.value == "uams_dhx.so uams_dhx2.so"
    assert not of(facts, AnonymousAccess)
    (listener,) = of(facts, Listener)
    assert (listener.port, listener.exposure, listener.anonymous) == (548, "all", False)


def test_guest_volumes(tmp_path):
    text = """[Global]
uam list = uams_dhx2.so,uams_guest.so
[Homes]
basedir regex = /home
[Scans]
path = /srv/scans
[Reports]
path = /srv/reports
read only = yes
[Staff]
path = /srv/staff
valid users = @staff
[Drop]
path = /srv/drop
rwlist = alice
"""
    (anon,) = of(read(tmp_path, text), AnonymousAccess)
    assert (anon.origin.line, anon.who, anon.service) == (2, "guest", "afp")
    assert anon.resource == "[Scans], [Reports], [Drop]" and anon.write is True
    assert "writable: [Scans])" in anon.detail


def test_guest_without_writable_volume(tmp_path):
    (anon,) = of(read(tmp_path, "[Global]\nuam list = uams_guest.so\n[Pub]\npath=/p\nread only = yes\n"), AnonymousAccess)
    assert anon.write is False


def test_option_names_comments_and_continuation(tmp_path):
    text = "[global]\n  UAMList = uams_dhx2.so \\\n    uams_clrtxt.so ; legacy\n# afp listen = 1.2.3.4\n"
    facts = read(tmp_path, text)
    (uam,) = of(facts, Setting, key="uam list")
    assert uam.value == "uams_dhx2.so uams_clrtxt.so" and uam.origin.line == 2


def test_include(tmp_path):
    facts = read(tmp_path, "[Global]\ninclude = extra.conf\n", extra={"extra.conf": "uam list = uams_guest.so\n"})
    (anon,) = of(facts, AnonymousAccess)
    assert anon.origin.path == "extra.conf"


def test_listener_exposure(tmp_path):
    (listener,) = of(read(tmp_path, "[Global]\nafp listen = 192.168.1.5\nafp port = 5480\n"), Listener)
    assert (listener.exposure, listener.port, listener.origin.line) == ("local", 5480, 2)
    (listener,) = of(read(tmp_path, "[Global]\nhosts allow = 192.168.1.0/24\n"), Listener)
    assert listener.exposure == "restricted"


def test_templated_uam_list_is_unknown(tmp_path):
    facts = read(tmp_path, "[Global]\nuam list = {{ afp_uams }}\n")
    assert not of(facts, AnonymousAccess) and not of(facts, Setting, key="uam list")


def test_afpd_v2_default_server(tmp_path):
    facts = read(tmp_path, "# nothing but comments\n", name="afpd.conf")
    (uam,) = of(facts, Setting, key="uam list")
    assert uam.value == "uams_dhx.so uams_dhx2.so" and not of(facts, AnonymousAccess)


def test_afpd_v2_server_lines(tmp_path):
    text = '"NAS one" -tcp -noddp -uamlist uams_guest.so,uams_passwd.so \\\n  -ipaddr 192.168.1.5 -port 5480\n'
    facts = read(tmp_path, text, name="afpd.conf")
    (anon,) = of(facts, AnonymousAccess)
    assert anon.origin.line == 1 and anon.origin.column == text.index("-uamlist") + 1
    (uam,) = of(facts, Setting, key="uam list")
    assert uam.value == "uams_guest.so uams_passwd.so"
    (listener,) = of(facts, Listener)
    assert (listener.exposure, listener.port) == ("local", 5480)


def test_details_survive_secret_masking(tmp_path):
    facts = read(tmp_path, "[Global]\nuam list = uams_guest.so uams_passwd.so\n[V]\npath=/v\n")
    for fact in facts:
        assert mask(fact.detail) == fact.detail, fact.detail


def test_empty_valid_users_restricts_nothing(tmp_path):
    text = "[Global]\nuam list = uams_guest.so uams_dhx2.so\n[Share]\npath = /media/share\nvalid users =\nrwlist =\n"
    (anon,) = of(read(tmp_path, text), AnonymousAccess)
    assert anon.resource == "[Share]" and anon.write is True
