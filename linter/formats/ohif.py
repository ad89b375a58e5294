"""OHIF Viewer configuration: `app-config.js` and the `public/config/*.js` files of the viewer.

The file is JavaScript that assigns `window.config = { ... }` (or sets `window.config.dataSources`);
it is never executed. The reader scans it as text: comments are blanked (offsets kept, so every
position stays true), then string-valued keys are read where they are written. What it looks at
(OHIF docs, "Data sources - DICOMweb"; the configs shipped in OHIF/Viewers' platform/app/public/config):

- `wadoUriRoot`, `qidoRoot`, `wadoRoot` (and `url`, `dicomUploadUrl`) of each data source: the
  DICOMweb server the browser fetches studies from. `http://` to any host but the loopback sends
  images and patient metadata in clear text; a dynamic-DNS host name (duckdns, no-ip, ...) means
  the archive is published on the internet under that name. Relative paths (`../dicom-web`,
  Orthanc's OHIF plugin) are same-origin and inherit the page's TLS.
- `requestOptions.auth: 'user:password'`: HTTP Basic credentials hard-coded in a file every
  visitor's browser downloads.
Values built at run time (`process.env.X || '...'`, template strings with `${...}`) are unknown
except for a literal fallback after `||`, which is what a build without the variable uses.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from linter.facts import Credential, Fact, Publication, TlsPolicy
from linter.knowledge import classify_secret, is_ddns_hostname
from linter.model import Origin, SourceFile

PRODUCT = "ohif"
URL_KEYS = ("wadoUriRoot", "qidoRoot", "wadoRoot", "url", "dicomUploadUrl")
_VALUE = re.compile(
    r"""(?<![\w$])["']?(?P<key>wadoUriRoot|qidoRoot|wadoRoot|url|dicomUploadUrl|auth)["']?\s*:\s*"""
    r"""(?:[^,'"`\n{}]{0,200}?\|\|\s*)?(?P<quote>['"`])(?P<value>(?:\\.|(?!(?P=quote))[^\\\n]){0,2048})(?P=quote)""")
_LOOPBACK = ("localhost", "127.", "::1", "0:0:0:0:0:0:0:1")


def blank_comments(text: str) -> str:
    """The text with `//` and `/* */` comments replaced by spaces (newlines kept), strings intact."""
    out = list(text)
    i, n = 0, len(text)
    quote = ""
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote or (ch == "\n" and quote != "`"):
                quote = ""
            i += 1
            continue
        if ch in "'\"`":
            quote = ch
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out[i:end] = [c if c == "\n" else " " for c in text[i:end]]
            i = end
            continue
        i += 1
    return "".join(out)


def _is_loopback(host: str) -> bool:
    return host.startswith(_LOOPBACK) or host == "0.0.0.0"


def read(source: SourceFile, ctx) -> list[Fact]:
    text = blank_comments(source.text)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def origin(offset: int) -> Origin:
        import bisect

        index = bisect.bisect_right(line_starts, offset) - 1
        return Origin(source.relpath, index + 1, offset - line_starts[index] + 1)

    facts: list[Fact] = []
    cleartext: dict[str, tuple[Origin, list[str]]] = {}
    ddns: dict[str, Origin] = {}
    for match in _VALUE.finditer(text):
        key, value = match.group("key"), match.group("value")
        if "${" in value or "{{" in value:
            continue  # filled in when the image starts or the bundle is built: unknown
        where = origin(match.start("key"))
        if key == "auth":
            user, sep, secret = value.partition(":")
            if not sep:
                continue
            strength = classify_secret(user, secret)
            facts.append(Credential(
                origin=where, product=PRODUCT, service="dicomweb", user=user, secret=secret, strength=strength,
                secrets=tuple(s for s in (secret, value) if s),
                detail=(f"`requestOptions.auth` hard-codes HTTP Basic credentials for user `{user}` in the viewer "
                        "configuration, which every visitor's browser downloads"
                        + ("; the password is blank" if strength == "blank" else
                           "; the password is a well-known or default one" if strength in ("default", "well-known") else ""))))
            continue
        parts = urlsplit(value.strip())
        host = (parts.hostname or "").lower()
        if not host:
            continue  # relative: same origin as the viewer page
        if is_ddns_hostname(host) and host not in ddns:
            ddns[host] = where
        if parts.scheme.lower() == "http" and not _is_loopback(host):
            endpoint = f"http://{parts.netloc}"
            cleartext.setdefault(endpoint, (where, []))[1].append(key)
    for endpoint, (where, keys) in cleartext.items():
        names = ", ".join(f"`{k}`" for k in dict.fromkeys(keys))
        facts.append(TlsPolicy(
            origin=where, product=PRODUCT, service="dicomweb", role="client", enforced=False, exposed=True,
            detail=(f"the OHIF viewer fetches studies from {endpoint} ({names}) over plain HTTP: images and "
                    "patient metadata cross the network unencrypted")))
    for host, where in ddns.items():
        facts.append(Publication(
            origin=where, product=PRODUCT, mechanism="ddns-endpoint", provider=host.split(".", 1)[-1],
            hostnames=(host,),
            detail=(f"the OHIF viewer reaches its DICOMweb server as `{host}`, a dynamic-DNS name: the archive "
                    "is published on the internet under that name")))
    return facts
