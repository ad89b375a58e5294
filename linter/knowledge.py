"""Domain facts shared by readers and predicates, each from ../shared/domain-catalogue.md.

Kept as plain data so a reviewer can check it against the catalogue line by line.
"""
from __future__ import annotations

import re

# Catalogue section 2: ports whose exposure to the internet leaked medical images.
SENSITIVE_PORTS: dict[int, str] = {
    20: "ftp-data", 21: "ftp", 23: "telnet", 80: "http", 104: "dicom", 111: "rpcbind",
    137: "netbios-ns", 138: "netbios-dgm", 139: "netbios-ssn", 443: "https", 445: "smb",
    548: "afp", 873: "rsync", 989: "ftps-data", 990: "ftps", 2049: "nfs", 2575: "hl7",
    2761: "dicom-iscl", 2762: "dicom-tls", 3260: "iscsi", 3389: "rdp", 4242: "orthanc-dicom",
    5000: "nas-http", 5001: "nas-https", 5432: "postgres", 5678: "conquest-dicom", 5900: "vnc",
    8042: "orthanc-http", 8080: "http-alt", 8443: "https-alt", 8843: "keycloak",
    9990: "wildfly-mgmt", 9993: "wildfly-mgmt-tls", 11112: "dicom", 12575: "hl7-tls",
    389: "ldap", 636: "ldaps", 3306: "mysql", 22: "ssh",
    1433: "mssql",  # SQL Server: the PACS database of many Windows PACS products and Cloud SQL / Azure SQL
    # Other databases and admin APIs that hold or hand out the same data when reachable from the
    # internet (the cloud scanners' "sensitive port" lists name them too).
    1521: "oracle", 2375: "docker-api", 2376: "docker-api-tls", 6379: "redis", 9200: "elasticsearch",
    11211: "memcached", 27017: "mongodb",
}

# Which ports carry which kind of service, for Listener.service when only a port is known.
PORT_SERVICE: dict[int, str] = {
    20: "ftp", 21: "ftp", 990: "ftp", 989: "ftp", 104: "dicom", 11112: "dicom", 4242: "dicom",
    2762: "dicom", 2761: "dicom", 5678: "dicom", 139: "smb", 445: "smb", 137: "smb", 138: "smb",
    2049: "nfs", 111: "nfs", 548: "afp", 80: "http", 443: "http", 8042: "http", 8080: "http",
    8443: "http", 5000: "management", 5001: "management", 9990: "management", 9993: "management",
    2575: "hl7", 12575: "hl7", 5432: "postgres", 3306: "mysql", 389: "ldap", 636: "ldap",
    873: "rsync", 3260: "iscsi", 8843: "keycloak", 22: "ssh", 1433: "mssql",
}


def port_service(port: int | None) -> str:
    return PORT_SERVICE.get(port, "other") if port is not None else "other"


def range_has_sensitive_port(port_from: int | None, port_to: int | None) -> list[int]:
    """Sensitive ports inside [port_from, port_to], smallest first."""
    if port_from is None:
        return []
    hi = port_to if port_to is not None else port_from
    return sorted(p for p in SENSITIVE_PORTS if port_from <= p <= hi)


# Catalogue section 4: the generic list plus every product default it names.
WELL_KNOWN_PASSWORDS = frozenset({
    "admin", "password", "123456", "changeme", "changeit", "secret", "pacs", "orthanc", "dicom",
    "test", "root", "guest", "user", "demo", "postgres", "pgpassword", "keycloak", "conquest1415",
    "12345678", "123456789", "password1", "letmein", "qwerty", "default", "pass", "passw0rd",
    "administrator", "welcome", "toor", "1234", "12345", "mysql", "ftp", "anonymous",
})

# Administrator account names that login scanners try first: the engines' built-in superusers
# (postgres, root, sa, sqlserver) and the generic ones. Cloud databases and VMs let the code pick
# the administrator's name; one of these makes half of a login guessable.
ADMIN_USER_NAMES = frozenset({
    "admin", "administrator", "root", "sa", "postgres", "mysql", "sqlserver", "master", "dbadmin",
    "sysadmin", "superuser", "user", "test", "guest", "pacs", "orthanc", "dicom", "azureuser",
})

# Product defaults: (user or None for any, password) -> where it comes from.
DEFAULT_CREDENTIALS: dict[tuple[str | None, str], str] = {
    ("orthanc", "orthanc"): "Orthanc's built-in user",
    ("pacs", "pacs"): "dcm4chee-arc's documented PostgreSQL default",
    ("root", "changeit"): "dcm4chee's default realm user",
    ("admin", "admin"): "a documented default admin account",
    ("user", "user"): "dcm4chee's old default realm user",
    ("postgres", "pgpassword"): "the Orthanc Book's PostgreSQL example",
    ("conquest", "conquest1415"): "Conquest's documented SQL Server login",
    ("keycloak", "keycloak"): "dcm4che Keycloak's default database login",
    ("demo", "demo"): "the Orthanc Book's example user",
}

# A value that names a secret instead of holding one: ${VAR}, {{ var }}, $VAR, <placeholder>,
# Docker/Vault references. Such values are not literal secrets.
_REFERENCE = re.compile(
    r"^\s*(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|\{%.*%\}|<[^<>]+>|@@\w+@@|"
    r"vault:.*|!vault.*|/run/secrets/.*|file:.*|env:.*|%\([^)]*\)s?)\s*$",
    re.S,
)


# A placeholder that a template or sample asks the user to replace: `your-noip-password`,
# `PutGlobalAPIKeyHere`, `enter_password`, `xxxxxx`, `********`. Not a secret that leaks.
_PLACEHOLDER = re.compile(
    r"^(?:(?:your|enter|put|insert|replace|fill)[-_ ]?(?:the[-_ ]?|in[-_ ]?|a[-_ ]?)?[\w-]*|"
    r"[\w-]*(?:[-_]here|here)|x{3,}|\*{3,}|\.{3,}|(?:no|none)[-_]?password[-_]?needed|todo|tbd|fixme|"
    r"(?:api|auth)[-_]?(?:key|token)|(?:secret|password|passwd|token)[-_]?(?:placeholder|value)?)$",
    re.IGNORECASE)


def is_reference(value: str) -> bool:
    return bool(_REFERENCE.match(value))


def is_placeholder(value: str) -> bool:
    return bool(_PLACEHOLDER.match(value.strip()))


def classify_secret(user: str | None, secret: str | None) -> str:
    """blank, default, well-known, literal or reference (see Credential.strength)."""
    if secret is None:
        return "reference"
    text = secret.strip()
    if text == "":
        return "blank"
    if is_reference(text):
        return "reference"
    low = text.lower()
    if low not in WELL_KNOWN_PASSWORDS and is_placeholder(text):
        return "reference"
    if user is not None and (user.strip().lower(), low) in DEFAULT_CREDENTIALS:
        return "default"
    if low in WELL_KNOWN_PASSWORDS or (user and low == user.strip().lower()):
        return "well-known"
    return "literal"


# Boolean spellings. Samba accepts yes/no, true/false, 1/0, on/off (case-insensitive).
TRUE_WORDS = frozenset({"yes", "true", "1", "on", "y", "t", "enable", "enabled"})
FALSE_WORDS = frozenset({"no", "false", "0", "off", "n", "f", "disable", "disabled"})


def parse_bool(text: object) -> bool | None:
    """True/False for a recognised spelling, None for anything else (unknown, templated)."""
    if isinstance(text, bool):
        return text
    if isinstance(text, int):
        return text != 0
    if not isinstance(text, str):
        return None
    low = text.strip().strip("'\"").lower()
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    return None


# TLS/SSL protocol versions in one spelling, oldest first.
TLS_VERSIONS = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
WEAK_TLS_VERSIONS = frozenset({"SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1"})

_TLS_ALIASES = {
    "sslv2": "SSLv2", "sslv3": "SSLv3", "tlsv1": "TLSv1.0", "tlsv1.0": "TLSv1.0",
    "tls1": "TLSv1.0", "tls1.0": "TLSv1.0", "tls1_0": "TLSv1.0", "tlsv1_0": "TLSv1.0",
    "tlsv1.1": "TLSv1.1", "tls1.1": "TLSv1.1", "tls1_1": "TLSv1.1", "tlsv1_1": "TLSv1.1",
    "tlsv1.2": "TLSv1.2", "tls1.2": "TLSv1.2", "tls1_2": "TLSv1.2", "tlsv1_2": "TLSv1.2",
    "tlsv1.3": "TLSv1.3", "tls1.3": "TLSv1.3", "tls1_3": "TLSv1.3", "tlsv1_3": "TLSv1.3",
}


def tls_version(name: str) -> str | None:
    """Normalise one protocol name (TLSv1, tls1_1, TLSv1.2 ...) or None if not a version."""
    return _TLS_ALIASES.get(name.strip().strip("'\"").lower())


# Dynamic DNS provider domains: a CNAME or hostname under one of these publishes a device whose
# address changes (clinic DSL or cable line).
DDNS_DOMAINS = (
    "no-ip.com", "no-ip.org", "no-ip.biz", "no-ip.info", "noip.me", "ddns.net", "hopto.org",
    "zapto.org", "sytes.net", "servebeer.com", "serveftp.com", "myftp.org", "myftp.biz",
    "duckdns.org", "dyndns.org", "dyndns.info", "dyndns.biz", "homeip.net", "dynu.net",
    "dynu.com", "freedns.afraid.org", "mooo.com", "synology.me", "myds.me", "diskstation.me",
    "i234.me", "myqnapcloud.com", "myqnapcloud.cn", "dnsalias.com", "dnsalias.net", "dnsalias.org",
    "changeip.com", "dtdns.net", "dynv6.net", "selfhost.de", "ddnss.de", "spdns.de", "dyndns.tv",
    "gotdns.com", "3utilities.com", "bounceme.net", "ddns.me", "redirectme.net", "servehttp.com",
    "dedyn.io", "nsupdate.info", "asuscomm.com", "tplinkdns.com", "mynetgear.com", "dlinkddns.com",
)


def is_ddns_hostname(name: str) -> bool:
    host = name.strip().strip(".").lower()
    return any(host == d or host.endswith("." + d) for d in DDNS_DOMAINS)
