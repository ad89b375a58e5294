"""Apache httpd grammar, includes, SSLProtocol arithmetic and virtual-host facts."""
from pathlib import Path

import pytest

from linter.engine import ReadContext
from linter.facts import Listener, Setting, TlsPolicy
from linter.formats import apache
from linter.model import ParseError, SourceFile


def read(text: str, root: Path | None = None, name: str = "site.conf"):
    root = root or Path("/nonexistent")
    return apache.read(SourceFile(str(root / name), name, "apache", text), ReadContext(root))


def of(facts, kind):
    return [f for f in facts if isinstance(f, kind)]


@pytest.mark.parametrize("args,versions", [
    ("all -SSLv3", ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")),
    ("all", ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")),
    ("-all +TLSv1.2 +TLSv1.3", ("TLSv1.2", "TLSv1.3")),
    ("+TLSv1.2 +TLSv1.3", ("TLSv1.2", "TLSv1.3")),
    ("TLSv1.2", ("TLSv1.2",)),
    ("all -SSLv3 -TLSv1 -TLSv1.1", ("TLSv1.2", "TLSv1.3")),
    ("TLSv1 +TLSv1.1", ("TLSv1.0", "TLSv1.1")),
])
def test_ssl_protocol_arithmetic(args, versions):
    assert apache.protocols(args.split()) == versions


def test_debian_ssl_conf_is_weak_and_unknown_words_are_skipped():
    tls = of(read("<IfModule mod_ssl.c>\n\tSSLProtocol all -SSLv3\n</IfModule>\n"), TlsPolicy)[0]
    assert tls.versions[:2] == ("TLSv1.0", "TLSv1.1") and tls.origin.line == 2
    assert not of(read("SSLProtocol ${TLS_PROTOCOLS}\n"), TlsPolicy)
    assert not of(read("SSLProtocol all -SSLv3 +FooBar\n"), TlsPolicy)


def test_grammar_comments_quotes_and_continuations():
    tree = apache.parse(SourceFile("/x/a.conf", "a.conf", "apache", (
        '# comment\n  LogFormat "%h \\"%r\\" %>s" combined\n'
        'ProxyPass /a \\\n   http://b:8042/ retry=0\nHeader set X "a # b"\n')))
    assert [d.name for d in tree] == ["LogFormat", "ProxyPass", "Header"]
    assert tree[0].args == ['%h "%r" %>s', "combined"]
    assert tree[1].args == ["/a", "http://b:8042/", "retry=0"] and tree[1].origin.line == 3
    assert tree[2].args == ["set", "X", "a # b"]


@pytest.mark.parametrize("text,line", [
    ("<VirtualHost *:80>\nServerName a\n", 1),
    ("</VirtualHost>\n", 1),
    ("<VirtualHost *:80>\n<Location />\n</VirtualHost>\n", 3),
    ('Header set X "abc\n', 1),
    ("<VirtualHost *:80\n</VirtualHost>\n", 1),
])
def test_grammar_errors(text, line):
    with pytest.raises(ParseError) as err:
        read(text)
    assert err.value.line == line


def test_listen_forms():
    facts = read("Listen 80\nListen 127.0.0.1:8080\nListen [::]:443 https\nListen 10.0.0.1:8443 https\n")
    got = [(l.address, l.port, l.exposure, l.tls) for l in of(facts, Listener)]
    assert got == [("*", 80, "all", False), ("127.0.0.1", 8080, "local", False), ("[::]", 443, "all", True),
                   ("10.0.0.1", 8443, "local", True)]


def test_vhost_listeners_only_when_the_unit_has_no_listen():
    facts = read("<VirtualHost *:80>\nDocumentRoot /var/www/html\n</VirtualHost>\n")
    assert [(l.port, l.exposure) for l in of(facts, Listener)] == [(80, "all")]
    facts = read("Listen 80\n<VirtualHost *:80>\nDocumentRoot /var/www/html\n</VirtualHost>\n")
    assert len(of(facts, Listener)) == 1


def plain(text):
    return [t for t in of(read(text), TlsPolicy) if t.enforced is False]


def test_plain_vhost_proxying_to_pacs():
    assert plain("<VirtualHost *:80>\nProxyPass / http://localhost:8042/\n</VirtualHost>\n")
    assert plain("<VirtualHost *:8080>\n<Location /dcm4chee-arc>\nProxyPass http://10.0.0.5:8080/dcm4chee-arc\n"
                 "</Location>\n</VirtualHost>\n")
    assert plain("<VirtualHost *:80>\nRewriteEngine on\nRewriteRule ^/(.*)$ http://pacs-backend/$1 [P,L]\n</VirtualHost>\n")
    assert plain("<Proxy balancer://pacs>\nBalancerMember http://10.0.0.5:8042\n</Proxy>\n"
                 "<VirtualHost *:80>\nProxyPass / balancer://pacs/\n</VirtualHost>\n")
    assert plain("<VirtualHost *:80>\nAlias /viewer /usr/share/ohif\n</VirtualHost>\n")


def test_plain_vhost_not_reported():
    assert not plain("<VirtualHost *:80>\nRedirect permanent / https://pacs.example.org/\n"
                     "ProxyPass /x http://localhost:8042/\n</VirtualHost>\n")
    assert not plain("<VirtualHost *:80>\nRedirectMatch 301 ^/(.*)$ https://pacs.example.org/$1\n</VirtualHost>\n")
    assert not plain("<VirtualHost *:80>\nRewriteEngine On\nRewriteCond %{HTTPS} off\n"
                     "RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [L,R=301]\nProxyPass / http://localhost:8042/\n"
                     "</VirtualHost>\n")
    assert not plain("<VirtualHost *:443>\nSSLEngine on\nProxyPass / http://localhost:8042/\n</VirtualHost>\n")
    assert not plain("<VirtualHost 127.0.0.1:80>\nProxyPass / http://localhost:8042/\n</VirtualHost>\n")
    assert not plain("<VirtualHost *:80>\nProxyPass / http://localhost:3000/\n</VirtualHost>\n")
    assert not plain("<VirtualHost *:80>\nProxyPass /orthanc !\nDocumentRoot /var/www/html\n</VirtualHost>\n")


def test_ssl_proxy_verification():
    def unverified(text):
        return [t for t in of(read(text), TlsPolicy) if t.verify is False]

    vhost = "<VirtualHost *:443>\nSSLEngine on\nSSLProxyEngine on\n{}ProxyPass / https://{}/\n</VirtualHost>\n"
    assert len(unverified(vhost.format("", "archive.example.net"))) == 1
    assert len(unverified(vhost.format("SSLProxyVerify none\nSSLProxyCheckPeerName off\n", "archive.example.net"))) == 2
    assert not unverified(vhost.format("SSLProxyVerify require\n", "archive.example.net"))
    assert not unverified(vhost.format("", "192.168.1.20:8443"))


def test_pacs_proxy_auth():
    def open_(text):
        return [s for s in of(read(text), Setting) if s.key == "pacs-proxy-auth"]

    base = "<VirtualHost *:443>\nSSLEngine on\n{}ProxyPass /orthanc/ http://localhost:8042/\n</VirtualHost>\n"
    assert open_(base.format(""))
    assert not open_(base.format("<Location /orthanc/>\nAuthType Basic\nRequire valid-user\n</Location>\n"))
    assert not open_(base.format("<Location />\nRequire ip 192.168.10.0/24\n</Location>\n"))
    assert not open_(base.format("<Proxy *>\nOrder deny,allow\nDeny from all\nAllow from 10.0.0.0/8\n</Proxy>\n"))


def test_includes_relative_to_the_server_root(tmp_path):
    conf = tmp_path / "etc" / "apache2"
    (conf / "sites-enabled").mkdir(parents=True)
    (conf / "mods-enabled").mkdir()
    (conf / "ports.conf").write_text("Listen 80\n")
    (conf / "mods-enabled" / "ssl.conf").write_text("<IfModule mod_ssl.c>\nSSLProtocol all -SSLv3\n</IfModule>\n")
    (conf / "sites-enabled" / "pacs.conf").write_text("<VirtualHost *:80>\nProxyPass / http://localhost:8042/\n</VirtualHost>\n")
    text = ("IncludeOptional mods-enabled/*.conf\nInclude ports.conf\nIncludeOptional sites-enabled/*.conf\n"
            "IncludeOptional conf-enabled/*.conf\n")
    (conf / "apache2.conf").write_text(text)
    ctx = ReadContext(tmp_path)
    facts = apache.read(SourceFile(str(conf / "apache2.conf"), "etc/apache2/apache2.conf", "apache", text), ctx)
    assert {t.origin.path for t in of(facts, TlsPolicy)} == {"etc/apache2/mods-enabled/ssl.conf",
                                                             "etc/apache2/sites-enabled/pacs.conf"}
    assert [l.origin.path for l in of(facts, Listener)] == ["etc/apache2/ports.conf"]
    defaults = {s.key: s.value for s in of(facts, Setting) if not s.explicit and s.key != "pacs-proxy-auth"}
    assert defaults == {"ServerTokens": "Full", "ServerSignature": "Off"}
    assert not ctx.problems


def test_red_hat_layout_server_root(tmp_path):
    conf = tmp_path / "etc" / "httpd"
    (conf / "conf").mkdir(parents=True)
    (conf / "conf.d").mkdir()
    (conf / "conf.d" / "ssl.conf").write_text("SSLProtocol all\n")
    text = 'ServerRoot "/etc/httpd"\nInclude conf.d/*.conf\n'
    (conf / "conf" / "httpd.conf").write_text(text)
    facts = apache.read(SourceFile(str(conf / "conf" / "httpd.conf"), "etc/httpd/conf/httpd.conf", "apache", text),
                        ReadContext(tmp_path))
    assert of(facts, TlsPolicy)[0].origin.path == "etc/httpd/conf.d/ssl.conf"


# --- corner cases found in real configurations ----------------------------------------------

def test_more_redirect_forms():
    proxy = "ProxyPass / http://localhost:8042/\n"
    # certbot's rewrite, the ACME folder spared
    assert not plain("<VirtualHost *:80>\nServerName pacs.example.org\nRewriteEngine on\n"
                     "RewriteCond %{REQUEST_URI} !^/\\.well-known/acme-challenge/\n"
                     "RewriteCond %{SERVER_NAME} =pacs.example.org\n"
                     "RewriteRule ^ https://%{SERVER_NAME}%{REQUEST_URI} [END,NE,R=permanent]\n" + proxy + "</VirtualHost>\n")
    # inside <Location /> the URL-path is omitted
    assert not plain("<VirtualHost *:80>\n<Location />\nRedirect permanent https://pacs.example.org/\n</Location>\n"
                     + proxy + "</VirtualHost>\n")
    assert not plain("<VirtualHost *:80>\n<If \"%{HTTPS} != 'on'\">\nRedirect https://pacs.example.org/\n</If>\n"
                     + proxy + "</VirtualHost>\n")
    # no RewriteEngine on: the rule never runs
    assert plain("<VirtualHost *:80>\nRewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]\n" + proxy
                 + "</VirtualHost>\n")
    # a redirect of one folder only
    assert plain("<VirtualHost *:80>\nRewriteEngine on\nRewriteCond %{REQUEST_URI} ^/admin\n"
                 "RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]\n" + proxy + "</VirtualHost>\n")


def test_define_is_substituted():
    facts = read("Define ARCHIVE http://127.0.0.1:8042\n<VirtualHost *:80>\nProxyPass /api/ ${ARCHIVE}/\n"
                 "</VirtualHost>\n")
    settings = [s for s in of(facts, Setting) if s.key == "ProxyPass"]
    assert settings[0].raw == "/api/ http://127.0.0.1:8042/"
    assert [t for t in of(facts, TlsPolicy) if t.enforced is False]


def test_unused_macros_are_not_configuration():
    macro = ("<Macro PacsSite $name>\n<VirtualHost *:80>\nServerName $name\nProxyPass / http://$name:8042/\n"
             "</VirtualHost>\n</Macro>\n")
    assert not of(read(macro), Listener)
    assert not plain(macro)
    used = read(macro + "Use PacsSite pacs1\n")
    assert of(used, Listener) and [t for t in of(used, TlsPolicy) if t.enforced is False]


def test_main_server_proxy_outside_any_virtual_host():
    book = ("LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\nProxyRequests On\n"
            "ProxyPass /Orthanc/ http://localhost:8000/ retry=0\n")
    found = plain(book)
    assert len(found) == 1 and found[0].origin.line == 3
    assert [s for s in of(read(book), Setting) if s.key == "pacs-proxy-auth"]
    # inherited by a plain virtual host that does not redirect
    assert plain("Listen 443\n" + book + "<VirtualHost *:80>\nServerName x\n</VirtualHost>\n")
    # every virtual host redirects or speaks TLS, and the only Listen is 443
    assert not plain("Listen 443\n" + book + "<VirtualHost *:443>\nSSLEngine on\n</VirtualHost>\n"
                     "<VirtualHost *:80>\nRedirect / https://pacs.example.org/\n</VirtualHost>\n")
    assert not plain("SSLEngine on\n" + book)


def test_main_server_judged_once_from_apache2_conf(tmp_path):
    conf = tmp_path / "etc" / "apache2"
    (conf / "conf-enabled").mkdir(parents=True)
    (conf / "apache2.conf").write_text("Listen 443\nIncludeOptional conf-enabled/*.conf\n")
    snippet = conf / "conf-enabled" / "orthanc.conf"
    snippet.write_text("ProxyPass /orthanc/ http://127.0.0.1:8042/\n")
    source = SourceFile(str(snippet), "etc/apache2/conf-enabled/orthanc.conf", "apache", snippet.read_text())
    assert not [t for t in of(apache.read(source, ReadContext(tmp_path)), TlsPolicy) if t.enforced is False]


def test_nginx_statements_are_not_read_as_apache():
    assert read("listen 443 ssl http2;\nlisten [::]:443 ssl http2;\n") == []
    assert of(read("Listen 443 https\n"), Listener)
