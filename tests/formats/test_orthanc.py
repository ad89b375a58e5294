"""Orthanc reader: JSON-with-comments grammar, folder merge, defaults, and Docker containers."""
from pathlib import Path

import pytest

from linter.engine import ReadContext
from linter.facts import AnonymousAccess, Credential, Listener, Setting, TlsPolicy
from linter.formats import orthanc
from linter.model import Origin, ParseError, SourceFile


def src(text: str, name: str = "orthanc.json") -> SourceFile:
    return SourceFile(f"/nonexistent/{name}", name, "orthanc", text)


def read(text: str, name: str = "orthanc.json"):
    return orthanc.read_group([src(text, name)], ReadContext(Path("/nonexistent")))


def read_many(files: dict[str, str], ctx=None):
    return orthanc.read_group([src(t, n) for n, t in files.items()], ctx or ReadContext(Path("/nonexistent")))


def of(facts, kind, **fields):
    return [f for f in facts if isinstance(f, kind) and all(getattr(f, k) == v for k, v in fields.items())]


def setting(facts, key):
    found = [f for f in facts if isinstance(f, Setting) and f.key == key]
    return found[0] if found else None


# --- grammar ---------------------------------------------------------------------------------

def test_comments_are_stripped_but_not_inside_strings():
    root = orthanc.parse_json(
        '{\n  // "RemoteAccessAllowed": true,\n  /* "HttpPort": 1, */ "Url": "http://a.example//b", '
        '"Note": "/* not a comment */"\n}', "o.json")
    assert set(root.value) == {"Url", "Note"}
    assert root.value["Url"].node.value == "http://a.example//b"
    assert root.value["Note"].node.value == "/* not a comment */"
    assert root.value["Url"].origin == Origin("o.json", 3, 24)


def test_key_positions_are_line_and_column_of_the_key():
    root = orthanc.parse_json('{\n\t"A" : {\n\t\t"B" : true\n\t}\n}', "o.json")
    inner = root.value["A"].node.value["B"]
    assert (inner.origin.line, inner.origin.column) == (3, 3)


def test_trailing_commas_are_accepted_like_jsoncpp():
    root = orthanc.parse_json('{ "A": [1, 2,], "B": { "C": 1, }, }', "o.json")
    assert orthanc.to_python(root) == {"A": [1, 2], "B": {"C": 1}}


def test_later_duplicate_key_wins():
    root = orthanc.parse_json('{ "A": 1, "A": 2 }', "o.json")
    assert root.value["A"].node.value == 2


@pytest.mark.parametrize("text,line,column", [
    ('{\n  "A": 1\n  "B": 2\n}', 3, 3),  # missing comma
    ('{\n  "A": tru\n}', 2, 8),
    ('{\n  /* never closed\n', 2, 3),
    ('{\n  "A": "C:\\Orthanc"\n}', 2, 8),  # bad escape
    ('[1, 2]', 1, 1),
    ('', 1, 1),
])
def test_invalid_json_is_a_parse_error_with_position(text, line, column):
    with pytest.raises(ParseError) as info:
        orthanc.parse_json(text, "o.json")
    assert (info.value.line, info.value.column) == (line, column)


def test_nesting_is_bounded():
    text = '{"A": ' + "[" * 300 + "]" * 300 + "}"
    with pytest.raises(ParseError) as info:
        orthanc.parse_json(text, "o.json")
    assert "nested deeper" in info.value.message


def test_templates_are_unknown_values():
    root = orthanc.parse_json(
        '{\n{% if x %}\n  "SslEnabled": {{ ssl | to_json }},\n{% endif %}\n  "HttpPort": ${PORT},\n'
        '  {{ extra_members }},\n  "Name": "<%= @name %>"\n}', "o.json")
    assert isinstance(root.value["SslEnabled"].node.value, orthanc.Unknown)
    assert isinstance(root.value["HttpPort"].node.value, orthanc.Unknown)
    facts = read('{ "RemoteAccessAllowed": {{ remote }}, "AuthenticationEnabled": false }')
    assert not of(facts, AnonymousAccess, service="http")  # unknown, never insecure


# --- semantics -------------------------------------------------------------------------------

def test_reference_defaults_local_http_and_open_store():
    facts = read('{ "Name": "x" }')
    http = of(facts, Listener, service="http")[0]
    assert http.exposure == "local" and http.port == 8042 and http.auth == "none"
    dicom = of(facts, Listener, service="dicom")[0]
    assert dicom.exposure == "all" and dicom.port == 4242
    # a bare local install: the default C-STORE from any AE is not flagged (catalogue section 6)
    assert not of(facts, AnonymousAccess, service="dicom")
    remote = read('{ "Name": "x", "RemoteAccessAllowed": true, "RegisteredUsers": {"a": "${A}"} }')
    store = of(remote, AnonymousAccess, service="dicom")
    assert [s.operations for s in store] == [("store",)] and store[0].origin.line == 1
    assert not of(facts, Credential)
    assert not of(facts, TlsPolicy, exposed=True)
    assert setting(facts, "DicomAlwaysAllowStore").explicit is False


def test_fragment_without_server_options_gets_no_server_defaults():
    facts = read('{ "PostgreSQL": { "Host": "postgres", "Password": "${PG}" } }', name="postgresql.json")
    assert not of(facts, Listener) and not of(facts, AnonymousAccess)
    assert setting(facts, "PostgreSQL.Host").value == "postgres"


def test_remote_without_users_creates_default_user():
    facts = read('{\n  "RemoteAccessAllowed": true\n}')
    cred = of(facts, Credential, implicit=True)[0]
    assert (cred.user, cred.strength, cred.origin.line) == ("orthanc", "default", 2)
    assert of(facts, Listener, service="http")[0].exposure == "all"
    assert not of(facts, AnonymousAccess, service="http")  # auth follows remote access (1.5.8+)
    tls = of(facts, TlsPolicy, service="http")[0]
    assert tls.enforced is False and tls.exposed


def test_empty_registered_users_depends_on_version():
    text = '{\n  "RemoteAccessAllowed": true,\n  "RegisteredUsers": {}\n}'
    facts = read(text)
    assert of(facts, Credential, implicit=True)[0].origin.line == 3
    config = orthanc.load_files([src(text)])[0]
    config.version = (1, 12, 9)
    facts = orthanc.analyze_config(config, product_origin=Origin("orthanc.json", 1, 1))
    assert not of(facts, Credential, implicit=True)


def test_authentication_explicitly_off_with_remote_access():
    facts = read('{\n  "RemoteAccessAllowed": true,\n  "AuthenticationEnabled": false\n}')
    anon = of(facts, AnonymousAccess, service="http")[0]
    assert anon.origin.line == 3 and anon.write and anon.who == "anyone"
    assert not of(facts, Credential, implicit=True)
    assert of(facts, Listener, service="http")[0].anonymous


def test_before_1_5_8_absent_authentication_is_off():
    config = orthanc.load_files([src('{ "RemoteAccessAllowed": true }')])[0]
    config.version = (1, 5, 6)
    facts = orthanc.analyze_config(config, product_origin=Origin("orthanc.json", 1, 1))
    assert of(facts, AnonymousAccess, service="http")
    assert not of(facts, Credential, implicit=True)


def test_registered_users_are_classified_and_never_quoted():
    facts = read('{ "RegisteredUsers": { "alice": "Xk29fjw9qLm", "bob": "bob", "carol": "", '
                 '"dave": "${DAVE_PW}", "admin": "admin" } }')
    creds = {c.user: c for c in of(facts, Credential)}
    assert {u: c.strength for u, c in creds.items()} == {
        "alice": "literal", "bob": "well-known", "carol": "blank", "dave": "reference", "admin": "default"}
    assert creds["alice"].secrets == ("Xk29fjw9qLm",) and "Xk29" not in creds["alice"].detail
    assert creds["dave"].secrets == ()
    hidden = setting(facts, "RegisteredUsers.alice")
    assert hidden.secrets == ("Xk29fjw9qLm",) and hidden.raw == "" and "Xk29" not in hidden.detail


def test_peers_and_dicomweb_servers():
    facts = read('{ "OrthancPeers": { "a": ["http://10.0.0.2:8042/", "u", "s3cret-Value"],'
                 ' "b": { "Url": "https://x.example/", "Username": "v", "Password": "pw-Long-1" },'
                 ' "c": ["http://orthanc-b:8042/"], "d": ["http://user:Inl1ne-pw@203.0.113.9/"] },'
                 ' "DicomWeb": { "Servers": { "s": ["http://dw.example/dicom-web/"] } } }')
    clients = of(facts, TlsPolicy, role="client", enforced=False)
    assert sorted(c.service for c in clients) == ["dicomweb", "http", "http"]
    assert all("Inl1ne" not in c.detail for c in clients)
    creds = of(facts, Credential)
    assert sorted(c.user for c in creds) == ["u", "user", "v"]
    assert setting(facts, "OrthancPeers.a").secrets == ("s3cret-Value",)


def test_database_credentials_and_remote_database_without_tls():
    facts = read('{ "PostgreSQL": { "Host": "10.1.2.3", "Username": "postgres", "Password": "pgpassword",'
                 ' "EnableSsl": false }, "MySQL": { "Username": "orthanc", "Password": "" } }')
    pg = of(facts, Credential, service="postgres")[0]
    assert pg.strength == "default"
    assert of(facts, Credential, service="mysql")[0].strength == "blank"
    assert of(facts, TlsPolicy, service="postgres", role="client")[0].enforced is False
    assert setting(facts, "PostgreSQL.EnableSsl").value is False


def test_tls_versions_and_verification():
    facts = read('{ "SslEnabled": true, "SslMinimumProtocolVersion": 1, "HttpsVerifyPeers": false,'
                 ' "DicomTlsEnabled": true, "DicomTlsMinimumProtocolVersion": 2,'
                 ' "DicomTlsRemoteCertificateRequired": false }')
    http = of(facts, TlsPolicy, service="http", role="server")[0]
    assert "SSLv3" in http.versions and http.enforced
    assert of(facts, TlsPolicy, service="http", role="client")[0].verify is False
    dicom = of(facts, TlsPolicy, service="dicom", role="server")
    assert any("TLSv1.0" in d.versions for d in dicom)
    assert any(d.verify is False for d in dicom)


def test_dicom_tls_exposure_follows_remote_deployment_signals():
    local = read('{ "DicomModalities": { "s": ["STORESCP", "127.0.0.1", 2000] } }')
    assert of(local, TlsPolicy, service="dicom")[0].exposed is False
    lan = read('{ "DicomModalities": { "ct": { "AET": "CT", "Host": "192.168.1.20", "Port": 104 } } }')
    assert of(lan, TlsPolicy, service="dicom")[0].exposed is True


def test_always_allow_find_and_friends_are_one_fact_each():
    facts = read('{ "DicomAlwaysAllowFind": true, "DicomAlwaysAllowMove": true, "DicomAlwaysAllowStore": false }')
    ops = sorted(f.operations for f in of(facts, AnonymousAccess, service="dicom"))
    assert ops == [("find",), ("move",)]


def test_dicom_server_disabled_has_no_dicom_facts():
    facts = read('{ "DicomServerEnabled": false, "DicomAlwaysAllowFind": true }')
    assert not of(facts, Listener, service="dicom") and not of(facts, AnonymousAccess)


def test_nested_settings_use_dotted_names():
    facts = read('{ "DicomWeb": { "Servers": { "x": { "HttpHeaders": { "Authorization": "Bearer abcdef123" } } } } }')
    header = setting(facts, "DicomWeb.Servers.x.HttpHeaders.Authorization")
    assert header.secrets == ("Bearer abcdef123",) and header.section == "DicomWeb.Servers.x.HttpHeaders"


# --- folders ---------------------------------------------------------------------------------

def test_folder_files_merge_like_orthanc():
    facts = read_many({
        "orthanc.json": '{\n  "RemoteAccessAllowed": true\n}',
        "credentials.json": '{\n  "RegisteredUsers": { "alice": "Xk29fjw9qLm" }\n}',
    })
    assert not of(facts, Credential, implicit=True)
    assert of(facts, Credential, user="alice")[0].origin.path == "credentials.json"
    assert of(facts, Listener, service="http")[0].exposure == "all"


def test_files_defining_the_same_key_are_alternatives():
    facts = read_many({
        "orthanc-dev.json": '{ "RemoteAccessAllowed": false, "AuthenticationEnabled": false }',
        "orthanc-prod.json": '{ "RemoteAccessAllowed": true, "AuthenticationEnabled": true }',
        "credentials.json": '{ "RegisteredUsers": { "alice": "${ALICE}" } }',
    })
    http = {f.origin.path: f.exposure for f in of(facts, Listener, service="http")}
    assert http == {"orthanc-dev.json": "local", "orthanc-prod.json": "all"}
    assert not of(facts, AnonymousAccess, service="http")
    assert not of(facts, Credential, implicit=True)  # credentials.json joins both


def test_one_broken_file_does_not_hide_the_others():
    ctx = ReadContext(Path("/nonexistent"))
    facts = read_many({"orthanc.json": '{ "RemoteAccessAllowed": true, }', "broken.json": '{ "A": }'}, ctx)
    assert of(facts, Credential, implicit=True)
    assert [(p.rule_id, p.origin.path) for p in ctx.problems] == [("PG001", "broken.json")]
    with pytest.raises(ParseError):
        read_many({"broken.json": '{ "A": }'})


# --- Docker ----------------------------------------------------------------------------------

SERVICE = Origin("docker-compose.yml", 3, 5)


def env_line(line):
    return Origin("docker-compose.yml", line, 9)


def container(image, env=None, mounted=None, ports=None, **kw):
    environment = {k: (v, env_line(i + 10)) for i, (k, v) in enumerate((env or {}).items())}
    return orthanc.container_facts(image, environment, mounted or [], SERVICE,
                                   {8042: True, 4242: True} if ports is None else ports,
                                   ReadContext(Path("/nonexistent")), **kw)


def test_image_names():
    assert orthanc.image_name("docker.io/jodogne/orthanc-plugins:1.12.1") == ("jodogne/orthanc-plugins", "1.12.1")
    assert orthanc.image_name("orthancteam/orthanc@sha256:abc") == ("orthancteam/orthanc", "")
    assert orthanc.image_family("osimis/orthanc:22.3.0") == "orthancteam"
    assert orthanc.image_family("localhost:5000/jodogne/orthanc-python") == "jodogne"
    assert orthanc.image_family("postgres:16") is None
    assert container("postgres:16") == []
    assert all(p.count("/") == 1 for p in orthanc.ORTHANC_IMAGES)


def test_env_names_map_to_options():
    assert orthanc.env_option("ORTHANC__DICOM_WEB__STUDIES_METADATA") == ("DicomWeb", "StudiesMetadata")
    assert orthanc.env_option("ORTHANC__HTTPS_CA_CERTIFICATES") == ("HttpsCACertificates",)
    assert orthanc.env_option("ORTHANC__STORE_MD5_FOR_ATTACHMENTS") == ("StoreMD5ForAttachments",)
    assert orthanc.env_option("ORTHANC__POSTGRESQL__PASSWORD") == ("PostgreSQL", "Password")
    assert orthanc.env_option("ORTHANC__DICOM_TLS_ENABLED") == ("DicomTlsEnabled",)
    assert orthanc.env_option("ORTHANC__REST_API_WRITE_TO_FILE_SYSTEM_ENABLED") == ("RestApiWriteToFileSystemEnabled",)
    assert orthanc.env_option("ORTHANC__SOME_NEW_OPTION") == ("SomeNewOption",)
    assert orthanc.env_option("AC_ALLOW_REMOTE") == ("RemoteAccessAllowed",)
    assert orthanc.env_option("HTTP_CL_VERIFY_PEERS") == ("HttpsVerifyPeers",)
    assert orthanc.env_option("PATH") is None


def test_jodogne_image_defaults_give_the_default_user():
    facts = container("jodogne/orthanc-plugins:1.12.1")
    cred = of(facts, Credential, implicit=True)[0]
    assert cred.origin == SERVICE and cred.strength == "default"
    assert of(facts, Listener, service="http")[0].exposure == "all"
    assert not of(facts, AnonymousAccess, service="http")
    assert of(facts, TlsPolicy, service="http")[0].exposed  # published on every interface


def test_jodogne_with_mounted_config_uses_the_file():
    mounted = [src('{\n  "Name": "mine",\n  "RemoteAccessAllowed": true,\n  "RegisteredUsers": {"a": "${A_PW}"}\n}',
                   name="config/orthanc.json")]
    facts = container("jodogne/orthanc", mounted=mounted)
    assert not of(facts, Credential, implicit=True)
    assert of(facts, Listener, service="http")[0].origin.path == "config/orthanc.json"
    # a file that does not redefine core options leaves the built-in configuration in place
    facts = container("jodogne/orthanc", mounted=[src('{ "DicomWeb": { "Enable": true } }', name="dicomweb.json")])
    assert of(facts, Credential, implicit=True)
    # and the compose reader may say where the file goes
    facts = container("jodogne/orthanc", mounted=[src('{ "DicomWeb": { "Enable": true } }', name="x.json")],
                      mount_targets={"x.json": "/etc/orthanc/orthanc.json"})
    assert not of(facts, Credential, implicit=True)


def test_mounted_file_placeholders_take_the_container_environment():
    mounted = [src('{ "RemoteAccessAllowed": true, "AuthenticationEnabled": ${AUTH},'
                   ' "RegisteredUsers": { "admin": "${ADMIN_PW}" } }', name="orthanc.json")]
    facts = container("jodogne/orthanc", env={"AUTH": "true", "ADMIN_PW": "admin"}, mounted=mounted)
    assert of(facts, Credential, user="admin")[0].strength == "default"
    facts = container("jodogne/orthanc", env={"AUTH": "false"}, mounted=mounted)
    assert of(facts, AnonymousAccess, service="http")
    assert of(facts, Credential, user="admin")[0].strength == "reference"


def test_orthancteam_env_disables_authentication():
    facts = container("orthancteam/orthanc:24.1.2", env={"ORTHANC__AUTHENTICATION_ENABLED": "false"})
    anon = of(facts, AnonymousAccess, service="http")[0]
    assert anon.origin == env_line(10) and "ORTHANC__AUTHENTICATION_ENABLED" in anon.detail
    assert setting(facts, "AuthenticationEnabled").value is False


def test_orthancteam_registered_users_from_env_and_orthanc_json():
    facts = container("orthancteam/orthanc", env={"ORTHANC__REGISTERED_USERS": '{"demo": "demo"}'})
    assert not of(facts, Credential, implicit=True)
    demo = of(facts, Credential, user="demo")[0]
    assert demo.strength == "default" and demo.origin == env_line(10)
    facts = container("orthancteam/orthanc", env={"ORTHANC_JSON": '{"RegisteredUsers": {"orthanc": "orthanc"}}'})
    assert of(facts, Credential, user="orthanc", implicit=False)[0].origin == env_line(10)


def test_orthancteam_without_users_gets_the_default_user():
    facts = container("orthancteam/orthanc", env={"ORTHANC__NAME": "pacs"})
    assert of(facts, Credential, implicit=True)[0].origin == SERVICE


def test_secret_backed_and_unresolved_env_values_are_unknown():
    facts = container("orthancteam/orthanc", env={"ORTHANC__REGISTERED_USERS_SECRET": "users"})
    assert not of(facts, Credential, implicit=True)
    facts = container("orthancteam/orthanc", env={"ORTHANC__AUTHENTICATION_ENABLED": None})
    assert not of(facts, AnonymousAccess, service="http")


def test_legacy_osimis_names():
    facts = container("osimis/orthanc:19.1.1", env={"AC_AUTHENTICATION_ENABLED": "false", "PG_PASSWORD": "pacs"})
    assert of(facts, AnonymousAccess, service="http")
    assert of(facts, Credential, service="postgres")[0].strength == "well-known"


def test_dicom_findings_follow_published_ports():
    env = {"ORTHANC__DICOM_ALWAYS_ALLOW_FIND": "true", "ORTHANC__REGISTERED_USERS": '{"a": "${A}"}'}
    published = container("orthancteam/orthanc", env=env, ports={4242: True})
    find = of(published, AnonymousAccess, service="dicom", operations=("find",))[0]
    assert find.origin == env_line(10)
    assert of(published, TlsPolicy, service="dicom")[0].exposed is True
    local = container("orthancteam/orthanc", env=env, ports={8042: False})
    assert not of(local, AnonymousAccess)
    assert of(local, TlsPolicy, service="dicom")[0].exposed is False
    assert of(local, TlsPolicy, service="http")[0].exposed is False
    assert of(local, Listener, service="http")[0].exposure == "local"


def test_container_settings_point_at_env_lines():
    facts = container("orthancteam/orthanc", env={"ORTHANC__EXECUTE_LUA_ENABLED": "true"})
    lua = setting(facts, "ExecuteLuaEnabled")
    assert lua.value is True and lua.origin == env_line(10)
    assert lua.detail == "`ORTHANC__EXECUTE_LUA_ENABLED` sets `ExecuteLuaEnabled` to true"


def test_authorization_plugin_or_client_certificates_guard_http_without_login():
    facts = read('{ "RemoteAccessAllowed": true, "AuthenticationEnabled": false,'
                 ' "Authorization": { "WebServiceRootUrl": "http://auth-service:8000/" } }')
    assert not of(facts, AnonymousAccess, service="http")
    assert of(facts, Listener, service="http")[0].auth == "required"
    facts = read('{ "RemoteAccessAllowed": true, "AuthenticationEnabled": false, "SslEnabled": true,'
                 ' "SslVerifyPeers": true, "SslTrustedClientCertificates": "/etc/orthanc/clients.pem" }')
    assert not of(facts, AnonymousAccess, service="http")


def test_host_network_exposes_every_listener():
    env = {"ORTHANC__AUTHENTICATION_ENABLED": "false"}
    facts = container("orthancteam/orthanc", env=env, ports={}, host_network=True)
    assert of(facts, AnonymousAccess, service="http")
    assert of(facts, Listener, service="dicom")[0].exposure == "all"


def test_jinja_loops_and_whole_file_templates():
    facts = read('{\n  "RemoteAccessAllowed": true,\n  "RegisteredUsers": {\n{% for u in users %}\n'
                 '    "{{ u.name }}": "{{ u.password }}"{% if not loop.last %},{% endif %}\n{% endfor %}\n  }\n}')
    assert not of(facts, Credential, implicit=True)
    assert [c.strength for c in of(facts, Credential)] == ["reference"]
    assert read("{{ orthanc_config | to_nice_json }}\n") == []


def test_jodogne_started_on_another_folder_does_not_read_the_builtin_file():
    mounted = [SourceFile("/x/conf.json", "conf.json", "orthanc", '{"Name": "x"}')]
    facts = container("jodogne/orthanc-plugins:1.12.5", mounted=mounted, builtin_config=False,
                      mount_targets={"conf.json": "/run/secrets/conf.json"})
    # Orthanc's own defaults now: no remote access, so no default user and a local-only HTTP server
    assert not of(facts, Credential, implicit=True)
    assert of(facts, Listener, service="http")[0].exposure == "local"


def test_unknown_configuration_keeps_only_what_the_environment_fixes():
    env = {"ORTHANC__REGISTERED_USERS": '{"admin": "admin"}', "ORTHANC__EXECUTE_LUA_ENABLED": "true"}
    facts = container("orthancteam/orthanc:24.10.3", env=env, config_known=False)
    assert {type(f) for f in facts} <= {Credential, Setting}
    assert [(c.user, c.strength) for c in of(facts, Credential)] == [("admin", "default")]
    assert [s.value for s in of(facts, Setting, key="ExecuteLuaEnabled")] == [True]
    assert not [s for s in of(facts, Setting) if not s.explicit]
    # an option the environment forces still decides, whatever the unseen file holds
    open_api = container("orthancteam/orthanc", env={"ORTHANC__AUTHENTICATION_ENABLED": "false"}, config_known=False)
    assert [a.origin.line for a in of(open_api, AnonymousAccess, service="http")] == [10]
    assert not of(open_api, TlsPolicy)  # `SslEnabled` absent: the unseen file may enable it


def test_client_key_passphrases_of_peers_and_dicomweb_servers():
    facts = read("""{
      "OrthancPeers": {"b": {"Url": "https://b.example/", "CertificateKeyPassword": "password"}},
      "DicomWeb": {"Servers": {"c": {"Url": "https://c.example/dicom-web/",
                                     "CertificateKeyPassword": "${KEY_PASS}"},
                               "d": {"Url": "https://d.example/", "CertificateKeyPassword": ""}}}
    }""")
    creds = of(facts, Credential)
    assert [(c.service, c.strength) for c in creds] == [("http", "well-known"), ("dicomweb", "reference")]
    assert all("CertificateKeyPassword" in c.detail for c in creds)


def test_plugin_fragments_get_no_server_defaults():
    configs = read_many({"orthanc/plugins.json": '{"Plugins": ["/usr/share/orthanc/plugins"]}',
                         "orthanc/serve.json": '{"ServeFolders": {"/app": "/srv/app"}, "StorageDirectory": "/db"}'})
    assert not of(configs, Listener) and not of(configs, AnonymousAccess)
