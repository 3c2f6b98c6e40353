"""A favicon, app icons and a web app manifest, linked from every page and served."""

from __future__ import annotations

import io
import json
import re

from django.test import Client
from PIL import Image


def _linked(page: str) -> dict[str, str]:
    return {
        rel + (f" {sizes}" if sizes else ""): href
        for rel, href, sizes in re.findall(
            r'<link rel="(icon|apple-touch-icon|manifest)" href="([^"]+)"(?:[^>]*sizes="([^"]+)")?',
            page,
        )
    }


def test_every_page_links_an_svg_and_a_png_favicon_a_touch_icon_and_the_manifest(db):
    client = Client()
    for path in ("/public", "/login", "/no-such-page"):
        links = _linked(client.get(path).content.decode())
        assert set(links) == {"icon", "icon 32x32", "apple-touch-icon", "manifest"}, path
    links = _linked(client.get("/public").content.decode())
    svg = client.get(links["icon"])
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(svg.streaming_content)
    for rel, size in (("icon 32x32", 32), ("apple-touch-icon", 180)):
        answer = client.get(links[rel])
        assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(b"".join(answer.streaming_content))).size == (size, size)


def test_the_manifest_names_the_app_and_its_icons_are_served_at_their_sizes(db):
    client = Client()
    answer = client.get("/static/tidings/manifest.webmanifest")
    assert answer.status_code == 200
    manifest = json.loads(b"".join(answer.streaming_content))
    assert manifest["name"] == "Tidings" and manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        assert served.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            width, height = map(int, icon["sizes"].split("x"))
            picture = Image.open(io.BytesIO(b"".join(served.streaming_content)))
            assert picture.size == (width, height)


def test_favicon_ico_at_the_root_leads_to_the_icon(db):
    answer = Client().get("/favicon.ico")
    assert answer.status_code == 301
    assert answer["Location"] == "/static/tidings/icons/favicon.ico"
    icon = Client().get(answer["Location"])
    assert icon.status_code == 200
    assert Image.open(io.BytesIO(b"".join(icon.streaming_content))).format == "ICO"
