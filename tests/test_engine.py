"""Engine behaviour a user relies on: one bad file never costs the scan."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO
from linter.engine import scan


def test_a_crashing_reader_costs_one_file_not_the_scan(tmp_path, rules, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "smb.conf").write_text("[x]\nguest ok = yes\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "smb.conf").write_text("[x]\nguest ok = yes\n")
    from linter.formats import samba

    real = samba.read

    def flaky(source, ctx):
        if source.relpath.startswith("a/"):
            raise KeyError("simulated reader bug")
        return real(source, ctx)

    monkeypatch.setattr(samba, "read", flaky)
    result = scan([str(tmp_path)], rules, root=str(tmp_path))
    found = [(f.rule_id, f.origin.path) for f in result.findings]
    assert ("PG005", "a/smb.conf") in found and ("PG201", "b/smb.conf") in found
    crash = next(f for f in result.findings if f.rule_id == "PG005")
    assert "KeyError" in crash.message


def test_cli_exit_code_with_a_crashing_reader(tmp_path):
    (tmp_path / "smb.conf").write_text("[global]\nhosts allow = 10.0.0.\n")
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from linter.formats import samba\n"
        "def boom(*a): raise RuntimeError('simulated')\n"
        "samba.read = boom\n"
        "from linter.cli import main\n"
        "raise SystemExit(main(['scan', %r, '--fail-on', 'high']))\n" % (str(REPO), str(tmp_path)))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr  # PG005 is medium: below the high threshold
    assert "PG005" in proc.stdout and "Traceback" not in proc.stderr


def test_a_catastrophic_user_pattern_is_stopped_and_reported(tmp_path):
    import time

    from linter.rules import load_rules

    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "PG690.yaml").write_text(
        "id: PG690\nname: slow-pattern\ntitle: A rule with a catastrophic pattern\nclass: hardening\n"
        "severity: low\nmatch: {fact: Setting, where: {raw: {matches: '(a+)+$'}}}\nmessage: '{detail}'\n"
        "docs: {what: aaaaaaaaaaaa, why: bbbbbbbbbbbb, use_instead: {path: a, code: b}, references: [{title: t}]}\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "smb.conf").write_text("[global]\nhosts allow = 10.0.0.\ncomment = " + "a" * 3000 + "!\n")
    started = time.perf_counter()
    result = scan([str(tree)], load_rules([str(rules_dir)]), root=str(tree))
    assert time.perf_counter() - started < 5
    slow = [f for f in result.findings if f.rule_id == "PG006"]
    assert slow and "PG690" in slow[0].message and slow[0].origin.line == 3
