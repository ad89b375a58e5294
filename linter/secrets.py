"""Masks secret values in everything pacsguard prints.

Two layers: every literal secret a fact quoted is replaced wherever it appears, and any
`password = value` shaped text is masked even if no reader recognised it. A mask keeps only the
first character, so a user can tell which value is meant without the value leaking.
"""
from __future__ import annotations

import re
from functools import lru_cache

_KEYWORDS = r"(?:password|passwd|passphrase|pass|pwd|secret|token|api[_-]?key|private[_-]?key|credentials?|registered[_-]?users|client[_-]?secret|auth)"
_ASSIGNMENT = re.compile(
    # Bounded repetitions keep this linear: on a 2 MB line of word characters an unbounded
    # `[\w.-]*` before the keyword backtracks quadratically.
    r"(?P<key>[\w.-]{0,64}" + _KEYWORDS + r"[\w.-]{0,64}['\"]?[ \t]{0,16}[=:][ \t]{0,16})(?P<quote>['\"`]?)(?P<value>[^\s'\"`,;}{]{1,512})",
    re.IGNORECASE,
)
_NOT_SECRET = frozenset({"yes", "no", "true", "false", "on", "off", "none", "null", "required", "=", ":"})


_KEYWORD = re.compile(_KEYWORDS, re.IGNORECASE)
# Values that name where a secret comes from rather than being one: shell and compose variables,
# Jinja, Python formatting, and Terraform references (`var.db_password`, `data.aws_secretsmanager...`).
_REFERENCE_PREFIXES = ("$", "{{", "%(", "var.", "local.", "module.", "data.", "each.", "self.", "random_password.",
                       "aws_secretsmanager", "vault_generic_secret.", "azurerm_key_vault_secret.",
                       "google_secret_manager")


@lru_cache(maxsize=4096)
def _whole_value(secret: str) -> re.Pattern:
    # Whole values only: the secret `postgres` must not turn `postgres_index-db` into noise. A word
    # in backticks is a key or name a message quotes (`password` holds ...), never the value:
    # messages do not quote secrets.
    return re.compile(r"(?<![\w`-])" + re.escape(secret) + r"(?![\w`-])")


def mask_value(value: str) -> str:
    return (value[0] if value else "") + "*****"


def mask(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    if not text:
        return text
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        if secret in text:
            text = _whole_value(secret).sub(mask_value(secret), text)
    if not _KEYWORD.search(text):
        return text

    def _replace(match: re.Match) -> str:
        value = match.group("value")
        if value.lower() in _NOT_SECRET or value.endswith("*****") or value.startswith(_REFERENCE_PREFIXES):
            return match.group(0)
        return match.group("key") + match.group("quote") + mask_value(value)

    return _ASSIGNMENT.sub(_replace, text)
