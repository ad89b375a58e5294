"""Fuzzing every reader: generated and mutated inputs must give facts or a PG001 parse finding,
never a reader crash (PG005), and finish within a time bound.

Seeds are the fixtures of each format (so mutations stay close to real grammar). The number of
examples per reader is small in the normal suite; set PACSGUARD_FUZZ_EXAMPLES=2000 for a long run.
Inputs that once failed are kept in tests/fuzz_regressions/<format>/ and replayed every time.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, REPO
from linter.classify import classify_by_content, classify_by_name
from linter.engine import scan

EXAMPLES = int(os.environ.get("PACSGUARD_FUZZ_EXAMPLES", "40"))
TIME_BOUND = 5.0  # seconds for one file; real configuration files take milliseconds

# One file name per format, so the generated text is classified as that format.
NAMES = {
    "samba": "smb.conf", "vsftpd": "vsftpd.conf", "proftpd": "proftpd.conf", "pureftpd": "pure-ftpd.conf",
    "nfs": "exports", "netatalk": "afp.conf", "orthanc": "orthanc.json", "dcmtk": "dcmqrscp.cfg",
    "ddclient": "ddclient.conf", "inadyn": "inadyn.conf", "miniupnpd": "miniupnpd.conf",
    "compose": "docker-compose.yml", "nginx": "nginx.conf", "apache": "httpd.conf",
    "pureftpd_dir": "pure-ftpd/conf/NoAnonymous", "ohif": "app-config.js", "terraform": "main.tf",
    "conquest": "dgatesop.lst", "terraform_plan": "plan.json",
    "ansible": "roles/fuzz/tasks/main.yml",
}


def _seeds() -> dict[str, list[str]]:
    seeds: dict[str, list[str]] = {fmt: [] for fmt in NAMES}
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or path.suffix == ".expect":
            continue
        rel = path.relative_to(FIXTURES).as_posix()
        fmt = classify_by_name(rel)
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        fmt = fmt or classify_by_content(rel, text)
        if fmt in seeds and len(seeds[fmt]) < 25:
            seeds[fmt].append(text)
    return seeds


SEEDS = _seeds()


def _mutate(draw, text: str) -> str:
    lines = text.splitlines(keepends=True) or [""]
    op = draw(st.sampled_from(["truncate", "insert", "duplicate", "delete", "splice", "crlf", "bytes"]))
    if op == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if op == "insert":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.text(min_size=1, max_size=40)) + text[at:]
    if op == "duplicate":
        i = draw(st.integers(0, len(lines) - 1))
        return "".join(lines[: i + 1] + [lines[i]] * draw(st.integers(1, 50)) + lines[i + 1:])
    if op == "delete":
        i = draw(st.integers(0, len(lines) - 1))
        return "".join(lines[:i] + lines[i + 1:])
    if op == "splice":
        other = draw(st.sampled_from([s for seeds in SEEDS.values() for s in seeds] or [""]))
        at = draw(st.integers(0, len(text)))
        return text[:at] + other[: draw(st.integers(0, len(other)))] + text[at:]
    if op == "crlf":
        return text.replace("\n", "\r\n")
    return text + draw(st.sampled_from(["\\", "{", "}", "[", "<", "\"", "'", "${", "{{", "\x00", "\ufeff", "=", ":"])) * draw(st.integers(1, 300))


@st.composite
def inputs(draw, fmt: str):
    seeds = SEEDS.get(fmt) or [""]
    if draw(st.booleans()) or not SEEDS.get(fmt):
        return draw(st.text(max_size=400))
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 3))):
        text = _mutate(draw, text)
    return text


def check_one(fmt: str, text: str) -> None:
    from linter.rules import load_rules

    rules = _RULES.setdefault("rules", load_rules())
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / NAMES[fmt]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", errors="surrogatepass")
        started = time.perf_counter()
        result = scan([tmp], rules, root=tmp)
        elapsed = time.perf_counter() - started
    crashes = [f.message for f in result.findings if f.rule_id == "PG005"]
    assert not crashes, f"{fmt} reader crashed: {crashes}\ninput: {text!r}"
    assert elapsed < TIME_BOUND, f"{fmt} reader took {elapsed:.1f}s on {len(text)} characters"


_RULES: dict = {}


@pytest.mark.parametrize("fmt", sorted(NAMES))
def test_reader_never_crashes(fmt):
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("PACSGUARD_FUZZ_RANDOM"),
              suppress_health_check=list(HealthCheck), database=None)
    @given(inputs(fmt))
    def run(text):
        check_one(fmt, text)

    run()


def _regressions():
    folder = REPO / "tests" / "fuzz_regressions"
    for path in sorted(folder.glob("*/*")):
        if path.parent.name in NAMES:
            yield pytest.param(path.parent.name, path, id=f"{path.parent.name}/{path.name}")


@pytest.mark.parametrize("fmt,path", list(_regressions()))
def test_inputs_that_once_failed(fmt, path):
    check_one(fmt, path.read_bytes().decode("utf-8", "surrogateescape"))


# Ansible templates: generated and mutated Jinja must render or give RenderError (PG001), within
# the renderer's own bounds, whatever the variables hold.
def _template_seeds() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob("*.j2"))][:25]


TEMPLATE_SEEDS = _template_seeds()


@st.composite
def templates(draw):
    if draw(st.booleans()) or not TEMPLATE_SEEDS:
        pieces = st.sampled_from(["{{", "}}", "{%", "%}", "{#", "#}", " for x in ", " endfor ", " if ", " endif ",
                                  "range(", ")", "|", "default(", "'a'", " * ", " ** ", "9", "\n", "x.y",
                                  "lookup('pipe','id')", "__class__", "[", "]", "-", " raw ", " endraw "])
        return "".join(draw(st.lists(pieces, max_size=40)))
    text = draw(st.sampled_from(TEMPLATE_SEEDS))
    for _ in range(draw(st.integers(1, 3))):
        text = _mutate(draw, text)
    return text


def test_template_renderer_never_crashes():
    from linter.formats.ansible.jinja import Renderer, RenderError

    variables = {"shares": [{"name": "a", "guest_ok": True}], "x": {"y": "z"}, "flag": "yes"}
    renderer = Renderer(lambda name: variables.get(name), lambda name: name in variables)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("PACSGUARD_FUZZ_RANDOM"),
              suppress_health_check=list(HealthCheck), database=None)
    @given(templates())
    def run(text):
        started = time.perf_counter()
        try:
            rendered = renderer.render_file(text)
            assert len(rendered.line_map) == rendered.text.count("\n") + 1
            assert all(1 <= n <= text.count("\n") + 1 for n in rendered.line_map)
        except RenderError:
            pass
        assert time.perf_counter() - started < TIME_BOUND

    run()
