"""The security-group chain: a machine that runs a PACS or NAS service, attached to a group that
admits the internet to it.

The group's rule is already reported where it is written; this fact says which workload the rule
exposes, at the line that attaches the group, and names the rule's own place in its message, so
one finding carries both locations. What a machine runs is read from what the code says about it:
its name, tags, AMI (or the AMI data source's filters) and user data.
"""
from __future__ import annotations

import re

from linter.facts import Ingress, Listener
from linter.formats.terraform import _values as values
from linter.formats.terraform._context import MapContext
from linter.formats.terraform._ingress import exposed
from linter.formats.terraform.model import Resource
from linter.knowledge import PORT_SERVICE
from linter.model import Origin

# Product words -> the service they serve (the catalogue's PACS, DICOM and NAS software), most
# specific first: a machine tagged "pacs" that runs dcm4chee is reported as running dcm4chee.
_WORKLOADS = (
    ("orthanc", "dicom"), ("dcm4chee", "dicom"), ("dcm4che", "dicom"), ("conquest", "dicom"),
    ("dcmqrscp", "dicom"), ("storescp", "dicom"), ("samba", "smb"), ("smbd", "smb"),
    ("vsftpd", "ftp"), ("proftpd", "ftp"), ("pure-ftpd", "ftp"), ("nfs-kernel-server", "nfs"),
    ("netatalk", "afp"), ("synology", "smb"), ("qnap", "smb"), ("truenas", "smb"), ("ohif", "http"),
    ("dicom", "dicom"), ("pacs", "dicom"), ("cifs", "smb"), ("smb", "smb"), ("ftp", "ftp"),
    ("nfs", "nfs"), ("afp", "afp"),
)
_WORD = re.compile(r"(?<![a-z])(" + "|".join(re.escape(w) for w, _ in _WORKLOADS) + r")(?![a-z])")
_SERVICE = dict(_WORKLOADS)
_RANK = {word: rank for rank, (word, _) in enumerate(_WORKLOADS)}
# Ports each service uses, to pick the exposed rule that concerns the workload.
_SERVICE_PORTS = {s: {p for p, name in PORT_SERVICE.items() if name == s} for s in set(_SERVICE.values())}
_SERVICE_PORTS["dicom"] |= {8042, 8080, 8443, 80, 443}


# Where code says what a machine runs: AWS (tags, user data, AMI), Google (labels, metadata and
# its startup script), Azure (custom data is base64 and unread; tags and image references are).
_EVIDENCE_ATTRS = ("tags", "tags_all", "labels", "name", "name_prefix", "user_data", "ami", "image_id",
                   "metadata", "metadata_startup_script", "source_image_id", "task_definition")
_IMAGE_KEYS = ("image", "source_image", "offer", "sku", "publisher")


def runs(resource: Resource, ctx: MapContext) -> tuple[str, str] | None:
    """(service, evidence) when the code says this machine runs a PACS or NAS product."""
    evidence = [("name", resource.name)]
    for block in resource.body.walk():  # boot disk images, marketplace image references
        for key in _IMAGE_KEYS:
            if block is not resource.body and values.present(block, key):
                evidence.append((f"`{key}`", values.all_text(block.get(key))))
    for attr in _EVIDENCE_ATTRS:
        evidence.append((f"`{attr}`", values.all_text(resource.get(attr))))
        sources = [ctx.resolve(resource, ref) for ref in values.refs(resource.get(attr))]
        if attr in ("ami", "image_id"):
            sources += ctx.data_sources(resource, resource.get(attr), "aws_ami")
        for source in {id(s): s for s in sources if s is not None}.values():
            # data "aws_ami" "orthanc" { filter ... }; an ECS task definition's container images
            if source.mode == "data" or source.type == "aws_ecs_task_definition":
                inside = " ".join(values.all_text({k: a.value for k, a in b.attributes.items()})
                                  for b in source.body.walk())
                evidence.append((f"`{attr}` ({source.address})", f"{source.name} {inside}"))
    found = [(_RANK[m.group(1)], m.group(1), where) for where, text in evidence for m in _WORD.finditer(text.lower())]
    if not found:
        return None
    _, word, where = min(found)
    return _SERVICE[word], f"{word} (found in its {where})"


def _covers(rule: Ingress, service: str | None) -> bool:
    return bool(service) and (rule.protocol == "all" or any(
        rule.port_from <= p <= rule.port_to for p in _SERVICE_PORTS.get(service, ())))


def _pick(rules: list[Ingress], service: str | None) -> Ingress:
    return next((rule for rule in rules if _covers(rule, service)), rules[0])


def attached_exposure(resource: Resource, ctx: MapContext, groups: list[tuple[Resource, Origin]],
                      public_ip: bool | None, product: str, link: str = "is attached to") -> Listener | None:
    """A Listener for a PACS/NAS machine (or one with an explicit public address) whose security
    group admits the internet to a sensitive port or to every port; None otherwise."""
    if public_ip is False or not groups:
        return None
    found = runs(resource, ctx)
    if found is None and public_ip is not True:
        return None  # the open rule is reported on its own; nothing ties it to a PACS here
    for group, origin in groups:
        rules = [f for f in ctx.ingress_of(group) if exposed(f)]
        if not rules:
            continue
        rule = _pick(rules, found[0] if found else None)
        # the product's service when the open rule reaches it; else what the open port carries
        # (a PACS machine with only SSH open to the world is an SSH exposure)
        service = found[0] if found and _covers(rule, found[0]) else rule.service
        what = f"runs {found[1]}" if found else "has `associate_public_ip_address = true`"
        return Listener(
            origin=origin, product=product, service=service, port=rule.port_from, port_to=rule.port_to,
            protocol=rule.protocol, exposure="internet", via="security-group", auth="unknown",
            detail=(f"`{resource.address}` {what} and {link} `{group.address}`: "
                    f"{rule.detail} ({rule.origin.path}:{rule.origin.line})"))
    return None
