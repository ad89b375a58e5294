"""Packages a task installs: a DDNS client or a UPnP gateway daemon published from the same host
group as a file or imaging server is the chain of catalogue 3.24 (PG301).

Debian's ddclient, inadyn and miniupnpd packages start their service once installed; the
Publication fact sits on the install task. Server packages give a Listener only where no
configuration the project writes says how the server listens (see evaluate.prune_package_listeners).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from linter.facts import Fact, Listener, Publication
from linter.formats.ansible.modules import emit, mapper, text_of

if TYPE_CHECKING:
    from linter.formats.ansible.evaluate import Task

PUBLISHERS = {"ddclient": "ddns", "inadyn": "ddns", "ez-ipupdate": "ddns", "noip2": "ddns", "miniupnpd": "upnp"}
# Packages whose shipped configuration listens on every interface: package -> (service, port).
SERVERS = {
    "samba": ("smb", 445), "vsftpd": ("ftp", 21), "proftpd": ("ftp", 21), "proftpd-basic": ("ftp", 21),
    "proftpd-core": ("ftp", 21), "pure-ftpd": ("ftp", 21), "nfs-kernel-server": ("nfs", 2049),
    "nfs-utils": ("nfs", 2049), "orthanc": ("dicom", 4242), "netatalk": ("afp", 548),
}
PACKAGE_PRODUCT = "ansible-package"


def _names(value: object) -> list[str]:
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    text = text_of(value)
    if text is None:
        return []
    return [n.strip().split("=")[0].split(">")[0].split("<")[0] for n in text.split(",") if n.strip()]


@mapper("package", "apt", "yum", "dnf", "apk", "pacman", "zypper", "pkgng", "homebrew", "opkg")
def package(task: "Task", out: list[Fact]) -> None:
    state = (text_of(task.args.get("state")) or "present").lower()
    if state in ("absent", "removed", "purged"):
        return
    arg, value = task.first("name", "pkg", "package")
    for name in _names(value):
        low = name.lower()
        if low in PUBLISHERS:
            mechanism = PUBLISHERS[low]
            what = "a dynamic DNS client" if mechanism == "ddns" else "a UPnP/NAT-PMP port-mapping daemon"
            emit(out, task, Publication(
                origin=task.origin(arg), product=low, mechanism=mechanism, provider=low,
                detail=f"`{task.spec.fqcn}` installs `{low}`, {what}, on hosts `{task.frame.hosts}`"))
        elif low in SERVERS:
            service, port = SERVERS[low]
            emit(out, task, Listener(
                origin=task.origin(arg), product=PACKAGE_PRODUCT, service=service, port=port, exposure="all",
                detail=f"`{task.spec.fqcn}` installs `{low}` on hosts `{task.frame.hosts}`; its packaged "
                       "configuration listens on every interface"))
