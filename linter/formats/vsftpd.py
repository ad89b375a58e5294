"""vsftpd.conf (vsftpd.conf(5), Debian 3.0.3-13+b2; upstream 3.x tunables.c).

Grammar: one `option=value` per line, no spaces around `=` (tolerated here), `#` starts a comment
only at the beginning of a line; booleans are YES/NO (also TRUE/FALSE/1/0, case-insensitive).
vsftpd refuses to start on an unknown option or a bad boolean; this reader is more lenient (it
lowercases option names, strips blanks and a trailing ` # comment`) so that a sloppy file is still
checked. The last occurrence of an option wins.

Defaults are the *compiled* ones (tunables.c), not the man page's: Debian's vsftpd.conf(5) says
`anonymous_enable` defaults to NO, but the binary enables anonymous FTP when the line is absent
(catalogue VSFTPD-UP, VSFTPD-TEST loopback test). `ssl_tlsv1` defaults to YES in 3.0.3.
"""
from __future__ import annotations

import ipaddress
import re

from linter.facts import AnonymousAccess, Fact, Listener, Setting, TlsPolicy
from linter.knowledge import is_reference
from linter.model import Origin, SourceFile
from linter.formats._text import TEMPLATE_LINE

PRODUCT = "vsftpd"

# Boolean tunables and their compiled defaults (upstream 3.0.3 tunables.c; Fedora/SUSE patches
# and 3.0.5 add the TLS 1.1+ switches, whose defaults depend on the build: see _tls_versions).
BOOL_DEFAULTS: dict[str, bool] = {
    "anonymous_enable": True, "local_enable": False, "pasv_enable": True, "port_enable": True,
    "chroot_local_user": False, "write_enable": False, "anon_upload_enable": False,
    "anon_mkdir_write_enable": False, "anon_other_write_enable": False, "chown_uploads": False,
    "connect_from_port_20": False, "xferlog_enable": False, "dirmessage_enable": False,
    "anon_world_readable_only": True, "async_abor_enable": False, "ascii_upload_enable": False,
    "ascii_download_enable": False, "one_process_model": False, "xferlog_std_format": False,
    "pasv_promiscuous": False, "deny_email_enable": False, "chroot_list_enable": False,
    "setproctitle_enable": False, "text_userdb_names": False, "ls_recurse_enable": False,
    "log_ftp_protocol": False, "guest_enable": False, "userlist_enable": False,
    "userlist_deny": True, "use_localtime": False, "check_shell": True, "hide_ids": False,
    "listen": True, "port_promiscuous": False, "passwd_chroot_enable": False,
    "no_anon_password": False, "tcp_wrappers": False, "use_sendfile": True,
    "force_dot_files": False, "listen_ipv6": False, "dual_log_enable": False,
    "syslog_enable": False, "background": False, "virtual_use_local_privs": False,
    "session_support": False, "download_enable": True, "dirlist_enable": True,
    "chmod_enable": True, "secure_email_list_enable": False, "run_as_launching_user": False,
    "no_log_lock": False, "ssl_enable": False, "allow_anon_ssl": False,
    "force_local_logins_ssl": True, "force_local_data_ssl": True, "ssl_sslv2": False,
    "ssl_sslv3": False, "ssl_tlsv1": True, "ssl_tlsv1_1": True, "ssl_tlsv1_2": True,
    "ssl_tlsv1_3": True, "ssl_tlsv11": True, "ssl_tlsv12": True, "ssl_tlsv13": True,
    "tilde_user_enable": False, "force_anon_logins_ssl": False, "force_anon_data_ssl": False,
    "mdtm_write": True, "lock_upload_files": True, "pasv_addr_resolve": False,
    "reverse_lookup_enable": True, "userlist_log": False, "debug_ssl": False,
    "require_cert": False, "validate_cert": False, "strict_ssl_read_eof": False,
    "strict_ssl_write_shutdown": False, "ssl_request_cert": True, "delete_failed_uploads": False,
    "implicit_ssl": False, "ptrace_sandbox": False, "require_ssl_reuse": True, "isolate": True,
    "isolate_network": True, "ftp_enable": True, "http_enable": False, "seccomp_sandbox": True,
    "allow_writeable_chroot": False, "allow_root_squashed_chroot": False,
}
NUMERIC_KEYS = frozenset({
    "accept_timeout", "connect_timeout", "local_umask", "anon_umask", "ftp_data_port",
    "idle_session_timeout", "data_connection_timeout", "pasv_min_port", "pasv_max_port",
    "anon_max_rate", "local_max_rate", "listen_port", "max_clients", "file_open_mode",
    "max_per_ip", "trans_chunk_size", "delay_failed_login", "delay_successful_login",
    "max_login_fails", "chown_upload_mode",
})
_TRUE = frozenset({"yes", "true", "1"})
_FALSE = frozenset({"no", "false", "0"})
_TRAILING_COMMENT = re.compile(r"\s+#.*$")
_WRITE_KEYS = ("anon_upload_enable", "anon_mkdir_write_enable", "anon_other_write_enable")
# TLS version switches in the order of the versions they control; each list holds the spellings
# (3.0.3 / Fedora and Debian patches use ssl_tlsv1_1, upstream 3.0.5 uses ssl_tlsv11).
_VERSION_KEYS = (
    ("SSLv2", ("ssl_sslv2",)), ("SSLv3", ("ssl_sslv3",)), ("TLSv1.0", ("ssl_tlsv1",)),
    ("TLSv1.1", ("ssl_tlsv1_1", "ssl_tlsv11")), ("TLSv1.2", ("ssl_tlsv1_2", "ssl_tlsv12")),
    ("TLSv1.3", ("ssl_tlsv1_3", "ssl_tlsv13")),
)


def templated(value: str) -> bool:
    return "{{" in value or "{%" in value or "${" in value or "<%" in value or is_reference(value)


class Option:
    __slots__ = ("key", "raw", "value", "origin")

    def __init__(self, key: str, raw: str, value: object, origin: Origin):
        self.key, self.raw, self.value, self.origin = key, raw, value, origin


def _convert(key: str, raw: str) -> object:
    """bool for boolean options (None when the spelling is not one vsftpd accepts or templated),
    int for numeric ones (umasks are octal in vsftpd, kept as written), str otherwise."""
    if templated(raw):
        return None
    if key in BOOL_DEFAULTS:
        low = raw.strip().lower()
        return True if low in _TRUE else False if low in _FALSE else None
    if key in NUMERIC_KEYS:
        text = raw.strip()
        if re.fullmatch(r"\d+", text):
            return int(text, 8) if text.startswith("0") and len(text) > 1 else int(text)
        return None
    return raw.strip()


def parse(source: SourceFile) -> dict[str, Option]:
    options: dict[str, Option] = {}
    for number, line in enumerate(source.lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or TEMPLATE_LINE.match(line):
            continue
        if "=" not in stripped:
            continue  # vsftpd would refuse to start; nothing to learn from the line
        name, _, raw = stripped.partition("=")
        key = name.strip().lower()
        if not key or not re.fullmatch(r"[a-z0-9_]+", key):
            continue
        raw = raw.strip()
        if key in BOOL_DEFAULTS or key in NUMERIC_KEYS:
            raw = _TRAILING_COMMENT.sub("", raw)
        column = len(line) - len(line.lstrip()) + 1
        options[key] = Option(key, raw, _convert(key, raw), Origin(source.relpath, number, column))
    return options


class Config:
    """Effective values: explicit options over compiled defaults."""

    def __init__(self, source: SourceFile, options: dict[str, Option]):
        self.source = source
        self.options = options
        self.file_origin = Origin(source.relpath, 1)

    def opt(self, key: str) -> Option | None:
        return self.options.get(key)

    def flag(self, key: str) -> bool | None:
        """Effective boolean; None when the file sets it to something unknown (templated)."""
        option = self.options.get(key)
        if option is None:
            return BOOL_DEFAULTS.get(key)
        return option.value if isinstance(option.value, bool) else None

    def origin(self, key: str) -> Origin:
        option = self.options.get(key)
        return option.origin if option is not None else self.file_origin


def _settings(config: Config) -> list[Fact]:
    facts: list[Fact] = []
    for option in config.options.values():
        value = option.value if option.value is not None else option.raw
        facts.append(Setting(origin=option.origin, product=PRODUCT, section="", key=option.key,
                             value=value, raw=option.raw, detail=f"vsftpd sets `{option.key}={option.raw}`"))
    for key in ("anonymous_enable", "local_enable", "write_enable", "ssl_enable", "listen",
                "listen_ipv6", "tcp_wrappers", "force_local_logins_ssl", "force_local_data_ssl",
                "ssl_sslv2", "ssl_sslv3", "ssl_tlsv1", "anon_upload_enable"):
        if key not in config.options:
            default = BOOL_DEFAULTS[key]
            facts.append(Setting(origin=config.file_origin, product=PRODUCT, section="", key=key, value=default,
                                 raw="", explicit=False,
                                 detail=f"`{key}` is absent and vsftpd's compiled default is {'YES' if default else 'NO'}"))
    return facts


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return address.strip().lower() == "localhost"


def _is_wildcard(address: str) -> bool:
    return address.strip().strip("[]") in ("", "0.0.0.0", "::", "*")


def _is_internal(address: str) -> bool:
    """Loopback, private or link-local: reachable from the LAN at most."""
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return address.strip().lower() == "localhost"
    return ip.is_loopback or ip.is_private or ip.is_link_local


def _anonymous(config: Config) -> AnonymousAccess | None:
    enabled = config.flag("anonymous_enable")
    if not enabled:
        return None
    option = config.opt("anonymous_enable")
    if option is None:
        detail = ("`anonymous_enable` is absent and vsftpd's compiled default is YES (the Debian man "
                  "page's NO is wrong): anyone can log in as `anonymous` or `ftp` without a password")
    else:
        detail = f"`anonymous_enable={option.raw}` lets anyone log in as `anonymous` or `ftp` without a password"
    writes = [k for k in _WRITE_KEYS if config.flag(k)]
    write = bool(writes) and config.flag("write_enable") is True
    operations: list[str] = ["read"] if config.flag("download_enable") is not False else []
    if write:
        names = {"anon_upload_enable": "upload", "anon_mkdir_write_enable": "mkdir",
                 "anon_other_write_enable": "delete/rename"}
        operations += [names[k] for k in writes]
        detail += ", and to write (" + ", ".join(f"`{k}=YES`" for k in writes) + " with `write_enable=YES`)"
    notes = []
    if config.flag("secure_email_list_enable"):
        # A shared password list, checked in clear text: still an anonymous account.
        detail = detail.replace(" without a password", " with any of the shared passwords in `email_password_file` "
                                "(`secure_email_list_enable=YES`)", 1)
    if config.flag("no_anon_password"):
        notes.append("`no_anon_password` is YES, so vsftpd does not even ask for an e-mail address")
    if config.flag("anon_world_readable_only") is False:
        notes.append("`anon_world_readable_only=NO` serves files that are not world-readable")
    if notes:
        detail += "; " + "; ".join(notes)
    anon_root = config.opt("anon_root")
    return AnonymousAccess(
        origin=option.origin if option is not None else config.file_origin, product=PRODUCT, service="ftp",
        resource=anon_root.raw if anon_root is not None else "~ftp", who="anonymous", read=True, write=write,
        operations=tuple(operations), detail=detail)


def _listen_address(config: Config) -> tuple[Option | None, str]:
    """The option that fixes the listening address (or None) and the mode (ipv4, ipv6, inetd)."""
    ipv6, ipv4 = config.flag("listen_ipv6"), config.flag("listen")
    if ipv6:
        return config.opt("listen_address6"), "ipv6"
    if ipv4:
        return config.opt("listen_address"), "ipv4"
    return None, "inetd"


def _tls_versions(config: Config) -> tuple[list[str], list[Option]]:
    """Versions the configuration permits (only meaningful with ssl_enable=YES) and the options
    that explicitly enable a weak one."""
    allowed: list[str] = []
    culprits: list[Option] = []
    for version, keys in _VERSION_KEYS:
        explicit = [config.opt(k) for k in keys if config.opt(k) is not None]
        if explicit:
            value = explicit[-1].value
            if value is None:
                continue  # templated or bad spelling: unknown, do not guess
            if value:
                allowed.append(version)
                if version in ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1"):
                    culprits.append(explicit[-1])
            continue
        if version == "TLSv1.1":
            # vsftpd 3.0.3 has no TLS 1.1 switch: it is on whenever TLS 1.0 is (the minimum is
            # what matters); without ssl_tlsv1 the minimum is left to OpenSSL.
            if "TLSv1.0" in allowed:
                allowed.append(version)
            continue
        if BOOL_DEFAULTS[keys[0]]:
            allowed.append(version)
    return allowed, culprits


def _tls(config: Config, local_logins: bool, exposed: bool) -> list[Fact]:
    facts: list[Fact] = []
    ssl = config.flag("ssl_enable")
    if ssl is None:
        return facts  # templated: unknown
    if not ssl:
        if local_logins:
            option = config.opt("ssl_enable")
            what = f"`ssl_enable={option.raw}`" if option else "`ssl_enable` is absent (default NO)"
            facts.append(TlsPolicy(
                origin=config.origin("ssl_enable"), product=PRODUCT, service="ftp", role="server", enforced=False,
                exposed=exposed,
                detail=f"{what} while local users log in (`local_enable=YES`): logins and files cross the network in clear text"))
        return facts
    if local_logins and config.flag("implicit_ssl") is not True:
        weak = [k for k in ("force_local_logins_ssl", "force_local_data_ssl") if config.flag(k) is False]
        if weak:
            key = weak[0]
            what = " and ".join(f"`{k}={config.opt(k).raw}`" for k in weak)
            facts.append(TlsPolicy(
                origin=config.origin(key), product=PRODUCT, service="ftp", role="server", enforced=False, exposed=exposed,
                detail=f"`ssl_enable=YES` but {what}: local users may still "
                       + ("log in without TLS" if "force_local_logins_ssl" in weak else "transfer files unencrypted")))
        elif config.flag("force_local_logins_ssl") and config.flag("force_local_data_ssl"):
            facts.append(TlsPolicy(
                origin=config.origin("ssl_enable"), product=PRODUCT, service="ftp", role="server", enforced=True,
                exposed=exposed, detail="vsftpd requires TLS for local logins and their transfers"))
    if not (local_logins or config.flag("allow_anon_ssl")):
        return facts  # no session ever negotiates TLS
    versions, culprits = _tls_versions(config)
    weak = [v for v in versions if v in ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1")]
    if weak:
        reasons = [f"`{c.key}={c.raw}`" for c in culprits]
        if "TLSv1.0" in weak and config.opt("ssl_tlsv1") is None:
            reasons.append("`ssl_tlsv1` is absent and vsftpd 3.0.3's default is YES")
        origin = culprits[0].origin if culprits else config.origin("ssl_enable")
        facts.append(TlsPolicy(
            origin=origin, product=PRODUCT, service="ftp", role="server", enforced=None, versions=tuple(versions),
            exposed=exposed, detail=f"{' and '.join(reasons)}: vsftpd accepts {', '.join(weak)}"))
    return facts


def read(source: SourceFile, ctx=None) -> list[Fact]:
    config = Config(source, parse(source))
    facts = _settings(config)

    anonymous = _anonymous(config)
    if anonymous is not None:
        facts.append(anonymous)

    address_opt, mode = _listen_address(config)
    address = address_opt.value if address_opt is not None and isinstance(address_opt.value, str) else ""
    if address_opt is not None and templated(address_opt.raw):
        address = ""
    local_only = bool(address) and not _is_wildcard(address) and _is_internal(address)
    loopback = local_only and _is_loopback(address)
    local_logins = config.flag("local_enable") is True

    facts.extend(_tls(config, local_logins, exposed=not loopback))

    port_opt = config.opt("listen_port")
    port = port_opt.value if port_opt is not None and isinstance(port_opt.value, int) else 21
    tls = config.flag("ssl_enable") is True and (
        config.flag("implicit_ssl") is True
        or (config.flag("force_local_logins_ssl") is True and config.flag("force_local_data_ssl") is True))
    if local_only:
        exposure = "local"
        where = address_opt.origin
        detail = f"vsftpd listens only on `{address_opt.key}={address_opt.raw}`"
    elif config.flag("tcp_wrappers"):
        exposure = "restricted"
        where = config.origin("tcp_wrappers")
        detail = "vsftpd listens on every interface but checks clients against TCP wrappers (`tcp_wrappers=YES`)"
    elif address and not _is_wildcard(address):
        exposure, where = "all", address_opt.origin
        detail = f"vsftpd listens on the public address `{address_opt.key}={address_opt.raw}`"
    else:
        exposure = "all"
        if mode == "inetd":
            where = config.origin("listen") if config.opt("listen") else config.file_origin
            detail = ("vsftpd runs from inetd/systemd (`listen=NO`, `listen_ipv6=NO`); the socket usually "
                      f"accepts port {port} on every interface")
        else:
            key = "listen_ipv6" if mode == "ipv6" else "listen"
            where = config.origin(key)
            detail = (f"vsftpd listens on port {port} of every "
                      + ("IPv6 and IPv4 address (`listen_ipv6=YES`)" if mode == "ipv6" else "IPv4 address")
                      + " without `listen_address` or `tcp_wrappers`")
    anon = anonymous is not None
    auth = ("optional" if local_logins else "none") if anon else ("required" if local_logins else "unknown")
    facts.append(Listener(
        origin=where, product=PRODUCT, service="ftp", port=port, address=address or "*", exposure=exposure,
        via="config", tls=tls, auth=auth, anonymous=anon,
        detail=detail + ("; anonymous logins are enabled" if anon else "")))
    return facts
