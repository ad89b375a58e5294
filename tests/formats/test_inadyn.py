"""inadyn.conf grammar (libConfuse, inadyn 2.x) and the old 1.x option file."""
from pathlib import Path

import pytest

from linter.engine import ReadContext
from linter.facts import Credential, Publication, Setting, TlsPolicy
from linter.formats import inadyn
from linter.model import ParseError, SourceFile


def read(text: str, root: Path | None = None, name: str = "inadyn.conf"):
    root = root or Path("/nonexistent")
    return inadyn.read(SourceFile(str(root / name), name, "inadyn", text), ReadContext(root))


def of(facts, kind):
    return [f for f in facts if isinstance(f, kind)]


def test_debian_file_with_every_provider_commented_out_publishes_nothing():
    facts = read("# In-a-Dyn v2.x\nperiod = 300\n#provider default@dyndns.org {\n#  username = a\n#}\n")
    assert not of(facts, Publication) and not of(facts, TlsPolicy) and not of(facts, Credential)
    defaults = {s.key: s.value for s in of(facts, Setting) if not s.explicit}
    assert defaults["secure-ssl"] is True and defaults["broken-rtc"] is False


def test_provider_block_lists_comments_and_default_https():
    facts = read('''provider default@dyndns.org:1 {   // instance 1
    username = account1
    password = "sec\\"ret#1"   # quoted, with an escaped quote
    hostname = { "my.example.com", 'other.example.org' }
    /* ssl = false */
}
''')
    pub = of(facts, Publication)[0]
    assert pub.provider == "default@dyndns.org:1" and pub.hostnames == ("my.example.com", "other.example.org")
    assert of(facts, Credential)[0].secret == 'sec"ret#1'
    assert not of(facts, TlsPolicy)  # ssl defaults to true
    assert any(s.key == "ssl" and s.value is True and not s.explicit for s in of(facts, Setting))


def test_ssl_false_and_secure_ssl_false():
    facts = read("secure-ssl = false\ncustom x { ssl = false\n username = u\n password = p4ssW0rd-x\n"
                 " ddns-server = update.example.com\n hostname = h.example.net }\n")
    tls = of(facts, TlsPolicy)
    assert {(t.enforced, t.verify) for t in tls} == {(False, None), (None, False)}
    assert "update.example.com" in of(facts, Publication)[0].detail


def test_secure_ssl_false_without_providers_is_not_reported():
    assert not of(read("secure-ssl = false\n"), TlsPolicy)


def test_include_reads_settings_from_a_file_in_the_tree(tmp_path):
    (tmp_path / "etc" / "inadyn").mkdir(parents=True)
    (tmp_path / "etc" / "inadyn" / "freedns.pw").write_text('password = "Zx9-Lq2!w"\n')
    text = 'provider freedns {\n  username = u\n  include("/etc/inadyn/freedns.pw")\n  hostname = h.mooo.com\n}\n'
    (tmp_path / "etc" / "inadyn.conf").write_text(text)
    facts = inadyn.read(SourceFile(str(tmp_path / "etc" / "inadyn.conf"), "etc/inadyn.conf", "inadyn", text),
                        ReadContext(tmp_path))
    cred = of(facts, Credential)[0]
    assert cred.secret == "Zx9-Lq2!w" and cred.origin.path == "etc/inadyn/freedns.pw"


def test_templated_values_are_words():
    facts = read("provider noip { username = {{ u }}\n password = {{ vault_pw }}\n hostname = {{ host }} }\n")
    assert of(facts, Credential)[0].strength == "reference"


def test_old_option_file():
    facts = read("--username test --password s3cr3tPW --update_period_sec 600 --alias test.homeip.net\n")
    assert of(facts, Publication)[0].hostnames == ("test.homeip.net",)
    assert of(facts, TlsPolicy)[0].enforced is False
    assert of(facts, Credential)[0].secret == "s3cr3tPW"


@pytest.mark.parametrize("text,line", [
    ("provider x {\n username = a\n", 1),
    ("}\n", 1),
    ('provider x {\n password = "abc\n}\n', 2),
    ("provider x {\n hostname = { a, = }\n}\n", 2),
])
def test_grammar_errors(text, line):
    with pytest.raises(ParseError) as err:
        read(text)
    assert err.value.line == line


def test_v1_option_file_system_keyword_and_short_option():
    pubs = of(read("system default@freedns.afraid.org\nusername u\npassword Xk29fjw9qLm\nalias a.example.org\n"),
              Publication)
    assert pubs[0].provider == "default@freedns.afraid.org"
    pubs = of(read("-S default@dnsomatic.com \\\n--username u \\\n--password p \\\n--alias all.dnsomatic.com\n"),
              Publication)
    assert pubs[0].provider == "default@dnsomatic.com"
