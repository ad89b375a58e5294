"""ProFTPD reader: sections, includes, anonymous write rules, TLS policy and versions."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from linter.engine import ReadContext
from linter.facts import AnonymousAccess, Listener, Setting, TlsPolicy
from linter.formats import proftpd
from linter.model import SourceFile
from linter.secrets import mask

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def tree(tmp_path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def read(tmp_path, rel: str, files: dict[str, str] | None = None):
    if files:
        tree(tmp_path, files)
    path = tmp_path / rel
    return proftpd.read(SourceFile(str(path), rel, "proftpd", path.read_text(encoding="utf-8")), ReadContext(tmp_path))


def conf(tmp_path, text: str):
    return read(tmp_path, "proftpd.conf", {"proftpd.conf": text})


def of(facts, kind, **fields):
    return [f for f in facts if isinstance(f, kind) and all(getattr(f, k) == v for k, v in fields.items())]


def test_debian_template_has_no_tls_and_no_anonymous(tmp_path):
    shutil.copytree(FIXTURES / "PG501" / "fail_proftpd_debian_default", tmp_path / "host")
    facts = read(tmp_path, "host/etc/proftpd/proftpd.conf")
    assert not of(facts, AnonymousAccess)
    (tls,) = of(facts, TlsPolicy)
    assert tls.enforced is False and tls.origin.line == 1
    (listener,) = of(facts, Listener)
    assert (listener.port, listener.exposure, listener.auth) == (21, "all", "required")
    # modules.conf is included: its directives are settings with their own origin
    assert of(facts, Setting, key="ModulePath")[0].origin.path == "host/etc/proftpd/modules.conf"


def test_fragment_beside_main_file_is_read_only_through_it(tmp_path):
    files = {"etc/proftpd/proftpd.conf": "ServerName x\n",
             "etc/proftpd/tls.conf": "TLSEngine on\nTLSProtocol SSLv23\n",
             "etc/proftpd/conf.d/anon.conf": "<Anonymous ~ftp>\nUser ftp\n</Anonymous>\n"}
    assert read(tmp_path, "etc/proftpd/tls.conf", files) == []
    assert read(tmp_path, "etc/proftpd/conf.d/anon.conf") == []


def test_fragment_without_main_file_gives_explicit_facts_only(tmp_path):
    facts = read(tmp_path, "ftp/anon.conf", {"ftp/anon.conf": "<Anonymous ~ftp>\nUser ftp\n</Anonymous>\nTLSEngine on\n"})
    assert len(of(facts, AnonymousAccess)) == 1
    assert not of(facts, Listener) and not of(facts, TlsPolicy)


@pytest.mark.parametrize("include,target", [
    ("Include /etc/proftpd/conf.d/", "etc/proftpd/conf.d/a.conf"),
    ("Include /etc/proftpd/conf.d/*.conf", "etc/proftpd/conf.d/a.conf"),
    ("Include conf.d/a.conf", "etc/proftpd/conf.d/a.conf"),
    ("Include /opt/ftp/extra.conf", "etc/proftpd/extra.conf"),
])
def test_include_forms(tmp_path, include, target):
    files = {"etc/proftpd/proftpd.conf": f"ServerName x\n{include}\n",
             target: "<Anonymous /srv/pub>\nUser ftp\n</Anonymous>\n"}
    (anon,) = of(read(tmp_path, "etc/proftpd/proftpd.conf", files), AnonymousAccess)
    assert anon.origin.path == target and anon.origin.line == 1


def test_include_of_a_template_in_a_role(tmp_path):
    files = {"templates/proftpd.conf.j2": "ServerName x\nInclude /etc/proftpd/tls.conf\n",
             "templates/tls.conf.j2": "TLSEngine on\nTLSRequired on\nTLSProtocol TLSv1.2\n"}
    facts = read(tmp_path, "templates/proftpd.conf.j2", files)
    assert [t.enforced for t in of(facts, TlsPolicy)] == [True]
    assert read(tmp_path, "templates/tls.conf.j2") == []


def test_glob_include_filters_names(tmp_path):
    files = {"proftpd.conf": "ServerName x\nInclude /etc/proftpd/conf.d/*.conf\n",
             "conf.d/a.conf.bak": "<Anonymous /srv/pub>\nUser ftp\n</Anonymous>\n"}
    assert not of(read(tmp_path, "proftpd.conf", files), AnonymousAccess)


def test_missing_include_is_silent(tmp_path):
    facts = conf(tmp_path, "Include /etc/proftpd/modules.conf\nServerName x\n")
    assert of(facts, Listener)


def test_anonymous_write_and_login_rules(tmp_path):
    facts = conf(tmp_path, """ServerName x
<Anonymous ~ftp>
  User ftp
  UserAlias anonymous ftp
  <Directory upload>
    <Limit STOR MKD>
      Order allow,deny
      Allow from all
    </Limit>
  </Directory>
</Anonymous>
<Anonymous /srv/closed>
  User ftp
  <Limit LOGIN>
    DenyAll
  </Limit>
</Anonymous>
<Anonymous /srv/guest>
  User guest
  AnonRequirePassword on
</Anonymous>
<Anonymous /srv/read>
  User ftp
  <Limit WRITE>
    AllowAll
    DenyAll
  </Limit>
</Anonymous>
""")
    anon = {a.resource: a for a in of(facts, AnonymousAccess)}
    assert set(anon) == {"~ftp", "/srv/read"}
    assert anon["~ftp"].write is True and {"stor", "mkd"} <= set(anon["~ftp"].operations)
    assert anon["/srv/read"].write is False
    (listener,) = of(facts, Listener)
    assert listener.anonymous is True and listener.auth == "optional"


@pytest.mark.parametrize("value,enforced", [
    ("on", True), ("both", True), ("auth+data", True), ("ctrl+data", True),
    ("off", False), ("ctrl", False), ("auth", False), ("data", False), ("!data", False),
])
def test_tls_required_values(tmp_path, value, enforced):
    facts = conf(tmp_path, f"ServerName x\nTLSEngine on\nTLSProtocol TLSv1.2\nTLSRequired {value}\n")
    (tls,) = of(facts, TlsPolicy)
    assert tls.enforced is enforced and tls.origin.line == 4


def test_tls_engine_on_without_required(tmp_path):
    (tls,) = of(conf(tmp_path, "ServerName x\nTLSEngine on\nTLSProtocol TLSv1.2\n"), TlsPolicy)
    assert tls.enforced is False and tls.origin.line == 2


@pytest.mark.parametrize("protocol,versions", [
    ("SSLv23", ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")),
    ("TLSv1 TLSv1.2", ("TLSv1.0", "TLSv1.2")),
    ("ALL -TLSv1", ("TLSv1.1", "TLSv1.2", "TLSv1.3")),
    ("SSLv3 TLSv1.2", ("SSLv3", "TLSv1.2")),
])
def test_tls_protocol(tmp_path, protocol, versions):
    facts = conf(tmp_path, f"ServerName x\nTLSEngine on\nTLSRequired on\nTLSProtocol {protocol}\n")
    (weak,) = of(facts, TlsPolicy, enforced=None)
    assert weak.versions == versions and weak.origin.line == 4


def test_tls_protocol_default_and_strong(tmp_path):
    (weak,) = of(conf(tmp_path, "ServerName x\nTLSEngine on\nTLSRequired on\n"), TlsPolicy, enforced=None)
    assert weak.versions == ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3") and weak.origin.line == 2
    assert not of(conf(tmp_path, "TLSEngine on\nTLSRequired on\nTLSProtocol TLSv1.2 TLSv1.3\n"), TlsPolicy, enforced=None)


def test_explicit_weak_protocol_without_engine(tmp_path):
    facts = conf(tmp_path, "ServerName x\nTLSProtocol TLSv1 TLSv1.2\n")
    (weak,) = of(facts, TlsPolicy, enforced=None)
    assert weak.origin.line == 2
    assert of(facts, TlsPolicy, enforced=False)


def test_global_reaches_virtual_hosts_but_main_server_does_not(tmp_path):
    facts = conf(tmp_path, """ServerName x
<Global>
  TLSEngine on
</Global>
TLSRequired on
TLSProtocol TLSv1.2
<VirtualHost 10.0.0.5>
  Port 2121
</VirtualHost>
""")
    tls = sorted(of(facts, TlsPolicy), key=lambda t: t.origin.line)
    assert [(t.enforced, t.origin.line) for t in tls] == [(False, 3), (True, 5)]
    listeners = {l.port: l for l in of(facts, Listener)}
    assert listeners[2121].exposure == "local" and listeners[21].exposure == "all"


def test_listener_bind_and_port_zero(tmp_path):
    (listener,) = of(conf(tmp_path, "DefaultAddress 127.0.0.1\nSocketBindTight on\nPort 2121\n"), Listener)
    assert (listener.exposure, listener.port, listener.origin.line) == ("local", 2121, 1)
    (listener,) = of(conf(tmp_path, "DefaultAddress 192.168.1.5\nPort 21\n"), Listener)
    assert listener.exposure == "all"
    assert not of(conf(tmp_path, "Port 0\n<VirtualHost 10.0.0.1>\nPort 21\n</VirtualHost>\n"), Listener, port=0)


def test_loopback_server_is_not_exposed(tmp_path):
    (tls,) = of(conf(tmp_path, "DefaultAddress 127.0.0.1\nSocketBindTight on\n"), TlsPolicy)
    assert tls.exposed is False


def test_grammar_continuation_quotes_and_comments(tmp_path):
    facts = conf(tmp_path, 'ServerName "My FTP server"\nTLSEngine \\\n  on\nTLSRequired on   # comment\n'
                           "TLSProtocol TLSv1.2\n  # indented comment\n<limit LOGIN>\n  allowall\n</LIMIT>\n")
    assert of(facts, Setting, key="ServerName")[0].value == '"My FTP server"'
    assert of(facts, Setting, key="TLSEngine")[0].value is True
    (tls,) = of(facts, TlsPolicy)
    assert tls.enforced is True


def test_templated_values_are_unknown(tmp_path):
    facts = conf(tmp_path, "ServerName x\nTLSEngine {{ tls }}\n")
    assert not of(facts, TlsPolicy)


def test_details_survive_secret_masking(tmp_path):
    facts = conf(tmp_path, """<Anonymous ~ftp>
User ftp
UserAlias anonymous ftp
<Limit WRITE>
AllowAll
</Limit>
</Anonymous>
TLSEngine on
TLSRequired auth
TLSProtocol SSLv23
""")
    for fact in facts:
        if not isinstance(fact, Setting):
            assert mask(fact.detail) == fact.detail, fact.detail


def test_ifdefine_sections_are_off_unless_defined(tmp_path):
    text = """ServerName x
<IfDefine ANONYMOUS_FTP>
  <Anonymous ~ftp>
    User ftp
  </Anonymous>
</IfDefine>
<IfDefine TLS>
  TLSEngine on
  TLSRequired on
</IfDefine>
<IfDefine !TLS>
  <Anonymous /srv/pub>
    User ftp
  </Anonymous>
</IfDefine>
"""
    facts = conf(tmp_path, text)
    assert [a.resource for a in of(facts, AnonymousAccess)] == ["/srv/pub"]
    (tls,) = of(facts, TlsPolicy)
    assert tls.enforced is False and "<IfDefine TLS>" in tls.detail and "-DTLS" in tls.detail
    facts = conf(tmp_path, "Define TLS\n" + text)
    assert [t.enforced for t in of(facts, TlsPolicy) if t.enforced is not None] == [True]
    assert not of(facts, AnonymousAccess)


def test_sftp_virtual_host_is_ssh_not_clear_text_ftp(tmp_path):
    facts = conf(tmp_path, """Port 0
<VirtualHost 0.0.0.0>
  ServerName "public"
  SFTPEngine on
  Port 2222
</VirtualHost>
<VirtualHost 0.0.0.0>
  ServerName "ftp"
  Port 21
</VirtualHost>
""")
    listeners = {l.port: l for l in of(facts, Listener)}
    assert listeners[2222].service == "ssh" and listeners[2222].tls is True
    (tls,) = of(facts, TlsPolicy)
    assert tls.origin.line == 7 and '("ftp")' in tls.detail


def test_database_and_ldap_passwords_are_credentials(tmp_path):
    from linter.facts import Credential
    facts = conf(tmp_path, 'SQLBackend postgres\nSQLConnectInfo db@host ftp ftp\n'
                           'LDAPBindDN "cn=admin,dc=x" "Zq8#mw2Lr0"\nSQLConnectInfo db@host ftp ${PASS}\n'
                           'SQLConnectInfo /var/db.sqlite3\n')
    creds = sorted(of(facts, Credential), key=lambda c: c.origin.line)
    assert [(c.origin.line, c.service, c.strength) for c in creds] == [(2, "postgres", "well-known"), (3, "ldap", "literal")]
    for cred in creds:
        assert cred.secret not in mask(cred.detail, cred.secrets) or cred.secret == cred.user


def test_anonymous_section_without_a_login_name_is_unreachable(tmp_path):
    assert not of(conf(tmp_path, "<Anonymous ~ftp>\n  Group ftp\n  MaxClients 10\n</Anonymous>\n"), AnonymousAccess)
    (anon,) = of(conf(tmp_path, "<Anonymous ~ftp>\n  UserAlias anonymous ftp\n</Anonymous>\n"), AnonymousAccess)
    assert "`anonymous`" in anon.detail
