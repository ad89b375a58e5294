"""Conquest DICOM server: `dicom.ini`, `dgatesop.lst` and `acrnema.map`, read together per folder.

- dicom.ini: INI sections; `[sscscp]` holds `MyACRNema` (AE title), `TCPPort` (shipped configs
  5678, the code's fallback 104), and the database login (`Username`, `Password`, used for MySQL,
  PostgreSQL and SQL Server, not for SQLite or dBase).
- dgatesop.lst: the accepted SOP classes, one per line (`name uid sop|transfer|application`).
  Lines `AETITLE anything RemoteAE` form an allow-list of calling AE titles; with none (the shipped
  file has them commented out) every calling AE is accepted for store, query and retrieve.
- acrnema.map: C-MOVE destinations `AE host port compression`; a host of `*` means "the address
  the request came from", so a row such as `V* * 1234 un` lets any AE title starting with V
  retrieve studies to itself. Sources: the Conquest manual sections 7.4 and 7.5, the shipped files.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from linter.facts import AnonymousAccess, Credential, Fact, Listener, Setting
from linter.formats._text import TEMPLATE_LINE
from linter.knowledge import classify_secret
from linter.model import Origin, SourceFile

DEFAULT_PORT = 104  # dgate's fallback when TCPPort is absent (dbsql.cpp); shipped files say 5678
_SECTION = re.compile(r"^\s*\[([^\]]+)\]")
_DB_FLAGS = ("mysql", "postgres")


def _ini(source: SourceFile) -> dict[str, dict[str, tuple[str, Origin]]]:
    sections: dict[str, dict[str, tuple[str, Origin]]] = {}
    current = sections.setdefault("", {})
    for number, raw in enumerate(source.lines, 1):
        stripped = raw.strip()
        if not stripped or stripped[0] in "#;" or TEMPLATE_LINE.match(raw):
            continue
        match = _SECTION.match(raw)
        if match:
            current = sections.setdefault(match.group(1).strip().lower(), {})
            continue
        if "=" in raw:
            key, _, value = raw.partition("=")
            column = len(raw) - len(raw.lstrip()) + 1
            current[key.strip().lower()] = (value.strip(), Origin(source.relpath, number, column))
    return sections


def _dicom_ini(source: SourceFile) -> tuple[list[Fact], Origin | None]:
    facts: list[Fact] = []
    sections = _ini(source)
    scp = sections.get("sscscp", {})
    for section, values in sections.items():
        for key, (value, origin) in values.items():
            facts.append(Setting(origin=origin, product="conquest", section=section, key=key, value=value,
                                 raw=value, detail=f"[{section}] sets `{key} = {value}`"))
    if not scp:
        return facts, None
    header = next((Origin(source.relpath, n, 1) for n, line in enumerate(source.lines, 1)
                   if _SECTION.match(line) and _SECTION.match(line).group(1).strip().lower() == "sscscp"),
                  Origin(source.relpath))
    port_value, port_origin = scp.get("tcpport", (str(DEFAULT_PORT), header))
    port = int(port_value) if port_value.isdigit() else None
    facts.append(Listener(
        origin=port_origin, product="conquest", service="dicom", port=port, exposure="all", tls=False,
        detail=f"Conquest listens for DICOM on port {port_value} of every interface"))
    uses_password = any(scp.get(flag, ("0", None))[0].strip() == "1" for flag in _DB_FLAGS) or not any(
        scp.get(flag, ("0", None))[0].strip() == "1" for flag in ("sqlite", "dbaseiii"))
    if uses_password and "password" in scp:
        password, origin = scp["password"]
        user = scp.get("username", ("", None))[0] or None
        strength = classify_secret(user, password)
        if strength != "reference":
            facts.append(Credential(
                origin=origin, product="conquest", service="database", user=user, secret=password,
                strength=strength, secrets=(password,) if password else (),
                detail=(f"Conquest's database login `{user or '?'}` has "
                        + {"blank": "an empty password", "default": "a documented default password",
                           "well-known": "a well-known password"}.get(strength, "a password written in dicom.ini"))))
    return facts, header


def _remote_ae_lines(source: SourceFile) -> list[int]:
    lines = []
    for number, raw in enumerate(source.lines, 1):
        parts = raw.split("#", 1)[0].split()
        if len(parts) >= 3 and parts[2].lower() == "remoteae":
            lines.append(number)
    return lines


def _acrnema(source: SourceFile) -> list[Fact]:
    facts: list[Fact] = []
    for number, raw in enumerate(source.lines, 1):
        stripped = raw.strip()
        if not stripped or stripped[0] in "#/;":
            continue
        parts = stripped.split()
        if len(parts) < 3 or not parts[2].isdigit():
            continue
        ae, host = parts[0], parts[1]
        if "*" in ae and host == "*":
            facts.append(AnonymousAccess(
                origin=Origin(source.relpath, number, 1), product="conquest", service="dicom",
                resource=f"C-MOVE destination {ae}", who="any-ae", operations=("move",),
                detail=(f"acrnema.map row `{ae} {host} {parts[2]}` lets any AE title matching `{ae}` "
                        "retrieve (C-MOVE) studies to the address it calls from")))
    return facts


def read_group(sources: list[SourceFile], ctx) -> list[Fact]:
    by_name = {PurePosixPath(s.relpath).name.lower(): s for s in sources}
    facts: list[Fact] = []
    ini = next((s for name, s in by_name.items() if name.startswith("dicom.ini")), None)
    if ini is not None:
        ini_facts, _ = _dicom_ini(ini)
        facts.extend(ini_facts)
    sop = next((s for name, s in by_name.items() if name.startswith("dgatesop.lst")), None)
    if sop is not None and not _remote_ae_lines(sop) and any(l.strip() and not l.lstrip().startswith("#") for l in sop.lines):
        facts.append(AnonymousAccess(
            origin=Origin(sop.relpath), product="conquest", service="dicom", resource="all SOP classes",
            who="any-ae", write=True, operations=("store", "find", "get", "move"),
            detail=("dgatesop.lst has no `RemoteAE` line, so Conquest accepts every calling AE title: "
                    "anyone who reaches its port can store, query (C-FIND) and retrieve studies")))
    amap = next((s for name, s in by_name.items() if name.startswith("acrnema.map")), None)
    if amap is not None:
        facts.extend(_acrnema(amap))
    return facts
