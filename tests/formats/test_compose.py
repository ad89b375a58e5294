"""docker-compose reader: Compose grammar edge cases, interpolation, image knowledge."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from linter.engine import ReadContext, scan
from linter.facts import AnonymousAccess, Credential, Listener, Publication, Setting, TlsPolicy
from linter.formats import compose
from linter.model import Origin, ParseError, SourceFile
from linter.classify import classify_by_name
from linter.secrets import mask

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def read(text: str, tmp_path: Path, name: str = "docker-compose.yml", files: dict[str, str] | None = None):
    for rel, content in (files or {}).items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    source = SourceFile(str(path), name, "compose", text)
    return compose.read(source, ReadContext(tmp_path))


def by_type(facts, kind):
    return [f for f in facts if isinstance(f, kind)]


def listeners(facts, via="container"):
    return [f for f in facts if isinstance(f, Listener) and f.via == via]


def port(text: str):
    return compose.parse_short_port(text, Origin("x", 1))


# --- ports ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text,host_ip,host,target,proto,exposure", [
    ("8042", None, (None, None), (8042, 8042), "tcp", "all"),
    ("8042:8042", None, (8042, 8042), (8042, 8042), "tcp", "all"),
    ("127.0.0.1:8042:8042", "127.0.0.1", (8042, 8042), (8042, 8042), "tcp", "local"),
    ("[::1]:8042:8042", "::1", (8042, 8042), (8042, 8042), "tcp", "local"),
    ("[::]:104:104", "::", (104, 104), (104, 104), "tcp", "all"),
    ("0.0.0.0:104:104", "0.0.0.0", (104, 104), (104, 104), "tcp", "all"),
    ("4242-4243:4242-4243", None, (4242, 4243), (4242, 4243), "tcp", "all"),
    ("11112:11112/tcp", None, (11112, 11112), (11112, 11112), "tcp", "all"),
    ("2575/udp", None, (None, None), (2575, 2575), "udp", "all"),
    ("127.0.0.1::8042", "127.0.0.1", (None, None), (8042, 8042), "tcp", "local"),
    ("192.168.1.20:104:4242", "192.168.1.20", (104, 104), (4242, 4242), "tcp", "local"),
    ("100.64.0.7:104:4242", "100.64.0.7", (104, 104), (4242, 4242), "tcp", "local"),
    ("93.184.216.34:104:4242", "93.184.216.34", (104, 104), (4242, 4242), "tcp", "all"),
    ("fe80::1:8042:8042", "fe80::1", (8042, 8042), (8042, 8042), "tcp", "local"),
    ("8000-8010:80", None, (8000, 8010), (80, 80), "tcp", "all"),
])
def test_short_port_syntax(text, host_ip, host, target, proto, exposure):
    m = port(text)
    assert m.host_ip == host_ip
    assert (m.host_from, m.host_to) == host
    assert (m.target_from, m.target_to) == target
    assert m.protocol == proto and m.exposure == exposure


@pytest.mark.parametrize("text", ["abc", "8042:x", "70000:1", "10-5:10-5", "1:2/icmp", "[::1:80:80"])
def test_invalid_short_port_is_rejected(text):
    with pytest.raises(ValueError):
        port(text)


def test_invalid_port_is_a_parse_error_with_its_line(tmp_path):
    with pytest.raises(ParseError) as err:
        read("services:\n  a:\n    build: .\n    ports:\n      - \"80:eighty\"\n", tmp_path)
    assert err.value.line == 5


def test_unquoted_sexagesimal_ports_are_read_from_the_source_text(tmp_path):
    # YAML 1.1 reads 22:22 as the integer 1342 and 21:21 as 1281; Compose means the port pair.
    facts = read("services:\n  ftp:\n    image: fauria/vsftpd\n    ports:\n      - 21:21\n      - 20:20\n", tmp_path)
    ports = sorted((f.port, f.detail) for f in listeners(facts))
    assert [p for p, _ in ports] == [20, 21]
    assert "host port 21" in ports[1][1]


def test_long_syntax_fields(tmp_path):
    text = """services:
  pacs:
    build: .
    ports:
      - target: 4242
        published: "104"
        protocol: tcp
        mode: ingress
      - target: 8042
        host_ip: 127.0.0.1
        published: 8042
      - target: 11112
"""
    found = {f.port: f for f in listeners(read(text, tmp_path))}
    assert found[4242].exposure == "all" and "host port 104" in found[4242].detail and found[4242].origin.line == 5
    assert found[8042].exposure == "local" and found[8042].address == "127.0.0.1"
    assert found[11112].exposure == "all" and "a random host port" in found[11112].detail


def test_long_syntax_without_target_is_a_parse_error(tmp_path):
    with pytest.raises(ParseError):
        read("services:\n  a:\n    build: .\n    ports:\n      - published: 80\n", tmp_path)


def test_listener_port_is_the_container_port_and_ranges_keep_their_end(tmp_path):
    text = "services:\n  o:\n    build: .\n    ports:\n      - \"8000:8042\"\n      - \"4242-4250:4242-4250\"\n"
    found = listeners(read(text, tmp_path))
    assert [(f.port, f.port_to, f.service) for f in found] == [(8042, None, "http"), (4242, 4250, "dicom")]


def test_expose_is_not_publishing(tmp_path):
    assert not listeners(read("services:\n  o:\n    build: .\n    expose: [\"4242\", 8042]\n", tmp_path))


def test_generic_web_ports_count_only_for_pacs_and_nas_images(tmp_path):
    text = """services:
  web: {image: "nginx:1.27", ports: ["80:80", "443:443", "8080:8080"]}
  app: {build: ., ports: ["3000:3000", "5000:5000", "2222:22"]}
  ohif: {image: "ohif/app:v3.8.0", ports: ["80:80"]}
  arc: {image: "dcm4che/dcm4chee-arc-psql:5.33.0-secure", ports: ["8080:8080"], environment: {KEYSTORE: /k.p12}}
  sftp: {image: atmoz/sftp, ports: ["2222:22"]}
  db: {image: postgres, ports: ["5432:5432"]}
"""
    found = {(f.detail.split("`")[1], f.port) for f in listeners(read(text, tmp_path))}
    assert found == {("ohif", 80), ("arc", 8080), ("sftp", 22), ("db", 5432)}


def test_network_mode_host_lists_the_products_ports(tmp_path):
    text = "services:\n  arc:\n    image: dcm4che/dcm4chee-arc-psql:5.33.0-secure\n    network_mode: \"host\"\n    ports: [\"127.0.0.1:8080:8080\"]\n  plex:\n    image: linuxserver/plex\n    network_mode: host\n"
    facts = read(text, tmp_path)
    hosts = listeners(facts, "host-network")
    assert {f.port for f in hosts} == {8080, 8443, 9990, 9993, 11112, 2762, 2575, 12575}
    assert all(f.origin.line == 4 and f.exposure == "all" for f in hosts)
    assert not listeners(facts)  # ports are ignored with the host network


def test_dcm4chee_port_variables_move_the_services(tmp_path):
    text = "services:\n  arc:\n    image: dcm4che/dcm4chee-arc-psql:5.33.0-secure\n    environment:\n      HTTP_PORT: 8081\n      KEYSTORE: /k\n    ports: [\"8081:8081\"]\n"
    found = listeners(read(text, tmp_path))
    assert [(f.port, f.service) for f in found] == [(8081, "http")]


# --- YAML ----------------------------------------------------------------------------------


def test_merge_keys_anchors_and_override(tmp_path):
    text = """x-base: &base
  image: dcm4che/slapd-dcm4chee:2.6.7-33.0
  environment: &env
    LDAP_ROOTPASS: secret
    SYSLOG_HOST: arr
x-more: &more
  environment:
    LDAP_CONFIGPASS: other-value
services:
  a:
    <<: [*base, *more]
  b:
    <<: *base
    environment:
      <<: *env
      LDAP_ROOTPASS: Zq8!vW3pLk
      LDAP_CONFIGPASS: Zq8!vW3pLk
"""
    creds = {(f.user, f.strength, f.origin.line) for f in by_type(read(text, tmp_path), Credential)}
    # a: base wins over more for `environment` (first merged mapping wins), so CONFIGPASS is the
    # image default (implicit) while ROOTPASS is the documented default written at line 4.
    assert ("cn=admin", "default", 4) in creds
    assert ("cn=config", "default", 10) in creds  # implicit, at service a
    assert ("cn=admin", "literal", 16) in creds and ("cn=config", "literal", 17) in creds


def test_alias_bomb_stops_with_a_parse_error(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("services:\n  s:\n    image: x\n    environment: {A: *a8}")
    with pytest.raises(ParseError) as err:
        read("\n".join(lines) + "\n", tmp_path)
    assert "alias" in err.value.message


def test_recursive_alias_is_a_parse_error(tmp_path):
    with pytest.raises(ParseError):
        read("services: &s\n  a:\n    image: x\n    labels: *s\n", tmp_path)


def test_yaml_error_has_its_position(tmp_path):
    with pytest.raises(ParseError) as err:
        read("services:\n  a:\n    image: x\n   bad: [\n", tmp_path)
    assert err.value.line >= 4


def test_custom_tags_are_never_constructed(tmp_path):
    facts = read("services:\n  a:\n    image: !!python/object/apply:os.system [\"true\"]\n    ports: !reset []\n", tmp_path)
    assert not listeners(facts)


def test_empty_file_and_null_services(tmp_path):
    assert read("", tmp_path) == []
    assert read("# nothing\nservices:\n", tmp_path) == []
    with pytest.raises(ParseError):
        read("- a\n- b\n", tmp_path)
    with pytest.raises(ParseError):
        read("services: [a, b]\n", tmp_path)


def test_version_1_layout(tmp_path):
    text = "db:\n  image: postgres:9\n  ports:\n    - \"5432:5432\"\nweb:\n  build: .\n"
    assert [f.port for f in listeners(read(text, tmp_path))] == [5432]


def test_jinja_templated_compose_file(tmp_path):
    text = "services:\n{% if dicom %}\n  scp:\n    image: \"{{ scp_image }}\"\n    ports:\n      - \"{{ bind }}:104:104\"\n{% endif %}\n"
    found = listeners(read(text, tmp_path))
    assert [(f.port, f.exposure) for f in found] == [(104, "unknown")]


# --- interpolation and env files -----------------------------------------------------------


def interp(text: str, **values):
    variables = {k: compose.EnvVar(k, v, Origin(".env", i + 1), Origin(".env", i + 1))
                 for i, (k, v) in enumerate(values.items())}
    return compose.Interpolator(variables).expand(text)[0]


@pytest.mark.parametrize("text,values,expected", [
    ("${A}", {"A": "x"}, "x"),
    ("$A-$B", {"A": "x", "B": "y"}, "x-y"),
    ("${A:-d}", {}, "d"),
    ("${A:-d}", {"A": ""}, "d"),
    ("${A-d}", {"A": ""}, ""),
    ("${A:-${B:-z}}", {}, "z"),
    ("${A:+alt}", {"A": "x"}, "alt"),
    ("${A:+alt}", {}, ""),
    ("${A+alt}", {"A": ""}, "alt"),
    ("$${A}", {"A": "x"}, "${A}"),
    ("cost: 5$", {}, "cost: 5$"),
    ("${A}", {}, None),
    ("${A:?must be set}", {}, None),
    ("${A?must be set}", {"A": ""}, ""),
    ("${A", {"A": "x"}, None),
    ("{{ jinja }}", {}, None),
])
def test_interpolation(text, values, expected):
    assert interp(text, **values) == expected


def test_dotenv_grammar(tmp_path):
    text = ("# comment\nexport A=1\nB = two words # comment\nC='single # kept'\nD=\"x\\ny\"\nE=\"multi\nline\"\n"
            "F\nG=${A}-${B}\nH=a#b\n")
    (tmp_path / ".env").write_text(text)
    env = compose.parse_dotenv(SourceFile(str(tmp_path / ".env"), ".env", "", text))
    assert env["A"].value == "1" and env["A"].origin.line == 2
    assert env["B"].value == "two words"
    assert env["C"].value == "single # kept"
    assert env["D"].value == "x\ny"
    assert env["E"].value == "multi\nline"
    assert env["F"].value is None
    assert env["G"].value == "1-two words"
    assert env["H"].value == "a#b"


def test_environment_forms_env_files_and_precedence(tmp_path):
    text = """services:
  s:
    image: example/app
    env_file:
      - base.env
      - path: site.env
        required: false
      - path: missing.env
        required: false
    environment:
      - FROM_LIST=list
      - PASSTHROUGH
      - OVERRIDE=compose
  m:
    image: example/app
    environment:
      FROM_MAP: "${HOST_VALUE:-fallback}"
      NULLED:
"""
    facts = read(text, tmp_path, files={"base.env": "OVERRIDE=base\nBASE=1\nSHARED=base\n",
                                        "site.env": "SHARED=site\n"})
    settings = {(s.section, s.key): s for s in by_type(facts, Setting) if s.section.endswith(".environment")}
    assert settings[("services.s.environment", "OVERRIDE")].value == "compose"
    assert settings[("services.s.environment", "SHARED")].value == "site"
    assert settings[("services.s.environment", "SHARED")].origin.path == "site.env"
    assert settings[("services.s.environment", "BASE")].value == 1
    assert settings[("services.s.environment", "PASSTHROUGH")].value is None
    assert settings[("services.m.environment", "FROM_MAP")].value == "fallback"
    assert settings[("services.m.environment", "NULLED")].value is None


def test_missing_required_env_file_makes_defaults_unknown(tmp_path):
    text = "services:\n  ldap:\n    image: dcm4che/slapd-dcm4chee:2.6.7-33.0\n    env_file: not-in-repo.env\n"
    facts = read(text, tmp_path)
    assert not by_type(facts, Credential)
    assert not [s for s in by_type(facts, Setting) if s.key == "SYSLOG_HOST"]


def test_missing_env_files_are_not_reported_as_unreadable(tmp_path):
    (tmp_path / "docker-compose.yml").write_text("services:\n  a:\n    image: x\n    env_file: gone.env\n")
    from linter.rules import load_rules

    result = scan([str(tmp_path)], load_rules(), root=str(tmp_path))
    assert not [f for f in result.findings if f.rule_id == "PG002"]


def test_secret_from_dotenv_is_reported_where_it_is_written(tmp_path):
    text = "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n"
    facts = read(text, tmp_path, files={".env": "# db\nDB_PASSWORD=Hx7#pQ2vLm\n"})
    cred = by_type(facts, Credential)[0]
    assert (cred.origin.path, cred.origin.line, cred.user, cred.strength) == (".env", 2, "postgres", "literal")
    assert cred.secrets == ("Hx7#pQ2vLm",)


# --- secrets -------------------------------------------------------------------------------


@pytest.mark.parametrize("key,secret", [
    ("POSTGRES_PASSWORD", True), ("FTP_PASS", True), ("LDAP_ROOTPASS", True), ("API_KEY", True),
    ("DJANGO_SECRET_KEY", True), ("GITHUB_TOKEN", True), ("CLIENT_SECRET", True), ("MYSQL_PWD", True),
    ("POSTGRES_PASSWORD_FILE", False), ("SECRET_KEY_FILE", False), ("TOKEN_EXPIRY", False),
    ("PASSWORD_MIN_LENGTH", False), ("MINIO_PUBLIC_KEY", False), ("MYSQL_ALLOW_EMPTY_PASSWORD", False),
    ("MYSQL_RANDOM_ROOT_PASSWORD", False), ("KEY", False), ("SORT_KEY_PATH", False), ("BYPASS", False),
    ("ORTHANC__REGISTERED_USERS", True), ("KEYCLOAK_ADMIN_PASSWORD", True), ("KEYSTORE_TYPE", False),
])
def test_secret_key_names(key, secret):
    assert compose.is_secret_key(key) is secret


def test_registered_users_and_sibling_users(tmp_path):
    text = """services:
  orthanc:
    image: example/orthanc-site
    environment:
      ORTHANC__REGISTERED_USERS: '{"demo": "demo", "admin": "", "radiology": "Vq3#xL9pZ"}'
  kc:
    image: quay.io/keycloak/keycloak:26.0
    environment:
      KEYCLOAK_ADMIN: root
      KEYCLOAK_ADMIN_PASSWORD: changeit
  db:
    image: mariadb
    environment:
      MYSQL_ROOT_PASSWORD: mariadb-Root-9
"""
    creds = {(f.user, f.strength) for f in by_type(read(text, tmp_path), Credential)}
    assert creds == {("demo", "default"), ("admin", "blank"), ("radiology", "literal"),
                     ("root", "default"), ("root", "literal")}


def test_docker_secret_names_are_references(tmp_path):
    text = """services:
  orthanc:
    image: orthancteam/orthanc
    environment:
      ORTHANC__POSTGRESQL__PASSWORD_SECRET: pg_indirect_pwd
    secrets: [pg_indirect_pwd]
secrets:
  pg_indirect_pwd:
    file: pwd.txt
"""
    assert not [c for c in by_type(read(text, tmp_path), Credential) if "POSTGRES" in c.detail.upper() and c.strength != "reference"]


# --- product knowledge ---------------------------------------------------------------------


@pytest.mark.parametrize("ref,name,tag", [
    ("dcm4che/dcm4chee-arc-psql:5.33.0", "dcm4che/dcm4chee-arc-psql", "5.33.0"),
    ("docker.io/library/postgres:16", "postgres", "16"),
    ("lscr.io/linuxserver/ddclient:latest", "linuxserver/ddclient", "latest"),
    ("registry.local:5000/Team/Orthanc@sha256:abc", "team/orthanc", None),
    ("localhost/app", "app", None),
])
def test_image_references(ref, name, tag):
    image = compose.parse_image(ref)
    assert (image.name, image.tag) == (name, tag)


@pytest.mark.parametrize("tag,profile", [
    ("5.33.0", "unsecure"), ("5.2.1-logstash", "unsecure"), ("5.33.0-secure", "secure"),
    ("5.33.0-secure-ui", "secure-ui"), ("5.21.0-logstash-secure-ui", "secure-ui"),
    ("5.21.0-logstash-secure", "secure"), ("latest", None), (None, None), ("<unset>-secure", "secure"),
])
def test_dcm4chee_tag_profiles(tag, profile):
    from linter.formats import dcm4chee

    assert dcm4chee.arc_profile(tag) == profile


def test_unsecured_dcm4chee_marks_its_web_listeners_unauthenticated(tmp_path):
    text = "services:\n  arc:\n    image: dcm4che/dcm4chee-arc-psql:5.33.0\n    ports: [\"8080:8080\", \"11112:11112\"]\n"
    facts = read(text, tmp_path)
    access = by_type(facts, AnonymousAccess)[0]
    assert (access.service, access.who, access.write, access.origin.line) == ("dicomweb", "anyone", True, 3)
    http = [f for f in listeners(facts) if f.service == "http"][0]
    assert http.auth == "none"
    tls = {f.service for f in by_type(facts, TlsPolicy) if f.enforced is False}
    assert tls == {"http", "dicom"}


def test_ddns_containers_publish_the_project(tmp_path):
    text = """services:
  duck:
    image: linuxserver/duckdns
    environment: {SUBDOMAINS: "clinic,pacs.example.org"}
  cf:
    image: favonia/cloudflare-ddns:1
    environment: [DOMAINS=pacs.clinic.example]
  updater:
    image: qmcgaw/ddns-updater
    environment:
      CONFIG: '{"settings": [{"provider": "namecheap", "domain": "clinic.example", "host": "@,pacs"}]}'
  web:
    image: nginx
"""
    facts = read(text, tmp_path, name="stack/docker-compose.yml")
    pubs = {f.provider: f for f in by_type(facts, Publication)}
    assert set(pubs) == {"linuxserver/duckdns", "favonia/cloudflare-ddns:1", "qmcgaw/ddns-updater"}
    assert pubs["linuxserver/duckdns"].hostnames == ("clinic.duckdns.org", "pacs.example.org")
    assert pubs["qmcgaw/ddns-updater"].hostnames == ("clinic.example", "pacs.clinic.example")
    assert all(f.scope == "stack" for f in facts)


def test_dperson_samba_guest_shares_and_users(tmp_path):
    text = """services:
  samba:
    image: dperson/samba
    environment:
      SHARE: "public;/public"
      SHARE2: "private;/private;yes;no;no;bob"
      USER: "bob;bobspasswd"
    ports: ["445:445"]
    command: '-s "Mount;/mnt;yes;no" -s "ro;/ro;yes;yes;yes"'
"""
    facts = read(text, tmp_path)
    shares = {f.resource: f.write for f in by_type(facts, AnonymousAccess)}
    assert shares == {"[public]": False, "[Mount]": True, "[ro]": False}
    assert [(c.user, c.strength) for c in by_type(facts, Credential)] == [("bob", "literal")]
    smb = listeners(facts)[0]
    assert smb.anonymous and smb.auth == "optional"


def test_servercontainers_samba_volume_config(tmp_path):
    text = """services:
  samba:
    image: ghcr.io/servercontainers/samba
    environment:
      ACCOUNT_scanner: scanner
      SAMBA_VOLUME_CONFIG_scans: "[scans]; path=/shares/scans; guest ok = yes; writable = yes"
      SAMBA_VOLUME_CONFIG_home: "[home]; path=/shares/home; valid users = scanner"
"""
    facts = read(text, tmp_path)
    assert [(f.resource, f.write) for f in by_type(facts, AnonymousAccess)] == [("[scans]", True)]
    assert [(c.user, c.strength) for c in by_type(facts, Credential)] == [("scanner", "well-known")]


def test_orthanc_containers_are_handed_to_the_orthanc_reader(tmp_path, monkeypatch):
    from linter.formats import orthanc

    calls = []

    def fake(image, environment, mounted, service_origin, published_ports, ctx, **kwargs):
        calls.append((image, environment, [m.relpath for m in mounted], service_origin, published_ports, kwargs))
        return [AnonymousAccess(origin=service_origin, product="orthanc", service="http", who="anyone")]

    monkeypatch.setattr(orthanc, "container_facts", fake)
    text = """services:
  orthanc:
    image: orthancteam/orthanc:24.10.3
    ports: ["8000:8042", "127.0.0.1:4242:4242"]
    volumes:
      - ./orthanc.json:/etc/orthanc/orthanc.json:ro
      - type: bind
        source: ./conf.d
        target: /etc/orthanc/
      - orthanc-db:/var/lib/orthanc/db
    environment:
      ORTHANC__NAME: ${NAME:-pacs}
      TOKEN_FROM_SHELL:
volumes:
  orthanc-db:
"""
    facts = read(text, tmp_path, files={"orthanc.json": "{}", "conf.d/a.json": "{}", "conf.d/notes.txt": "x"})
    image, env, mounted, origin, published, kwargs = calls[0]
    assert image == "orthancteam/orthanc:24.10.3"
    assert env["ORTHANC__NAME"][0] == "pacs" and env["TOKEN_FROM_SHELL"][0] is None
    assert mounted == ["orthanc.json", "conf.d/a.json"]
    assert kwargs["mount_targets"] == {"orthanc.json": "/etc/orthanc/orthanc.json", "conf.d/a.json": "/etc/orthanc/a.json"}
    assert origin.line == 2
    assert published == {8042: True, 4242: False}
    http = [f for f in listeners(facts) if f.port == 8042][0]
    assert http.anonymous and http.auth == "unknown"


def test_reader_works_without_the_orthanc_module(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "linter.formats.orthanc", None)
    facts = read("services:\n  o:\n    image: jodogne/orthanc\n    ports: [\"4242:4242\"]\n", tmp_path)
    assert [f.port for f in listeners(facts)] == [4242]


def test_orthanc_setup_samples_style_compose(tmp_path):
    text = """services:
  orthanc-all-env-vars:
    image: orthancteam/orthanc
    depends_on: [index-db]
    ports: ["8000:8042"]
    environment:
      ORTHANC__NAME: "orthanc-all-env-vars"
      VERBOSE_ENABLED: "true"
      VERBOSE_STARTUP: "true"
      ORTHANC__POSTGRESQL__PASSWORD: "pg-password"
      ORTHANC__POSTGRESQL__HOST: "index-db"
      ORTHANC__REGISTERED_USERS: |
        {"demo": "demo"}
  index-db:
    image: postgres
    environment:
      POSTGRES_HOST_AUTH_METHOD: "trust"
"""
    facts = [f for f in read(text, tmp_path) if f.product != "orthanc" or isinstance(f, (Setting, Credential))]
    assert [(f.port, f.exposure, f.service) for f in listeners(facts)] == [(8042, "all", "http")]
    mine = {(c.user, c.strength) for c in by_type(facts, Credential)}
    assert {("demo", "default"), (None, "literal"), ("postgres", "blank")} <= mine
    verbose = [s for s in by_type(facts, Setting) if s.key == "VERBOSE_STARTUP"]
    assert verbose and verbose[0].value is True and verbose[0].product == "orthanc"


def test_jdwp_needs_server_mode_and_an_open_address(tmp_path):
    text = """services:
  a:
    image: example/java
    environment:
      JAVA_OPTS: -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:8787
    ports: ["8787:8787"]
  b:
    image: example/java
    environment:
      JAVA_OPTS: -agentlib:jdwp=transport=dt_socket,server=y,address=8787
    ports: ["8787:8787"]
  c:
    image: example/java
    command: java -Xrunjdwp:transport=dt_socket,server=y,address=0.0.0.0:5005 -jar app.jar
    ports: ["127.0.0.1:5005:5005"]
"""
    jdwp = [(f.detail.split("`")[1], f.exposure) for f in by_type(read(text, tmp_path), Listener) if f.service == "jdwp"]
    assert jdwp == [("a", "all"), ("c", "local")]


# --- messages ------------------------------------------------------------------------------


def _compose_cases():
    for case in sorted(FIXTURES.glob("*/*")):
        files = [case] if case.is_file() else sorted(case.rglob("*"))
        if any(classify_by_name(f.name) == "compose" for f in files):
            yield case


def test_details_survive_secret_masking_unchanged():
    """A detail must not contain `password word` shapes the generic masker would mangle."""
    from linter.discover import discover
    from linter.engine import collect_facts

    checked = 0
    for case in _compose_cases():
        root = case if case.is_dir() else case.parent
        facts = collect_facts(discover([str(case)], root)).facts
        for fact in facts:
            if isinstance(fact, Setting) or fact.product == "orthanc" or fact.origin.path.endswith((".json", ".conf")):
                continue
            assert mask(fact.detail) == fact.detail, fact.detail
            checked += 1
    assert checked > 50


def test_keycloak_clear_text_follows_its_published_ports(tmp_path):
    text = """services:
  kc-open:
    image: dcm4che/keycloak:26.0.6
    ports: ["8080:8080"]
    environment:
      KC_HTTP_ENABLED: "true"
      SSL_REQUIRED: none
  kc-proxied:
    image: dcm4che/keycloak:26.0.6
    environment:
      KC_HTTP_ENABLED: "true"
"""
    tls = [(f.detail.split("`")[3], f.exposed) for f in by_type(read(text, tmp_path), TlsPolicy)]
    assert tls == [("kc-open", True), ("kc-open", True), ("kc-proxied", False)]


def test_dcm4chee_tls_client_settings(tmp_path):
    text = """services:
  arc:
    image: dcm4che/dcm4chee-arc-psql:5.33.0-secure
    environment:
      TLS_PROTOCOLS: TLSv1.2,TLSv1.1
      DISABLE_TRUST_MANAGER: "true"
      ALLOW_ANY_HOSTNAME: "false"
"""
    facts = by_type(read(text, tmp_path), TlsPolicy)
    assert [(f.role, f.versions, f.verify) for f in facts] == [
        ("server", ("TLSv1.2", "TLSv1.1"), None), ("client", (), False)]


# --- Orthanc configuration delivered as secrets, commands, unseen mounts ---------------------


def _capture_orthanc(monkeypatch):
    from linter.formats import orthanc

    calls = []

    def fake(image, environment, mounted, service_origin, published_ports, ctx, **kwargs):
        calls.append({"image": image, "mounted": [m.relpath for m in mounted], **kwargs})
        return []

    monkeypatch.setattr(orthanc, "container_facts", fake)
    return calls


def test_jodogne_command_points_orthanc_at_secrets(tmp_path, monkeypatch):
    calls = _capture_orthanc(monkeypatch)
    text = """services:
  book:
    image: jodogne/orthanc-plugins:1.12.5
    command: /run/secrets/
    secrets: [orthanc.json]
    volumes: ["./ignored.json:/etc/orthanc/orthanc.json"]
  plain:
    image: jodogne/orthanc
    command: ["--verbose"]
secrets:
  orthanc.json:
    file: orthanc.json
"""
    read(text, tmp_path, files={"orthanc.json": "{}", "ignored.json": "{}"})
    book, plain = calls
    assert book["mounted"] == ["orthanc.json"] and book["mount_targets"] == {"orthanc.json": "/run/secrets/orthanc.json"}
    assert book["builtin_config"] is False and book["config_known"] is True
    assert plain["mounted"] == [] and plain["builtin_config"] is False  # no path: Orthanc runs without a file


def test_orthancteam_reads_json_secrets_and_long_syntax_targets(tmp_path, monkeypatch):
    calls = _capture_orthanc(monkeypatch)
    text = """services:
  pacs:
    image: orthancteam/orthanc:24.10.3
    secrets:
      - source: pacs-conf
        target: extra.json
      - ORTHANC__REGISTERED_USERS
      - source: tls-key
        target: /etc/orthanc/tls.key
secrets:
  pacs-conf:
    file: ./conf/pacs.json
  ORTHANC__REGISTERED_USERS:
    file: ./users.txt
  tls-key:
    file: ./key.pem
"""
    read(text, tmp_path, files={"conf/pacs.json": "{}", "users.txt": "x", "key.pem": "k"})
    call = calls[0]
    assert call["mounted"] == ["conf/pacs.json"]
    assert call["mount_targets"] == {"conf/pacs.json": "/run/secrets/extra.json"} and call["config_known"]


@pytest.mark.parametrize("volume,secret", [
    ("./absent/orthanc.json:/etc/orthanc/orthanc.json", ""),
    ("orthanc-conf:/etc/orthanc", ""),
    ("${CONF_DIR}/orthanc.json:/etc/orthanc/orthanc.json", ""),
    ("", "    secrets: [orthanc.json]\n"),
])
def test_unseen_configuration_is_unknown(tmp_path, monkeypatch, volume, secret):
    calls = _capture_orthanc(monkeypatch)
    volumes = f"    volumes: [\"{volume}\"]\n" if volume else ""
    text = ("services:\n  pacs:\n    image: orthancteam/orthanc\n" + volumes + secret
            + "secrets:\n  orthanc.json:\n    external: true\n")
    read(text, tmp_path)
    assert calls[0]["config_known"] is False


def test_locally_built_orthanc_is_recognised_by_its_variables(tmp_path, monkeypatch):
    calls = _capture_orthanc(monkeypatch)
    text = """services:
  pacs:
    build: ./pacs
    ports: ["4444:4242"]
    environment:
      ORTHANC__DICOM_AET: PACS
  app:
    build: ./app
    ports: ["4243:4242"]
"""
    facts = read(text, tmp_path)
    assert [c["image"] for c in calls] == ["orthancteam/orthanc"] and calls[0]["config_known"] is False
    labels = {f.detail.split("`")[1]: f.detail for f in listeners(facts)}
    assert "Orthanc DICOM" in labels["pacs"] and "Orthanc DICOM" not in labels["app"]


def test_secret_file_mounted_into_orthanc_is_claimed(tmp_path):
    text = """services:
  pacs:
    image: orthancteam/orthanc
    secrets: [orthanc.secret.json]
secrets:
  orthanc.secret.json:
    file: orthanc.secret.json
"""
    (tmp_path / "docker-compose.yml").write_text(text, encoding="utf-8")
    (tmp_path / "orthanc.secret.json").write_text('{"RegisteredUsers": {"ris": "Vq7-uTr2-x9Lm"}}', encoding="utf-8")
    from linter.discover import discover
    from linter.engine import collect_facts

    facts = collect_facts(discover([str(tmp_path)], tmp_path)).facts
    creds = by_type(facts, Credential)
    # judged once, with the container: no default `orthanc` user, the file's user is seen
    assert [(c.user, c.implicit) for c in creds if c.product == "orthanc"] == [("ris", False)]


# --- image knowledge and wording -----------------------------------------------------------


def test_architecture_namespaces_name_the_official_image():
    assert compose.parse_image("arm64v8/postgres:16").name == "postgres"
    assert compose.parse_image("docker.io/arm32v7/mariadb").name == "mariadb"
    assert compose.parse_image("someone/postgres").name == "someone/postgres"
    assert compose.product_of("postgres").name == "postgres"


def test_viewer_images_named_after_orthanc_are_viewers():
    assert compose.product_of(compose.parse_image("ohif-nginx-orthanc:local").name).name == "ohif"
    assert compose.product_of(compose.parse_image("registry.example/orthanc-ohif:3.10").name).name == "ohif"
    assert compose.product_of(compose.parse_image("example/orthanc-gateway").name).name == "orthanc"


def test_default_logins_are_attributed_to_their_source(tmp_path):
    text = """services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: demo
      POSTGRES_PASSWORD: demo
  ftp:
    image: delfer/alpine-ftp-server
    environment:
      USERS: "scan|Tq9-vR2-pL7w"
"""
    facts = read(text, tmp_path)
    demo = [c for c in by_type(facts, Credential) if c.user == "demo"][0]
    assert demo.strength == "default" and "Orthanc Book" in demo.detail and "postgres:16" not in demo.detail
    ftp = [c for c in by_type(facts, Credential) if c.user == "scan"][0]
    assert "USERS_FILE" not in ftp.detail  # the image has no `_FILE` variant
    db = read("services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: Xk8-pq2-Wd5\n",
              tmp_path / "b")
    assert "POSTGRES_PASSWORD_FILE" in by_type(db, Credential)[0].detail


def test_numeric_token_settings_are_not_secrets(tmp_path):
    text = """services:
  app:
    image: example/app
    environment:
      TOKEN_LIFETIME: "3600"
      API_TOKEN_MAX_USES: "5"
      API_TOKEN: "9f8e7d6c5b4a39281706"
      SMB_PASSWORD: "1234"
"""
    creds = {c.detail.split("`")[1] for c in by_type(read(text, tmp_path), Credential)}
    assert creds == {"API_TOKEN", "SMB_PASSWORD"}


def test_dperson_guest_field_and_user_list(tmp_path):
    text = """services:
  a:
    image: dperson/samba
    command: '-s "one;/one;yes;no;yes;bob" -s "two;/two;yes;no;yes;all" -s "three;/three"'
"""
    shares = [(f.resource, "default" in f.detail) for f in by_type(read(text, tmp_path), AnonymousAccess)]
    assert shares == [("[two]", False), ("[three]", True)]


def test_extends_within_the_file_inherits_image_ports_and_environment(tmp_path):
    text = """services:
  base:
    image: orthancteam/orthanc:24.10.3
    profiles: [never]
    ports: ["127.0.0.1:8042:8042"]
    environment:
      ORTHANC__NAME: base
      VERBOSE_STARTUP: "false"
  site:
    extends: base
    ports: ["4242:4242"]
    environment:
      VERBOSE_STARTUP: "true"
  quiet:
    extends:
      service: site
    ports: !reset []
  elsewhere:
    extends:
      file: other.yml
      service: base
"""
    facts = read(text, tmp_path)
    mine = {(f.detail.split("`")[1], f.port, f.exposure) for f in listeners(facts)}
    assert mine == {("base", 8042, "local"), ("site", 8042, "local"), ("site", 4242, "all")}
    verbose = {s.section: s.value for s in by_type(facts, Setting) if s.key == "VERBOSE_STARTUP"}
    assert verbose == {"services.base.environment": False, "services.site.environment": True,
                       "services.quiet.environment": True}


def test_unfilled_client_tokens_are_not_credentials(tmp_path):
    text = """services:
  duckdns:
    image: lscr.io/linuxserver/duckdns
    environment:
      - SUBDOMAINS=clinic
      - TOKEN=your-duckdns-token
      - API_KEY=
      - WEBHOOK_SECRET=<secret>
      - UPLOAD_PASSWORD=
      - ADMIN_PASSWORD=your-password-here
"""
    creds = {(c.detail.split("`")[1], c.strength) for c in by_type(read(text, tmp_path), Credential)}
    # `your-password-here` is a placeholder the sample asks to replace (knowledge.is_placeholder)
    assert creds == {("UPLOAD_PASSWORD", "blank")}
