"""nginx grammar, includes and the facts of http and stream servers."""
from pathlib import Path

import pytest

from linter.engine import ReadContext
from linter.facts import Listener, Setting, TlsPolicy
from linter.formats import nginx
from linter.model import ParseError, SourceFile


def read(text: str, root: Path | None = None, name: str = "nginx.conf"):
    root = root or Path("/nonexistent")
    return nginx.read(SourceFile(str(root / name), name, "nginx", text), ReadContext(root))


def of(facts, kind):
    return [f for f in facts if isinstance(f, kind)]


def test_tokenizer_quotes_variables_comments_and_lua_blocks():
    tree = nginx.parse(SourceFile("/x/n.conf", "n.conf", "nginx", '''
http {
    add_header X-Note "a; b { c }" always;   # comment ; {
    set $x a#b;
    return 301 https://${host}$request_uri;
    location /lua { content_by_lua_block { ngx.say("}") -- }
      } }
    log_format main '$remote_addr "$request"';
}
'''))
    http = tree[0]
    names = [d.name for d in http.block]
    assert names == ["add_header", "set", "return", "location", "log_format"]
    assert http.block[0].args == ["X-Note", "a; b { c }", "always"]
    assert http.block[1].args == ["$x", "a#b"]
    assert http.block[2].args[1] == "https://${host}$request_uri"


@pytest.mark.parametrize("text,line", [
    ("http {\n server {\n listen 80;\n", 2),
    ("http {\n}\n}\n", 3),
    ("http {\n listen 80\n}\n", 2),
    ('server_name "abc;\n', 1),
])
def test_grammar_errors(text, line):
    with pytest.raises(ParseError) as err:
        read(text)
    assert err.value.line == line


def test_listen_forms_and_exposure():
    facts = read("""server { listen 127.0.0.1:8080; listen [::1]:8080; listen 192.168.1.5; listen [::]:443 ssl;
    listen 8443 quic; listen unix:/run/nginx.sock; listen *:81 default_server; }""")
    got = [(l.address, l.port, l.exposure, l.tls) for l in of(facts, Listener)]
    assert got == [("127.0.0.1", 8080, "local", False), ("[::1]", 8080, "local", False),
                   ("192.168.1.5", 80, "local", False), ("[::]", 443, "all", True),
                   ("*", 8443, "all", True), ("unix:/run/nginx.sock", None, "local", False),
                   ("*", 81, "all", False)]


def test_no_listen_means_port_80_and_allow_deny_restricts():
    listener = of(read("server { server_name a; allow 10.0.0.0/8; deny all; }"), Listener)[0]
    assert listener.port == 80 and listener.exposure == "restricted"


def test_ssl_protocols_weak_versions_and_defaults():
    facts = read("http { ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3; }")
    tls = of(facts, TlsPolicy)[0]
    assert tls.versions == ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3") and "TLSv1.0, TLSv1.1" in tls.detail
    facts = read("http { server_tokens off; }")
    defaults = {s.key: s.value for s in of(facts, Setting) if not s.explicit}
    assert defaults == {"ssl_protocols": "TLSv1.2 TLSv1.3", "proxy_ssl_verify": False}


def test_plain_http_pacs_proxy_and_its_redirecting_variants():
    def plain(text):
        return [t for t in of(read(text), TlsPolicy) if t.enforced is False]

    assert plain("server { listen 80; location / { proxy_pass http://127.0.0.1:8042; } }")
    assert plain("server { listen 80; location /dicom-web/ { proxy_pass http://backend:8080/; } }")
    assert plain("server { listen 80; server_name pacs.example.org; root /var/www/html; }")
    assert plain("server { listen 80; location /viewer/ { alias /usr/share/ohif/; } }")
    # redirects, TLS, loopback and unknown backends are not reported
    assert not plain("server { listen 80; return 301 https://$host$request_uri; location / { proxy_pass http://x:8042; } }")
    assert not plain("server { listen 80; rewrite ^ https://$host$request_uri permanent; proxy_pass http://x:8042; }")
    assert not plain("server { listen 80; if ($scheme = http) { return 301 https://$host$request_uri; }"
                     " location / { proxy_pass http://x:8042; } }")
    assert not plain("server { listen 443 ssl; location / { proxy_pass http://127.0.0.1:8042; } }")
    assert not plain("server { listen 80; ssl on; location / { proxy_pass http://127.0.0.1:8042; } }")
    assert not plain("server { listen 127.0.0.1:80; location / { proxy_pass http://127.0.0.1:8042; } }")
    assert not plain("server { listen 80; location / { proxy_pass http://127.0.0.1:3000; } }")
    assert not plain("server { listen 80; server_name pacs.example.org; location / { return 301 https://$host; }"
                     " location /.well-known/ { root /var/www/acme; } }")


def test_upstream_and_set_variables_are_resolved():
    text = "upstream api { server orthanc:8042; } server { listen 80; location / { proxy_pass http://api; } }"
    assert [t for t in of(read(text), TlsPolicy) if t.enforced is False]
    text = "server { listen 80; set $be http://10.0.0.5:8042; location / { proxy_pass $be; } }"
    assert [t for t in of(read(text), TlsPolicy) if t.enforced is False]


def test_proxy_ssl_verify_inheritance_and_local_backends():
    def unverified(text):
        return [t for t in of(read(text), TlsPolicy) if t.verify is False]

    assert unverified("server { location / { proxy_pass https://archive.example.net; } }")
    assert unverified("http { proxy_ssl_verify on; server { location / { proxy_ssl_verify off;"
                      " proxy_pass https://archive.example.net; } } }")
    assert not unverified("http { proxy_ssl_verify on; server { location / { proxy_pass https://archive.example.net; } } }")
    assert not unverified("server { location / { proxy_pass https://10.1.2.3:8443; } }")
    assert not unverified("server { location / { proxy_pass https://orthanc:8443; } }")


def test_pacs_proxy_auth_setting():
    def open_(text):
        return [s for s in of(read(text), Setting) if s.key == "pacs-proxy-auth"]

    assert open_("server { listen 443 ssl; location / { proxy_pass http://127.0.0.1:8042; } }")
    assert not open_("server { listen 443 ssl; auth_basic on; location / { proxy_pass http://127.0.0.1:8042; } }")
    assert not open_("server { listen 443 ssl; location / { auth_request /a; proxy_pass http://127.0.0.1:8042; } }")
    assert not open_("server { listen 443 ssl; location / { allow 192.168.0.0/16; deny all;"
                     " proxy_pass http://127.0.0.1:8042; } }")
    assert not open_("server { listen 127.0.0.1:8080; location / { proxy_pass http://127.0.0.1:8042; } }")
    # the server name alone is not evidence that the backend is the PACS
    assert not open_("server { listen 443 ssl; server_name pacs.x.org; location / { proxy_pass http://127.0.0.1:3000; } }")


def test_stream_dicom_forwarding():
    facts = read("stream { server { listen 104; proxy_pass 10.0.0.6:4242; } server { listen 2762 ssl;"
                 " proxy_pass 10.0.0.6:11112; } }")
    assert [(l.service, l.port, l.tls) for l in of(facts, Listener)] == [("dicom", 104, False), ("dicom", 2762, True)]
    tls = of(facts, TlsPolicy)
    assert len(tls) == 1 and tls[0].service == "dicom" and tls[0].enforced is False


def test_includes_with_globs_stay_inside_the_tree(tmp_path):
    conf = tmp_path / "etc" / "nginx"
    (conf / "sites-enabled").mkdir(parents=True)
    (conf / "conf.d").mkdir()
    (conf / "conf.d" / "tls.conf").write_text("ssl_protocols TLSv1.1 TLSv1.2;\n")
    (conf / "sites-enabled" / "pacs").write_text("server { listen 80; location / { proxy_pass http://127.0.0.1:8042; } }\n")
    (conf / "sites-enabled" / ".hidden").write_text("server { listen 81; }\n")
    text = ("http { include /etc/nginx/conf.d/*.conf; include /etc/nginx/sites-enabled/*;"
            " include ../../../../outside/*.conf; include /etc/nginx/missing.conf; }\n")
    (conf / "nginx.conf").write_text(text)
    ctx = ReadContext(tmp_path)
    facts = nginx.read(SourceFile(str(conf / "nginx.conf"), "etc/nginx/nginx.conf", "nginx", text), ctx)
    assert {f.origin.path for f in of(facts, TlsPolicy)} == {"etc/nginx/conf.d/tls.conf", "etc/nginx/sites-enabled/pacs"}
    assert [l.port for l in of(facts, Listener)] == [80]
    assert not ctx.problems  # a missing include is not a note


def test_include_without_etc_in_the_tree_maps_the_configuration_folder(tmp_path):
    conf = tmp_path / "nginx"
    (conf / "snippets").mkdir(parents=True)
    (conf / "snippets" / "tls.conf").write_text("ssl_protocols SSLv3 TLSv1.2;\n")
    text = "http { include /etc/nginx/snippets/tls.conf; }\n"
    (conf / "nginx.conf").write_text(text)
    facts = nginx.read(SourceFile(str(conf / "nginx.conf"), "nginx/nginx.conf", "nginx", text), ReadContext(tmp_path))
    assert of(facts, TlsPolicy)[0].versions == ("SSLv3", "TLSv1.2")


def test_include_loops_end(tmp_path):
    (tmp_path / "a.conf").write_text("include b.conf;\nssl_protocols TLSv1;\n")
    (tmp_path / "b.conf").write_text("include a.conf;\n")
    text = (tmp_path / "a.conf").read_text()
    facts = nginx.read(SourceFile(str(tmp_path / "a.conf"), "a.conf", "nginx", text), ReadContext(tmp_path))
    assert len(of(facts, TlsPolicy)) == 1


def test_templates_are_unknown_not_errors():
    facts = read("{% if tls %}\nhttp {\n  ssl_protocols {{ nginx_tls }};\n  server { server_name {{ name }}; }\n}\n{% endif %}\n")
    assert not of(facts, TlsPolicy)


def test_debian_absolute_symlink_in_sites_enabled_is_mapped_into_the_tree(tmp_path):
    conf = tmp_path / "srv" / "etc" / "nginx"
    (conf / "sites-available").mkdir(parents=True)
    (conf / "sites-enabled").mkdir()
    (conf / "sites-available" / "pacs").write_text("server { listen 80; location / { proxy_pass http://127.0.0.1:8042; } }\n")
    (conf / "sites-enabled" / "pacs").symlink_to("/etc/nginx/sites-available/pacs")
    text = "http { include /etc/nginx/sites-enabled/*; }\n"
    (conf / "nginx.conf").write_text(text)
    facts = nginx.read(SourceFile(str(conf / "nginx.conf"), "srv/etc/nginx/nginx.conf", "nginx", text),
                       ReadContext(tmp_path))
    assert [t.origin.path for t in of(facts, TlsPolicy)] == ["srv/etc/nginx/sites-available/pacs"]


# --- grammar corner cases found in real configurations --------------------------------------

def test_escaped_characters_and_closing_brace_inside_a_word():
    tree = nginx.parse(SourceFile("/x/n.conf", "n.conf", "nginx", r'''
http {
    log_format x \#arg\ 1 '#arg 2';
    location /a\{b\;c\} { return 200 ok}x; }
}
'''))
    http = tree[0]
    assert http.block[0].args == ["x", r"\#arg\ 1", "#arg 2"]
    location = http.block[1]
    assert location.args == [r"/a\{b\;c\}"]
    assert location.block[0].args == ["200", "ok}x"]


def test_lua_blocks_with_long_strings_comments_and_a_quoted_name():
    tree = nginx.parse(SourceFile("/x/n.conf", "n.conf", "nginx", '''
http {
    server {
        set_by_lua_block $res { -- a comment with a brace {
            return 1
        }
        "rewrite_by_lua_block" {
            t = { 1, 2, 3 }
            s = [[ } not a brace ]]
            --[==[ long comment
              with } braces { ]==]
            u = "}" .. '{'
        }
        listen 8080;
    }
}
'''))
    server = tree[0].block[0]
    assert [d.name for d in server.block] == ["set_by_lua_block", "rewrite_by_lua_block", "listen"]
    assert server.block[2].origin.line == 14


def test_line_numbers_after_an_escaped_newline_in_quotes():
    tree = nginx.parse(SourceFile("/x/n.conf", "n.conf", "nginx", 'add_header X "a\\\nb";\nlisten 80;\n'))
    assert tree[1].origin.line == 3


def test_access_phase_lua_counts_as_authentication():
    facts = read('''
server {
    listen 443 ssl;
    location /pacs/ {
        access_by_lua_block { local res = require("resty.openidc").bearer_jwt_verify({}) }
        proxy_pass http://orthanc:8042/;
    }
    location /ldap/ { auth_ldap "PACS"; proxy_pass http://orthanc:8042/; }
    location /open/ { proxy_pass http://orthanc:8042/; }
}
''')
    unauthenticated = [f for f in of(facts, Setting) if f.key == "pacs-proxy-auth"]
    assert [f.section.split()[-1] for f in unauthenticated] == ["/open/"]


def test_client_certificates_count_only_when_every_listen_is_tls():
    text = '''
server {
    listen 443 ssl;
    %s
    ssl_verify_client on;
    location / { proxy_pass http://orthanc:8042; }
}
'''
    assert not [f for f in of(read(text % ""), Setting) if f.key == "pacs-proxy-auth"]
    assert [f for f in of(read(text % "listen 80;"), Setting) if f.key == "pacs-proxy-auth"]


def test_templated_listen_port_and_address():
    facts = read('''
server {
    listen ${NGINX_PORT};
    listen [::]:${NGINX_PORT};
    listen {{ bind_ip }}:8080;
    location /orthanc/ { proxy_pass http://orthanc:8042/; }
}
''')
    listeners = of(facts, Listener)
    assert [(l.address, l.port) for l in listeners] == [("*", None), ("[::]", None)]
    plain = [f for f in of(facts, TlsPolicy) if f.enforced is False]
    assert len(plain) == 1 and plain[0].origin.line == 3


def test_relative_include_falls_back_to_the_folders_above(tmp_path):
    (tmp_path / "conf.d" / "templates").mkdir(parents=True)
    (tmp_path / "h5bp" / "tls").mkdir(parents=True)
    (tmp_path / "h5bp" / "tls" / "policy.conf").write_text("ssl_protocols TLSv1 TLSv1.2;\n")
    (tmp_path / "nginx.conf").write_text("http {\n include conf.d/*.conf;\n}\n")
    site = tmp_path / "conf.d" / "templates" / "example.com.conf"
    site.write_text("server {\n listen 443 ssl;\n include h5bp/tls/policy.conf;\n}\n")
    source = SourceFile(str(site), "conf.d/templates/example.com.conf", "nginx", site.read_text())
    facts = nginx.read(source, ReadContext(tmp_path))
    policy = [f for f in of(facts, TlsPolicy) if f.versions]
    assert policy and policy[0].origin.path == "h5bp/tls/policy.conf"
    # included inside a server block: it is not the http-wide default
    assert "for every TLS server" not in policy[0].detail


def test_relative_include_does_not_reach_into_another_sample(tmp_path):
    # a repository of samples: `conf.d/*.conf` of one sample is not taken from the repository root
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "other.conf").write_text("server {\n listen 80;\n}\n")
    (tmp_path / "sample").mkdir()
    conf = tmp_path / "sample" / "nginx.conf"
    conf.write_text("http {\n include conf.d/*.conf;\n}\n")
    facts = nginx.read(SourceFile(str(conf), "sample/nginx.conf", "nginx", conf.read_text()), ReadContext(tmp_path))
    assert not of(facts, Listener)
