"""miniupnpd.conf options, defaults and permission rules (miniupnpd 2.3.1)."""
from pathlib import Path

import pytest

from linter.engine import ReadContext
from linter.facts import Listener, Publication, Setting
from linter.formats import miniupnpd
from linter.model import ParseError, SourceFile


def read(text: str):
    root = Path("/nonexistent")
    return miniupnpd.read(SourceFile(str(root / "miniupnpd.conf"), "miniupnpd.conf", "miniupnpd", text),
                          ReadContext(root))


def of(facts, kind):
    return [f for f in facts if isinstance(f, kind)]


def test_debian_template_upnp_on_by_default_and_unrestricted():
    facts = read("#ext_ifname=eth1\n#enable_upnp=no\n#secure_mode=yes\nsystem_uptime=yes\n"
                 "#allow 1024-65535 192.168.0.0/24 1024-65535\n")
    pubs = of(facts, Publication)
    assert [(p.mechanism, p.restricted) for p in pubs] == [("upnp", False)]
    assert pubs[0].origin.line == 1
    assert "secure_mode` is absent" in pubs[0].detail and "deny 0-65535" in pubs[0].detail
    defaults = {s.key: s.value for s in of(facts, Setting) if not s.explicit}
    assert defaults == {"enable_upnp": True, "enable_natpmp": False, "secure_mode": False}


def test_only_the_exact_word_yes_counts():
    # enable_upnp=YES turns UPnP off (the parser compares with "yes"); secure_mode=on is not yes
    facts = read("enable_upnp=YES\n")
    assert not of(facts, Publication)
    pubs = of(read("secure_mode=on\ndeny 0-65535 0.0.0.0/0 0-65535\n"), Publication)
    assert pubs[0].restricted is False


def test_secure_mode_and_final_deny_restrict_both_mechanisms():
    facts = read("ext_ifname=eth0\nenable_natpmp=1\nsecure_mode=yes\nallow 1024-65535 192.168.1.0/24 1024-65535\n"
                 "deny 0-65535 0.0.0.0/0 0-65535\n")
    assert [(p.mechanism, p.restricted) for p in of(facts, Publication)] == [("upnp", True), ("natpmp", True)]


def test_pcp_pmp_spelling_and_everything_off():
    assert [p.mechanism for p in of(read("enable_upnp=no\nenable_pcp_pmp=yes\n"), Publication)] == ["natpmp"]
    assert not of(read("enable_upnp=no\nenable_natpmp=no\n"), Publication)


def test_sensitive_port_rules_but_not_the_upstream_high_range():
    facts = read("allow 1024-65535 192.168.0.0/24 1024-65535\nallow 40000 192.168.0.5/32 445\n"
                 "allow 100-200 192.168.0.0/255.255.255.0 100-200\nallow 12345 192.168.7.113 54321\n")
    flagged = [s for s in of(facts, Setting) if s.key == "allow-sensitive-ports"]
    assert [(s.origin.line, s.value) for s in flagged] == [(2, "445"), (3, "104, 111, 137, 138, 139")]


def test_wan_interface_or_public_address_in_listening_ip():
    facts = read("ext_ifname=eth0\nlistening_ip=br0 eth0\n")
    listener = of(facts, Listener)[0]
    assert listener.service == "upnp" and listener.exposure == "all" and listener.origin.line == 2
    assert not of(read("ext_ifname=eth0\nlistening_ip=192.168.0.1/24\n"), Listener)
    assert of(read("ext_ifname=ppp0\nlistening_ip=85.214.132.117/29\n"), Listener)


@pytest.mark.parametrize("text", ["allow 1024-99999 0.0.0.0/0 1024-65535\n", "allow 1-2 300.1.1.1/8 1-2\n",
                                  "this is not an option\n"])
def test_bad_lines_are_parse_errors(text):
    with pytest.raises(ParseError):
        read(text)


def test_listening_ip_words_after_the_first():
    # MULTIPLE_EXTERNAL_IP: the public address after the LAN subnet is what mappings get, not a listener
    facts = read("ext_ifname=eth1\nlistening_ip=192.168.0.1/24 88.22.44.13\nsecure_mode=yes\n"
                 "deny 0-65535 0.0.0.0/0 0-65535\n")
    assert not of(facts, Listener)
    # bridge members: the WAN interface among them still answers from the internet
    facts = read("ext_ifname=eth1\nlistening_ip=bridge0 em0 eth1\n")
    assert [l.address for l in of(facts, Listener)] == ["eth1"]
    assert [l.address for l in of(read("listening_ip=88.22.44.13\n"), Listener)] == ["88.22.44.13"]


def test_secure_mode_without_a_final_deny_is_described_as_own_address_only():
    pubs = of(read("ext_ifname=eth1\nlistening_ip=br-lan\nsecure_mode=yes\n"), Publication)
    assert pubs and pubs[0].restricted is False
    assert "to itself" in pubs[0].detail and "any internal address" not in pubs[0].detail
