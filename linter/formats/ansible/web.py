"""Downloads and HTTP calls in clear text: get_url, uri, apt_key, rpm_key, unarchive (`http://`),
and package installs whose signature check is off (`allow_unauthenticated`, `disable_gpg_check`,
`gpgcheck: no`).

A download over plain HTTP without a `checksum` can be replaced on the way, as can a package
whose signature is not checked (PG530); a `uri` call that sends a password or data over plain
HTTP gives it to anyone on the path (PG505). Loopback URLs stay
on the host and are not reported.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from linter.facts import Fact, Setting, TlsPolicy
from linter.formats.ansible.frame import describe
from linter.formats.ansible.modules import emit, flag_of, mapper, text_of

if TYPE_CHECKING:
    from linter.formats.ansible.evaluate import Task

_HTTP = re.compile(r"^http://(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)", re.I)
_LOCAL = re.compile(r"^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?|0\.0\.0\.0)$", re.I)


def _clear_url(task: "Task", *args: str) -> tuple[str | None, str | None]:
    arg, value = task.first(*args)
    url = text_of(value)
    if url is None:
        return None, None
    match = _HTTP.match(url.strip())
    if not match or _LOCAL.match(match.group(1)):
        return None, None
    return arg, url.strip()


def shown(url: str) -> str:
    """The URL without its user-info part, which may hold a password."""
    return re.sub(r"^(\w+://)[^@/]*@", r"\1", url)


@mapper("get_url", "apt_key", "rpm_key", "unarchive")
def download(task: "Task", out: list[Fact]) -> None:
    arg, url = _clear_url(task, "url", "src", "key")
    if url is None or task.args.get("checksum") is not None:
        return
    emit(out, task, Setting(
        origin=task.origin(arg), product="ansible", key="http-download", value=shown(url), raw=shown(url),
        detail=f"`{task.spec.fqcn}` downloads `{shown(url)}` over plain HTTP without a `checksum`: anyone on the "
               f"path can replace what is installed{describe(task.vars_of(arg))}"))


@mapper("uri")
def uri(task: "Task", out: list[Fact]) -> None:
    arg, url = _clear_url(task, "url")
    if url is None:
        return
    sends = [k for k in ("url_password", "password") if text_of(task.args.get(k)) or task.args.get(k) is not None]
    headers = task.args.get("headers")
    if isinstance(headers, dict) and any(str(k).lower() in ("authorization", "x-api-key") for k in headers):
        sends.append("headers")
    if "@" in url.split("/")[2]:
        sends.append("url")
    if flag_of(task.args.get("force_basic_auth")) is True and not sends:
        sends.append("force_basic_auth")
    data = [k for k in ("body", "src") if task.args.get(k) is not None]
    if not sends and not data:
        return  # a plain GET of public data
    what = (f"credentials ({', '.join(f'`{s}`' for s in sends)})" if sends else
            f"data (`{data[0]}`)")
    emit(out, task, TlsPolicy(
        origin=task.origin(arg), product="ansible", service="http", role="client", enforced=False,
        detail=f"`{task.spec.fqcn}` sends {what} to `{shown(url)}` over plain HTTP{describe(task.vars_of(arg))}"))


# Package managers: switches that install packages whose signature was not checked.
_UNSIGNED = {"allow_unauthenticated": True, "disable_gpg_check": True, "gpgcheck": False, "force": True}


@mapper("apt", "yum", "dnf", "zypper", "yum_repository", "zypper_repository", "package")
def unsigned_packages(task: "Task", out: list[Fact]) -> None:
    for key in ("allow_unauthenticated", "disable_gpg_check", "gpgcheck", "force"):
        if key not in task.args or (key == "force" and task.module != "apt"):
            continue  # apt's `force` is `--force-yes`: it implies allow_unauthenticated
        flag = flag_of(task.args[key])
        if flag is None or flag != _UNSIGNED[key]:
            continue
        emit(out, task, Setting(
            origin=task.origin(key), product="ansible", key="unsigned-packages", value=key, raw=task.quoted(key),
            detail=f"`{task.spec.fqcn}` sets `{key}: {task.quoted(key)}`: packages are installed without "
                   "checking their signature, so a tampered mirror or download is installed as is"))
