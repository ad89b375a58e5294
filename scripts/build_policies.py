"""Writes policies/*.yaml, one compliance pack per framework, from the rules' risk classes
(catalogue section 5.5) plus per-rule extras. A rule added later is mapped by its class without
touching this file; run it after adding a rule, then review the diff: the policy files are what
auditors read, so they stay plain, explicit lists. `tests/test_policies.py` fails when a policy
file is not what this script writes.

    python scripts/build_policies.py
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linter.rules import Rule, load_rules  # noqa: E402

ECFR_164_312 = "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-C/section-164.312"
# Formats that are DICOM nodes (or configure one): the DICOM pack only speaks of those.
DICOM_FORMATS = frozenset({"orthanc", "dcmtk", "dcm4chee"})


@dataclass(frozen=True)
class Framework:
    id: str  # also the file name and the `--policy NAME`
    title: str
    source_title: str
    source_url: str
    controls: tuple[tuple[str, str, str], ...]  # (id, title, text)
    by_class: dict[str, tuple[str, ...]]  # risk class -> default controls
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)  # rule id -> more controls
    by_tag: dict[str, tuple[str, ...]] = field(default_factory=dict)  # rule tag -> more controls
    # Which rules the framework speaks of at all; a framework that covers every rule must map
    # every class (checked when building).
    covers: Callable[[Rule], bool] = lambda rule: True
    covers_every_rule: bool = True
    excluded: frozenset[str] = frozenset()  # covered rules that are nevertheless not evidence
    note: str = ""


HIPAA = Framework(
    id="hipaa",
    title="HIPAA Security Rule - Technical safeguards (45 CFR 164.312)",
    source_title="45 CFR 164.312 Technical safeguards (eCFR)",
    source_url=ECFR_164_312,
    controls=(
        ("164.312(a)(1)", "Access control",
         "Implement technical policies and procedures for electronic information systems that maintain "
         "electronic protected health information to allow access only to those persons or software "
         "programs that have been granted access rights."),
        ("164.312(a)(2)(i)", "Unique user identification",
         "Assign a unique name and/or number for identifying and tracking user identity."),
        ("164.312(a)(2)(iv)", "Encryption and decryption",
         "Implement a mechanism to encrypt and decrypt electronic protected health information."),
        ("164.312(b)", "Audit controls",
         "Implement hardware, software, and/or procedural mechanisms that record and examine activity in "
         "information systems that contain or use electronic protected health information."),
        ("164.312(c)(1)", "Integrity",
         "Implement policies and procedures to protect electronic protected health information from "
         "improper alteration or destruction."),
        ("164.312(d)", "Person or entity authentication",
         "Implement procedures to verify that a person or entity seeking access to electronic protected "
         "health information is the one claimed."),
        ("164.312(e)(1)", "Transmission security",
         "Implement technical security measures to guard against unauthorized access to electronic "
         "protected health information that is being transmitted over an electronic communications network."),
        ("164.312(e)(2)(ii)", "Encryption",
         "Implement a mechanism to encrypt electronic protected health information whenever deemed appropriate."),
    ),
    by_class={
        "exposed-port": ("164.312(a)(1)", "164.312(e)(1)"),
        "anonymous-access": ("164.312(a)(1)", "164.312(d)"),
        "ddns-exposure": ("164.312(a)(1)", "164.312(e)(1)"),
        "blank-credentials": ("164.312(a)(2)(i)", "164.312(d)"),
        "missing-tls": ("164.312(e)(1)", "164.312(e)(2)(ii)"),
        "hardening": ("164.312(a)(1)",),
    },
    # Writes by anonymous or unknown peers threaten integrity; audit-trail rules are evidence for
    # audit controls. (a)(2)(iv) is about stored data: no configuration rule gives evidence yet.
    extra={
        "PG103": ("164.312(c)(1)",), "PG160": ("164.312(c)(1)",), "PG201": ("164.312(c)(1)",),
        "PG202": ("164.312(c)(1)",), "PG206": ("164.312(c)(1)",), "PG621": ("164.312(c)(1)",),
        "PG622": ("164.312(c)(1)",), "PG623": ("164.312(b)",), "PG660": ("164.312(b)",),
        "PG661": ("164.312(d)",),
        "PG530": ("164.312(c)(1)",),  # unsigned or unchecked downloads: integrity of what is installed
    },
    by_tag={"audit": ("164.312(b)",)},
)

NIST = Framework(
    id="nist-800-53",
    title="NIST SP 800-53 Rev. 5 - Security and Privacy Controls",
    source_title="NIST SP 800-53 Rev. 5, Security and Privacy Controls for Information Systems and Organizations",
    source_url="https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final",
    controls=(
        ("AC-3", "Access Enforcement", ""),
        ("AC-4", "Information Flow Enforcement", ""),
        ("AC-6", "Least Privilege", ""),
        ("AC-14", "Permitted Actions Without Identification or Authentication", ""),
        ("AC-17", "Remote Access", ""),
        ("AU-2", "Event Logging", ""),
        ("CM-6", "Configuration Settings", ""),
        ("CM-7", "Least Functionality", ""),
        ("IA-2", "Identification and Authentication (Organizational Users)", ""),
        ("IA-5", "Authenticator Management", ""),
        ("IA-5(1)", "Authenticator Management | Password-based Authentication", ""),
        ("IA-8", "Identification and Authentication (Non-organizational Users)", ""),
        ("SC-7", "Boundary Protection", ""),
        ("SC-8", "Transmission Confidentiality and Integrity", ""),
        ("SC-8(1)", "Transmission Confidentiality and Integrity | Cryptographic Protection", ""),
        ("SC-13", "Cryptographic Protection", ""),
        ("SC-23", "Session Authenticity", ""),
    ),
    by_class={
        "exposed-port": ("SC-7", "AC-4", "AC-17", "CM-7"),
        "anonymous-access": ("AC-3", "AC-14", "IA-2", "IA-8"),
        "ddns-exposure": ("SC-7", "AC-17", "CM-7"),
        "blank-credentials": ("IA-2", "IA-5", "IA-5(1)"),
        "missing-tls": ("SC-8", "SC-8(1)", "SC-13"),
        "hardening": ("CM-6", "CM-7", "AC-6"),
    },
    # An unauthenticated web API is an access-enforcement failure, not only a password one; a
    # client that does not check the server's certificate cannot tell who it is talking to.
    extra={"PG402": ("AC-3", "AC-14"), "PG504": ("SC-23",), "PG660": ("AU-2",)},
    by_tag={"audit": ("AU-2",)},
)

CIS = Framework(
    id="cis-v8",
    title="CIS Critical Security Controls v8 - Safeguards",
    source_title="CIS Critical Security Controls Version 8",
    source_url="https://www.cisecurity.org/controls/v8",
    controls=(
        ("3.3", "Configure Data Access Control Lists", ""),
        ("3.10", "Encrypt Sensitive Data in Transit", ""),
        ("4.1", "Establish and Maintain a Secure Configuration Process", ""),
        ("4.4", "Implement and Manage a Firewall on Servers", ""),
        ("4.7", "Manage Default Accounts on Enterprise Assets and Software", ""),
        ("4.8", "Uninstall or Disable Unnecessary Services on Enterprise Assets and Software", ""),
        ("5.2", "Use Unique Passwords", ""),
        ("8.2", "Collect Audit Logs", ""),
        ("12.2", "Establish and Maintain a Secure Network Architecture", ""),
        ("13.4", "Perform Traffic Filtering Between Network Segments", ""),
    ),
    by_class={
        "exposed-port": ("4.4", "4.8", "12.2", "13.4"),
        "anonymous-access": ("3.3", "4.7"),
        "ddns-exposure": ("4.8", "12.2"),
        "blank-credentials": ("4.7", "5.2"),
        "missing-tls": ("3.10",),
        "hardening": ("4.1",),
    },
    extra={"PG660": ("8.2",)},
    by_tag={"audit": ("8.2",)},
)

DICOM = Framework(
    id="dicom-ps315",
    title="DICOM PS3.15 - Security and System Management Profiles",
    source_title="DICOM PS3.15 Security and System Management Profiles",
    source_url="https://dicom.nema.org/medical/dicom/current/output/html/part15.html",
    controls=(
        ("A.5", "Audit Trail Message Format Profile",
         "Audit records of DICOM activity in the standard message format, sent to an audit record repository."),
        ("B", "Secure Transport Connection Profiles",
         "DICOM associations over TLS, with entity authentication of the peers (node authentication) "
         "and encryption and integrity of the exchanged objects."),
    ),
    # Peers that are not authenticated and traffic in clear text are what the transport profiles
    # close; only rules about DICOM nodes are evidence for a DICOM profile.
    by_class={"missing-tls": ("B",), "anonymous-access": ("B",)},
    extra={"PG660": ("A.5",)},
    by_tag={"audit": ("A.5",)},
    covers=lambda rule: bool(DICOM_FORMATS.intersection(rule.applies_to)),
    covers_every_rule=False,
    # About HTTP, not DICOM associations (Orthanc's web server, DICOMweb and Orthanc peers, a
    # reverse proxy): not evidence for a PS3.15 transport profile.
    excluded=frozenset({"PG240", "PG501", "PG505"}),
    note="Only rules about DICOM nodes (Orthanc, DCMTK, dcm4chee) are mapped.",
)

FRAMEWORKS = (HIPAA, NIST, CIS, DICOM)


class MappingError(Exception):
    pass


def mapping(framework: Framework, rules: dict[str, Rule]) -> dict[str, list[str]]:
    """Control id -> sorted rule ids that give evidence for it."""
    known = {cid for cid, _, _ in framework.controls}
    mapped: dict[str, set[str]] = {cid: set() for cid, _, _ in framework.controls}
    for rid, rule in rules.items():
        if rule.rule_class == "tool" or not framework.covers(rule):
            continue
        if rid in framework.excluded:
            continue
        if framework.covers_every_rule and rule.rule_class not in framework.by_class:
            raise MappingError(f"{framework.id}: risk class {rule.rule_class!r} of {rid} has no default controls")
        targets = list(framework.by_class.get(rule.rule_class, ())) + list(framework.extra.get(rid, ()))
        for tag in rule.tags:
            targets += framework.by_tag.get(tag, ())
        for cid in targets:
            if cid not in known:
                raise MappingError(f"{framework.id}: {rid} maps to unknown control {cid}")
            mapped[cid].add(rid)
    return {cid: sorted(ids) for cid, ids in mapped.items()}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(framework: Framework, rules: dict[str, Rule]) -> str:
    mapped = mapping(framework, rules)
    lines = [
        f"# {framework.title}: the controls, and the pacsguard rules that give evidence for each.",
        "# Generated by scripts/build_policies.py (default controls per risk class plus per-rule extras).",
    ]
    if framework.note:
        lines.append(f"# {framework.note}")
    lines += [
        f"id: {framework.id}",
        f"title: {_quote(framework.title)}",
        "source:",
        f"  title: {_quote(framework.source_title)}",
        f"  url: {framework.source_url}",
        "controls:",
    ]
    for cid, title, text in framework.controls:
        lines += [f"  - id: {_quote(cid)}", f"    title: {_quote(title)}"]
        if text:
            lines += ["    text: >-", f"      {text}"]
        lines.append(f"    rules: [{', '.join(mapped[cid])}]")
    return "\n".join(lines) + "\n"


def policy_path(framework: Framework) -> Path:
    return Path(__file__).resolve().parent.parent / "policies" / f"{framework.id}.yaml"


def main() -> None:
    rules = load_rules()
    for framework in FRAMEWORKS:
        target = policy_path(framework)
        target.write_text(build(framework, rules), encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
