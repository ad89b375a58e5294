"""Orthanc JSON configuration (`orthanc.json` and every `*.json` of its configuration folder).

Grammar: JSON as Orthanc's JsonCpp reader accepts it: `//` and `/* */` comments, trailing commas,
a later duplicate key replacing an earlier one, anything after the top-level object ignored.
`${VAR}` is replaced by the environment variable VAR before parsing (Orthanc 1.5.0+), so it may
stand where a value does, quoted or not: such a value is a reference, never a literal secret.
Jinja/ERB placeholders (`{{ x }}`, `{% ... %}`, `<%= x %>`) are read as unknown values.

Folder: Orthanc reads every `*.json` of the folder it is given and merges their top-level keys;
a key defined in two files stops Orthanc ("defined in 2 different configuration files"). Files of
one folder that define the same key therefore cannot be one configuration: they are read as
alternatives (`orthanc-dev.json` beside `orthanc-prod.json`), each merged with the files that
conflict with nothing (Debian's `credentials.json`).

Version: nothing in the file says which Orthanc reads it. The reader assumes Orthanc 1.5.8 or
later (October 2019): an absent `AuthenticationEnabled` equals `RemoteAccessAllowed`, and with
remote access, authentication and no registered user Orthanc creates the user `orthanc` with
password `orthanc`. For a present but empty `RegisteredUsers` (`{}`) Orthanc 1.5.8 to 1.12.8
create that user too, 1.12.9 (changeset 3298fa589b27, July 2025) no longer does; Debian 12 ships
1.10.1 with `"RegisteredUsers" : {}` in /etc/orthanc/credentials.json, so `{}` is read as the
older behaviour unless a container image tag says the version is 1.12.9 or newer.

Docker: `container_facts()` reads an Orthanc container of a compose file (image defaults,
`ORTHANC__*` environment variables, `ORTHANC_JSON`, the legacy osimis names, mounted files).

Sources: Orthanc's OrthancServer/Resources/Configuration.json and main.cpp (defaults), the
Orthanc Book (security, Docker pages), orthanc-builder (orthanc-defaults.json,
env-var-non-standards.json, env-var-legacy.json, configurator.py), jodogne/OrthancDocker
create-config.sh; summarised in ../shared/domain-catalogue.md sections 3.1, 3.2, 4 and 6.
"""
from __future__ import annotations

import ipaddress
import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from linter.facts import AnonymousAccess, Credential, Fact, Listener, Setting, TlsPolicy
from linter.knowledge import classify_secret, is_reference, parse_bool
from linter.model import Finding, Origin, ParseError, Severity, SourceFile

PRODUCT = "orthanc"
MAX_DEPTH = 200
MAX_SETTING_DEPTH = 6

# Image-name prefixes (registry and tag stripped) of the Orthanc Docker images the compose reader
# hands to `container_facts`. "jodogne/orthanc" also covers -plugins and -python.
ORTHANC_IMAGES = ("jodogne/orthanc", "orthancteam/orthanc", "osimis/orthanc")

_JODOGNE = ("jodogne/orthanc", "jodogne/orthanc-plugins", "jodogne/orthanc-python")

# ---------------------------------------------------------------------------------------------
# Defaults of the core options, from the reference Configuration.json and main.cpp (catalogue 3.1).
# Only options whose default matters to a rule are listed; `AuthenticationEnabled` has none: its
# default follows `RemoteAccessAllowed` (1.5.8+).
DEFAULTS: dict[str, object] = {
    "HttpServerEnabled": True,
    "HttpPort": 8042,
    "RemoteAccessAllowed": False,
    "SslEnabled": False,
    "SslCertificate": "certificate.pem",
    "SslMinimumProtocolVersion": 4,  # 1.8.2+
    "SslVerifyPeers": False,
    "HttpsVerifyPeers": True,
    "HttpDescribeErrors": True,
    "HttpProxy": "",
    "OrthancExplorerEnabled": True,  # 1.8.2+
    "WebDavEnabled": True,  # 1.8.0+
    "WebDavUploadAllowed": True,
    "WebDavDeleteAllowed": False,
    "ExecuteLuaEnabled": False,  # 1.5.8+; before, /tools/execute-script was always on
    "RestApiWriteToFileSystemEnabled": False,  # 1.12.0+; before, writes were always allowed
    "DicomServerEnabled": True,
    "DicomPort": 4242,
    "DicomAet": "ORTHANC",
    "DicomCheckCalledAet": False,
    "DicomCheckModalityHost": False,
    "DicomAlwaysAllowEcho": True,
    "DicomAlwaysAllowStore": True,
    "DicomAlwaysAllowFind": False,  # 1.9.0+
    "DicomAlwaysAllowFindWorklist": False,  # 1.10.0+
    "DicomAlwaysAllowGet": False,  # 1.9.0+
    "DicomAlwaysAllowMove": False,  # 1.9.7+
    "DicomTlsEnabled": False,  # 1.9.0+
    "DicomTlsRemoteCertificateRequired": True,  # 1.9.3+
    "DicomTlsMinimumProtocolVersion": 0,  # 1.12.4+; 0 = DCMTK's BCP 195 profile (TLS 1.2+)
    "UnknownSopClassAccepted": False,
    "StrictAetComparison": False,
    "LimitFindResults": 0,
    "LimitFindInstances": 0,
    "DeidentifyLogs": True,  # 1.8.2+
    "MetricsEnabled": True,
}

# Options whose presence makes a file the server's own configuration (not a fragment).
_SERVER_OPTIONS = frozenset(DEFAULTS) | {"Name", "AuthenticationEnabled", "DicomModalities", "SslCiphersAccepted",
                                         "SslTrustedClientCertificates", "DicomTlsCertificate"}

# Per-modality permissions (RemoteModalityParameters.cpp): each is true when omitted.
MODALITY_PERMISSIONS = {
    "AllowEcho": "echo", "AllowFind": "find", "AllowFindWorklist": "findworklist", "AllowGet": "get",
    "AllowMove": "move", "AllowStore": "store", "AllowStorageCommitment": "storage-commitment",
}

# civetweb `ssl_protocol_version` (SslMinimumProtocolVersion) and Orthanc's
# DicomTlsMinimumProtocolVersion: value -> protocol versions allowed.
_HTTP_TLS_LEVELS = {
    0: ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"),
    1: ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"),
    2: ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"),
    3: ("TLSv1.1", "TLSv1.2", "TLSv1.3"),
    4: ("TLSv1.2", "TLSv1.3"),
    5: ("TLSv1.3",),
}
_DICOM_TLS_LEVELS = {
    0: ("TLSv1.2", "TLSv1.3"),  # BCP 195 profile (DCMTK default)
    1: ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"),
    2: ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"),
    3: ("TLSv1.1", "TLSv1.2", "TLSv1.3"),
    4: ("TLSv1.2", "TLSv1.3"),
    5: ("TLSv1.3",),
}

# Option names Orthanc and its official plugins read, used to turn `ORTHANC__SOME_NAME` back into
# `SomeName` (matched without underscores and case). Nested sections list their own keys.
_CORE_OPTIONS = (
    "Name", "StorageDirectory", "IndexDirectory", "TemporaryDirectory", "StorageCompression",
    "MaximumStorageSize", "MaximumPatientCount", "MaximumStorageMode", "MaximumStorageCacheSize",
    "LuaScripts", "LuaHeartBeatPeriod", "LuaOptions", "Plugins", "ConcurrentJobs", "JobsEngineThreadsCount",
    "HttpServerEnabled", "OrthancExplorerEnabled", "HttpPort", "HttpDescribeErrors",
    "HttpCompressionEnabled", "WebDavEnabled", "WebDavDeleteAllowed", "WebDavUploadAllowed",
    "DicomServerEnabled", "DicomAet", "DicomCheckCalledAet", "DicomPort", "DefaultEncoding",
    "AcceptedTransferSyntaxes", "DeflatedTransferSyntaxAccepted", "JpegTransferSyntaxAccepted",
    "Jpeg2000TransferSyntaxAccepted", "JpegLosslessTransferSyntaxAccepted",
    "JpipTransferSyntaxAccepted", "Mpeg2TransferSyntaxAccepted", "RleTransferSyntaxAccepted",
    "Mpeg4TransferSyntaxAccepted", "H265TransferSyntaxAccepted", "UnknownSopClassAccepted",
    "DicomScpTimeout", "RemoteAccessAllowed", "SslEnabled", "SslCertificate",
    "SslMinimumProtocolVersion", "SslCiphersAccepted", "SslVerifyPeers",
    "SslTrustedClientCertificates", "AuthenticationEnabled", "RegisteredUsers", "DicomTlsEnabled",
    "DicomTlsCertificate", "DicomTlsPrivateKey", "DicomTlsTrustedCertificates",
    "DicomTlsRemoteCertificateRequired", "DicomTlsMinimumProtocolVersion", "DicomTlsCiphersAccepted",
    "DicomAlwaysAllowEcho", "DicomAlwaysAllowStore", "DicomAlwaysAllowFind",
    "DicomAlwaysAllowFindWorklist", "DicomAlwaysAllowGet", "DicomAlwaysAllowMove",
    "DicomCheckModalityHost", "DicomModalities", "DicomModalitiesInDatabase", "DicomEchoChecksFind",
    "DicomScuTimeout", "DicomScuPreferredTransferSyntax", "DicomThreadsCount", "OrthancPeers",
    "OrthancPeersInDatabase", "HttpProxy", "HttpVerbose", "HttpTimeout", "HttpsVerifyPeers",
    "HttpsCACertificates", "UserMetadata", "UserContentType", "StableAge", "StrictAetComparison",
    "StoreMD5ForAttachments", "LimitFindResults", "LimitFindInstances", "LimitJobs",
    "LogExportedResources", "KeepAlive", "KeepAliveTimeout", "TcpNoDelay", "HttpThreadsCount",
    "StoreDicom", "DicomAssociationCloseDelay", "QueryRetrieveSize", "CaseSensitivePN", "Pkcs11",
    "LoadPrivateDictionary", "Locale", "Dictionary", "ExternalDictionaries", "SynchronousCMove",
    "JobsHistorySize", "SaveJobs", "OverwriteInstances", "MediaArchiveSize", "StorageAccessOnFind",
    "MetricsEnabled", "ExecuteLuaEnabled", "RestApiWriteToFileSystemEnabled", "HttpRequestTimeout",
    "DefaultPrivateCreator", "StorageCommitmentReportsSize", "TranscodeDicomProtocol",
    "BuiltinDecoderTranscoderOrder", "IngestTranscoding", "IngestTranscodingOfUncompressed",
    "IngestTranscodingOfCompressed", "DicomLossyTranscodingQuality", "SyncStorageArea",
    "MallocArenaMax", "DeidentifyLogs", "DeidentifyLogsDicomVersion", "MaximumPduLength",
    "DatabaseServerIdentifier", "CheckRevisions", "SynchronousZipStream", "ZipLoaderThreads",
    "ExtraMainDicomTags", "Warnings", "ReadOnly", "DicomDefaultRetrieveMethod",
)
# Sections of the official plugins (not in the core's generated configuration file).
_PLUGIN_SECTIONS = (
    "DicomWeb", "PostgreSQL", "MySQL", "Odbc", "Worklists", "Authorization", "Transfers",
    "ServeFolders", "WebViewer", "StoneWebViewer", "OrthancExplorer2", "PythonScript",
    "PythonVerbose", "Gdcm", "Housekeeper", "DelayedDeletion", "MultitenantDicom", "AwsS3Storage",
    "AzureBlobStorage", "GoogleCloudStorage", "Tcia", "OHIF", "VolView", "Wsi", "Indexer",
    "ConnectivityChecks", "Neuro", "STL",
)
_SECTION_OPTIONS = {
    "DicomWeb": ("Enable", "Root", "EnableWado", "WadoRoot", "Host", "Ssl", "Servers",
                 "StudiesMetadata", "SeriesMetadata", "StowMaxInstances", "StowMaxSize",
                 "QidoCaseSensitive", "PublicRoot", "EnableMetadataCache",
                 "MetadataWorkerThreadsCount", "EnablePerformanceLogs"),
    "PostgreSQL": ("EnableIndex", "EnableStorage", "Host", "Port", "Database", "Username",
                   "Password", "EnableSsl", "Lock", "ConnectionUri", "MaximumConnectionRetries",
                   "ConnectionRetryInterval", "IndexConnectionsCount", "EnableVerboseLogs",
                   "TransactionMode", "HousekeepingInterval"),
    "MySQL": ("EnableIndex", "EnableStorage", "Host", "Port", "UnixSocket", "Database", "Username",
              "Password", "Lock", "MaximumConnectionRetries", "ConnectionRetryInterval",
              "IndexConnectionsCount", "EnableSsl", "SslVerifyServerCertificates", "SslCACertificates"),
    "Odbc": ("EnableIndex", "EnableStorage", "IndexConnectionString", "StorageConnectionString"),
    "Worklists": ("Enable", "Database", "FilterIssuerAet", "LimitAnswers"),
    "Authorization": ("WebService", "WebServiceRootUrl", "WebServiceUsername", "WebServicePassword",
                      "TokenHttpHeaders", "TokenGetArguments", "UncheckedResources",
                      "UncheckedFolders", "UncheckedLevels", "StandardConfigurations"),
    "Transfers": ("Threads", "BucketSize", "CacheSize", "MaxPushTransactions", "MaxHttpRetries",
                  "PeerConnectivityTimeout"),
    "ServeFolders": ("AllowCache", "GenerateETag", "Extensions", "Folders"),
    "AwsS3Storage": ("BucketName", "Region", "AccessKey", "SecretKey", "Endpoint",
                     "VirtualAddressing", "StorageEncryption"),
    "AzureBlobStorage": ("ConnectionString", "ContainerName", "StorageEncryption"),
    "GoogleCloudStorage": ("ServiceAccountFile", "BucketName", "StorageEncryption"),
}
# orthanc-builder env-var-non-standards.json: names that do not follow the conversion rule.
_ENV_NON_STANDARD = {
    "ORTHANC__CASE_SENSITIVE_PN": "CaseSensitivePN",
    "ORTHANC__HTTPS_CA_CERTIFICATES": "HttpsCACertificates",
    "ORTHANC__STORE_MD5_FOR_ATTACHMENTS": "StoreMD5ForAttachments",
    **{f"ORTHANC__POSTGRESQL__{k}": f"PostgreSQL.{v}" for k, v in (
        ("ENABLE_INDEX", "EnableIndex"), ("ENABLE_STORAGE", "EnableStorage"), ("HOST", "Host"),
        ("PORT", "Port"), ("DATABASE", "Database"), ("USERNAME", "Username"),
        ("PASSWORD", "Password"), ("ENABLE_SSL", "EnableSsl"), ("LOCK", "Lock"))},
    **{f"ORTHANC__MYSQL__{k}": f"MySQL.{v}" for k, v in (
        ("ENABLE_INDEX", "EnableIndex"), ("ENABLE_STORAGE", "EnableStorage"), ("HOST", "Host"),
        ("PORT", "Port"), ("UNIX_SOCKET", "UnixSocket"), ("DATABASE", "Database"),
        ("USERNAME", "Username"), ("PASSWORD", "Password"), ("LOCK", "Lock"))},
}
# orthanc-builder env-var-legacy.json (osimis/orthanc before 20.4.2, still accepted with a warning):
# the names that touch network, security or credentials.
_ENV_LEGACY = {
    "AC_ALLOW_REMOTE": "RemoteAccessAllowed", "LISTENER_LISTEN_ALL_ADDR": "RemoteAccessAllowed",
    "AC_AUTHENTICATION_ENABLED": "AuthenticationEnabled", "AC_REGISTERED_USERS": "RegisteredUsers",
    "DICOM_AET": "DicomAet", "DICOM_AET_CHECK_ENABLED": "DicomCheckCalledAet",
    "DICOM_ALWAYS_ALLOW_ECHO_ENABLED": "DicomAlwaysAllowEcho",
    "DICOM_ALWAYS_ALLOW_STORE_ENABLED": "DicomAlwaysAllowStore",
    "DICOM_CHECK_MODALITY_HOST_ENABLED": "DicomCheckModalityHost",
    "DICOM_MODALITIES": "DicomModalities", "DICOM_PORT": "DicomPort",
    "DICOM_STRICT_AET_COMPARISON_ENABLED": "StrictAetComparison",
    "DICOM_UNKNOWN_SOP_CLASS_ACCEPTED": "UnknownSopClassAccepted",
    "DW_HOST": "DicomWeb.Host", "DW_TLS": "DicomWeb.Ssl", "DW_SERVERS": "DicomWeb.Servers",
    "DW_ROOT": "DicomWeb.Root",
    "EXECUTE_LUA_ENABLED": "ExecuteLuaEnabled", "HTTP_CL_VERIFY_PEERS": "HttpsVerifyPeers",
    "HTTP_CL_CA_CERTS": "HttpsCACertificates", "HTTP_CL_PROXY": "HttpProxy",
    "HTTP_PORT": "HttpPort", "PEERS": "OrthancPeers", "LUA_SCRIPTS": "LuaScripts",
    "PG_PASSWORD": "PostgreSQL.Password", "PG_HOST": "PostgreSQL.Host", "PG_PORT": "PostgreSQL.Port",
    "PG_DB": "PostgreSQL.Database", "PG_USER": "PostgreSQL.Username", "PG_SSL": "PostgreSQL.EnableSsl",
    "PG_INDEX_ENABLED": "PostgreSQL.EnableIndex", "PG_STORAGE_ENABLED": "PostgreSQL.EnableStorage",
    "AUTHZ_WEBSERVICE": "Authorization.WebService", "NAME": "Name", "PLUGINS": "Plugins",
    "STORAGE_DIR": "StorageDirectory",
}


def _norm(name: str) -> str:
    return name.replace("_", "").lower()


_CORE_BY_NORM = {_norm(n): n for n in _CORE_OPTIONS + _PLUGIN_SECTIONS}
_SECTION_BY_NORM = {sec: {_norm(k): k for k in keys} for sec, keys in _SECTION_OPTIONS.items()}

# Keys whose values are secrets (any level): masked in Setting facts, turned into credentials.
_SECRET_KEY = re.compile(r"(password|passwd|secret|token|apikey|accesskey|privatekey|pin$|connectionstring)", re.I)


# ---------------------------------------------------------------------------------------------
# JSON with comments and positions


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value the file does not fix: a template placeholder or an unresolved `${VAR}`."""

    raw: str

    def __str__(self) -> str:
        return self.raw


@dataclass(slots=True)
class Node:
    kind: str  # object, array, string, number, bool, null, unknown
    value: object  # dict[str, Member] | list[Node] | scalar | Unknown
    origin: Origin


@dataclass(slots=True)
class Member:
    key: str
    node: Node
    origin: Origin  # where the key is written
    via: str = ""  # environment variable that set it (container_facts), else ""


_NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)


class _Parser:
    def __init__(self, text: str, path: str):
        self.text = text
        self.path = path
        self.pos = 0
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]

    def origin(self, pos: int) -> Origin:
        line = bisect_left(self.newlines, pos) + 1
        start = self.newlines[line - 2] + 1 if line > 1 else 0
        return Origin(self.path, line, pos - start + 1)

    def error(self, message: str, pos: int | None = None) -> ParseError:
        where = self.origin(self.pos if pos is None else pos)
        exc = ParseError(message, where.line, where.column)
        exc.path = self.path  # type: ignore[attr-defined]
        return exc

    def skip(self) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n:
            c = text[self.pos]
            if c in " \t\r\n\ufeff\f\v":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = n if end < 0 else end + 1
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.error("comment `/*` is never closed")
                self.pos = end + 2
            elif text.startswith("{%", self.pos) or text.startswith("{#", self.pos):
                close = "%}" if text[self.pos + 1] == "%" else "#}"
                end = text.find(close, self.pos + 2)
                if end < 0:
                    raise self.error("template tag is never closed")
                self.pos = end + 2
            else:
                return

    def parse(self) -> Node:
        self.skip()
        if self.pos >= len(self.text):
            raise self.error("the file holds no JSON object")
        if self.text.startswith("{{", self.pos) or self.text.startswith("<%", self.pos):
            # the whole configuration is rendered from a template variable: nothing to read
            return Node("object", {}, self.origin(self.pos))
        if self.text[self.pos] != "{":
            raise self.error("an Orthanc configuration file must hold one JSON object")
        return self.value(0)
        # Anything after the top-level object is ignored, as JsonCpp (failIfExtra=false) does.

    def template(self, open_: str, close: str) -> Node:
        start = self.pos
        end = self.text.find(close, start + len(open_))
        if end < 0:
            raise self.error(f"placeholder `{open_}` is never closed")
        self.pos = end + len(close)
        raw = self.text[start:self.pos]
        return Node("unknown", Unknown(raw), self.origin(start))

    def value(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise self.error(f"nested deeper than {MAX_DEPTH} levels")
        text, pos = self.text, self.pos
        if pos >= len(text):
            raise self.error("unexpected end of file, a value is missing")
        c = text[pos]
        if text.startswith("{{", pos):
            return self.template("{{", "}}")
        if text.startswith("${", pos):
            return self.template("${", "}")
        if text.startswith("<%", pos):
            return self.template("<%", "%>")
        if c == "{":
            return self.object(depth)
        if c == "[":
            return self.array(depth)
        if c == '"':
            return Node("string", self.string(), self.origin(pos))
        if c == "-" or c.isdigit():
            match = _NUMBER.match(text, pos)
            if not match:
                raise self.error("malformed number")
            self.pos = match.end()
            raw = match.group(0)
            number: object = int(raw) if re.fullmatch(r"-?\d+", raw) else float(raw)
            return Node("number", number, self.origin(pos))
        for word, val, kind in (("true", True, "bool"), ("false", False, "bool"), ("null", None, "null")):
            if text.startswith(word, pos):
                self.pos = pos + len(word)
                return Node(kind, val, self.origin(pos))
        raise self.error(f"unexpected character {c!r}, a JSON value is expected")

    def string(self) -> str:
        match = _STRING.match(self.text, self.pos)
        if not match:
            raise self.error("string is never closed")
        raw = match.group(0)
        try:
            value = json.loads(raw, strict=False)
        except json.JSONDecodeError:
            raise self.error("bad escape sequence in string (write a backslash as \\\\ or use /)") from None
        self.pos = match.end()
        return value

    def object(self, depth: int) -> Node:
        start = self.pos
        self.pos += 1
        members: dict[str, Member] = {}
        while True:
            self.skip()
            if self.pos >= len(self.text):
                raise self.error("object is never closed", start)
            c = self.text[self.pos]
            if c == "}":
                self.pos += 1
                return Node("object", members, self.origin(start))
            key_pos = self.pos
            if c == '"':
                key: str | None = self.string()
            elif self.text.startswith("{{", self.pos) or self.text.startswith("${", self.pos):
                self.template("{{", "}}") if c == "{" else self.template("${", "}")
                key = None  # a templated key: its value is read and dropped
            else:
                raise self.error("expected a quoted member name or `}`")
            self.skip()
            if key is None and self.pos < len(self.text) and self.text[self.pos] in ",}":
                # a placeholder standing for whole members: `{{ extra_members }}`
                if self.text[self.pos] == ",":
                    self.pos += 1
                continue
            if self.pos >= len(self.text) or self.text[self.pos] != ":":
                raise self.error("expected `:` after the member name")
            self.pos += 1
            self.skip()
            node = self.value(depth + 1)
            if key is not None:
                members.pop(key, None)  # a repeated key: the later one wins, and keeps its place
                members[key] = Member(key, node, self.origin(key_pos))
            self.skip()
            if self.pos < len(self.text) and self.text[self.pos] == ",":
                self.pos += 1  # a trailing comma before `}` is accepted (JsonCpp allowTrailingCommas)
            elif self.pos < len(self.text) and self.text[self.pos] == "}":
                continue
            else:
                raise self.error("expected `,` or `}` after a member (a comma may be missing)")

    def array(self, depth: int) -> Node:
        start = self.pos
        self.pos += 1
        items: list[Node] = []
        while True:
            self.skip()
            if self.pos >= len(self.text):
                raise self.error("array is never closed", start)
            if self.text[self.pos] == "]":
                self.pos += 1
                return Node("array", items, self.origin(start))
            items.append(self.value(depth + 1))
            self.skip()
            if self.pos < len(self.text) and self.text[self.pos] == ",":
                self.pos += 1
            elif self.pos < len(self.text) and self.text[self.pos] == "]":
                continue
            else:
                raise self.error("expected `,` or `]` in array (a comma may be missing)")


def parse_json(text: str, path: str) -> Node:
    """The top-level object of an Orthanc JSON file, with the position of every key and value."""
    return _Parser(text, path).parse()


def to_python(node: Node) -> object:
    if node.kind == "object":
        return {k: to_python(m.node) for k, m in node.value.items()}  # type: ignore[union-attr]
    if node.kind == "array":
        return [to_python(n) for n in node.value]  # type: ignore[union-attr]
    return node.value


def from_python(value: object, origin: Origin, via: str = "") -> Node:
    """A node tree for a value that has no positions of its own (an environment variable)."""
    if isinstance(value, dict):
        return Node("object", {str(k): Member(str(k), from_python(v, origin, via), origin, via)
                               for k, v in value.items()}, origin)
    if isinstance(value, list):
        return Node("array", [from_python(v, origin, via) for v in value], origin)
    if isinstance(value, Unknown):
        return Node("unknown", value, origin)
    if isinstance(value, bool):
        return Node("bool", value, origin)
    if isinstance(value, (int, float)):
        return Node("number", value, origin)
    if value is None:
        return Node("null", None, origin)
    return Node("string", str(value), origin)


# ---------------------------------------------------------------------------------------------
# The merged configuration


@dataclass
class OrthancConfig:
    """One effective Orthanc configuration: the merged top-level members of its files (and, for a
    container, of its environment). `version` is the Orthanc version when known (image tag)."""

    members: dict[str, Member] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    version: tuple[int, ...] | None = None

    def member(self, *path: str) -> Member | None:
        members = self.members
        found = None
        for i, key in enumerate(path):
            found = members.get(key)
            if found is None:
                return None
            if i < len(path) - 1:
                if found.node.kind != "object":
                    return None
                members = found.node.value  # type: ignore[assignment]
        return found


def _deep_merge(target: dict[str, Member], source: dict[str, Member]) -> None:
    """orthanc-builder's merge: objects merge key by key, anything else replaces."""
    for key, member in source.items():
        old = target.get(key)
        if old is not None and old.node.kind == "object" and member.node.kind == "object":
            merged = dict(old.node.value)  # type: ignore[arg-type]
            _deep_merge(merged, member.node.value)  # type: ignore[arg-type]
            target[key] = Member(key, Node("object", merged, old.node.origin), old.origin, old.via)
        else:
            target[key] = member


def _partition(parsed: list[tuple[SourceFile, Node]]) -> list[list[tuple[SourceFile, Node]]]:
    """Files of one folder that can be one Orthanc configuration. Orthanc refuses a key defined in
    two files, so files that collide are alternatives; files that collide with none join all."""
    keys = [set(root.value) for _, root in parsed]  # type: ignore[arg-type]
    conflicting = {i for i in range(len(parsed)) for j in range(len(parsed)) if i != j and keys[i] & keys[j]}
    shared = [parsed[i] for i in range(len(parsed)) if i not in conflicting]
    groups: list[tuple[set[str], list[tuple[SourceFile, Node]]]] = []
    for i in sorted(conflicting):
        for used, members in groups:
            if not (used & keys[i]):
                used |= keys[i]
                members.append(parsed[i])
                break
        else:
            groups.append((set(keys[i]), [parsed[i]]))
    if not groups:
        return [shared]
    return [members + shared for _, members in groups]


def _main_file(relpaths: list[str]) -> str:
    for rel in relpaths:
        if PurePosixPath(rel).name.lower() == "orthanc.json":
            return rel
    return relpaths[0]


# ---------------------------------------------------------------------------------------------
# Analysis


@dataclass
class _Opt:
    name: str
    value: object  # python value, Unknown, or None when unknown
    member: Member | None
    origin: Origin
    explicit: bool
    source: str  # "file", "env", "image", "default"

    def says(self, shown: str) -> str:
        if self.source == "env":
            return f"`{self.member.via}` sets `{self.name}` to {shown}"  # type: ignore[union-attr]
        if self.source == "file":
            return f"`{self.name}` is {shown}"
        if self.source == "image":
            return f"the image's built-in configuration sets `{self.name}` to {shown}"
        return f"`{self.name}` is absent and Orthanc's default is {shown}"


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Unknown):
        return value.raw
    return json.dumps(value) if isinstance(value, str) else str(value)


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return parse_bool(value)
    return None


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _is_loopback_or_local_name(host: str) -> bool:
    """True for hosts whose traffic does not cross a network: loopback, and single-label names
    (a compose service such as `orthanc-b` or `postgres`, reached over the container network)."""
    host = host.strip().strip("[]").lower()
    if not host or "{{" in host or "${" in host:
        return True
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return "." not in host


def _url_host(url: str) -> tuple[str, str, str | None, str | None]:
    """(scheme, host, user, password) of a URL; empty strings when it cannot be read."""
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower(), parts.hostname or "", parts.username, parts.password
    except ValueError:
        return "", "", None, None


def _redact_url(url: str) -> str:
    return re.sub(r"//[^/@\s]*@", "//", url)


def _secret_strings(path: tuple[str, ...], value: object) -> list[str]:
    """Literal secret values a setting holds (for masking)."""
    found: list[str] = []
    top = path[0] if path else ""
    leaf = path[-1] if path else ""
    if top == "RegisteredUsers" and len(path) == 2 and isinstance(value, str):
        found.append(value)
    elif leaf and _SECRET_KEY.search(leaf) and isinstance(value, str):
        found.append(value)
    elif isinstance(value, list) and top in ("OrthancPeers", "DicomWeb") and len(value) >= 3 and isinstance(value[2], str):
        found.append(value[2])
    elif isinstance(value, str) and ("@" in value) and (leaf in ("HttpProxy", "Url", "ConnectionUri") or "://" in value):
        match = re.search(r"(?:^|//)[^/@:\s]*:([^@/\s]+)@", value)
        if match:
            found.append(match.group(1))
    if len(path) >= 2 and "HttpHeaders" in path and isinstance(value, str):
        found.append(value)
    return [s for s in found if s and not is_reference(s)]


class _Analyzer:
    def __init__(self, config: OrthancConfig, product_origin: Origin, defaults: dict[str, object],
                 published_ports: dict[int, bool] | None, default_source: str):
        self.config = config
        self.product_origin = product_origin
        self.defaults = defaults
        self.published = published_ports
        self.default_source = default_source
        self.facts: list[Fact] = []
        # Server-wide defaults only apply to a file that configures the server itself (one of the
        # network or security options whose default matters): a folder holding nothing but plugin
        # sections, `RegisteredUsers`, `Plugins` or storage paths (postgresql.json,
        # credentials.json, a plugins.json or storage.json copied into an image) is a fragment of a
        # configuration we do not see.
        self.core = (published_ports is not None or bool(defaults)
                     or any(k in _SERVER_OPTIONS for k in config.members))

    # -- option access ---------------------------------------------------------------------
    def opt(self, name: str) -> _Opt:
        member = self.config.members.get(name)
        if member is not None:
            node = member.node
            value = node.value if node.kind not in ("object", "array") else to_python(node)
            return _Opt(name, value, member, member.origin, True, "env" if member.via else "file")
        if name in self.defaults:
            return _Opt(name, self.defaults[name], None, self.product_origin, False, "image")
        return _Opt(name, DEFAULTS.get(name), None, self.product_origin, False, "default")

    def flag(self, name: str) -> tuple[bool | None, _Opt]:
        o = self.opt(name)
        return _as_bool(o.value), o

    def number(self, name: str) -> tuple[int | None, _Opt]:
        o = self.opt(name)
        return _as_int(o.value), o

    def reachable(self, port: int | None) -> bool:
        """From other hosts: always for a config file's own listener (Orthanc binds every
        interface); in a container, when the port is published on every interface."""
        if self.published is None:
            return True
        return port is not None and self.published.get(port) is True

    def add(self, fact: Fact) -> None:
        self.facts.append(fact)

    # -- the analysis ------------------------------------------------------------------------
    def run(self) -> list[Fact]:
        self.settings()
        self.http()
        self.dicom()
        self.registered_users()
        self.peers("OrthancPeers", "http", "Orthanc peer")
        self.dicomweb_servers()
        self.databases()
        self.http_proxy()
        self.plugin_secrets()
        return self.facts

    def http(self) -> None:
        enabled, _ = self.flag("HttpServerEnabled")
        if enabled is False:
            return
        self.http_client()
        if not self.core:
            return
        remote, remote_opt = self.flag("RemoteAccessAllowed")
        port, _ = self.number("HttpPort")
        auth, auth_opt = self.auth(remote)
        ssl, ssl_opt = self.flag("SslEnabled")
        exposed = bool(remote) and self.reachable(port)
        where = f"port {port}" if port is not None else "its HTTP port"
        guard = self.http_guard(ssl)
        if remote is not None:
            if remote:
                detail = (f"Orthanc's HTTP server (REST API, Orthanc Explorer, WebDAV) listens on {where} and "
                          f"{remote_opt.says('true')}: other hosts may connect")
                if self.published is not None and not exposed:
                    detail += ", but the container does not publish the port on every interface"
            else:
                detail = (f"Orthanc's HTTP server on {where} only answers localhost: "
                          f"{remote_opt.says('false')}")
            if auth is False and guard:
                detail += f"; requests are checked by {guard}"
            self.add(Listener(
                origin=remote_opt.origin, product=PRODUCT, service="http", port=port,
                exposure="all" if exposed else "local", via="config", tls=ssl,
                auth="required" if guard else {True: "required", False: "none", None: "unknown"}[auth],
                anonymous=exposed and auth is False and not guard, detail=detail))
        if exposed and auth is False and not guard:
            self.add(AnonymousAccess(
                origin=auth_opt.origin, product=PRODUCT, service="http", resource=f"REST API on {where}",
                who="anyone", read=True, write=True, operations=("read", "write", "delete"),
                detail=(f"{auth_opt.says('false')} while {remote_opt.says('true')}: anyone who reaches "
                        f"{where} can read, change and delete every study through the REST API "
                        f"without a password")))
        if ssl is False:
            detail = f"{ssl_opt.says('false')}"
            if remote:
                detail += (f" while {remote_opt.says('true')}: REST API requests, logins included, "
                           f"and the images cross the network in clear text")
            else:
                detail += ": the HTTP server speaks clear text (it only answers localhost)"
            self.add(TlsPolicy(origin=ssl_opt.origin, product=PRODUCT, service="http", role="server",
                               enforced=False, exposed=exposed, detail=detail))
        elif ssl is True:
            level, level_opt = self.number("SslMinimumProtocolVersion")
            versions = _HTTP_TLS_LEVELS.get(level if level is not None else -1, ())
            origin = level_opt.origin if level_opt.explicit else ssl_opt.origin
            detail = f"{ssl_opt.says('true')}"
            if level is not None and level < 4:
                detail = (f"{level_opt.says(str(level))}: the HTTPS server still accepts "
                          f"{', '.join(v for v in versions if v in ('SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1'))}")
            self.add(TlsPolicy(origin=origin, product=PRODUCT, service="http", role="server",
                               enforced=True, versions=versions, exposed=exposed, detail=detail))

    def http_guard(self, ssl: bool | None) -> str:
        """What else checks HTTP clients when Orthanc's own login is off: the authorization plugin
        (orthanc-auth-service setups turn `AuthenticationEnabled` off on purpose) or HTTPS client
        certificates (`SslVerifyPeers`)."""
        authz = self.config.members.get("Authorization")
        if authz is not None and authz.node.kind == "object" and any(
                k.startswith("WebService") for k in authz.node.value):  # type: ignore[union-attr]
            return "the authorization plugin (`Authorization.WebService...`)"
        verify, _ = self.flag("SslVerifyPeers")
        if ssl and verify:
            return "HTTPS client certificates (`SslVerifyPeers`)"
        return ""

    def http_client(self) -> None:
        verify, verify_opt = self.flag("HttpsVerifyPeers")
        if verify is False:
            self.add(TlsPolicy(
                origin=verify_opt.origin, product=PRODUCT, service="http", role="client", enforced=None,
                verify=False, exposed=True,
                detail=(f"{verify_opt.says('false')}: Orthanc does not check the certificates of the "
                        f"peers and DICOMweb servers it sends studies (and their logins) to")))

    def auth(self, remote: bool | None) -> tuple[bool | None, _Opt]:
        """AuthenticationEnabled; when absent it equals RemoteAccessAllowed (Orthanc 1.5.8+) and
        is false before 1.5.8."""
        o = self.opt("AuthenticationEnabled")
        if o.explicit or o.source == "image":
            return _as_bool(o.value), o
        if self.config.version is not None and self.config.version < (1, 5, 8):
            return False, _DerivedOpt("AuthenticationEnabled", False, None, self.product_origin, False,
                                      "default", "false (Orthanc before 1.5.8)")
        return remote, _DerivedOpt("AuthenticationEnabled", remote, None, self.product_origin, False, "default",
                                   f"`RemoteAccessAllowed` ({_shown(remote)}, Orthanc 1.5.8 and later)")

    def registered_users(self) -> None:
        member = self.config.members.get("RegisteredUsers")
        remote, remote_opt = self.flag("RemoteAccessAllowed")
        enabled, _ = self.flag("HttpServerEnabled")
        auth, _ = self.auth(remote)
        empty = member is not None and member.node.kind == "object" and not member.node.value
        version = self.config.version
        creates_default = member is None or (empty and not (version is not None and version >= (1, 12, 9)))
        if version is not None and version < (1, 5, 8):
            creates_default = False  # the default user appeared in 1.5.8
        if enabled is not False and remote and auth and creates_default:
            if member is None:
                origin = remote_opt.origin
                if self.default_source and not remote_opt.explicit:
                    reason = (f"the {self.default_source} image turns on `RemoteAccessAllowed` and "
                              f"`AuthenticationEnabled` but registers no user")
                else:
                    reason = (f"{remote_opt.says('true')}, `AuthenticationEnabled` is on (set or by default) "
                              f"and `RegisteredUsers` is absent")
                since = "Orthanc 1.5.8 and later"
            else:
                origin = member.origin
                reason = "`RegisteredUsers` is empty while `RemoteAccessAllowed` and `AuthenticationEnabled` are on"
                since = "Orthanc 1.5.8 to 1.12.8, e.g. Debian 12's 1.10.1"
            self.add(Credential(
                origin=origin, product=PRODUCT, service="http", user="orthanc", secret="orthanc",
                strength="default", implicit=True,
                detail=(f"{reason}: {since} create the default user `orthanc` with its publicly "
                        f"documented password, and anyone who reaches the HTTP port can log in")))
        if member is None or member.node.kind != "object":
            return
        for user, entry in member.node.value.items():  # type: ignore[union-attr]
            self.credential(entry, "http", user, entry.node, f"`RegisteredUsers` entry `{user}`")

    def credential(self, member: Member, service: str, user: str | None, node: Node | None, what: str) -> None:
        """A Credential for a password value `node` (None: no password written)."""
        if node is None:
            return
        if node.kind == "unknown":
            secret = None
        elif node.kind in ("string", "number"):
            secret = str(node.value)
        else:
            return
        strength = classify_secret(user, secret)
        literal = secret is not None and strength != "reference" and secret != ""
        if member.via:
            what += f" (from `{member.via}`)"
        detail = {
            "blank": f"{what} has an empty password",
            "default": f"{what} is a publicly documented default login",
            "well-known": (f"{what} has its user name as password" if user and secret
                           and secret.strip().lower() == user.strip().lower()
                           else f"{what} has a well-known password"),
            "literal": f"{what} has a hard-coded password, kept in clear text in the configuration",
            "reference": f"{what} has a referenced (not literal) password",
        }[strength]
        self.add(Credential(origin=node.origin if node.origin else member.origin, product=PRODUCT,
                            service=service, user=user, secret=secret, strength=strength,
                            secrets=(secret,) if literal else (), detail=detail))

    def peers(self, key: str, service: str, label: str, members: dict[str, Member] | None = None) -> None:
        if members is None:
            top = self.config.members.get(key)
            if top is None or top.node.kind != "object":
                return
            members = top.node.value  # type: ignore[assignment]
        for name, entry in members.items():
            node = entry.node
            url_node = user_node = pass_node = None
            if node.kind == "array":
                items = node.value
                url_node = items[0] if len(items) > 0 else None  # type: ignore[index]
                user_node = items[1] if len(items) > 1 else None  # type: ignore[index]
                pass_node = items[2] if len(items) > 2 else None  # type: ignore[index]
            elif node.kind == "object":
                fields_ = node.value
                url_node = fields_["Url"].node if "Url" in fields_ else None  # type: ignore[operator,index]
                user_node = fields_["Username"].node if "Username" in fields_ else None  # type: ignore[operator,index]
                pass_node = fields_["Password"].node if "Password" in fields_ else None  # type: ignore[operator,index]
            else:
                continue
            user = str(user_node.value) if user_node is not None and user_node.kind == "string" else None
            what = f"{label} `{name}`"
            if pass_node is not None:
                self.credential(entry, service, user, pass_node, what)
            key_pass = node.value.get("CertificateKeyPassword") if node.kind == "object" else None  # type: ignore[union-attr]
            if key_pass is not None and not (key_pass.node.kind == "string" and key_pass.node.value == ""):
                self.credential(entry, service, None, key_pass.node,
                                f"{what}: the client key's passphrase (`CertificateKeyPassword`)")
            if url_node is None or url_node.kind != "string":
                continue
            url = str(url_node.value)
            scheme, host, url_user, url_pass = _url_host(url)
            if url_pass:
                self.credential(entry, service, url_user, Node("string", url_pass, url_node.origin),
                                f"{what} URL")
            if scheme == "http" and not _is_loopback_or_local_name(host):
                sends = "studies (and the login)" if (pass_node is not None or url_pass) else "studies"
                self.add(TlsPolicy(
                    origin=url_node.origin, product=PRODUCT, service=service, role="client", enforced=False,
                    exposed=True,
                    detail=(f"{what} is reached at `{_redact_url(url)}` over plain HTTP: the {sends} "
                            f"cross the network unencrypted")))

    def dicomweb_servers(self) -> None:
        servers = self.config.member("DicomWeb", "Servers")
        if servers is not None and servers.node.kind == "object":
            self.peers("DicomWeb.Servers", "dicomweb", "DICOMweb server", servers.node.value)  # type: ignore[arg-type]

    def databases(self) -> None:
        for section, service in (("PostgreSQL", "postgres"), ("MySQL", "mysql")):
            top = self.config.members.get(section)
            if top is None or top.node.kind != "object":
                continue
            fields_ = top.node.value
            user_m = fields_.get("Username")  # type: ignore[union-attr]
            user = str(user_m.node.value) if user_m is not None and user_m.node.kind == "string" else None
            password = fields_.get("Password")  # type: ignore[union-attr]
            if password is not None:
                self.credential(password, service, user, password.node, f"`{section}.Password`")
            uri = fields_.get("ConnectionUri")  # type: ignore[union-attr]
            host_m = fields_.get("Host")  # type: ignore[union-attr]
            host = str(host_m.node.value) if host_m is not None and host_m.node.kind == "string" else ""
            tls_required = False
            if uri is not None and uri.node.kind == "string":
                scheme, uri_host, uri_user, uri_pass = _url_host(str(uri.node.value))
                if uri_pass:
                    self.credential(uri, service, uri_user, Node("string", uri_pass, uri.node.origin),
                                    f"`{section}.ConnectionUri`")
                host = uri_host or host
                tls_required = bool(re.search(r"sslmode=(require|verify-ca|verify-full)", str(uri.node.value)))
            if service != "postgres" or _is_loopback_or_local_name(host):
                continue
            ssl_m = fields_.get("EnableSsl")  # type: ignore[union-attr]
            ssl = _as_bool(ssl_m.node.value) if ssl_m is not None else False
            if ssl is False and not tls_required:
                origin = ssl_m.origin if ssl_m is not None else (host_m.origin if host_m is not None else top.origin)
                said = "`PostgreSQL.EnableSsl` is false" if ssl_m is not None else "`PostgreSQL.EnableSsl` is absent (default false)"
                self.add(TlsPolicy(
                    origin=origin, product=PRODUCT, service="postgres", role="client", enforced=False,
                    exposed=True,
                    detail=(f"{said} while the index database is on `{host}`: the database login "
                            f"and patient data cross the network unencrypted")))

    def http_proxy(self) -> None:
        proxy = self.config.members.get("HttpProxy")
        if proxy is None or proxy.node.kind != "string":
            return
        match = re.match(r"^(?:\w+://)?([^:@/\s]+):([^@/\s]*)@", str(proxy.node.value))
        if match:
            self.credential(proxy, "http", match.group(1), Node("string", match.group(2), proxy.node.origin),
                            "`HttpProxy`")

    def plugin_secrets(self) -> None:
        """Passwords and keys of other plugin sections (object storage, authorization service)."""
        handled = {"RegisteredUsers", "OrthancPeers", "DicomWeb", "PostgreSQL", "MySQL", "HttpProxy"}
        for top_key, top in self.config.members.items():
            if top_key in handled or top.node.kind != "object":
                continue
            for key, member in top.node.value.items():  # type: ignore[union-attr]
                if member.node.kind in ("string", "unknown") and re.search(
                        r"(password|secretkey|secret$|apikey|connectionstring)", key, re.I):
                    value = member.node.value
                    if isinstance(value, str) and value == "":
                        continue  # an unused placeholder, not an empty password
                    self.credential(member, "other", None, member.node, f"`{top_key}.{key}`")

    def dicom(self) -> None:
        enabled, _ = self.flag("DicomServerEnabled")
        if enabled is False or not self.core:
            return
        port, _ = self.number("DicomPort")
        reach = self.reachable(port)
        where = f"DICOM port {port}" if port is not None else "the DICOM port"
        tls, tls_opt = self.flag("DicomTlsEnabled")
        required, required_opt = self.flag("DicomTlsRemoteCertificateRequired")
        mutual = tls is True and required is True
        operations: list[str] = []
        if reach and not mutual:
            for key, op, what in (
                ("DicomAlwaysAllowFind", "find", "query (C-FIND) every patient and study"),
                ("DicomAlwaysAllowGet", "get", "download (C-GET) every study"),
                ("DicomAlwaysAllowMove", "move", "start C-MOVE retrievals of every study"),
                ("DicomAlwaysAllowFindWorklist", "findworklist", "query the modality worklist"),
            ):
                value, o = self.flag(key)
                if value:
                    operations.append(op)
                    self.add(AnonymousAccess(
                        origin=o.origin, product=PRODUCT, service="dicom", resource=where, who="any-ae",
                        read=True, write=False, operations=(op,),
                        detail=f"{o.says('true')}: any calling AE title that reaches {where} can {what}"))
            store, store_opt = self.flag("DicomAlwaysAllowStore")
            # C-STORE from unknown peers (Orthanc's default, written out in the reference
            # Configuration.json that Debian ships) matters once the server is deployed for the
            # network; a bare local install (secure by locality, catalogue section 6) is not flagged.
            if store and self.dicom_exposed(port)[0]:
                operations.append("store")
                host_check, _ = self.flag("DicomCheckModalityHost")
                note = (" (`DicomCheckModalityHost` only applies to the modalities listed in `DicomModalities`)"
                        if host_check else "")
                self.add(AnonymousAccess(
                    origin=store_opt.origin, product=PRODUCT, service="dicom", resource=where, who="any-ae",
                    read=False, write=True, operations=("store",),
                    detail=(f"{store_opt.says('true')}: any calling AE title that reaches {where} can "
                            f"store (C-STORE) studies in the archive, forged ones included{note}")))
        self.add(Listener(
            origin=self.opt("DicomPort").origin if self.opt("DicomPort").explicit else self.product_origin,
            product=PRODUCT, service="dicom", port=port, exposure="all" if reach else "local", via="config",
            tls=tls, auth="required" if mutual else "none", anonymous=bool(operations),
            detail=(f"Orthanc's DICOM server listens on {where} on every interface "
                    f"(`RemoteAccessAllowed` only restricts HTTP)"
                    + (f"; unknown AE titles may: {', '.join(operations)}" if operations else ""))))
        if tls is False:
            exposed, why = self.dicom_exposed(port)
            detail = f"{tls_opt.says('false')}: DICOM associations on {where} carry patient data in clear text"
            if why:
                detail += f" ({why})"
            self.add(TlsPolicy(origin=tls_opt.origin, product=PRODUCT, service="dicom", role="server",
                               enforced=False, exposed=exposed, detail=detail))
        elif tls is True:
            level, level_opt = self.number("DicomTlsMinimumProtocolVersion")
            versions = _DICOM_TLS_LEVELS.get(level if level is not None else -1, ())
            weak = [v for v in versions if v in ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1")]
            detail = (f"{level_opt.says(str(level))}: DICOM TLS still accepts {', '.join(weak)}" if weak
                      else f"{tls_opt.says('true')}")
            self.add(TlsPolicy(origin=level_opt.origin if level_opt.explicit else tls_opt.origin,
                               product=PRODUCT, service="dicom", role="server", enforced=True,
                               versions=versions, exposed=reach, detail=detail))
            if required is False:
                self.add(TlsPolicy(
                    origin=required_opt.origin, product=PRODUCT, service="dicom", role="server",
                    enforced=True, verify=False, exposed=reach,
                    detail=(f"{required_opt.says('false')}: DICOM TLS accepts peers without a client "
                            f"certificate, so DICOM TLS does not prove which modality is calling")))

    def dicom_exposed(self, port: int | None) -> tuple[bool, str]:
        """Whether DICOM traffic crosses the network, as far as the configuration shows."""
        if self.published is not None:
            return (self.reachable(port), "the container publishes it on every interface" if self.reachable(port) else "")
        remote, _ = self.flag("RemoteAccessAllowed")
        if remote:
            return True, "the server is set up for remote access"
        modalities = self.config.members.get("DicomModalities")
        if modalities is not None and modalities.node.kind == "object":
            for name, entry in modalities.node.value.items():  # type: ignore[union-attr]
                host = None
                if entry.node.kind == "array" and len(entry.node.value) > 1:  # type: ignore[arg-type]
                    host = entry.node.value[1].value  # type: ignore[index]
                elif entry.node.kind == "object" and "Host" in entry.node.value:  # type: ignore[operator]
                    host = entry.node.value["Host"].node.value  # type: ignore[index]
                if isinstance(host, str) and not _is_loopback_or_local_name(host):
                    return True, f"modality `{name}` is on `{host}`"
        return False, ""

    # -- settings ----------------------------------------------------------------------------
    def settings(self) -> None:
        for key, member in self.config.members.items():
            self.setting((key,), member, 0)
        if not self.core:
            return
        for name, default in DEFAULTS.items():
            if name in self.config.members:
                continue
            if name in self.defaults:
                value, source = self.defaults[name], f"the {self.default_source or 'container'} image sets it"
            else:
                value, source = default, "Orthanc's default applies"
            self.add(Setting(origin=self.product_origin, product=PRODUCT, section="", key=name, value=value,
                             raw="", explicit=False, detail=f"`{name}` is absent; {source}: {_shown(value)}"))
        if "AuthenticationEnabled" not in self.config.members:
            remote, _ = self.flag("RemoteAccessAllowed")
            auth, auth_opt = self.auth(remote)
            self.add(Setting(origin=self.product_origin, product=PRODUCT, section="", key="AuthenticationEnabled",
                             value=auth, raw="", explicit=False, detail=auth_opt.says(_shown(auth))))

    def setting(self, path: tuple[str, ...], member: Member, depth: int) -> None:
        node = member.node
        key = ".".join(path)
        section = ".".join(path[:-1])
        if node.kind == "object":
            if depth < MAX_SETTING_DEPTH:
                for sub_key, sub in node.value.items():  # type: ignore[union-attr]
                    self.setting(path + (sub_key,), sub, depth + 1)
            value: object = "{...}" if node.value else "{}"
            self.add(Setting(origin=member.origin, product=PRODUCT, section=section, key=key, value=value,
                             raw=value, detail=self.setting_detail(member, key, value, ())))
            return
        py = to_python(node)
        if isinstance(py, list):
            value = tuple(x if isinstance(x, (str, int, float, bool)) or x is None else str(x) for x in py)
        elif isinstance(py, Unknown):
            value = py.raw
        else:
            value = py
        secrets = tuple(_secret_strings(path, py))
        raw = "" if secrets else (py.raw if isinstance(py, Unknown) else json.dumps(py, default=str))
        self.add(Setting(origin=member.origin, product=PRODUCT, section=section, key=key, value=value,
                         raw=raw, secrets=secrets, detail=self.setting_detail(member, key, py, secrets)))

    @staticmethod
    def setting_detail(member: Member, key: str, value: object, secrets: tuple[str, ...]) -> str:
        if secrets:
            shown = "set (value hidden)"
        elif isinstance(value, (list, tuple)):
            shown = f"[{len(value)} item(s)]"
        else:
            shown = _shown(value) if not isinstance(value, str) or value not in ("{...}", "{}") else value
            if len(shown) > 120:
                shown = shown[:117] + "..."
        if member.via:
            return f"`{member.via}` sets `{key}` to {shown}"
        return f"`{key}` is {shown}"


@dataclass
class _DerivedOpt(_Opt):
    shown_default: str = ""

    def says(self, shown: str) -> str:
        return f"`AuthenticationEnabled` is absent, so it equals {self.shown_default}"


def analyze_config(config: OrthancConfig, *, product_origin: Origin, defaults: dict | None = None,
                   published_ports: dict[int, bool] | None = None, default_source: str = "") -> list[Fact]:
    """Facts of one effective Orthanc configuration.

    `product_origin` is where findings about absent keys point (line 1 of the main file, or the
    compose service). `defaults` are option values that replace Orthanc's own defaults when a key
    is absent (a Docker image's built-in configuration, named by `default_source`).
    `published_ports` (container port -> published on every interface) makes reachability follow
    the container's publication instead of Orthanc's own binding (every interface)."""
    return _Analyzer(config, product_origin, dict(defaults or {}), published_ports, default_source).run()


# ---------------------------------------------------------------------------------------------
# Reader entry points


def _config_of(group: list[tuple[SourceFile, Node]]) -> OrthancConfig:
    members: dict[str, Member] = {}
    for _, root in group:
        for key, member in root.value.items():  # type: ignore[union-attr]
            members.setdefault(key, member)
    return OrthancConfig(members=members, files=[s.relpath for s, _ in group])


def _problem(ctx, exc: ParseError, relpath: str) -> None:
    problems = getattr(ctx, "problems", None)
    if problems is not None:
        problems.append(Finding("PG001", Severity.MEDIUM,
                                f"cannot be parsed as Orthanc JSON configuration: {exc.message}",
                                Origin(relpath, exc.line, exc.column), rule_class="tool"))


def load_files(sources: list[SourceFile], ctx=None) -> list[OrthancConfig]:
    """Parse the files of one folder and merge them as Orthanc would: a list of configurations
    (one, unless files define the same keys). A file that cannot be parsed is reported; when no
    file can be parsed the first error is raised."""
    parsed: list[tuple[SourceFile, Node]] = []
    errors: list[tuple[SourceFile, ParseError]] = []
    for source in sorted(sources, key=lambda s: s.relpath):
        try:
            parsed.append((source, parse_json(source.text, source.relpath)))
        except ParseError as exc:
            errors.append((source, exc))
    if not parsed and errors:
        raise errors[0][1]
    for source, exc in errors:
        _problem(ctx, exc, source.relpath)
    if not parsed:
        return []
    return [_config_of(group) for group in _partition(parsed)]


def read_group(sources: list[SourceFile], ctx) -> list[Fact]:
    # A file mounted into a compose service was already judged with the container's image
    # defaults, environment and secrets; judging it again alone would contradict that.
    claims = getattr(ctx, "claims", {})
    sources = [s for s in sources if s.relpath not in claims]
    if not sources:
        return []
    facts: list[Fact] = []
    for config in load_files(sources, ctx):
        main = _main_file(config.files)
        facts.extend(analyze_config(config, product_origin=Origin(main, 1, 1)))
    return _unique(facts)


def read(source: SourceFile, ctx) -> list[Fact]:
    return read_group([source], ctx)


def _unique(facts: list[Fact]) -> list[Fact]:
    seen: set = set()
    out = []
    for fact in facts:
        key = (fact.kind, fact.origin, fact.detail, getattr(fact, "key", None))
        if key in seen:
            continue
        seen.add(key)
        out.append(fact)
    return out


# ---------------------------------------------------------------------------------------------
# Docker containers


def image_name(image: str) -> tuple[str, str]:
    """(repository without registry, tag) of an image reference, lower case."""
    ref = image.strip().lower().split("@", 1)[0]
    tag = ""
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        ref, tag = ref.rsplit(":", 1)
    parts = ref.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]  # registry host
    if parts and parts[0] == "library":
        parts = parts[1:]
    return "/".join(parts), tag


def image_family(image: str) -> str | None:
    """"jodogne" or "orthancteam" for an Orthanc image, else None."""
    name, _ = image_name(image)
    if name.startswith("jodogne/orthanc"):
        return "jodogne"
    if name.startswith(("orthancteam/orthanc", "osimis/orthanc")):
        return "orthancteam"
    return None


def is_orthanc_image(image: str) -> bool:
    return image_family(image) is not None


def _image_version(image: str) -> tuple[int, ...] | None:
    """The Orthanc version a jodogne image tag names (`jodogne/orthanc:1.12.3`), else None."""
    name, tag = image_name(image)
    if not name.startswith("jodogne/") or not re.fullmatch(r"\d+\.\d+\.\d+", tag):
        return None
    return tuple(int(x) for x in tag.split("."))


def _camel(token: str) -> str:
    return "".join(w[:1].upper() + w[1:].lower() for w in token.split("_") if w)


def env_option(name: str, legacy: bool = True) -> tuple[str, ...] | None:
    """The option path an environment variable of the orthancteam/osimis images sets, or None.

    `ORTHANC__DICOM_WEB__STUDIES_METADATA` -> ("DicomWeb", "StudiesMetadata"): each `__` is one
    JSON level; a level is matched against the known option names ignoring underscores and case
    (more robust than re-inserting capitals), else converted word by word to CamelCase."""
    if name in _ENV_NON_STANDARD:
        return tuple(_ENV_NON_STANDARD[name].split("."))
    if legacy and name in _ENV_LEGACY:
        return tuple(_ENV_LEGACY[name].split("."))
    if not name.startswith("ORTHANC__") or len(name) <= len("ORTHANC__"):
        return None
    path: list[str] = []
    known: dict[str, str] = _CORE_BY_NORM
    for token in name[len("ORTHANC__"):].split("__"):
        if not token:
            return None
        canonical = known.get(_norm(token)) or _camel(token)
        path.append(canonical)
        known = _SECTION_BY_NORM.get(canonical, {})
    return tuple(path)


_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def _substitute(node: Node, env: dict[str, tuple[str | None, Origin]]) -> Node:
    """Orthanc replaces `${VAR}` in its files with the container's environment (1.5.0+)."""
    if node.kind == "object":
        for member in node.value.values():  # type: ignore[union-attr]
            member.node = _substitute(member.node, env)
        return node
    if node.kind == "array":
        node.value = [_substitute(n, env) for n in node.value]  # type: ignore[union-attr]
        return node
    raw = node.value.raw if isinstance(node.value, Unknown) else node.value if node.kind == "string" else None
    if not isinstance(raw, str) or "${" not in raw:
        return node
    unresolved = False

    def repl(match: re.Match) -> str:
        nonlocal unresolved
        value = env.get(match.group(1), (None, None))[0]
        if value is None:
            if match.group(2) is not None:
                return match.group(2)
            unresolved = True
            return match.group(0)
        return value

    text = _ENV_REF.sub(repl, raw)
    if unresolved:
        return node
    if node.kind == "string":
        return Node("string", text, node.origin)
    try:
        return from_python(json.loads(text), node.origin)
    except ValueError:
        return Node("string", text, node.origin)


def _env_value(value: str | None) -> object:
    if value is None:
        return Unknown("${...}")
    try:
        return json.loads(value)  # numbers, booleans and JSON, as orthanc-builder reads them
    except ValueError:
        return value


def _set_path(members: dict[str, Member], path: tuple[str, ...], node: Node, origin: Origin, via: str) -> None:
    for i, key in enumerate(path):
        if i == len(path) - 1:
            old = members.get(key)
            new = Member(key, node, origin, via)
            if old is not None and old.node.kind == "object" and node.kind == "object":
                merged = dict(old.node.value)  # type: ignore[arg-type]
                _deep_merge(merged, node.value)  # type: ignore[arg-type]
                new = Member(key, Node("object", merged, origin), origin, via)
            members[key] = new
            return
        parent = members.get(key)
        if parent is None or parent.node.kind != "object":
            parent = Member(key, Node("object", {}, origin), origin, via)
            members[key] = parent
        members = parent.node.value  # type: ignore[assignment]


def container_facts(image: str, environment: dict[str, tuple[str | None, Origin]], mounted: list[SourceFile],
                    service_origin: Origin, published_ports: dict[int, bool], ctx,
                    *, mount_targets: dict[str, str] | None = None, host_network: bool = False,
                    builtin_config: bool | None = None, config_known: bool = True) -> list[Fact]:
    """Facts of an Orthanc container in a compose file.

    `environment`: variable -> (value, or None when unresolved; origin of its line).
    `mounted`: Orthanc JSON files mounted into /etc/orthanc (already loaded).
    `published_ports`: container port -> True when published on every interface (False when bound
    to one host address); a port that is not published is absent.
    `mount_targets` (optional): relpath of a mounted file -> its path in the container, to tell a
    file that replaces the image's /etc/orthanc/orthanc.json from one added beside it.
    `host_network` (optional): `network_mode: host`; every port Orthanc opens is on the host's
    interfaces, whatever `published_ports` says.
    `builtin_config` (optional, jodogne images): False when Orthanc is not started on /etc/orthanc/
    (a `command:` naming another folder, such as /run/secrets/), so the image's own orthanc.json is
    not read; None decides from the mounts.
    `config_known` (optional): False when a configuration file Orthanc reads is not available (a
    mount from outside the scanned tree, a named volume, an external secret, an entrypoint that
    replaces the image's): only facts decided by an option written in the environment or in a file
    that was read are kept; those resting on absent keys (the default user among them) are not.

    Precedence (orthancteam): image defaults fill gaps < files < `ORTHANC_JSON` < `ORTHANC__*` and
    legacy variables. jodogne images: the built-in /etc/orthanc/orthanc.json (remote access and
    authentication on, no user) unless a mounted file replaces it; environment variables only
    feed `${VAR}` placeholders of the files."""
    family = image_family(image)
    if family is None:
        return []
    version = _image_version(image)
    members: dict[str, Member] = {}
    files: list[str] = []
    parsed: list[tuple[SourceFile, Node]] = []
    for source in mounted:
        try:
            parsed.append((source, parse_json(source.text, source.relpath)))
        except ParseError as exc:
            _problem(ctx, exc, source.relpath)
    for source, root in parsed:
        _substitute(root, environment)
        _deep_merge(members, root.value)  # type: ignore[arg-type]
        files.append(source.relpath)

    defaults: dict[str, object] = {}
    label = ""
    if family == "jodogne":
        replaced = builtin_config is False
        if mount_targets:
            replaced = any(PurePosixPath(t).as_posix().rstrip("/") in ("/etc/orthanc/orthanc.json", "/etc/orthanc")
                           for t in mount_targets.values())
        # Without targets: a mounted file that defines a core option must have replaced the
        # built-in orthanc.json (which defines them all), or Orthanc would refuse to start.
        replaced = replaced or any(k in _CORE_OPTIONS for k in members)
        if not replaced:
            defaults = {"RemoteAccessAllowed": True, "AuthenticationEnabled": True}
            label = image_name(image)[0]
    else:
        defaults = {"RemoteAccessAllowed": True, "AuthenticationEnabled": True}  # orthanc-defaults.json
        label = image_name(image)[0]
        legacy = True
        whole = environment.get("ORTHANC_JSON")
        if whole is not None:
            text, origin = whole
            if text is None:
                pass
            else:
                try:
                    root = parse_json(text, origin.path)
                    node = from_python(to_python(root), origin, "ORTHANC_JSON")
                    _deep_merge(members, node.value)  # type: ignore[arg-type]
                except ParseError:
                    pass  # the container would not start; the compose reader sees the value
        for name in sorted(environment):
            value, origin = environment[name]
            secret_file = name.endswith("_SECRET")
            path = env_option(name[: -len("_SECRET")] if secret_file else name, legacy=legacy)
            if path is None:
                continue
            parsed_value = Unknown(f"<secret file {value}>") if secret_file else _env_value(value)
            _set_path(members, path, from_python(parsed_value, origin, name), origin, name)

    config = OrthancConfig(members=members, files=files, version=version)
    facts = _unique(analyze_config(config, product_origin=service_origin, defaults=defaults,
                                   published_ports=None if host_network else published_ports,
                                   default_source=label))
    if not config_known:
        facts = [f for f in facts if _holds_whatever_the_files_say(f, service_origin)]
    return facts


def _holds_whatever_the_files_say(fact: Fact, service_origin: Origin) -> bool:
    """Facts of a container that an unseen configuration file cannot contradict: those decided by
    an option written in the environment (which wins over the files in orthancteam images) or in a
    file that was read. Facts at the service's line rest on absent keys and image defaults, which
    the unseen file may set; the default user is one of them."""
    if isinstance(fact, Credential):
        return not fact.implicit
    if isinstance(fact, Setting):
        return fact.explicit
    return fact.origin != service_origin
