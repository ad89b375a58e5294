"""Ansible projects end to end: context found from any one file, variable precedence,
inventories, claims, includes and loops."""
from __future__ import annotations

from pathlib import Path

import pytest

from linter.engine import ReadContext, scan
from linter.facts import AnonymousAccess, Ingress
from linter.formats.ansible.inventory import parse_ini, parse_yaml_inventory
from linter.model import SourceFile


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


ROLE = {
    "site.yml": "- hosts: nas\n  roles:\n    - samba\n",
    "hosts": "[nas]\nnas1\n",
    "roles/samba/tasks/main.yml": "- template: src=smb.conf.j2 dest=/etc/samba/smb.conf\n",
    "roles/samba/defaults/main.yml": "samba_guest: true\n",
    "roles/samba/templates/smb.conf.j2": (
        "[global]\n interfaces = lo 10.0.0.0/8\n bind interfaces only = yes\n[scans]\n path = /srv\n"
        "{% if samba_guest %}\n guest ok = yes\n{% endif %}\n"),
}


def findings(root: Path, rules, *paths: str):
    targets = [str(root / p) for p in paths] or [str(root)]
    result = scan(targets, rules, root=str(root))
    return sorted((f.rule_id, f.origin.path, f.origin.line) for f in result.active)


@pytest.mark.parametrize("only", [None, "roles/samba/templates/smb.conf.j2", "roles/samba/defaults/main.yml"])
def test_any_one_file_brings_the_whole_project(tmp_path, rules, only):
    write(tmp_path, ROLE)
    found = findings(tmp_path, rules, *([only] if only else []))
    assert found == [("PG201", "roles/samba/templates/smb.conf.j2", 7)]


def test_facts_name_the_task_and_variables_they_came_from(tmp_path, rules):
    """`derived_from`: a pre-commit run on the defaults file or the playbook concerns the template's finding."""
    write(tmp_path, ROLE)
    result = scan([str(tmp_path)], rules, root=str(tmp_path))
    guest = next(f for f in result.facts if isinstance(f, AnonymousAccess))
    assert {(o.path, o.line) for o in guest.derived_from} == {("roles/samba/tasks/main.yml", 1), ("roles/samba/defaults/main.yml", 1)}


def test_a_rendered_template_is_not_judged_again_raw(tmp_path, rules):
    files = dict(ROLE)
    files["group_vars/nas.yml"] = "samba_guest: false\n"
    write(tmp_path, files)
    assert findings(tmp_path, rules) == []  # raw, ` guest ok = yes` would be a finding


@pytest.mark.parametrize("layer,expect", [
    ({}, True),  # role default
    ({"group_vars/all.yml": "samba_guest: false\n"}, False),
    ({"group_vars/all.yml": "samba_guest: false\n", "group_vars/nas.yml": "samba_guest: true\n"}, True),
    ({"group_vars/nas.yml": "samba_guest: false\n", "host_vars/nas1.yml": "samba_guest: true\n"}, True),
    ({"roles/samba/vars/main.yml": "samba_guest: false\n", "group_vars/nas.yml": "samba_guest: true\n"}, False),
])
def test_variable_precedence(tmp_path, rules, layer, expect):
    files = dict(ROLE)
    files.update(layer)
    if "host_vars/nas1.yml" in layer:
        files["site.yml"] = "- hosts: nas1\n  roles:\n    - samba\n"
    write(tmp_path, files)
    assert bool(findings(tmp_path, rules)) is expect


def test_play_and_role_params_override_group_vars(tmp_path, rules):
    files = dict(ROLE)
    files["group_vars/nas.yml"] = "samba_guest: true\n"
    files["site.yml"] = "- hosts: nas\n  vars:\n    samba_guest: true\n  roles:\n    - role: samba\n      samba_guest: false\n"
    write(tmp_path, files)
    assert findings(tmp_path, rules) == []


def test_includes_loops_and_import_role(tmp_path, rules):
    write(tmp_path, {
        "site.yml": "- hosts: all\n  tasks:\n    - import_role:\n        name: fw\n        tasks_from: open\n",
        "roles/fw/tasks/open.yml": "- include_tasks: ports.yml\n",
        "roles/fw/tasks/ports.yml": ("- community.general.ufw:\n    rule: allow\n    port: '{{ item }}'\n"
                                     "  loop: '{{ fw_ports }}'\n"),
        "roles/fw/defaults/main.yml": "fw_ports: ['22', '445']\n",
    })
    result = scan([str(tmp_path)], rules, root=str(tmp_path))
    ingress = [f for f in result.facts if isinstance(f, Ingress)]
    assert sorted(f.port_from for f in ingress) == [22, 445]
    assert {f.origin.path for f in ingress} == {"roles/fw/tasks/ports.yml"}


def test_project_evaluated_once_however_many_files(tmp_path, rules):
    files = dict(ROLE)
    files.update({f"roles/samba/tasks/extra{i}.yml": "- debug: msg=x\n" for i in range(5)})
    write(tmp_path, files)
    result = scan([str(tmp_path)], rules, root=str(tmp_path))
    assert len([f for f in result.facts if isinstance(f, AnonymousAccess)]) == 1


def test_ini_inventory_groups_children_and_vars(tmp_path):
    text = "[nas]\nnas1 smb_port=445 flag=True\n[pacs:children]\nnas\n[pacs:vars]\nzone=public\n"
    inv = parse_ini(SourceFile(str(tmp_path / "hosts"), "hosts", "ansible", text))
    assert inv.hosts_of("pacs") == {"nas1"}
    assert inv.host_vars["nas1"]["smb_port"].value == 445 and inv.host_vars["nas1"]["flag"].value is True
    assert inv.groups["pacs"].vars["zone"].value == "public"
    assert inv.parents_of("nas") == ["pacs"]


def test_yaml_inventory(tmp_path):
    text = "all:\n  vars:\n    a: 1\n  children:\n    nas:\n      hosts:\n        nas1:\n          b: 2\n"
    inv = parse_yaml_inventory(SourceFile(str(tmp_path / "inventory.yml"), "inventory.yml", "ansible", text))
    assert inv.hosts_of("all") == {"nas1"} and inv.host_vars["nas1"]["b"].value == 2
    assert inv.groups["all"].vars["a"].origin.line == 3


def test_task_file_no_play_reaches_is_still_read(tmp_path, rules):
    write(tmp_path, {"site.yml": "- hosts: all\n  tasks: []\n",
                     "tasks/firewall.yml": "- ufw: rule=allow port=445\n"})
    assert findings(tmp_path, rules) == [("PG110", "tasks/firewall.yml", 1)]


def test_nothing_is_read_outside_the_scanned_tree(tmp_path, rules):
    outside = tmp_path / "outside"
    write(outside, {"smb.conf.j2": "[x]\n guest ok = yes\n"})
    project = tmp_path / "project"
    write(project, {"roles/r/tasks/main.yml": "- template: src=../../../../outside/smb.conf.j2 dest=/etc/samba/smb.conf\n"
                                               "- include_tasks: ../../../../outside/tasks.yml\n"})
    write(outside, {"tasks.yml": "- ufw: rule=allow port=445\n"})
    result = scan([str(project)], rules, root=str(project))
    assert not result.active


def test_partial_edit_keeps_only_what_it_writes(tmp_path, rules):
    write(tmp_path, {"site.yml": "- hosts: all\n  tasks:\n    - ini_file: path=/etc/samba/smb.conf section=s option='guest ok' value=yes\n"
                                 "    - lineinfile: path=/etc/vsftpd.conf line=write_enable=YES\n"})
    found = findings(tmp_path, rules)
    assert found == [("PG201", "site.yml", 3)]  # no "listens everywhere", no "anonymous_enable is absent"


def test_rendered_secrets_are_listed_for_masking(tmp_path, rules):
    write(tmp_path, {
        "roles/ddns/tasks/main.yml": "- template: src=ddclient.conf.j2 dest=/etc/ddclient.conf\n",
        "roles/ddns/defaults/main.yml": "ddns_password: Zq8kLm2pXw\n",
        "roles/ddns/templates/ddclient.conf.j2": "protocol=dyndns2\nssl=yes\nlogin=clinic\npassword={{ ddns_password }}\nclinic.dyndns.org\n",
    })
    result = scan([str(tmp_path)], rules, root=str(tmp_path))
    hits = [f for f in result.active if f.rule_id == "PG403"]
    assert hits and hits[0].origin.path.endswith("ddclient.conf.j2") and hits[0].origin.line == 4
    assert "Zq8kLm2pXw" in hits[0].secrets
    assert "ddns_password" in hits[0].message and "Zq8kLm2pXw" not in hits[0].message


def test_a_mapper_bug_costs_one_task(tmp_path, rules, monkeypatch):
    from linter.formats.ansible import modules

    def broken(task, out):
        raise ValueError("boom")

    monkeypatch.setitem(modules.MAPPERS, "get_url", [broken])
    write(tmp_path, {"site.yml": "- hosts: all\n  tasks:\n    - get_url: url=http://x/y dest=/tmp\n"
                                 "    - ufw: rule=allow port=445\n"})
    found = findings(tmp_path, rules)
    assert ("PG005", "site.yml", 3) in found and ("PG110", "site.yml", 4) in found


def test_template_src_under_role_path(tmp_path, rules):
    files = dict(ROLE)
    files["roles/samba/tasks/main.yml"] = "- template:\n    src: '{{ role_path }}/templates/smb.conf.j2'\n    dest: /etc/samba/smb.conf\n"
    write(tmp_path, files)
    assert findings(tmp_path, rules) == [("PG201", "roles/samba/templates/smb.conf.j2", 7)]


def test_a_group_below_the_plays_hosts_with_its_own_variables(tmp_path, rules):
    files = dict(ROLE)
    files.update({"site.yml": "- hosts: all\n  roles:\n    - samba\n",
                  "hosts": "[nas]\nnas1\n[office]\npc1\n",
                  "roles/samba/defaults/main.yml": "samba_guest: false\n",
                  "group_vars/nas.yml": "samba_guest: true\n"})
    write(tmp_path, files)
    assert findings(tmp_path, rules) == [("PG201", "roles/samba/templates/smb.conf.j2", 7)]


def test_import_playbook_and_include_role_vars(tmp_path, rules):
    files = dict(ROLE)
    files.update({"site.yml": "- import_playbook: playbooks/nas.yml\n",
                  "playbooks/nas.yml": ("- hosts: nas\n  tasks:\n    - include_role:\n        name: samba\n"
                                        "      vars:\n        samba_guest: false\n"),
                  "roles/samba/vars/main.yml": "samba_guest: true\n"})
    write(tmp_path, files)
    assert findings(tmp_path, rules) == []
    (tmp_path / "playbooks/nas.yml").write_text("- hosts: nas\n  tasks:\n    - include_role:\n        name: samba\n")
    assert findings(tmp_path, rules) == [("PG201", "roles/samba/templates/smb.conf.j2", 7)]


def test_default_omit_drops_the_argument(tmp_path, rules):
    write(tmp_path, {"site.yml": (
        "- hosts: all\n  vars:\n    rules_list:\n      - {port: 445}\n      - {port: 22, from_ip: 10.0.0.0/8}\n"
        "  tasks:\n    - ufw: rule=allow port={{ item.port }} from_ip={{ item.from_ip | default(omit) }}\n"
        "      loop: '{{ rules_list }}'\n")})
    result = scan([str(tmp_path)], rules, root=str(tmp_path))
    assert sorted((f.port_from, f.sources) for f in result.facts if isinstance(f, Ingress)) == [
        (22, ("10.0.0.0/8",)), (445, ("any",))]


def test_playbook_in_another_folder(tmp_path, rules):
    files = dict(ROLE)
    del files["site.yml"]
    files["plays/nas.yml"] = "- hosts: nas\n  roles:\n    - samba\n  tasks:\n    - ufw: rule=allow port=445\n"
    files["roles/samba/defaults/main.yml"] = "samba_guest: false\n"
    files["plays/group_vars/all.yml"] = "unused: 1\n"
    write(tmp_path, files)
    assert ("PG110", "plays/nas.yml", 5) in findings(tmp_path, rules)


@pytest.mark.parametrize("path,fmt", [
    ("roles/x/tasks/main.yml", "ansible"), ("roles/x/defaults/main.yml", "ansible"), ("group_vars/all", "ansible"),
    ("inventories/prod/group_vars/nas.yml", "ansible"), ("inventories/prod/hosts", "ansible"), ("hosts", "ansible"),
    ("tasks/firewall.yml", "ansible"), ("defaults/main.yml", "ansible"),
    ("nas/etc/hosts", None), ("collections/ansible_collections/ns/c/roles/x/tasks/main.yml", None),
    ("collections/requirements.yml", None), ("roles/x/templates/smb.conf.j2", "samba"),
    ("roles/x/files/docker-compose.yml", "compose"),
])
def test_classification(path, fmt):
    from linter.classify import classify_by_name

    assert classify_by_name(path) == fmt


def test_set_fact_and_include_vars_feed_later_tasks(tmp_path, rules):
    files = dict(ROLE)
    files["roles/samba/defaults/main.yml"] = "samba_guest: false\n"
    files["roles/samba/vars/guest.yml"] = "samba_guest: true\n"
    files["roles/samba/tasks/main.yml"] = ("- include_vars: guest.yml\n"
                                           "- template: src=smb.conf.j2 dest=/etc/samba/smb.conf\n")
    write(tmp_path, files)
    assert findings(tmp_path, rules) == [("PG201", "roles/samba/templates/smb.conf.j2", 7)]
    (tmp_path / "roles/samba/tasks/main.yml").write_text(
        "- set_fact:\n    samba_guest: \"{{ not open_to_guests | default(true) }}\"\n"
        "- template: src=smb.conf.j2 dest=/etc/samba/smb.conf\n")
    assert findings(tmp_path, rules) == []


def test_unit_key_is_the_project_and_a_group_read_evaluates_it_once(tmp_path, rules):
    from linter.formats import ansible

    write(tmp_path, ROLE)
    assert {ansible.unit_key(p, str(tmp_path)) for p in ROLE} == {"."}
    ctx = ReadContext(tmp_path)
    sources = [SourceFile(str(tmp_path / p), p, "ansible", (tmp_path / p).read_text()) for p in
               ("site.yml", "roles/samba/tasks/main.yml", "roles/samba/defaults/main.yml")]
    facts = ansible.read_group(sources, ctx)
    assert len([f for f in facts if isinstance(f, AnonymousAccess)]) == 1


def test_a_host_with_its_own_variables(tmp_path, rules):
    files = dict(ROLE)
    files.update({"hosts": "[nas]\nnas1\nnas2 samba_guest=True\n",
                  "roles/samba/defaults/main.yml": "samba_guest: false\n"})
    write(tmp_path, files)
    assert findings(tmp_path, rules) == [("PG201", "roles/samba/templates/smb.conf.j2", 7)]


def test_set_fact_outranks_role_vars_but_not_role_params(tmp_path, rules):
    """Ansible's precedence: set_fact (19) beats role vars (15); role params (20) beat set_fact."""
    files = dict(ROLE)
    files["roles/samba/defaults/main.yml"] = "samba_guest: false\n"
    files["roles/samba/vars/main.yml"] = "samba_guest: false\n"
    files["roles/samba/tasks/main.yml"] = ("- set_fact:\n    samba_guest: true\n"
                                           "- template: src=smb.conf.j2 dest=/etc/samba/smb.conf\n")
    write(tmp_path, files)
    assert findings(tmp_path, rules) == [("PG201", "roles/samba/templates/smb.conf.j2", 7)]
    (tmp_path / "site.yml").write_text(
        "- hosts: nas\n  roles:\n    - role: samba\n      samba_guest: false\n")
    assert findings(tmp_path, rules) == []
