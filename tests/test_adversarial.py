"""An adversarial corpus, one attack per file, each with its expected outcome. The corpus is built
at test time (a 100 MB file does not belong in a repository) and scanned as one tree: every file
must be accounted for, the scan must finish in bounded time, and nothing may be executed."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from linter.engine import scan


def billion_laughs() -> str:
    text = 'services:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for i in range(1, 10):
        text += f"  x{i}: &x{i} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = f"x{i}"
    return text


def exponential_locals() -> str:
    lines = ['  l0 = ["0.0.0.0/0", "0.0.0.0/0"]'] + [f"  l{i} = [local.l{i - 1}, local.l{i - 1}]" for i in range(1, 60)]
    return "locals {\n" + "\n".join(lines) + "\n}\nresource \"aws_security_group\" \"x\" {\n  description = jsonencode(local.l59)\n  tags = { a = join(\",\", flatten(local.l59)) }\n}\n"


SMB_OPEN = ('resource "aws_security_group" "x" {\n  ingress {\n    from_port = 445\n    to_port = 445\n'
            '    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n')

# name -> (relative path, content or None for a special case, expected rule ids for that path)
ATTACKS: dict[str, tuple[str, object, set[str]]] = {
    "yaml billion laughs": ("bomb/docker-compose.yml", billion_laughs(), {"PG001"}),
    "yaml python object tag": ("pytag/docker-compose.yml",
                               "services:\n  a:\n    image: !!python/object/apply:os.system ['touch PWNED']\n", set()),
    "yaml 10000-deep nesting": ("deepyaml/compose.yml", "services: " + "[" * 10000 + "]" * 10000 + "\n", {"PG001"}),
    "json 10000-deep nesting": ("deepjson/orthanc.json", '{"DicomAet": ' + "[" * 10000 + "]" * 10000 + "}", {"PG001"}),
    "nginx 10000-deep blocks": ("deepnginx/nginx.conf", "http {" * 10000 + "}" * 10000, {"PG001"}),
    "apache 10000-deep containers": ("deepapache/httpd.conf", "<IfModule x>\n" * 10000 + "</IfModule>\n" * 10000, {"PG001"}),
    "proftpd 10000-deep sections": ("deepproftpd/proftpd.conf", "<Global>\n" * 10000 + "</Global>\n" * 10000, {"PG001"}),
    "binary under a config name": ("binary/smb.conf", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, {"PG002"}),
    "invalid utf-8": ("latin1/smb.conf", b"[scans]\n; R\xe9ception\n guest ok = yes\n", {"PG001", "PG104", "PG201"}),
    "utf-16 with bom": ("utf16/smb.conf", "[scans]\n guest ok = yes\n".encode("utf-16"), {"PG104", "PG201"}),
    "crlf line ends": ("crlf/vsftpd.conf", b"anonymous_enable=YES\r\nlisten=YES\r\n", {"PG202"}),
    "newline in file name": ("names/smb\nforged.conf", "[scans]\n guest ok = yes\n", {"PG104", "PG201"}),
    "shell characters in file name": ("names/smb$(touch PWNED);`id`.conf", "[scans]\n guest ok = yes\n", {"PG104", "PG201"}),
    "jinja sandbox escape in a template": (
        "jinja/smb.conf.j2",
        "[scans]\n guest ok = {{ ''.__class__.__mro__[1].__subclasses__() }}\n{% for x in range(10**9) %}{% endfor %}\n",
        {"PG104"}),
    # Ansible: a role whose templates attack the renderer; the task file renders them all.
    "ansible tasks rendering hostile templates": (
        "ansible/roles/evil/tasks/main.yml",
        "".join(f"- ansible.builtin.template: {{src: {name}, dest: /etc/samba/smb.conf}}\n" for name in (
            "escape.j2", "mro.j2", "loop.j2", "nested.j2", "repeat.j2", "power.j2", "outside.j2", "lookup.j2",
            "recursion.j2"))
        + "- include_tasks: main.yml\n- include_tasks: ../../../../../etc/shadow\n"
        + "- ansible.builtin.copy: {src: ../../../../../etc/shadow, dest: /etc/exports}\n"
        + "- ansible.builtin.user: {name: pacs, password: '{{ pacs_password }}'}\n"
        + "- ansible.builtin.shell: \"{{ lookup('pipe', 'touch PWNED') }}\"\n", set()),
    "ansible defaults with tags that construct objects": (
        "ansible/roles/evil/defaults/main.yml",
        "pacs_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6231\n"
        "object: !!python/object/apply:os.system ['touch PWNED']\n"
        "share_name: !!python/name:os.system\n", set()),
    "jinja reaching for python internals": ("ansible/roles/evil/templates/escape.j2",
                                            "[s]\n guest ok = {{ cycler.__init__.__globals__.os.system('touch PWNED') }}\n", {"PG001"}),
    "jinja mro walk": ("ansible/roles/evil/templates/mro.j2", "{{ ''.__class__.__mro__[1].__subclasses__() }}\n", {"PG001"}),
    "jinja huge range": ("ansible/roles/evil/templates/loop.j2", "{% for x in range(10**9) %}{% endfor %}\n", {"PG001"}),
    "jinja nested loops": ("ansible/roles/evil/templates/nested.j2",
                           "{% for a in range(90000) %}{% for b in range(90000) %}{% endfor %}{% endfor %}\n", {"PG001"}),
    "jinja string repetition": ("ansible/roles/evil/templates/repeat.j2", "{{ 'x' * 10**9 }}\n", {"PG001"}),
    "jinja huge power": ("ansible/roles/evil/templates/power.j2", "{{ 2 ** 99999999 }}\n", {"PG001"}),
    "jinja include outside the role": ("ansible/roles/evil/templates/outside.j2",
                                       "{% include '../../../../../../etc/shadow' %}\n", {"PG001"}),
    "jinja lookup never runs": ("ansible/roles/evil/templates/lookup.j2",
                                "[global]\n interfaces = 10.0.0.0/8\n bind interfaces only = yes\n"
                                "[s]\n path = {{ lookup('pipe', 'touch PWNED') }}\n"
                                " comment = {{ query('file', '/etc/shadow') }}\n", set()),
    "jinja recursion": ("ansible/roles/evil/templates/recursion.j2",
                        "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}\n", {"PG001"}),
    "5 MB value on one line": ("longline/vsftpd.conf", "anonymous_enable=" + "Y" * 5_000_000 + "\n", set()),
    "hcl 10000-deep expression": ("deephcl/main.tf", "locals {\n  a = " + "[" * 10000 + "]" * 10000 + "\n}\n", {"PG001"}),
    "hcl 10000-deep blocks": ("deephclblocks/main.tf", "a {\n" * 10000 + "}\n" * 10000, {"PG001"}),
    "hcl 10000-deep json": ("deeptfjson/main.tf.json", '{"locals": {"a": ' + "[" * 10000 + "]" * 10000 + "}}", {"PG001"}),
    "hcl cyclic locals": ("cyclichcl/main.tf", 'locals {\n  a = local.b\n  b = local.a\n  c = "${local.c}x"\n}\n'
                          + SMB_OPEN.replace('["0.0.0.0/0"]', "[local.a]").replace("= 445", "= local.c"), set()),
    "hcl syntax error after an exposure": ("hclsyntax/main.tf", SMB_OPEN + 'resource "y" "z" {\n  a = 1 +\n', {"PG001", "PG110"}),
    "hcl range and join bombs": ("rangebomb/main.tf", 'locals {\n  r = range(100000000)\n  j = join(",", range(100000000))\n'
                                 '  s = [for i in range(100000000) : "${i}"]\n}\nresource "aws_security_group" "x" {\n  description = local.j\n}\n', set()),
    "hcl exponential locals": ("exphcl/main.tf", exponential_locals(), set()),
    "hcl 3 MB list": ("hugehcl/main.tf", "locals {\n  big = [" + ",\n".join('"0.0.0.0/0"' for _ in range(250_000)) + "]\n}\n" + SMB_OPEN, {"PG110"}),
    "module source loop": ("modloop/main.tf", 'module "self" {\n  source = "./"\n}\nmodule "up" {\n  source = "../modloop"\n}\n' + SMB_OPEN, {"PG110"}),
    # a 2 MB value on the line a finding points at: the snippet and masking stay bounded
    "2 MB value on the reported line": ("bigjson/orthanc.json",
                                        '{"RemoteAccessAllowed": true, "RegisteredUsers": {"a": "${A}"}, "Name": "'
                                        + "x" * 2_000_000 + '"}', {"PG206", "PG501", "PG503"}),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("adversarial")
    for path, content, _ in ATTACKS.values():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    huge = root / "huge" / "smb.conf"  # 100 MB, sparse on disk
    huge.parent.mkdir()
    with open(huge, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    (root / "links").mkdir()
    os.symlink(root / "links", root / "links" / "loop")
    os.symlink("/etc/passwd", root / "links" / "smb.conf")
    many = root / "many"
    many.mkdir()
    for i in range(2000):
        (many / f"share{i}.exports").write_text(f"/srv/{i} 10.0.{i // 250}.{i % 250}(ro)\n")
    return root


@pytest.fixture(scope="module")
def result(corpus):
    from linter.rules import load_rules

    started = time.perf_counter()
    outcome = scan([str(corpus)], load_rules(), root=str(corpus))
    outcome.elapsed = time.perf_counter() - started
    return outcome


def test_the_whole_corpus_scans_in_bounded_time(result):
    assert result.elapsed < 60, f"adversarial corpus took {result.elapsed:.1f}s"


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_attack_has_its_expected_outcome(name, result):
    path, _, expected = ATTACKS[name]
    found = {f.rule_id for f in result.findings if f.origin.path == path}
    assert found == expected, f"{name}: {sorted(found)}"
    assert not any(f.rule_id == "PG005" for f in result.findings)


def test_special_files_are_noted_not_followed(result):
    notes = {(f.rule_id, f.origin.path) for f in result.findings}
    assert ("PG002", "huge/smb.conf") in notes
    assert ("PG002", "links/smb.conf") in notes  # a link to /etc/passwd is not read
    assert not any("passwd" in f.snippet or "root:" in f.snippet for f in result.findings)


def test_thousands_of_files_in_one_directory_are_all_read(result):
    assert sum(1 for s in result.files if s.relpath.startswith("many/")) == 2000


def test_nothing_was_executed(corpus):
    assert not list(corpus.rglob("PWNED")) and not Path("PWNED").exists()
