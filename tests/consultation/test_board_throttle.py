"""The public verify page re-checks a whole board's hash chain, so it is limited per address
(GONGZHI_RATE_BOARD_VERIFY): a visitor checking now and then is never stopped; a burst is
answered 429 in Chinese with Retry-After, for that address only."""

from django.urls import reverse

from gongzhi.consultation import services

A, B = "10.0.0.1", "10.0.0.2"


def test_verify_page_is_limited_per_address(client, town, settings):
    settings.GONGZHI_RATE_BOARD_VERIFY = "3/m"
    node = town["c1"]
    services.publish(node=node, kind="finance", title="1月财务公开", body="收入 1000 元", period="2026年1月")
    url = reverse("disclosure:verify", args=[node.code])
    for _ in range(3):
        assert client.get(url, REMOTE_ADDR=A).status_code == 200
    response = client.get(url, REMOTE_ADDR=A)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "操作过于频繁" in response.content.decode()
    assert client.get(url, REMOTE_ADDR=B).status_code == 200
    board = reverse("disclosure:board", args=[node.code])
    assert client.get(board, REMOTE_ADDR=A).status_code == 200  # reading the board is not limited
