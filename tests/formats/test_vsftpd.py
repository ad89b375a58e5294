"""vsftpd reader: grammar leniency, compiled defaults, TLS versions, listener exposure."""
from __future__ import annotations

from pathlib import Path

import pytest

from linter.engine import ReadContext
from linter.facts import AnonymousAccess, Listener, Setting, TlsPolicy
from linter.formats import vsftpd
from linter.model import SourceFile
from linter.secrets import mask

DEBIAN = Path(__file__).resolve().parent.parent / "fixtures" / "PG501" / "fail_vsftpd_debian_default" / "vsftpd.conf"


def read(tmp_path, text: str, name: str = "vsftpd.conf"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    source = SourceFile(str(path), name, "vsftpd", text)
    return vsftpd.read(source, ReadContext(tmp_path))


def only(facts, kind, **fields):
    found = [f for f in facts if isinstance(f, kind) and all(getattr(f, k) == v for k, v in fields.items())]
    assert len(found) == 1, found
    return found[0]


def none_of(facts, kind, **fields):
    return not [f for f in facts if isinstance(f, kind) and all(getattr(f, k) == v for k, v in fields.items())]


def test_absent_anonymous_enable_is_the_compiled_default_yes(tmp_path):
    facts = read(tmp_path, "listen=YES\nlocal_enable=NO\n")
    anon = only(facts, AnonymousAccess)
    assert (anon.origin.line, anon.service, anon.who, anon.write) == (1, "ftp", "anonymous", False)
    assert "absent" in anon.detail and "default is YES" in anon.detail
    default = only(facts, Setting, key="anonymous_enable")
    assert default.value is True and default.explicit is False


def test_anonymous_disabled(tmp_path):
    assert none_of(read(tmp_path, "anonymous_enable=NO\nlocal_enable=YES\n"), AnonymousAccess)


@pytest.mark.parametrize("line", ["anonymous_enable=YES", "anonymous_enable=yes", "ANONYMOUS_ENABLE = True",
                                  "  anonymous_enable=1", "anonymous_enable=YES   # comment"])
def test_boolean_spellings_and_lenient_layout(tmp_path, line):
    anon = only(read(tmp_path, f"# c\n{line}\n"), AnonymousAccess)
    assert anon.origin.line == 2


def test_comment_only_at_line_start(tmp_path):
    facts = read(tmp_path, "#anonymous_enable=NO\nlocal_enable=NO\n")
    assert only(facts, AnonymousAccess).origin.line == 1


def test_last_occurrence_wins(tmp_path):
    assert none_of(read(tmp_path, "anonymous_enable=YES\nanonymous_enable=NO\n"), AnonymousAccess)


def test_anonymous_write_needs_write_enable(tmp_path):
    facts = read(tmp_path, "anonymous_enable=YES\nanon_upload_enable=YES\n")
    assert only(facts, AnonymousAccess).write is False
    facts = read(tmp_path, "anonymous_enable=YES\nanon_other_write_enable=YES\nwrite_enable=YES\n")
    anon = only(facts, AnonymousAccess)
    assert anon.write is True and "delete/rename" in anon.operations


def test_templated_value_is_unknown(tmp_path):
    facts = read(tmp_path, "anonymous_enable={{ ftp_anon }}\nlocal_enable=NO\n", "vsftpd.conf.j2")
    assert none_of(facts, AnonymousAccess)


def test_debian_default(tmp_path):
    text = DEBIAN.read_text(encoding="utf-8")
    facts = read(tmp_path, text)
    assert none_of(facts, AnonymousAccess)
    tls = only(facts, TlsPolicy)
    assert tls.enforced is False and tls.exposed is True
    assert text.splitlines()[tls.origin.line - 1] == "ssl_enable=NO"
    listener = only(facts, Listener)
    assert (listener.port, listener.exposure, listener.auth) == (21, "all", "required")
    assert text.splitlines()[listener.origin.line - 1] == "listen_ipv6=YES"


def test_no_tls_policy_without_local_logins(tmp_path):
    assert none_of(read(tmp_path, "anonymous_enable=YES\n"), TlsPolicy)


def test_tls_enforced_by_default_force_options(tmp_path):
    facts = read(tmp_path, "anonymous_enable=NO\nlocal_enable=YES\nssl_enable=YES\nssl_tlsv1=NO\n")
    assert only(facts, TlsPolicy).enforced is True
    assert only(facts, Listener).tls is True


def test_force_local_data_ssl_no_is_not_enforced(tmp_path):
    facts = read(tmp_path, "local_enable=YES\nanonymous_enable=NO\nssl_enable=YES\nssl_tlsv1=NO\nforce_local_data_ssl=NO\n")
    tls = only(facts, TlsPolicy, enforced=False)
    assert tls.origin.line == 5 and "unencrypted" in tls.detail


def test_implicit_ssl_is_enforced(tmp_path):
    facts = read(tmp_path, "local_enable=YES\nanonymous_enable=NO\nssl_enable=YES\nimplicit_ssl=YES\n"
                           "force_local_logins_ssl=NO\nssl_tlsv1=NO\n")
    assert none_of(facts, TlsPolicy, enforced=False)


def test_default_versions_of_3_0_3(tmp_path):
    facts = read(tmp_path, "local_enable=YES\nanonymous_enable=NO\nssl_enable=YES\n")
    weak = only(facts, TlsPolicy, enforced=None)
    assert weak.versions == ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
    assert weak.origin.line == 3 and "`ssl_tlsv1` is absent" in weak.detail


def test_versions_follow_the_switches(tmp_path):
    facts = read(tmp_path, "local_enable=YES\nanonymous_enable=NO\nssl_enable=YES\nssl_tlsv1=NO\n")
    assert none_of(facts, TlsPolicy, enforced=None)
    facts = read(tmp_path, "local_enable=YES\nanonymous_enable=NO\nssl_enable=YES\nssl_tlsv1=NO\nssl_tlsv1_1=YES\n")
    weak = only(facts, TlsPolicy, enforced=None)
    assert weak.versions == ("TLSv1.1", "TLSv1.2", "TLSv1.3") and weak.origin.line == 5
    facts = read(tmp_path, "local_enable=YES\nanonymous_enable=NO\nssl_enable=YES\nssl_sslv3=YES\nssl_tlsv1=NO\n"
                           "ssl_tlsv12=YES\nssl_tlsv13=NO\n")
    weak = only(facts, TlsPolicy, enforced=None)
    assert weak.versions == ("SSLv3", "TLSv1.2") and weak.origin.line == 4


def test_versions_ignored_without_ssl(tmp_path):
    facts = read(tmp_path, "local_enable=YES\nanonymous_enable=NO\nssl_sslv3=YES\n")
    assert none_of(facts, TlsPolicy, enforced=None)


@pytest.mark.parametrize("text,exposure,port,line", [
    ("listen=YES\nlisten_address=192.168.1.5\n", "local", 21, 4),
    ("listen=NO\nlisten_ipv6=YES\nlisten_address6=::1\nlisten_port=2121\n", "local", 2121, 5),
    ("listen=YES\nlisten_address=0.0.0.0\n", "all", 21, 3),
    ("listen=YES\ntcp_wrappers=YES\n", "restricted", 21, 4),
    ("listen=NO\nlisten_ipv6=NO\n", "all", 21, 3),
    ("", "all", 21, 1),
    ("listen=YES\nlisten_address=93.184.216.34\n", "all", 21, 4),
])
def test_listener_exposure(tmp_path, text, exposure, port, line):
    listener = only(read(tmp_path, "anonymous_enable=NO\nlocal_enable=YES\n" + text), Listener)
    assert (listener.exposure, listener.port, listener.origin.line) == (exposure, port, line)


def test_loopback_only_server_is_not_exposed(tmp_path):
    facts = read(tmp_path, "listen=YES\nlisten_address=127.0.0.1\nanonymous_enable=NO\nlocal_enable=YES\n")
    assert only(facts, TlsPolicy).exposed is False


def test_settings_are_typed(tmp_path):
    facts = read(tmp_path, "listen_port=2121\nlocal_umask=022\nbanner_file=/etc/banner\nanonymous_enable=NO\n")
    assert only(facts, Setting, key="listen_port").value == 2121
    assert only(facts, Setting, key="local_umask").value == 0o22
    assert only(facts, Setting, key="banner_file").value == "/etc/banner"
    assert only(facts, Setting, key="anonymous_enable").value is False


def test_details_survive_secret_masking(tmp_path):
    text = ("listen=YES\nwrite_enable=YES\nanon_upload_enable=YES\nno_anon_password=YES\n"
            "anon_world_readable_only=NO\nlocal_enable=YES\nssl_enable=YES\nforce_local_logins_ssl=NO\n")
    for fact in read(tmp_path, text):
        if not isinstance(fact, Setting):
            assert mask(fact.detail) == fact.detail, fact.detail


def test_secure_email_list_is_still_anonymous_but_says_so(tmp_path):
    anon = only(read(tmp_path, "anonymous_enable=YES\nsecure_email_list_enable=yes\nlocal_enable=NO\n"), AnonymousAccess)
    assert "email_password_file" in anon.detail and "without a password" not in anon.detail
    assert mask(anon.detail) == anon.detail
