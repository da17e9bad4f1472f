"""The client address every limit counts by (core/audit.client_ip): the socket's peer, or
behind a proxy the header it sets — never garbage, never an address a client could pick when no
proxy header is configured."""

import pytest
from django.test import RequestFactory

from gongzhi.core import audit, throttle


@pytest.mark.parametrize(
    "meta,header,expected",
    [
        ("REMOTE_ADDR", {"HTTP_X_REAL_IP": "198.51.100.7"}, "10.0.0.1"),  # not configured: header ignored
        ("HTTP_X_REAL_IP", {"HTTP_X_REAL_IP": "198.51.100.7"}, "198.51.100.7"),
        ("HTTP_X_FORWARDED_FOR", {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.7"}, "198.51.100.7"),
        ("HTTP_X_REAL_IP", {"HTTP_X_REAL_IP": "not-an-address"}, "10.0.0.1"),
        ("HTTP_X_REAL_IP", {}, "10.0.0.1"),
    ],
)
def test_client_ip(settings, meta, header, expected):
    settings.GONGZHI_CLIENT_IP_META = meta
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **header)
    assert audit.client_ip(request) == expected


def test_minutes_round_up_and_never_say_zero():
    assert [throttle.minutes(s) for s in (1, 60, 61, 900)] == [1, 1, 2, 15]
