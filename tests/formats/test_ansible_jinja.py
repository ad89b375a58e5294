"""The sandboxed renderer: Ansible filters, placeholders, the line map, and its bounds."""
from __future__ import annotations

import pytest

from linter.formats.ansible.jinja import Renderer, RenderError, add_line_markers, split_marked
from linter.formats.ansible.values import Vaulted


def renderer(variables: dict | None = None, templates: dict | None = None) -> Renderer:
    variables = variables or {}
    templates = templates or {}
    return Renderer(lambda k: variables[k], lambda k: k in variables, templates.get)


def test_line_map_follows_loops_and_trimmed_blocks():
    text = "[global]\n{% for s in shares %}\n[{{ s }}]\n  guest ok = yes\n{% endfor %}\nend\n"
    out = renderer({"shares": ["a", "b"]}).render_file(text)
    pairs = list(zip(out.text.split("\n"), out.line_map))
    assert pairs[:5] == [("[global]", 1), ("[a]", 3), ("  guest ok = yes", 4), ("[b]", 3), ("  guest ok = yes", 4)]
    assert ("end", 6) in pairs


def test_markers_skip_lines_inside_tags():
    marked = add_line_markers("a\n{{ x +\n 1 }}\nb\n")
    assert marked.split("\n")[2] == " 1 }}"  # inside an expression: no marker
    assert [n for _, n in split_marked("\ue0001\ue001a\n\ue0003\ue001\ue0004\ue001b")] == [1, 4]


def test_undefined_values_stay_visible_and_defaults_apply():
    r = renderer({"a": "x"})
    assert r.render_file("k = {{ missing }}").text == "k = {{ missing }}"
    assert r.render_file("k = {{ missing | default('no') }} {{ a | d('z') }}").text == "k = no x"


@pytest.mark.parametrize("expr,expected", [
    ("'yes' | bool", "True"), ("'off' | bool", "False"), ("['a','b'] | join(',')", "a,b"),
    ("'A' | lower", "a"), ("{'k': 1} | to_json", '{"k": 1}'), ("'abc' | regex_replace('b', 'x')", "axc"),
    ("true | ternary('yes', 'no')", "yes"), ("'x' | mandatory", "x"), ("'x' | some.collection.filter", "{{ some.collection.filter }}"),
])
def test_ansible_filters(expr, expected):
    assert renderer().render_file("{{ " + expr + " }}").text == expected


def test_lookups_and_vault_are_unknown_never_run():
    r = renderer({"pw": Vaulted("pw")})
    assert r.render_file("{{ lookup('pipe', 'touch /tmp/x') }}").text == "{{ lookup('pipe') }}"
    assert r.render_file("password = {{ pw }}").text == "password = {{ pw }}"
    assert r.render_file("{% if lookup('env', 'X') %}guest ok = yes{% endif %}").text == ""


def test_value_keeps_native_types():
    r = renderer({"shares": [1, 2], "flag": True})
    assert r.value("{{ shares }}") == [1, 2]
    assert r.value("{{ flag }}") is True
    assert r.value("port {{ shares[0] }}") == "port 1"


@pytest.mark.parametrize("template", [
    "{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}", "{{ ''|attr('__class__') }}",
    "{% for i in range(10**7) %}{% endfor %}", "{{ 'a' * 10**9 }}", "{{ 2 ** 99999999 }}",
    "{% include '../../etc/shadow' %}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{% for %}",
])
def test_hostile_templates_raise_render_error(template):
    with pytest.raises(RenderError):
        renderer().render_file(template)


def test_includes_resolve_through_the_fetch_function():
    r = renderer({"v": "1"}, {"part.j2": "x = {{ v }}"})
    assert r.render_file("{% include 'part.j2' %}").text == "x = 1"


def test_header_line_overrides_trim_blocks():
    text = "#jinja2: trim_blocks: False\n{% if true %}\na\n{% endif %}\n"
    assert renderer().render_file(text).text.startswith("\n\na")


@pytest.mark.parametrize("condition", ["x == 'yes'", "x != 'no'", "x", "x | bool", "lookup('env', 'A') != 'no'"])
def test_unknown_conditions_add_no_line(condition):
    assert renderer().render_file("{% if " + condition + " %}guest ok = yes{% endif %}").text == ""


@pytest.mark.parametrize("template", [
    "hosts allow = 10.0.0.0/8\n{%- for h in extra %} {{ h }}{% endfor %}\nnext = 1\n",
    "{% for s in shares -%}\n[{{ s.name }}]\n{%- if s.guest %}\nguest ok = yes\n{%- endif %}\n{% endfor %}\n",
    "a = {{ x }}\n  {%- if x %}\nb = 2\n  {%- endif %}\nc = 3\n",
    "{% if x %}\n  key = 1\n{% endif %}\n{# c #}\nz = {{ x -}}\n   \ny = 2\n",
])
def test_whitespace_control_gives_jinjas_own_lines(template):
    from jinja2 import Environment

    values = {"extra": ["10.1.0.0/16"], "shares": [{"name": "a", "guest": True}], "x": "v"}
    plain = Environment(trim_blocks=True, keep_trailing_newline=True).from_string(template).render(**values)
    ours = renderer(values).render_file(template).text
    assert [l.strip() for l in ours.split("\n") if l.strip()] == [l.strip() for l in plain.split("\n") if l.strip()]


_PIECES = ["key = {{ x }}", "{% if x %}", "{% endif %}", "{%- if x %}", "{%- endif %}", "{% if x -%}",
           "{% endif -%}", "{% for s in shares %}", "{% endfor %}", "{%- for s in shares -%}", "[{{ s }}]",
           "{# note #}", "{#- note -#}", "  guest ok = yes", "{{ x -}}", "{{- x }}", "", "   ", "a = 1"]


def _balanced(lines: list[str]) -> bool:
    text = "\n".join(lines)
    return text.count("if x") == text.count("endif") and text.count("for s") == text.count("endfor")


def test_rendered_lines_match_plain_jinja_whatever_the_whitespace_control():
    """Differential: the line markers never change which lines the template produces."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    from linter.formats.ansible.jinja import Placeholder

    values = {"x": "v", "shares": ["a", "b"]}
    plain_env = SandboxedEnvironment(trim_blocks=True, keep_trailing_newline=True, undefined=Placeholder)

    @settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
    @given(st.lists(st.sampled_from(_PIECES), max_size=14))
    def run(lines):
        template = "\n".join(lines) + "\n"
        try:
            plain = plain_env.from_string(template).render(**values)
        except TemplateSyntaxError:
            return
        ours = renderer(values).render_file(template)
        assert [l.strip() for l in ours.text.split("\n") if l.strip()] == [l.strip() for l in plain.split("\n") if l.strip()]

    run()
