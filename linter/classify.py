"""Decide which reader a file needs, from its name and, where the name is ambiguous, its text.

Real repositories name the same file many ways: `smb.conf`, `smb.conf.j2`, `samba/shares.conf`,
`etc/samba/smb.conf`, `templates/vsftpd.conf.tmpl`. Names decide first; a generic extension
(`.conf`, `.json`, `.yml`, `.cfg`) is then sniffed for each product's distinctive keys.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

# Suffixes that wrap a config file without changing its grammar (templates, samples).
TEMPLATE_SUFFIXES = (
    ".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".erb", ".in", ".dist",
    ".example", ".sample", ".default", ".orig",
)
SNIFF_SUFFIXES = (".conf", ".cfg", ".json", ".yml", ".yaml", ".cnf", ".ini", ".mysql", ".sqlite", ".postgres", ".mariadb", ".dbase", "")
SNIFF_BYTES = 65536

_COMPOSE_NAME = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$|^[\w.-]+\.compose\.ya?ml$")


def strip_template_suffix(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in TEMPLATE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
                changed = True
    return name


# Copies that are never deployed: editor and package-manager leftovers, test sidecars.
IGNORED_SUFFIXES = (".bak", ".swp", ".swo", "~", ".dpkg-dist", ".dpkg-old", ".dpkg-new", ".rpmnew",
                    ".rpmsave", ".ucf-dist", ".ucf-old", ".expect", ".md", ".rst", ".txt", ".py", ".sh")


# Ansible: the folders of a role that hold YAML (not templates/ or files/, which hold the
# configuration files themselves), variables folders, and inventories by their usual names.
_ANSIBLE_ROLE_DIRS = ("tasks", "handlers", "defaults", "vars", "meta")
_ANSIBLE_INVENTORIES = ("hosts", "inventory", "hosts.ini", "inventory.ini", "hosts.yml", "hosts.yaml",
                        "inventory.yml", "inventory.yaml")


def _ansible_by_name(raw: str, parents: list[str]) -> bool:
    if "ansible_collections" in parents or parents[:1] == ["collections"]:
        return False  # installed collections are other people's code, as are their requirements
    yaml_name = raw.endswith((".yml", ".yaml"))
    if any(p in ("group_vars", "host_vars") for p in parents[-2:]):
        return yaml_name or raw.endswith(".json") or "." not in raw
    if yaml_name and parents and parents[-1] in _ANSIBLE_ROLE_DIRS and (
            "roles" in parents[:-1] or parents[-1] in ("tasks", "handlers") or raw in ("main.yml", "main.yaml")):
        return True
    if "etc" in parents:
        return False  # /etc/hosts of a host tree is not an inventory
    return raw in _ANSIBLE_INVENTORIES or (bool(parents) and parents[-1] in ("inventory", "inventories")
                                           and (raw.endswith((".ini", ".yml", ".yaml")) or "." not in raw))


def classify_by_name(relpath: str) -> str | None:
    """Format from the path alone, or None when the content must decide (or nothing fits)."""
    path = PurePosixPath(relpath)
    if path.name.lower().endswith(IGNORED_SUFFIXES):
        return None
    name = strip_template_suffix(path.name.lower())
    parents = [p.lower() for p in path.parts[:-1]]
    parent = parents[-1] if parents else ""
    if _ansible_by_name(path.name.lower(), parents):
        return "ansible"

    if name == "smb.conf" or name.endswith(".smb.conf") or (name.startswith("smb") and name.endswith(".conf")) or (
            name.endswith(".conf") and parent in ("samba", "smb")):
        return "samba"
    if path.name.lower().endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json")):
        return "terraform"  # on the raw name: `main.tf.example` is not deployed
    if name.startswith("vsftpd") and name.endswith(".conf"):
        return "vsftpd"
    if name == "proftpd.conf" or (name.endswith(".conf") and "proftpd" in parents):
        return "proftpd"
    if name in ("pure-ftpd.conf", "pureftpd.conf"):
        return "pureftpd"
    if parent == "conf" and len(parents) >= 2 and parents[-2] in ("pure-ftpd", "pureftpd"):
        return "pureftpd_dir"
    if name == "exports" or name.endswith(".exports"):
        return "nfs"
    if name in ("afp.conf", "afpd.conf"):
        return "netatalk"
    if name == "dcmqrscp.cfg":
        return "dcmtk"
    if name in ("dgatesop.lst", "acrnema.map"):
        return "conquest"
    if name.startswith("ddclient") and name.endswith(".conf"):
        return "ddclient"
    if name.startswith("inadyn") and name.endswith(".conf"):
        return "inadyn"
    if name.startswith("miniupnpd") and name.endswith(".conf"):
        return "miniupnpd"
    if _COMPOSE_NAME.match(name):
        return "compose"
    if name.endswith(".js") and (name.startswith("app-config") or "ohif" in parents
                                 or (parent == "config" and "public" in parents)):
        return "ohif"  # OHIF viewer configuration (window.config); other JavaScript is not read
    if name.endswith(".json") and (name.startswith("orthanc") or parent == "orthanc"):
        return "orthanc"
    if name == "nginx.conf" or ("nginx" in parents and (name.endswith(".conf") or parent in ("sites-available", "sites-enabled"))):
        return "nginx"
    if name in ("apache2.conf", "httpd.conf", "ports.conf") or (
        name.endswith(".conf") and ("apache2" in parents or "httpd" in parents)
    ):
        return "apache"
    return None


def needs_sniff(relpath: str) -> bool:
    raw = PurePosixPath(relpath).name.lower()
    if raw.endswith(IGNORED_SUFFIXES):
        return False
    name = strip_template_suffix(raw)
    suffix = PurePosixPath(name).suffix
    parent = PurePosixPath(relpath).parent.name.lower()
    # nginx sites (and Apache 2.2 ones) are named after the site: `example.com`, `pacs.clinic.org`
    return parent in ("sites-available", "sites-enabled") or (suffix in SNIFF_SUFFIXES and suffix != "")


# Content signatures: each must be distinctive enough that an unrelated file does not match.
_SNIFFERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("orthanc", re.compile(r'"(RemoteAccessAllowed|DicomAet|RegisteredUsers|DicomModalities|'
                           r'DicomCheckCalledAet|StorageDirectory|OrthancPeers|DicomAlwaysAllowStore)"\s*:')),
    ("terraform_plan", re.compile(r'^\s*\{[\s\S]{0,4096}?"format_version"\s*:[\s\S]*"(planned_values|resource_changes|root_module)"\s*:')),
    ("compose", re.compile(r"(?m)^services:\s*(#.*)?$[\s\S]*?^\s+(image|build):")),
    ("samba", re.compile(r"(?im)^\s*\[global\]\s*$[\s\S]*^\s*(workgroup|server\s*string|security|map\s*to\s*guest)\s*=|"
                         r"^\s*(guest\s*ok|public|read\s*only|writ(e)?able|valid\s*users|browse?able)\s*=\s*\S+[\s\S]*^\s*path\s*=|"
                         r"^\s*path\s*=\s*\S+[\s\S]*^\s*(guest\s*ok|read\s*only|writ(e)?able|browse?able)\s*=")),
    ("vsftpd", re.compile(r"(?m)^\s*(anonymous_enable|anon_upload_enable|local_enable|pasv_enable|listen_ipv6|chroot_local_user)=")),
    ("proftpd", re.compile(r"(?im)^\s*(<Anonymous\s|ServerType\s+(standalone|inetd)|DefaultRoot\s|TLSEngine\s|<Limit\s+LOGIN)")),
    ("ddclient", re.compile(r"(?m)^\s*protocol\s*=\s*[\w-]+[\s\S]*^\s*(login|password|use|usev4)\s*=")),
    ("inadyn", re.compile(r"(?m)^\s*(provider|custom)\s+[\w.:@-]+\s*\{")),
    ("miniupnpd", re.compile(r"(?m)^\s*(ext_ifname|enable_natpmp|secure_mode|enable_upnp)\s*=")),
    ("dcmtk", re.compile(r"(?m)^\s*NetworkTCPPort\s*=[\s\S]*AETable")),
    ("conquest", re.compile(r"(?im)^\s*\[sscscp\]\s*$[\s\S]*^\s*(MyACRNema|TCPPort)\s*=")),
    ("nginx", re.compile(r"(?m)^\s*server\s*\{[\s\S]*?^\s*(listen|server_name|location)\b|"
                         r"^\s*(listen|server_name|proxy_pass|ssl_protocols)\s[^;\n]*;")),
    ("apache", re.compile(r"(?im)^\s*(<VirtualHost\s|Listen\s+[\d\[][^;\n]*$|SSLProtocol\s|ProxyPass\s)")),
    ("netatalk", re.compile(r"(?im)^\s*uam\s*list\s*=|^\s*\[Global\][\s\S]*^\s*afp\s")),
    # A playbook: a list of plays, each with `hosts:` or an `import_playbook:`.
    ("ansible", re.compile(r"(?m)^-\s+(hosts|import_playbook|ansible\.builtin\.import_playbook)\s*:|"
                           r"^-[ \t]+name:.*\n(?:[ \t]+.*\n)*?[ \t]+hosts[ \t]*:")),
)


def classify_by_content(relpath: str, head: str) -> str | None:
    suffix = PurePosixPath(strip_template_suffix(PurePosixPath(relpath).name.lower())).suffix
    for fmt, pattern in _SNIFFERS:
        if fmt in ("orthanc", "terraform_plan") and suffix != ".json":
            continue
        if fmt == "compose" and suffix not in (".yml", ".yaml"):
            continue
        if fmt == "ansible" and suffix not in (".yml", ".yaml"):
            continue
        if suffix in (".json", ".yml", ".yaml") and fmt not in ("orthanc", "compose", "terraform_plan", "ansible"):
            continue
        if pattern.search(head):
            return fmt
    return None
