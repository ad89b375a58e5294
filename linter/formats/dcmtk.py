"""DCMTK `dcmqrscp.cfg` (the configuration of the dcmqrscp query/retrieve SCP and dcmqrti).

Grammar (DCMTK dcmqrdb/libsrc/dcmqrcnf.cc, the dcmqrscp.cfg man page, Debian 3.6.7's
/etc/dcmtk/dcmqrscp.cfg):
- `Mnemonic = value` lines: `NetworkTCPPort` (default 104), `MaxPDUSize` (16384),
  `MaxAssociations` (16), `UserName`, `GroupName`; `NetworkType`, `Display`, `DisplayPort`,
  `ApplicationTitle`, ... are ignored by DCMTK. Mnemonics are case-sensitive.
- `HostTable BEGIN` ... `HostTable END`: `symbolic = (AETitle, host, port), ...` or
  `symbolic = other_symbolic, ...`.
- `VendorTable BEGIN` ... `VendorTable END`: `"Vendor name" = symbolic`.
- `AETable BEGIN` ... `AETable END`: rows `AETitle StorageArea Access Quota Peers` where Access is
  R, RW or W, Quota `(maxStudies, maxBytesPerStudy)`, Peers `ANY` (any calling AE title from any
  host), symbolic names of the HostTable, or `(AETitle, host, port)` tuples.
- `#` starts a comment. DCMTK only honours it in column 1; this reader also accepts indented and
  trailing comments (a line DCMTK would reject is still read the way its author meant it).
A table opened with BEGIN and never closed, an END without BEGIN, or any other table status stops
dcmqrscp, and is a parse error here.

dcmqrscp listens on every interface (no bind address option) and has no TLS setting in this
file: TLS is only switched on by `+tls` on its command line. Peers are matched by calling AE
title *and* host name, except for `ANY`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from linter.facts import AnonymousAccess, Fact, Listener, Setting, TlsPolicy
from linter.model import Origin, ParseError, SourceFile
from linter.formats._text import TEMPLATE_LINE

PRODUCT = "dcmtk"
DEFAULT_PORT = 104  # DcmQueryRetrieveConfig::initConfigStruct
GLOBALS = {"NetworkTCPPort": 104, "MaxPDUSize": 16384, "MaxAssociations": 16}
IGNORED = ("ApplicationTitle", "ApplicationContext", "ImplementationClass", "ImplementationVersion",
           "NetworkType", "Display", "DisplayPort", "UserName", "GroupName", "SpecificCharacterSet")
TABLES = ("HostTable", "VendorTable", "AETable")
_LOOPBACK = re.compile(r"^(localhost|127(\.\d+){3}|::1)$", re.I)


@dataclass
class Peer:
    aet: str
    host: str
    port: str


@dataclass
class AERow:
    aet: str
    storage: str
    access: str
    quota: str
    peers_raw: str
    any_peer: bool
    peers: list[Peer]
    origin: Origin


@dataclass
class Config:
    globals: dict[str, tuple[str, Origin]] = field(default_factory=dict)
    hosts: dict[str, tuple[list[Peer], Origin]] = field(default_factory=dict)
    vendors: dict[str, tuple[str, Origin]] = field(default_factory=dict)
    rows: list[AERow] = field(default_factory=list)
    tables: dict[str, Origin] = field(default_factory=dict)


def _strip_comment(line: str) -> str:
    """Text before a `#` that is not inside quotes."""
    quote = ""
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#":
            return line[:i]
    return line


def _split_values(text: str) -> list[str]:
    """Values as DCMTK's parsevalues() reads them: separated by blanks, `=` or `,`; quotes and
    parentheses group (a `(AET, host, port)` tuple is one value)."""
    values: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace() or c in "=,":
            i += 1
            continue
        if c in "\"'(":
            close = ")" if c == "(" else c
            end = text.find(close, i + 1)
            if end < 0:
                end = n
            values.append(text[i:end + 1] if c == "(" else text[i + 1:end])
            i = end + 1
            continue
        start = i
        while i < n and not (text[i].isspace() or text[i] in "=,"):
            i += 1
        values.append(text[start:i])
    return values


def _peer_list(values: list[str], hosts: dict[str, tuple[list[Peer], Origin]]) -> list[Peer]:
    peers: list[Peer] = []
    for value in values:
        if value.startswith("("):
            parts = [p.strip() for p in value.strip("()").split(",")]
            parts += [""] * (3 - len(parts))
            peers.append(Peer(parts[0], parts[1], parts[2]))
        elif value in hosts:
            peers.extend(hosts[value][0])
    return peers


def parse(source: SourceFile) -> Config:
    config = Config()
    table: str | None = None
    table_origin: Origin | None = None
    for number, raw in enumerate(source.lines, 1):
        if TEMPLATE_LINE.match(raw):
            continue
        line = _strip_comment(raw).rstrip()
        if not line.strip():
            continue
        column = len(line) - len(line.lstrip()) + 1
        origin = Origin(source.relpath, number, column)
        words = re.split(r"[\s=]+", line.strip(), maxsplit=2)
        mnemonic = words[0]
        status = words[1] if len(words) > 1 else ""
        if mnemonic in TABLES and status in ("BEGIN", "END") or (mnemonic in TABLES and table is None):
            if status == "BEGIN":
                if table is not None:
                    raise ParseError(f"`{mnemonic} BEGIN` inside `{table}` (missing `{table} END`)", number, column)
                table, table_origin = mnemonic, origin
                config.tables[mnemonic] = origin
            elif status == "END":
                if table != mnemonic:
                    raise ParseError(f"`{mnemonic} END` without `{mnemonic} BEGIN`", number, column)
                table = None
            else:
                raise ParseError(f"unknown {mnemonic} status `{status}` (BEGIN or END)", number, column)
            continue
        if table is not None and mnemonic == table:
            raise ParseError(f"unknown {table} status `{status}` (END expected)", number, column)
        if table == "HostTable":
            name, _, rest = line.strip().partition("=")
            values = _split_values(rest)
            config.hosts[name.strip()] = (_peer_list(values, config.hosts), origin)
        elif table == "VendorTable":
            values = _split_values(line)
            if values:
                config.vendors[values[0]] = (" ".join(values[1:]), origin)
        elif table == "AETable":
            values = _split_values(line)
            if len(values) < 5:
                raise ParseError("AETable row needs `AETitle StorageArea Access Quota Peers`", number, column)
            aet, storage, access, quota = values[:4]
            peer_values = values[4:]
            any_peer = peer_values[0] == "ANY"
            peers = [] if any_peer else _peer_list(peer_values, config.hosts)
            config.rows.append(AERow(aet, storage, access.upper(), quota, " ".join(peer_values), any_peer, peers, origin))
        else:
            rest = line.strip()[len(mnemonic):]
            value = rest.strip().lstrip("=").strip().strip("\"'")
            config.globals[mnemonic] = (value, origin)
    if table is not None:
        assert table_origin is not None
        raise ParseError(f"`{table} BEGIN` is never closed with `{table} END`", table_origin.line, table_origin.column)
    return config


def _operations(access: str) -> tuple[str, ...]:
    ops: list[str] = []
    if "R" in access:
        ops += ["find", "get", "move"]
    if "W" in access:
        ops.append("store")
    return tuple(ops)


def read(source: SourceFile, ctx) -> list[Fact]:
    config = parse(source)
    facts: list[Fact] = []
    for name, (value, origin) in config.globals.items():
        normalised: object = int(value) if value.isdigit() else value
        facts.append(Setting(origin=origin, product=PRODUCT, section="", key=name, value=normalised,
                             raw=value, detail=f"`{name}` is {value}"))
    port_setting = config.globals.get("NetworkTCPPort")
    port = int(port_setting[0]) if port_setting and port_setting[0].isdigit() else (
        DEFAULT_PORT if port_setting is None else None)
    port_origin = port_setting[1] if port_setting else Origin(source.relpath, 1, 1)
    where = f"port {port}" if port is not None else "its port"
    for name in GLOBALS:
        if name not in config.globals:
            facts.append(Setting(origin=Origin(source.relpath, 1, 1), product=PRODUCT, section="", key=name,
                                 value=GLOBALS[name], raw="", explicit=False,
                                 detail=f"`{name}` is absent; dcmqrscp's default is {GLOBALS[name]}"))

    open_rows = []
    remote_peers = []
    for row in config.rows:
        facts.append(Setting(origin=row.origin, product=PRODUCT, section="AETable", key=row.aet,
                             value=f"{row.access} {row.peers_raw}", raw=f"{row.aet} {row.storage} {row.access} {row.quota} {row.peers_raw}",
                             detail=f"AETable entry `{row.aet}` grants `{row.access}` to peers `{row.peers_raw}`"))
        ops = _operations(row.access)
        if row.any_peer:
            open_rows.append(row.aet)
            can = []
            if "find" in ops:
                can.append("query and retrieve (C-FIND, C-GET, C-MOVE) its studies")
            if "store" in ops:
                can.append("store (C-STORE) studies in it")
            facts.append(AnonymousAccess(
                origin=row.origin, product=PRODUCT, service="dicom", resource=f"AETable {row.aet} ({row.storage})",
                who="any-ae", read="R" in row.access, write="W" in row.access, operations=ops,
                detail=(f"AETable entry `{row.aet}` (storage area `{row.storage}`, access `{row.access}`) accepts "
                        f"peers `ANY`: any calling AE title from any host that reaches dcmqrscp on {where} can "
                        + (" and ".join(can) if can else "associate with it"))))
        else:
            remote_peers += [p.host for p in row.peers if p.host and not _LOOPBACK.match(p.host)]
    for name, (peers, origin) in config.hosts.items():
        facts.append(Setting(origin=origin, product=PRODUCT, section="HostTable", key=name,
                             value=", ".join(f"({p.aet}, {p.host}, {p.port})" for p in peers), raw="",
                             detail=f"HostTable entry `{name}` names {len(peers)} peer(s)"))

    facts.append(Listener(
        origin=port_origin, product=PRODUCT, service="dicom", port=port, exposure="all", via="config",
        tls=None, auth="none", anonymous=bool(open_rows),
        detail=(f"dcmqrscp listens for DICOM associations on {where} on every interface"
                + (f"; storage areas open to any peer: {', '.join(open_rows)}" if open_rows else ""))))
    if config.rows and (open_rows or remote_peers):
        reason = (f"storage areas {', '.join(open_rows)} accept any peer" if open_rows
                  else f"peers on {', '.join(sorted(set(remote_peers))[:3])} connect over the network")
        facts.append(TlsPolicy(
            origin=port_origin, product=PRODUCT, service="dicom", role="server", enforced=False, exposed=True,
            detail=(f"dcmqrscp.cfg has no TLS settings (TLS needs `+tls` on the dcmqrscp command line) and "
                    f"{reason}: DICOM associations on {where} carry patient data in clear text")))
    return facts
