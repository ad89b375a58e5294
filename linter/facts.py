"""Format-independent facts that readers emit and rules match.

A reader knows one product (its grammar, its option names, its defaults when a key is absent)
and turns a file into these records. A rule knows only these records, so one rule covers every
format that can express the same exposure: a DICOM port published by docker-compose and one opened
by a security group are both an exposure of port 104.

Conventions shared by every fact:
- `origin` is the line of the offending key, or, when the insecure state comes from a default
  because a key is absent, the line of the enclosing block (section header, service, file start).
- `detail` is one sentence a user can act on: what exactly is set, or what is missing.
- `secrets` lists literal secret values the fact quotes; every report masks them.
- `scope` groups facts that run on the same host: see `linter.scope`.
- `derived_from` lists the other files and lines the fact depends on (a template's variables).
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from linter.model import Origin

# Services, as the `service` field of facts names them.
SERVICES = (
    "smb", "ftp", "nfs", "afp", "dicom", "http", "dicomweb", "hl7", "ldap", "postgres", "mysql",
    "ddns", "upnp", "management", "keycloak", "rsync", "iscsi", "ssh", "other",
    # cloud services (Terraform, Ansible cloud modules): buckets and blob containers, SQL Server
    "object-storage", "mssql",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Fact:
    origin: Origin
    product: str  # samba, vsftpd, proftpd, pure-ftpd, nfs, netatalk, orthanc, dcm4chee, dcmtk, ...
    detail: str = ""
    scope: str = ""
    secrets: tuple[str, ...] = ()
    # Other places that made this fact what it is: the Ansible task that renders a template, the
    # defaults or group_vars line of a variable the template used. A scan focused on one of
    # those files (pre-commit) concerns this fact too.
    derived_from: tuple[Origin, ...] = ()

    @property
    def kind(self) -> str:
        return type(self).__name__

    def get(self, name: str):
        """Field lookup used by rule conditions; unknown names read as None."""
        return getattr(self, name, None)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, kw_only=True, slots=True)
class Ingress(Fact):
    """A port range reachable from a set of sources, as a firewall or security group allows it."""

    protocol: str = "tcp"  # tcp, udp, all
    port_from: int = 0
    port_to: int = 65535
    sources: tuple[str, ...] = ()  # CIDRs, "any", "Internet", "*"; empty tuple means unknown
    service: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class Listener(Fact):
    """A service bound to an address and port.

    `exposure` says who can reach it as far as the files tell: "all" (every interface and no host
    restriction), "restricted" (every interface but a host allow-list or TCP wrappers), or
    "local" (loopback or one LAN address). `via` says how: "config" (the product's own file),
    "container" (a port a container runtime publishes), "host-network" (a container sharing the
    host's network stack).

    Cloud code (Terraform, Ansible cloud modules) describes reachability from the internet, not
    interfaces: "internet" (a firewall or security group admits the internet to the port),
    with `via` "public-endpoint" (a managed service's public address) or "security-group" (a
    machine behind an open group). It is kept apart from "all" so rules about one host's
    listeners (a DDNS client beside them) do not pair with cloud resources.
    """

    service: str = ""
    port: int | None = None
    port_to: int | None = None  # for published port ranges
    protocol: str = "tcp"
    address: str = "*"
    exposure: str = "all"
    via: str = "config"
    tls: bool | None = None
    auth: str = "unknown"  # required, optional, none, unknown
    anonymous: bool = False  # the service also lets anonymous users in


@dataclass(frozen=True, kw_only=True, slots=True)
class Credential(Fact):
    """A user and secret. `strength` classifies the secret:

    - "blank": empty password (or authentication that accepts an empty one)
    - "default": the product's shipped/auto-created credential (orthanc/orthanc, pacs/pacs, secret)
    - "well-known": on the common list (admin, password, changeit, ...) or equal to the user name
    - "literal": a hard-coded value in the file
    - "reference": a variable, secret or file reference (not a finding by itself)
    """

    service: str = ""
    user: str | None = None
    secret: str | None = None
    strength: str = "literal"
    implicit: bool = False  # created by the product because nothing was configured
    admin: bool = False  # the server's administrator account (database master user, VM admin)


@dataclass(frozen=True, kw_only=True, slots=True)
class AnonymousAccess(Fact):
    """Who may read or write what without a login.

    `who` is "guest" (SMB/AFP guest), "anonymous" (FTP anonymous user), "any-host" (NFS export to
    every client), "any-ae" (DICOM peer with any AE title), "anyone" (HTTP without authentication).
    `operations` names DICOM or API operations allowed (find, get, move, store, echo, ...).
    """

    service: str = ""
    resource: str = ""
    who: str = "anyone"
    read: bool = True
    write: bool = False
    operations: tuple[str, ...] = ()
    conditional: bool = False  # only reachable through a global mapping (map to guest, usershares)


@dataclass(frozen=True, kw_only=True, slots=True)
class TlsPolicy(Fact):
    """Transport security of a service or client.

    `enforced` is False when clear text is accepted; `versions` lists the protocol versions the
    configuration allows (SSLv2, SSLv3, TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3); `verify` is False when
    the peer certificate is not checked. `role` is "server" or "client". `exposed` is True when the
    same file shows the service reachable from other hosts.
    """

    service: str = ""
    role: str = "server"
    enforced: bool | None = None
    versions: tuple[str, ...] = ()
    verify: bool | None = None
    exposed: bool = True


@dataclass(frozen=True, kw_only=True, slots=True)
class Publication(Fact):
    """Something that makes a host reachable from the internet by name or by port mapping:
    a DDNS client ("ddns"), a UPnP IGD / NAT-PMP daemon ("upnp", "natpmp"), a public DNS record.

    `restricted` is True when the mapping daemon only lets clients map their own address and
    denies everything else (miniupnpd `secure_mode=yes` plus a final deny rule).
    """

    mechanism: str = "ddns"
    provider: str = ""
    hostnames: tuple[str, ...] = ()
    restricted: bool | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Setting(Fact):
    """Any raw key/value, for product-specific rules. `explicit` is False when the value is the
    product's documented default because the key is absent. `value` is normalised (booleans as
    bool, numbers as int, strings as written); `raw` is the text as it appears."""

    section: str = ""
    key: str = ""
    value: object = None
    raw: str = ""
    explicit: bool = True


FACT_TYPES: dict[str, type[Fact]] = {
    cls.__name__: cls
    for cls in (Ingress, Listener, Credential, AnonymousAccess, TlsPolicy, Publication, Setting)
}
