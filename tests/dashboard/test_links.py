"""Every internal link and image on every page answers: render each page (every area, the overview,
the profile, each indicator page, the groups pages; Finnish, Swedish and English) through Dash Pages'
routing callback, collect each ``href`` / ``src`` that points into the app, and request it.

A page link is also rendered through the routing callback, so a link to a view the page itself would
refuse (an unknown indicator, a year without data) fails here, not in front of a user."""
from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import dash
import pytest

from benchmarks import dash_requests as dr
from tests.dashboard.data import REGISTRY

LANGS = ("fi", "sv", "en")
# Nothing on the pages is an action (a logout, a form post): every link is safe to follow. Routes that
# are actions would be listed here with the reason; there are none today.
NOT_FOLLOWED: tuple[str, ...] = ()


def page_paths() -> list[str]:
    """Every registered page; the indicator template once per indicator of the registry."""
    paths = []
    for page in dash.page_registry.values():
        if page.get("path_template"):
            paths += [page["path_template"].replace("<key>", key) for key in sorted(REGISTRY.indicators)]
        elif page["path"] != "/404":
            paths.append(page["path"])
    return sorted(set(paths))


def _meta(tree) -> dict:
    return dr.find_props(tree, "page-meta").get("data") or {} if dr.find_props(tree, "page-meta") else {}


def internal_links(tree) -> set[str]:
    out = set()
    for comp in dr.walk(tree):
        for key in ("href", "src"):
            value = comp["props"].get(key)
            if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
                out.add(value.split("#")[0])
    return out


@pytest.fixture(scope="module")
def renderer(client):
    deps = json.loads(client.get("/_dash-dependencies").data)
    post = dr.flask_post(client)

    def render(path: str, search: str = ""):
        status, tree = dr.page_content(post, deps, path, search)
        return status, tree

    return render


def _costly_translation(link: str) -> bool:
    """An image export in Swedish or English: the same picture as the Finnish one, drawn by the browser
    renderer (seconds each); its CSV / XLSX siblings in the same language are still followed."""
    url = urlsplit(link)
    return url.path.endswith((".png", ".svg")) and dict(parse_qsl(url.query)).get("kieli") in ("sv", "en")


def _image_twin(link: str, seen: set) -> bool:
    """An image export of a chart already followed in another image format or size (PNG slide /
    square / link preview, SVG, A4 PDF of the same view): the route and the view are the same, each
    preset is rendered by the export tests; following every size would render each chart five times."""
    url = urlsplit(link)
    stem, _, ext = url.path.rpartition(".")
    if not url.path.startswith("/vienti/") or ext not in ("png", "svg", "pdf"):
        return False
    key = (stem, tuple(sorted((k, v) for k, v in parse_qsl(url.query) if k != "koko")))
    if key in seen:
        return True
    seen.add(key)
    return False


def _is_page(path: str) -> bool:
    return path == "/" or (not path.startswith(("/vienti/", "/api/", "/assets/", "/_", "/upota")) and "." not in path)


def test_link001_every_internal_link_of_every_page_answers(client, renderer):
    pages = page_paths()
    assert "/turvallisuus" in pages and "/kuntaprofiili" in pages and "/tutkittavaa" in pages
    links: dict[str, str] = {}
    for path in pages:
        for lang in LANGS:
            search = "" if lang == "fi" else f"?kieli={lang}"
            status, tree = renderer(path, search)
            assert status == 200 and tree is not None, f"{path}{search} did not render ({status})"
            for link in internal_links(tree):
                links.setdefault(link, f"{path}{search}")
    bad = []
    images: set = set()
    for link, found_on in sorted(links.items()):
        if link.startswith(NOT_FOLLOWED or ("\0",)) or _costly_translation(link) or _image_twin(link, images):
            continue
        resp = client.get(link)
        if resp.status_code >= 400:
            bad.append(f"{link} ({resp.status_code}: {resp.get_data(as_text=True)[:120].strip()}) on {found_on}")
            continue
        url = urlsplit(link)
        if _is_page(url.path):
            status, tree = renderer(url.path, f"?{url.query}" if url.query else "")
            meta = _meta(tree) if tree else {}
            if status >= 400 or tree is None or meta.get("page") in ("404", "notfound", "not_found"):
                bad.append(f"{link} (page renders {status}, {meta.get('page')}) on {found_on}")
    print(len(links), "links")
    assert not bad, "\n".join(bad)


def test_link002_status_and_rounds_downloads_do_not_carry_the_pages_year(client, renderer):
    """The latest-status map and the rounds grid have no year of their own: their links leave the
    explorer's year out (it was 2020 on /turvallisuus, a year those indicators lack: 400)."""
    status, tree = renderer("/turvallisuus", "?vuosi=2020")
    links = [link for link in internal_links(tree) if link.startswith(("/vienti/rounds.", "/vienti/status_map."))]
    assert status == 200 and {urlsplit(link).path.split(".")[0] for link in links} == {"/vienti/rounds",
                                                                                      "/vienti/status_map"}
    for link in links:
        assert "vuosi" not in dict(parse_qsl(urlsplit(link).query)), link
        if link.split("?")[0].endswith((".csv", ".xlsx")):
            assert client.get(link).status_code == 200, link
