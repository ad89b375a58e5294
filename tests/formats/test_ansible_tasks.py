"""Ansible task normal form: module names, free-form arguments, args:, action:."""
from __future__ import annotations

import pytest

from linter.formats.ansible.tasks import normalise, parse_kv, short_name, split_args
from linter.formats.ansible.yamlfile import load, to_python
from linter.formats.ansible.values import Unknown, Vaulted


def task(text: str):
    return normalise(load(text))


@pytest.mark.parametrize("module", ["community.general.ufw", "ufw", "ansible.legacy.ufw"])
def test_fqcn_and_short_names_are_one_module(module):
    spec = task(f"{module}:\n  rule: allow\n  port: '445'\n")
    assert spec.module == "ufw" and spec.fqcn == module
    assert spec.args == {"rule": "allow", "port": "445"}
    assert spec.lines == {"rule": 2, "port": 3}


def test_free_form_arguments_keep_quotes_and_jinja_together():
    assert split_args('dest=/etc/a content="x y" mode={{ m | default("0644") }}') == [
        "dest=/etc/a", 'content="x y"', 'mode={{ m | default("0644") }}']
    assert parse_kv('path=/etc/samba/smb.conf option="guest ok" value=yes') == {
        "path": "/etc/samba/smb.conf", "option": "guest ok", "value": "yes"}


def test_free_form_command_line_is_raw_params():
    spec = task("shell: mysql -u root -pS3cret -e 'select 1' chdir=/tmp\n")
    assert spec.module == "shell"
    assert spec.args["_raw_params"].startswith("mysql -u root")


def test_args_keyword_merges_and_module_arguments_win():
    spec = task("copy: dest=/etc/exports\nargs:\n  content: '/srv *(rw)'\n  dest: /elsewhere\n")
    assert spec.args == {"dest": "/etc/exports", "content": "/srv *(rw)"}
    assert spec.lines["content"] == 3


def test_action_and_local_action_spellings():
    assert task("action: ufw rule=allow port=21\n").args == {"rule": "allow", "port": "21"}
    spec = task("local_action:\n  module: ansible.builtin.get_url\n  url: http://x\n")
    assert spec.module == "get_url" and spec.args == {"url": "http://x"}


def test_blocks_and_keywords_are_not_modules():
    assert task("block:\n  - debug: msg=x\nwhen: x\n") is None
    spec = task("name: t\nwhen: a\nbecome: true\nloop: [1]\nufw: rule=allow\n")
    assert spec.module == "ufw" and "loop" in spec.keywords


def test_yaml_tags_never_construct_objects():
    node = load("a: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3131\nb: !!python/object/apply:os.system ['id']\nc: !unsafe '{{ x }}'\nd: yes\ne: 0x1F\n")
    values = to_python(node)
    assert isinstance(values["a"], Vaulted) and isinstance(values["b"], Unknown)
    assert values["c"] == "{{ x }}" and values["d"] is True and values["e"] == 31


def test_short_name():
    assert short_name("ansible.posix.firewalld") == "firewalld"
    assert short_name("firewalld") == "firewalld"
