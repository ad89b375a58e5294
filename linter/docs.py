"""Rule documentation, generated from the rule files: `pacsguard explain` and docs/rules.md."""
from __future__ import annotations


def _snippet(label: str, snippet: dict | None) -> list[str]:
    if not snippet:
        return []
    return [f"## {label}", "", f"`{snippet['path']}`:", "", "```", snippet["code"].rstrip("\n"), "```", ""]


def rule_markdown(rule, heading: str = "#") -> str:
    docs = rule.docs
    lines = [
        f"{heading} {rule.id}: {rule.title}", "",
        f"- name: `{rule.name}`", f"- class: {rule.rule_class}", f"- severity: {rule.severity.label}",
    ]
    if rule.applies_to:
        lines.append(f"- applies to: {', '.join(rule.applies_to)}")
    lines += ["", "## What it does", "", docs["what"].strip(), "", "## Why is this bad?", "", docs["why"].strip(), ""]
    lines += _snippet("Example", docs.get("example"))
    lines += _snippet("Use instead", docs.get("use_instead"))
    lines += ["## References", ""]
    for ref in docs["references"]:
        lines.append(f"- [{ref['title']}]({ref['url']})" if ref.get("url") else f"- {ref['title']}")
    text = "\n".join(lines) + "\n"
    if heading != "#":  # nested inside docs/rules.md: demote the section headings too
        text = text.replace("\n## ", "\n" + heading + "# ")
    return text


def explain(rule) -> str:
    return rule_markdown(rule)


def reference(rules: dict) -> str:
    """docs/rules.md: every rule, generated; a test fails when the file is out of date."""
    lines = ["# pacsguard rule reference", "",
             "Generated from `rules/*.yaml` by `python -m linter.docs`; do not edit by hand.", "",
             "| id | severity | class | title |", "|---|---|---|---|"]
    for rule in rules.values():
        lines.append(f"| [{rule.id}](#{rule.id.lower()}) | {rule.severity.label} | {rule.rule_class} | {rule.title} |")
    lines.append("")
    body = [rule_markdown(rule, heading="##") for rule in rules.values()]
    return "\n".join(lines) + "\n" + "\n".join(body)


if __name__ == "__main__":
    import sys
    from pathlib import Path

    from linter.rules import load_rules

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules.md")
    target.write_text(reference(load_rules()), encoding="utf-8")
    print(f"wrote {target}")
