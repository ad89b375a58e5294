"""Pure-FTPd: the upstream pure-ftpd.conf and Debian's one-file-per-option directory.

pure-ftpd.conf (1.0.47+, parsed by pure-ftpd itself, src/simpleconf_ftpd.h): `Key value` lines,
key names case-insensitive, `=` or `:` may separate them, `#` starts a comment line, booleans are
yes/no, on/off, true/false, 1/0; a false boolean is the same as leaving the line out; a value
may be written in double quotes (`Bind "127.0.0.1,21"` in the upstream sample). `Include
file` appends another file. The last of `AnonymousOnly yes` / `NoAnonymous yes` wins, as on the
command line (`-e` / `-E` set the same variable).

Debian (`pure-ftpd-wrapper`, package pure-ftpd-common 1.0.50): /etc/pure-ftpd/conf/<Option>, the
file name is the option (case-sensitive; names with anything but letters and digits are skipped,
so `NoAnonymous.bak` or `TLS~` do nothing), the first line that is neither blank nor a `#`
comment is the value. The wrapper never reads pure-ftpd.conf: in that layout (a `conf/` folder
beside it) pure-ftpd.conf is a shipped sample and produces no facts.

Defaults when an option is absent (README, pure-ftpd.conf comments, README.TLS): anonymous logins
are accepted as soon as a system account `ftp` exists (`NoAnonymous` off), anonymous users may
upload (`AnonymousCantUpload` off) where the file system lets them, `AnonymousCanCreateDirs` off,
`TLS` 0 (no TLS), every address on port 21 (`Bind`). Debian ships `NoAnonymous` = yes and no `TLS`.
"""
from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path, PurePosixPath

from linter.facts import AnonymousAccess, Fact, Listener, Setting, TlsPolicy
from linter.knowledge import is_reference
from linter.model import Origin, SourceFile
from linter.formats._text import TEMPLATE_LINE

PRODUCT = "pure-ftpd"
_MAX_INCLUDE_DEPTH = 8
_TRUE = frozenset({"yes", "on", "true", "1"})
_FALSE = frozenset({"no", "off", "false", "0"})
_OPTION_FILE = re.compile(r"^[A-Za-z][A-Za-z0-9]+$")  # what pure-ftpd-wrapper accepts

BOOLEAN_OPTIONS = frozenset({
    "AllowAnonymousFXP", "AllowDotFiles", "AllowUserFXP", "AnonymousCanCreateDirs",
    "AnonymousCantUpload", "AnonymousOnly", "AntiWarez", "AutoRename", "BrokenClientsCompatibility",
    "CallUploadScript", "ChrootEveryone", "CreateHomeDir", "CustomerProof", "Daemonize",
    "DisplayDotFiles", "DontResolve", "IPV4Only", "IPV6Only", "KeepAllFiles", "LogPID", "NATmode",
    "NoAnonymous", "NoChmod", "NoRename", "NoTruncate", "PAMAuthentication",
    "ProhibitDotFilesRead", "ProhibitDotFilesWrite", "UnixAuthentication", "VerboseLog",
})
NUMERIC_OPTIONS = frozenset({
    "MaxClientsNumber", "MaxClientsPerIP", "MaxDiskUsage", "MaxIdleTime", "MaxLoad", "MinUID", "TLS",
    "TrustedGID",
})
OTHER_OPTIONS = frozenset({
    "AltLog", "AnonymousBandwidth", "AnonymousRatio", "Bind", "Bonjour", "CertFile",
    "CertFileAndKey", "ExtAuth", "ExtCert", "ForcePassiveIP", "FortunesFile", "FSCharset",
    "ClientCharset", "LDAPConfigFile", "LimitRecursion", "MySQLConfigFile", "PassivePortRange",
    "PerUserLimits", "PGSQLConfigFile", "PIDFile", "PureDB", "Quota", "SyslogFacility",
    "TLSCipherSuite", "TrustedIP", "Umask", "UserBandwidth", "UserRatio", "Include",
})
CANONICAL = {n.lower(): n for n in BOOLEAN_OPTIONS | NUMERIC_OPTIONS | OTHER_OPTIONS}
DEFAULTS: dict[str, object] = {
    "NoAnonymous": False, "AnonymousOnly": False, "AnonymousCantUpload": False,
    "AnonymousCanCreateDirs": False, "TLS": 0,
}


def templated(value: str) -> bool:
    return "{{" in value or "{%" in value or "${" in value or "<%" in value or is_reference(value)


class Option:
    __slots__ = ("key", "raw", "value", "origin", "order")

    def __init__(self, key: str, raw: str, value: object, origin: Origin, order: int):
        self.key, self.raw, self.value, self.origin, self.order = key, raw, value, origin, order


def convert(key: str, raw: str) -> object:
    if templated(raw):
        return None
    if key in BOOLEAN_OPTIONS:
        low = raw.strip().lower()
        return True if low in _TRUE else False if low in _FALSE else None
    if key in NUMERIC_OPTIONS:
        return int(raw) if raw.strip().isdigit() else None
    return raw.strip()


# --- pure-ftpd.conf -------------------------------------------------------------------------

def _unquote(value: str) -> str:
    """`Bind "127.0.0.1,21"`: the upstream sample quotes values; one quoted string is its content."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" and value.count(value[0]) == 2:
        return value[1:-1]
    return value


def _include(value: str, source: SourceFile, ctx) -> SourceFile | None:
    value = value.strip().strip('"')
    if not value or templated(value) or ctx is None:
        return None
    target = PurePosixPath(value)
    base = Path(source.path).parent
    candidates = [base / target] if not target.is_absolute() else [
        base.joinpath(*target.parts[i:]) for i in range(1, len(target.parts))]
    for candidate in candidates:
        if ctx.relpath(candidate) is not None and candidate.is_file():
            return ctx.load(str(candidate), None, "pureftpd")
    return None  # "If the file doesn't exist, the directive is ignored."


def parse_conf(source: SourceFile, ctx, options: dict[str, Option] | None = None, depth: int = 0,
               counter: list[int] | None = None) -> dict[str, Option]:
    options = {} if options is None else options
    counter = [0] if counter is None else counter
    for number, line in enumerate(source.lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or TEMPLATE_LINE.match(line):
            continue
        match = re.match(r"([A-Za-z][A-Za-z0-9]*)\s*(?:[=:]\s*|\s+|$)(.*)$", stripped)
        if not match:
            continue
        key = CANONICAL.get(match.group(1).lower(), match.group(1))
        raw = _unquote(re.sub(r"\s+#.*$", "", match.group(2)).strip())
        origin = Origin(source.relpath, number, len(line) - len(line.lstrip()) + 1)
        if key == "Include":
            if depth < _MAX_INCLUDE_DEPTH:
                included = _include(raw, source, ctx)
                if included is not None and included.relpath != source.relpath:
                    parse_conf(included, ctx, options, depth + 1, counter)
            continue
        counter[0] += 1
        options[key] = Option(key, raw, convert(key, raw), origin, counter[0])
    return options


# --- Debian conf/ directory -----------------------------------------------------------------

def parse_dir(sources: list[SourceFile]) -> tuple[dict[str, Option], Origin | None]:
    """Options by file name, and the origin to use for absent options (first option file)."""
    options: dict[str, Option] = {}
    first: Origin | None = None
    for order, source in enumerate(sorted(sources, key=lambda s: s.relpath)):
        name = PurePosixPath(source.relpath).name
        if not _OPTION_FILE.match(name):
            continue  # skipped by pure-ftpd-wrapper (backups, sidecars)
        if first is None:
            first = Origin(source.relpath, 1)
        for number, line in enumerate(source.lines, 1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            options[name] = Option(name, stripped, convert(name, stripped),
                                   Origin(source.relpath, number, len(line) - len(line.lstrip()) + 1), order)
            break
    return options, first


# --- facts ----------------------------------------------------------------------------------

class Config:
    def __init__(self, options: dict[str, Option], file_origin: Origin, form: str):
        self.options = options
        self.file_origin = file_origin
        self.form = form  # "conf" or "dir"

    def opt(self, key: str) -> Option | None:
        return self.options.get(key)

    def value(self, key: str) -> object:
        option = self.options.get(key)
        return DEFAULTS.get(key) if option is None else option.value

    def quote(self, key: str) -> str:
        option = self.options.get(key)
        if option is None:
            return f"`{key}`"
        return f"`{key} {option.raw}`" if self.form == "conf" else f"`{key}` (file content `{option.raw}`)"

    def origin(self, key: str) -> Origin:
        option = self.options.get(key)
        return option.origin if option is not None else self.file_origin


def _anonymous(config: Config) -> AnonymousAccess | None:
    no_anon, only = config.opt("NoAnonymous"), config.opt("AnonymousOnly")
    if (no_anon is not None and no_anon.value is None) or (only is not None and only.value is None):
        return None  # templated or unreadable: unknown
    if no_anon is not None and no_anon.value and not (only is not None and only.value and only.order > no_anon.order):
        return None
    if only is not None and only.value:
        origin = only.origin
        detail = f"{config.quote('AnonymousOnly')} accepts only anonymous logins: anyone can log in as `ftp` without a password"
    elif no_anon is not None:
        origin = no_anon.origin
        detail = (f"{config.quote('NoAnonymous')} accepts anonymous logins: anyone can log in as `ftp` without a "
                  "password, once a system account `ftp` exists")
    else:
        origin = config.file_origin
        where = "no `NoAnonymous` file in the conf/ directory" if config.form == "dir" else "`NoAnonymous` is absent"
        detail = (f"{where}, and Pure-FTPd then accepts anonymous logins (as `ftp`, without a password) "
                  "as soon as a system account `ftp` exists")
    cant_upload = config.opt("AnonymousCantUpload")
    upload = config.value("AnonymousCantUpload") is False
    mkdir = config.value("AnonymousCanCreateDirs") is True
    if cant_upload is not None and cant_upload.value is None:
        upload = False
    operations = ["read"]
    if upload:
        operations.append("upload")
        detail += (f"; {config.quote('AnonymousCantUpload')} lets them upload"
                   if cant_upload is not None else "; uploads are not refused (`AnonymousCantUpload` is absent)")
    if mkdir:
        operations.append("mkdir")
        detail += f"; {config.quote('AnonymousCanCreateDirs')} lets them create directories"
    return AnonymousAccess(origin=origin, product=PRODUCT, service="ftp", resource="~ftp", who="anonymous",
                           read=True, write=upload or mkdir, operations=tuple(operations), detail=detail)


def _bind(config: Config) -> tuple[str, int, Option | None]:
    """(address or '', port, option) from `Bind [address,][port]` (-S)."""
    option = config.opt("Bind")
    if option is None or option.value is None:
        return "", 21, None
    text = option.raw.strip()
    address, _, port_text = text.rpartition(",")
    port = int(port_text) if port_text.strip().isdigit() else 21  # a service name: usually ftp
    return address.strip().strip("[]"), port, option


def _exposure(address: str) -> tuple[str, bool]:
    """(exposure, loopback)"""
    if not address or address in ("0.0.0.0", "::", "*"):
        return "all", False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ("local", True) if address.lower() == "localhost" else ("all", False)
    if ip.is_loopback:
        return "local", True
    if ip.is_private or ip.is_link_local:
        return "local", False
    return "all", False


def _facts(config: Config) -> list[Fact]:
    facts: list[Fact] = []
    for option in config.options.values():
        value = option.value if option.value is not None else option.raw
        facts.append(Setting(origin=option.origin, product=PRODUCT, section="", key=option.key, value=value,
                             raw=option.raw, detail=f"Pure-FTPd sets {config.quote(option.key)}"))
    for key, default in DEFAULTS.items():
        if key not in config.options:
            facts.append(Setting(origin=config.file_origin, product=PRODUCT, section="", key=key, value=default,
                                 raw="", explicit=False, detail=f"`{key}` is absent (Pure-FTPd default {default})"))

    anonymous = _anonymous(config)
    if anonymous is not None:
        facts.append(anonymous)
    address, port, bind = _bind(config)
    exposure, loopback = _exposure(address)

    tls_opt = config.opt("TLS")
    level = config.value("TLS")
    authenticated = not (config.value("AnonymousOnly") is True and anonymous is not None)
    if tls_opt is not None and level is None:
        pass  # templated: unknown
    elif isinstance(level, int) and level < 2 and authenticated:
        if tls_opt is None:
            what = "`TLS` is absent (default 0: no TLS)" if config.form == "conf" else \
                "there is no `TLS` file in the conf/ directory (default 0: no TLS)"
        elif level == 0:
            what = f"{config.quote('TLS')} disables TLS"
        else:
            what = f"{config.quote('TLS')} still accepts clear-text sessions"
        facts.append(TlsPolicy(
            origin=config.origin("TLS"), product=PRODUCT, service="ftp", role="server", enforced=False,
            exposed=not loopback, detail=f"{what}: users log in and transfer files in clear text"))
    elif isinstance(level, int) and level >= 2:
        facts.append(TlsPolicy(
            origin=config.origin("TLS"), product=PRODUCT, service="ftp", role="server", enforced=True,
            exposed=not loopback, detail=f"{config.quote('TLS')} refuses clear-text sessions"))

    anon = anonymous is not None
    only = config.value("AnonymousOnly") is True
    auth = ("none" if only else "optional") if anon else "required"
    if bind is not None and exposure != "all":
        detail = f"Pure-FTPd listens only on {config.quote('Bind')}"
    else:
        detail = f"Pure-FTPd listens on port {port} of every interface" + (
            f" ({config.quote('Bind')})" if bind is not None else " (no `Bind`)")
    facts.append(Listener(
        origin=bind.origin if bind is not None else config.file_origin, product=PRODUCT, service="ftp", port=port,
        address=address or "*", exposure=exposure, via="config", tls=isinstance(level, int) and level >= 2,
        auth=auth, anonymous=anon, detail=detail + ("; anonymous logins are enabled" if anon else "")))
    return facts


def _wrapper_layout(source: SourceFile, ctx) -> bool:
    """pure-ftpd.conf beside a Debian conf/ folder with option files: the wrapper ignores it."""
    conf = Path(source.path).parent / "conf"
    if ctx is None or ctx.relpath(conf) is None or not conf.is_dir():
        return False
    try:
        return any(_OPTION_FILE.match(e.name) and e.is_file() for e in os.scandir(conf))
    except OSError:
        return False


def read(source: SourceFile, ctx=None) -> list[Fact]:
    if _wrapper_layout(source, ctx):
        return []
    options = parse_conf(source, ctx)
    return _facts(Config(options, Origin(source.relpath, 1), "conf"))


def read_group(sources: list[SourceFile], ctx=None) -> list[Fact]:
    options, first = parse_dir(sources)
    if first is None:
        return []  # no option file at all (only backups or sidecars)
    return _facts(Config(options, first, "dir"))
