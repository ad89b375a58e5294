"""One reader module per file format. Each module exposes

    read(source: SourceFile, ctx: ReadContext) -> list[Fact]

or, for formats whose configuration is spread over a directory (Orthanc merges every *.json of
its folder; Debian's Pure-FTPd keeps one file per option), marked `group=True` below,

    read_group(sources: list[SourceFile], ctx: ReadContext) -> list[Fact]

Readers raise `linter.model.ParseError` for input that does not follow the grammar. Modules are
imported only when a discovered file needs them, to keep a pre-commit run on one file fast.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType



@dataclass(frozen=True)
class Format:
    module: str
    description: str
    group: bool = False  # read all files of one directory together (read_group)
    first: bool = False  # read before the others: it claims files it reads in context (ctx.claim)
    # The module groups its files into reading units itself (`unit_key(relpath, root)`): all the
    # files of one Ansible project are one unit, so a scan split over workers evaluates it once.
    units_by_module: bool = False
    # A named file (pre-commit) answers for the facts its reader finds in files it reads through
    # it: the modules a Terraform root calls, the configs a compose service mounts. Readers that
    # emit a whole project whatever file they start from (Ansible) say instead, per fact, which
    # files it derives from (`Fact.derived_from`).
    focus_through_reads: bool = False


# format name -> reader
FORMATS: dict[str, Format] = {
    "samba": Format("linter.formats.samba", "Samba smb.conf"),
    "vsftpd": Format("linter.formats.vsftpd", "vsftpd.conf"),
    "proftpd": Format("linter.formats.proftpd", "ProFTPD proftpd.conf"),
    "pureftpd": Format("linter.formats.pureftpd", "Pure-FTPd pure-ftpd.conf"),
    "pureftpd_dir": Format("linter.formats.pureftpd", "Pure-FTPd Debian conf/ directory", group=True),
    "nfs": Format("linter.formats.nfs", "NFS exports"),
    "netatalk": Format("linter.formats.netatalk", "Netatalk afp.conf"),
    "orthanc": Format("linter.formats.orthanc", "Orthanc JSON configuration", group=True),
    "dcmtk": Format("linter.formats.dcmtk", "DCMTK dcmqrscp.cfg"),
    "conquest": Format("linter.formats.conquest", "Conquest dicom.ini / dgatesop.lst / acrnema.map", group=True),
    "ddclient": Format("linter.formats.ddclient", "ddclient.conf"),
    "inadyn": Format("linter.formats.inadyn", "inadyn.conf"),
    "miniupnpd": Format("linter.formats.miniupnpd", "miniupnpd.conf"),
    "compose": Format("linter.formats.compose", "docker-compose", first=True, focus_through_reads=True),
    # first: it renders the templates its tasks use and claims them before their own readers run
    "ansible": Format("linter.formats.ansible", "Ansible playbook, role or inventory", first=True,
                      units_by_module=True),
    "nginx": Format("linter.formats.nginx", "nginx configuration"),
    "apache": Format("linter.formats.apache", "Apache httpd configuration"),
    "ohif": Format("linter.formats.ohif", "OHIF viewer app-config.js"),
    "terraform": Format("linter.formats.terraform", "Terraform (.tf, .tf.json, .tfvars)", group=True,
                        focus_through_reads=True),
    "terraform_plan": Format("linter.formats.terraform.plan", "Terraform plan JSON (terraform show -json)"),
}

_loaded: dict[str, ModuleType] = {}


def reader_for(fmt: str) -> ModuleType:
    module = _loaded.get(fmt)
    if module is None:
        module = importlib.import_module(FORMATS[fmt].module)
        _loaded[fmt] = module
    return module


def groups_by_dir(fmt: str) -> bool:
    return FORMATS[fmt].group


def reads_as_group(fmt: str) -> bool:
    """Whether the reader takes a list of files (`read_group`)."""
    return FORMATS[fmt].group or FORMATS[fmt].units_by_module
