"""Which facts belong to the same host, for cross-file rules (a DDNS client beside an exposed share).

The files do not name their host, so the layout decides:
- a file under an `etc/` folder belongs to the machine whose root file system holds that folder
  (`nas/etc/samba/smb.conf` and `nas/etc/ddclient.conf` are both on host `nas`);
- otherwise a file belongs to its own folder (a compose project, a config folder).
Two scopes are related when one contains the other: a DDNS client at the top of a clinic's tree
publishes every service below it, but two sibling hosts do not see each other.
"""
from __future__ import annotations

from pathlib import PurePosixPath


def scope_of(relpath: str) -> str:
    parts = PurePosixPath(relpath).parts[:-1]
    if "etc" in parts:
        index = len(parts) - 1 - parts[::-1].index("etc")
        parts = parts[:index]
    return "/".join(parts)


def related(a: str, b: str) -> bool:
    if a == b or a == "" or b == "":
        return True
    return b.startswith(a + "/") or a.startswith(b + "/")
