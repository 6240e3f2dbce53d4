"""Every page load asks for /favicon.ico: Relay answers with its icon, and pages link it."""
import re
import struct

import pytest


def icon_sizes(ico: bytes) -> set[int]:
    """The square sizes an ICO file holds (its directory: 0 = 256 px)."""
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind) == (0, 1), "not an ICO file"
    return {ico[6 + 16 * n] or 256 for n in range(count)}


def test_favicon_ico_is_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in {"image/vnd.microsoft.icon", "image/x-icon"}
    assert {16, 32} <= icon_sizes(response.data)


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_link_the_icon(client, auth, pre_seller, signed_in):
    if signed_in:
        auth.login(pre_seller)
    page = client.get("/account" if signed_in else "/login").get_data(as_text=True)
    links = dict((kind, href) for href, kind in re.findall(
        r'<link rel="icon" href="([^"]+)"[^>]*?(?:type="([^"]+)")?>', page))
    assert links[""] == "/favicon.ico"
    svg = client.get(links["image/svg+xml"])
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.data.startswith(b"<svg")
