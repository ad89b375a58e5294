"""Trees the audit tests scan: one with hostile names and values, waivers valid and expired."""
from __future__ import annotations

from pathlib import Path

SCRIPT_DIR = "<script>alert(1)<"  # with its child below, the path reads <script>alert(1)</script>/
SCRIPT_CHILD = "script>"
IMG_SHARE = '"><img src=x onerror=alert(1)>'
REASON = "<script>alert('reason')</script> scanner VLAN"

SMB_CONF = f"""[global]
   workgroup = CLINIC
   map to guest = bad user
[{IMG_SHARE}]
   path = /srv/scans
   guest ok = yes
[drop]
   path = /srv/drop
   # pacsguard:ignore PG201 until=2099-12-31 -- {REASON}
   guest ok = yes
[old]
   path = /srv/old
   # pacsguard:ignore PG201 until=2020-01-31 -- temporary while the modality is replaced
   guest ok = yes
"""


def hostile_tree(root: Path) -> Path:
    """A Samba-only tree: its path and a share name carry markup, a waiver reason too."""
    folder = root / SCRIPT_DIR / SCRIPT_CHILD / "etc" / "samba"
    folder.mkdir(parents=True)
    (folder / "smb.conf").write_text(SMB_CONF, encoding="utf-8")
    return root
