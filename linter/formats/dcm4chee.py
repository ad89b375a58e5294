"""dcm4chee-arc-light Docker images, as docker-compose files run them.

Not a file format of its own: the compose reader (`linter.formats.compose`) hands every service
whose image comes from `dcm4che/` to `service_facts()`. The knowledge here is the images' own
documentation, summarised in ../shared/domain-catalogue.md section 3.3:

- dcm4che-dockerfiles/dcm4chee-arc-psql README: tags `X.Y.Z` (not secured: no security constraint
  on the UI or on the REST services), `X.Y.Z-secure` (UI and REST secured by Keycloak) and
  `X.Y.Z-secure-ui` (UI secured, REST services still open); older `-logstash`, `-logstash-secure`
  and `-logstash-secure-ui` tags follow the same scheme (dcm4chee-arc-light issue #8). Environment
  defaults: `LDAP_ROOTPASS` secret, `POSTGRES_USER`/`POSTGRES_PASSWORD` pacs/pacs,
  `KEYSTORE_PASSWORD` secret (for the sample `key.p12`, a 1024-bit RSA key "only for testing
  purpose"), `KEY_PASSWORD` = `KEYSTORE_PASSWORD`, `TRUSTSTORE_PASSWORD` changeit,
  `EXTRA_CACERTS_PASSWORD` secret, `TLS_PROTOCOLS` TLSv1.2, `ALLOW_ANY_HOSTNAME` true,
  `DISABLE_TRUST_MANAGER` false, `LDAP_DISABLE_HOSTNAME_VERIFICATION` true, `HTTP_PORT` 8080,
  `HTTPS_PORT` 8443, `MANAGEMENT_HTTP_PORT` 9990, `MANAGEMENT_HTTPS_PORT` 9993.
- dcm4che-dockerfiles/slapd-dcm4chee README: `LDAP_ROOTPASS` and `LDAP_CONFIGPASS` default to
  `secret` (bind DNs `cn=admin,<base DN>` and `cn=config`); `SYSLOG_HOST` defaults to 127.0.0.1
  ("audit logging is effectively disabled"), `SYSLOG_PROTOCOL` to UDP; both only apply to the
  initial configuration (`SKIP_INIT_CONFIG` false, the default).
- dcm4che-dockerfiles/postgres-dcm4chee README: the PostgreSQL variables have no defaults of their
  own ("they are required"), so an absent `POSTGRES_PASSWORD` is no finding; `pacs`/`pacs` is the
  archive's client-side default and is reported where it is written.
- dcm4che-dockerfiles/keycloak-quarkus README: `KC_HTTP_ENABLED` false, `KC_HTTPS_PROTOCOLS`
  TLSv1.3, client secrets changeit, `KC_DB_PASSWORD` keycloak, `KC_HTTPS_KEY_STORE_PASSWORD` secret.

Decisions: `ALLOW_ANY_HOSTNAME` and `LDAP_DISABLE_HOSTNAME_VERIFICATION` default to true, but
are reported only when a file sets them to true: the default applies to every secured archive
talking to a Keycloak on the same compose network, and a finding on every such file would drown
the ones a user chose. `DISABLE_TRUST_MANAGER=true` is always reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from linter.facts import AnonymousAccess, Credential, Fact, Setting, TlsPolicy
from linter.knowledge import parse_bool, tls_version
from linter.model import Origin

PRODUCT = "dcm4chee"

# Container ports of the archive image (README defaults) -> (service, label).
ARC_PORTS: dict[int, tuple[str, str]] = {
    8080: ("http", "dcm4chee-arc HTTP (web UI, REST and DICOMweb)"),
    8443: ("http", "dcm4chee-arc HTTPS (web UI, REST and DICOMweb)"),
    9990: ("management", "WildFly management console (HTTP)"),
    9993: ("management", "WildFly management console (HTTPS)"),
    11112: ("dicom", "DICOM"),
    2762: ("dicom", "DICOM over TLS"),
    2575: ("hl7", "HL7 MLLP"),
    12575: ("hl7", "HL7 MLLP over TLS"),
}
# Environment variables that move the archive's WildFly ports.
ARC_PORT_ENV = {"HTTP_PORT": 8080, "HTTPS_PORT": 8443, "MANAGEMENT_HTTP_PORT": 9990, "MANAGEMENT_HTTPS_PORT": 9993}
ARC_TLS_PORTS = frozenset({8443, 9993, 2762, 12575})
LDAP_PORTS: dict[int, tuple[str, str]] = {389: ("ldap", "LDAP"), 636: ("ldap", "LDAPS")}
DB_PORTS: dict[int, tuple[str, str]] = {5432: ("postgres", "PostgreSQL"), 3306: ("mysql", "MySQL/MariaDB")}
KEYCLOAK_PORTS: dict[int, tuple[str, str]] = {
    8080: ("keycloak", "Keycloak HTTP"), 8443: ("keycloak", "Keycloak HTTPS"),
    8843: ("keycloak", "Keycloak HTTPS"), 8880: ("keycloak", "Keycloak HTTP"),
    8990: ("management", "Keycloak management (HTTP)"), 8993: ("management", "Keycloak management (HTTPS)"),
    9000: ("management", "Keycloak management"),
}
KEYCLOAK_PORT_ENV = {"KC_HTTP_PORT": 8080, "KC_HTTPS_PORT": 8843, "HTTP_PORT": 8080, "HTTPS_PORT": 8843}

# Documented defaults of secret variables in the dcm4che images: a value equal to one of these is
# the product's shipped credential ("default"), whatever the generic word list says.
DEFAULT_SECRETS: dict[str, str] = {
    "LDAP_ROOTPASS": "secret", "LDAP_CONFIGPASS": "secret",
    "POSTGRES_PASSWORD": "pacs", "MYSQL_PASSWORD": "pacs",
    "KEYSTORE_PASSWORD": "secret", "KEY_PASSWORD": "secret", "EXTRA_CACERTS_PASSWORD": "secret",
    "TRUSTSTORE_PASSWORD": "changeit",
    "RS_CLIENT_SECRET": "changeit", "KIBANA_CLIENT_SECRET": "changeit", "ELASTIC_CLIENT_SECRET": "changeit",
    "UI_CLIENT_SECRET": "changeit", "CURL_CLIENT_SECRET": "changeit", "WILDFLY_CONSOLE_SECRET": "changeit",
    "KC_DB_PASSWORD": "keycloak", "KC_HTTPS_KEY_STORE_PASSWORD": "secret", "KC_HTTPS_TRUST_STORE_PASSWORD": "changeit",
}
SAMPLE_KEYSTORE = "/opt/wildfly/standalone/configuration/keystore/key.p12"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "127.0.1.1"})


def kind(name: str) -> str | None:
    """arc, ldap, db, keycloak or other for a normalised image name under dcm4che/, else None."""
    if not name.startswith("dcm4che/"):
        return None
    repo = name.split("/", 1)[1]
    if repo.startswith("dcm4chee-arc"):
        return "arc"
    if repo.startswith("slapd-dcm4chee"):
        return "ldap"
    if repo.startswith(("postgres-dcm4chee", "mariadb-dcm4chee", "mysql-dcm4chee")):
        return "db"
    if repo.startswith("keycloak"):
        return "keycloak"
    return "other"


def arc_profile(tag: str | None) -> str | None:
    """'secure', 'secure-ui' or 'unsecure' from an archive image tag; None when the tag says
    nothing (absent, `latest`, a variable)."""
    if not tag:
        return None
    low = tag.lower()
    if re.search(r"(^|-)secure-ui($|-)", low):
        return "secure-ui"
    if re.search(r"(^|-)secure($|-)", low):
        return "secure"
    if re.match(r"^\d+\.\d+", low):
        return "unsecure"
    return None


def port_map(image_kind: str | None, env: dict) -> dict[int, tuple[str, str]]:
    """Container port -> (service, label), following the port variables of the environment."""
    if image_kind == "arc":
        ports = dict(ARC_PORTS)
        moves = ARC_PORT_ENV
    elif image_kind == "keycloak":
        ports = dict(KEYCLOAK_PORTS)
        moves = KEYCLOAK_PORT_ENV
    elif image_kind == "ldap":
        return dict(LDAP_PORTS)
    elif image_kind == "db":
        return dict(DB_PORTS)
    else:
        return {}
    for name, default in moves.items():
        var = env.get(name)
        if var is None or var.value is None or not var.value.strip().isdigit():
            continue
        port = int(var.value.strip())
        if port != default and default in ports:
            ports[port] = ports.pop(default)
    return ports


@dataclass
class Exposure:
    """What the compose reader knows about one container port."""

    port: int
    exposure: str  # all, local, unknown
    origin: Origin


def _flag(env: dict, name: str):
    var = env.get(name)
    if var is None or var.value is None:
        return None, var
    return parse_bool(var.value), var


def service_facts(svc, published: dict[int, Exposure], host_network: bool) -> tuple[list[Fact], dict[str, str]]:
    """Facts of one dcm4che service, and the `auth` the archive gives its HTTP listeners
    ({"http": "none"} for an unsecured build). `svc` is a `compose.Service`."""
    image_kind = kind(svc.image_name)
    facts: list[Fact] = []
    auth: dict[str, str] = {}
    if image_kind is None:
        return facts, auth
    env = svc.env
    where = f"service `{svc.name}`"

    def reachable(ports) -> bool:
        return host_network or any(p in published and published[p].exposure == "all" for p in ports)

    if image_kind == "arc":
        ports = port_map("arc", env)
        http_ports = [p for p, (s, _) in ports.items() if s == "http"]
        profile = arc_profile(svc.tag)
        if profile in ("unsecure", "secure-ui"):
            auth["http"] = "none"
            open_ports = [p for p in http_ports if p in published and published[p].exposure == "all"]
            if host_network:
                reach = ", and the container uses the host's network, so anyone who reaches the host can use them"
            elif open_ports:
                reach = (f", and {' and '.join(str(p) for p in sorted(open_ports))} "
                         f"{'is' if len(open_ports) == 1 else 'are'} published on every interface")
            else:
                reach = ""
            if profile == "unsecure":
                what = (f"image `{svc.image}` is the unsecured dcm4chee-arc build (no `-secure` tag suffix): "
                        f"the web UI and the REST, QIDO-RS, WADO-RS and STOW-RS services answer anyone "
                        f"without a login")
            else:
                what = (f"image `{svc.image}` is the `-secure-ui` build: only the web UI needs a login, the "
                        f"REST, QIDO-RS, WADO-RS and STOW-RS services answer anyone")
            facts.append(AnonymousAccess(
                origin=svc.image_origin, product=PRODUCT, service="dicomweb",
                resource="/dcm4chee-arc REST services", who="anyone", read=True, write=True,
                operations=("qido", "wado", "stow", "delete"), detail=what + reach))
        elif profile == "secure":
            auth["http"] = "required"
        facts += _arc_tls(svc, env, published, host_network, ports)
        facts += _keystore(svc, env, published, host_network)
    if image_kind == "ldap":
        facts += _ldap_defaults(svc, env, where)
    if image_kind == "keycloak":
        facts += _keycloak_tls(svc, env, published, host_network, reachable)
    return facts, auth


def _arc_tls(svc, env, published, host_network, ports) -> list[Fact]:
    facts: list[Fact] = []
    tls_ports = [p for p in ports if p in ARC_TLS_PORTS or "HTTPS" in ports[p][1] or "TLS" in ports[p][1]]
    exposed = host_network or any(p in published and published[p].exposure == "all" for p in tls_ports)
    protocols = env.get("TLS_PROTOCOLS")
    if protocols is not None and protocols.value is not None:
        versions = tuple(v for v in (tls_version(x) for x in re.split(r"[,\s]+", protocols.value) if x) if v)
        if versions:
            facts.append(TlsPolicy(
                origin=protocols.origin, product=PRODUCT, service="http", role="server", versions=versions,
                exposed=exposed, detail=(f"`TLS_PROTOCOLS={protocols.value}` of service `{svc.name}` lets "
                                         f"dcm4chee-arc accept {', '.join(versions)}")))
    trust, trust_var = _flag(env, "DISABLE_TRUST_MANAGER")
    if trust is True:
        facts.append(TlsPolicy(
            origin=trust_var.origin, product=PRODUCT, service="keycloak", role="client", verify=False,
            exposed=exposed, detail=(f"`DISABLE_TRUST_MANAGER={trust_var.value}` of service `{svc.name}`: the "
                                     f"archive does not check the Keycloak server's certificate, so whoever "
                                     f"intercepts the connection can impersonate Keycloak")))
    any_host, any_var = _flag(env, "ALLOW_ANY_HOSTNAME")
    if any_host is True:
        facts.append(TlsPolicy(
            origin=any_var.origin, product=PRODUCT, service="keycloak", role="client", verify=False,
            exposed=exposed, detail=(f"`ALLOW_ANY_HOSTNAME={any_var.value}` of service `{svc.name}`: the archive "
                                     f"accepts any trusted certificate for the Keycloak server, whatever host "
                                     f"name it was issued for")))
    ldap_url = env.get("LDAP_URL")
    no_verify, nv_var = _flag(env, "LDAP_DISABLE_HOSTNAME_VERIFICATION")
    if no_verify is True and ldap_url is not None and (ldap_url.value or "").lower().startswith("ldaps:"):
        facts.append(TlsPolicy(
            origin=nv_var.origin, product=PRODUCT, service="ldap", role="client", verify=False, exposed=exposed,
            detail=(f"`LDAP_DISABLE_HOSTNAME_VERIFICATION={nv_var.value}` of service `{svc.name}`: the archive "
                    f"does not check the host name in the LDAP server's certificate")))
    return facts


def _keystore(svc, env, published, host_network) -> list[Fact]:
    """The image's sample key pair serves HTTPS, DICOM TLS and HL7 TLS unless `KEYSTORE` names
    another: reported (as a default Setting) when one of those ports is reachable from the host."""
    if not svc.env_complete or "KEYSTORE" in env:
        return []
    tls = [p for p in sorted(published) if p in ARC_TLS_PORTS]
    if not tls and not host_network:
        return []
    reach = ("through the host's network" if host_network and not tls
             else "on published port" + ("s " if len(tls) > 1 else " ") + ", ".join(str(p) for p in tls))
    return [Setting(
        origin=svc.origin, product=PRODUCT, section=f"services.{svc.name}.environment", key="KEYSTORE",
        value=SAMPLE_KEYSTORE, raw="", explicit=False,
        detail=(f"service `{svc.name}` sets no `KEYSTORE`, so dcm4chee-arc serves TLS {reach} with the sample "
                f"key pair built into the image (a 1024-bit RSA key published with the image, "
                f"\"only for testing purpose\")"))]


def _ldap_defaults(svc, env, where) -> list[Fact]:
    facts: list[Fact] = []
    if not svc.env_complete:
        return facts
    missing = [name for name in ("LDAP_ROOTPASS", "LDAP_CONFIGPASS")
               if name not in env and f"{name}_FILE" not in env]
    if missing:
        names = " and ".join(f"`{n}`" for n in missing)
        base = env.get("LDAP_BASE_DN")
        base_dn = base.value if base is not None and base.value else "dc=dcm4che,dc=org"
        dns = []
        if "LDAP_ROOTPASS" in missing:
            dns.append(f"`cn=admin,{base_dn}`")
        if "LDAP_CONFIGPASS" in missing:
            dns.append("`cn=config`")
        facts.append(Credential(
            origin=svc.origin, product=PRODUCT, service="ldap", user="cn=admin" if "LDAP_ROOTPASS" in missing else "cn=config",
            secret=None, strength="default", implicit=True,
            detail=(f"{where} ({svc.image}) does not set {names}, so slapd-dcm4chee keeps the image's "
                    f"documented default for {' and '.join(dns)}: anyone who can reach LDAP can rewrite the "
                    f"archive's configuration")))
    skip_init, _ = _flag(env, "SKIP_INIT_CONFIG")
    if skip_init is True or "IMPORT_LDIF" in env:
        return facts
    host = env.get("SYSLOG_HOST")
    if host is None:
        facts.append(Setting(
            origin=svc.origin, product=PRODUCT, section=f"services.{svc.name}.environment", key="SYSLOG_HOST",
            value="127.0.0.1", raw="", explicit=False,
            detail=(f"{where} ({svc.image}) does not set `SYSLOG_HOST`, so the archive's audit records go to "
                    f"127.0.0.1 inside the archive container, where nothing receives them")))
    elif host.value is not None and host.value.strip().lower() in _LOOPBACK:
        facts.append(Setting(
            origin=host.origin, product=PRODUCT, section=f"services.{svc.name}.environment", key="SYSLOG_HOST",
            value=host.value.strip().lower(), raw=host.raw or host.value, explicit=True,
            detail=(f"`SYSLOG_HOST={host.value}` of {where}: the archive's audit records go to the loopback "
                    f"address inside the archive container, where nothing receives them")))
    return facts


def _keycloak_tls(svc, env, published, host_network, reachable) -> list[Fact]:
    facts: list[Fact] = []
    ports = port_map("keycloak", env)
    http_ports = [p for p, (s, label) in ports.items() if s == "keycloak" and label.endswith("HTTP")]
    https_ports = [p for p, (s, label) in ports.items() if s == "keycloak" and label.endswith("HTTPS")]
    enabled, var = _flag(env, "KC_HTTP_ENABLED")
    if enabled is True:
        exposed = reachable(http_ports)
        facts.append(TlsPolicy(
            origin=var.origin, product="keycloak", service="keycloak", role="server", enforced=False,
            exposed=exposed,
            detail=(f"`KC_HTTP_ENABLED={var.value}` of service `{svc.name}`: Keycloak also answers plain HTTP"
                    + (" on a port published on every interface, so logins cross the network in clear text"
                       if exposed else ""))))
    required = env.get("SSL_REQUIRED")
    if required is not None and (required.value or "").strip().lower() == "none":
        exposed = reachable(http_ports + https_ports)
        facts.append(TlsPolicy(
            origin=required.origin, product="keycloak", service="keycloak", role="server", enforced=False,
            exposed=exposed,
            detail=(f"`SSL_REQUIRED=none` of service `{svc.name}`: the dcm4che realm accepts logins over plain "
                    f"HTTP from any address")))
    protocols = env.get("KC_HTTPS_PROTOCOLS")
    if protocols is not None and protocols.value is not None:
        versions = tuple(v for v in (tls_version(x) for x in re.split(r"[,\s]+", protocols.value) if x) if v)
        if versions:
            facts.append(TlsPolicy(
                origin=protocols.origin, product="keycloak", service="keycloak", role="server", versions=versions,
                exposed=reachable(https_ports),
                detail=(f"`KC_HTTPS_PROTOCOLS={protocols.value}` of service `{svc.name}` lets Keycloak accept "
                        f"{', '.join(versions)}")))
    return facts
