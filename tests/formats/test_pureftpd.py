"""Pure-FTPd reader: pure-ftpd.conf grammar and Debian's conf/ directory."""
from __future__ import annotations

from pathlib import Path

import pytest

from linter.engine import ReadContext
from linter.facts import AnonymousAccess, Listener, Setting, TlsPolicy
from linter.formats import pureftpd
from linter.model import SourceFile
from linter.secrets import mask


def write(tmp_path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def source(tmp_path, rel: str) -> SourceFile:
    path = tmp_path / rel
    return SourceFile(str(path), rel, "pureftpd", path.read_text(encoding="utf-8"))


def conf(tmp_path, text: str, rel: str = "pure-ftpd.conf", extra: dict[str, str] | None = None):
    write(tmp_path, {rel: text, **(extra or {})})
    return pureftpd.read(source(tmp_path, rel), ReadContext(tmp_path))


def directory(tmp_path, options: dict[str, str]):
    write(tmp_path, {f"etc/pure-ftpd/conf/{k}": v for k, v in options.items()})
    sources = [source(tmp_path, f"etc/pure-ftpd/conf/{k}") for k in sorted(options)]
    return pureftpd.read_group(sources, ReadContext(tmp_path))


def of(facts, kind, **fields):
    return [f for f in facts if isinstance(f, kind) and all(getattr(f, k) == v for k, v in fields.items())]


def test_absent_noanonymous_allows_anonymous(tmp_path):
    facts = conf(tmp_path, "ChrootEveryone yes\nTLS 2\n")
    (anon,) = of(facts, AnonymousAccess)
    assert anon.origin.line == 1 and "`NoAnonymous` is absent" in anon.detail
    assert anon.write is True and "upload" in anon.operations  # AnonymousCantUpload absent


@pytest.mark.parametrize("line", ["NoAnonymous yes", "noanonymous   YES", "NoAnonymous=on", "NoAnonymous: 1",
                                  "NoAnonymous true  # trailing"])
def test_noanonymous_spellings(tmp_path, line):
    assert not of(conf(tmp_path, f"{line}\n"), AnonymousAccess)


def test_noanonymous_no_is_like_absent(tmp_path):
    (anon,) = of(conf(tmp_path, "# sample\nNoAnonymous no\nAnonymousCantUpload yes\n"), AnonymousAccess)
    assert anon.origin.line == 2 and anon.write is False


def test_last_of_anonymousonly_and_noanonymous_wins(tmp_path):
    assert of(conf(tmp_path, "NoAnonymous yes\nAnonymousOnly yes\n"), AnonymousAccess)
    assert not of(conf(tmp_path, "AnonymousOnly yes\nNoAnonymous yes\n"), AnonymousAccess)


def test_anonymous_can_create_dirs(tmp_path):
    (anon,) = of(conf(tmp_path, "AnonymousCantUpload yes\nAnonymousCanCreateDirs yes\n"), AnonymousAccess)
    assert anon.write is True and anon.operations == ("read", "mkdir")


@pytest.mark.parametrize("text,enforced,line", [
    ("NoAnonymous yes\n", False, 1), ("NoAnonymous yes\nTLS 0\n", False, 2), ("NoAnonymous yes\nTLS 1\n", False, 2),
    ("NoAnonymous yes\nTLS 2\n", True, 2), ("NoAnonymous yes\nTLS 3\n", True, 2),
])
def test_tls_levels(tmp_path, text, enforced, line):
    (tls,) = of(conf(tmp_path, text), TlsPolicy)
    assert (tls.enforced, tls.origin.line) == (enforced, line)


def test_no_tls_policy_for_anonymous_only_server(tmp_path):
    assert not of(conf(tmp_path, "AnonymousOnly yes\n"), TlsPolicy)


@pytest.mark.parametrize("bind,address,port,exposure", [
    ("127.0.0.1,21", "127.0.0.1", 21, "local"), (",2121", "*", 2121, "all"), ("2121", "*", 2121, "all"),
    ("192.168.1.5,ftp", "192.168.1.5", 21, "local"), ("93.184.216.34,21", "93.184.216.34", 21, "all"),
    ('"127.0.0.1,21"', "127.0.0.1", 21, "local"), ("'::1,2121'", "::1", 2121, "local"),
])
def test_bind(tmp_path, bind, address, port, exposure):
    (listener,) = of(conf(tmp_path, f"NoAnonymous yes\nBind {bind}\n"), Listener)
    assert (listener.address, listener.port, listener.exposure) == (address, port, exposure)


def test_loopback_bind_is_not_exposed(tmp_path):
    (tls,) = of(conf(tmp_path, "NoAnonymous yes\nBind 127.0.0.1,21\n"), TlsPolicy)
    assert tls.exposed is False


def test_include(tmp_path):
    facts = conf(tmp_path, "Include extra.conf\nTLS 2\n", extra={"extra.conf": "NoAnonymous yes\n"})
    assert not of(facts, AnonymousAccess)
    assert of(facts, Setting, key="NoAnonymous")[0].origin.path == "extra.conf"


def test_templated_value_is_unknown(tmp_path):
    facts = conf(tmp_path, "NoAnonymous {{ pure_noanon }}\nTLS {{ tls }}\n")
    assert not of(facts, AnonymousAccess) and not of(facts, TlsPolicy)


def test_sample_conf_beside_wrapper_directory_is_ignored(tmp_path):
    write(tmp_path, {"etc/pure-ftpd/conf/NoAnonymous": "yes\n"})
    assert conf(tmp_path, "NoAnonymous no\n", rel="etc/pure-ftpd/pure-ftpd.conf") == []


def test_debian_directory_defaults(tmp_path):
    facts = directory(tmp_path, {"AltLog": "clf:/var/log/pure-ftpd/transfer.log\n", "NoAnonymous": "yes\n",
                                 "PAMAuthentication": "yes\n", "UnixAuthentication": "no\n"})
    assert not of(facts, AnonymousAccess)
    (tls,) = of(facts, TlsPolicy)
    assert tls.enforced is False and tls.origin.path.endswith("conf/AltLog") and tls.origin.line == 1
    assert of(facts, Setting, key="UnixAuthentication")[0].value is False


def test_directory_file_names_and_comments(tmp_path):
    facts = directory(tmp_path, {"NoAnonymous.dpkg-old": "yes\n", "TLS": "# level\n\n2\n", "MinUID": "1000\n"})
    (anon,) = of(facts, AnonymousAccess)
    assert anon.origin.path.endswith("conf/MinUID") and "no `NoAnonymous` file" in anon.detail
    (tls,) = of(facts, TlsPolicy)
    assert tls.enforced is True and tls.origin.line == 3


def test_empty_option_file_is_absent(tmp_path):
    facts = directory(tmp_path, {"NoAnonymous": "\n", "TLS": "2\n"})
    assert of(facts, AnonymousAccess)


def test_directory_without_option_files(tmp_path):
    write(tmp_path, {"etc/pure-ftpd/conf/README.txt": "notes\n"})
    assert pureftpd.read_group([source(tmp_path, "etc/pure-ftpd/conf/README.txt")], ReadContext(tmp_path)) == []


def test_details_survive_secret_masking(tmp_path):
    for facts in (conf(tmp_path, "NoAnonymous no\nAnonymousCanCreateDirs yes\nTLS 1\n"),
                  directory(tmp_path, {"MinUID": "1000\n"})):
        for fact in facts:
            if not isinstance(fact, Setting):
                assert mask(fact.detail) == fact.detail, fact.detail
