"""Screenshot baselines: the overview, one priority-area page and one municipality profile, compared
with a tolerance against the PNGs committed in ``tests/browser/baselines/``.

Each page is drawn in Chromium at a fixed viewport (1366×900, full-page screenshot), locale fi-FI,
time zone Europe/Helsinki, reduced motion, CSS animations disabled, the text caret hidden, after
``document.fonts.ready`` and every Plotly chart has been drawn (and no Dash callback is pending); a
screenshot is taken again until two in a row are identical. The comparison (``tests/browser/imagediff.py``) ignores per-channel changes of
up to 16 levels (anti-aliasing) and accepts up to 0.5 % differing pixels; the size must match.
Baselines are stored with a 256-colour palette to stay small (~100-250 KB) when that changes no
more than 0.05 % of the pixels beyond the threshold (checked when they are written; else true colour).

The pages show the real recorded values: the app serves the database an offline refresh of the
recording (``../shared/data/snapshot``) and the published figures (``../shared/data/facts``) gives,
plus the labelled demo fill for indicators the recording lacks (drawn as synthetic, as `make run`
shows them). Every load run is pinned to :data:`LOADED_AT` and the old-data judgement to
:data:`TODAY`, so neither the "haettu" date nor "vanha tieto" moves with the calendar.

Today's date: the goal gauges are evaluated against today's date on the server: the expected-pace
tick on a bar moves daily, statuses flip at mid-year and year boundaries, and the wording ("so far
this year", the expected value) changes length and with it the layout below, which a mask cannot
hide. The screenshots therefore come from their own app whose goal
evaluation uses a fixed day (:data:`TODAY`, two days after the test data's last load run); nothing
else on these pages depends on the date, so nothing needs masking. Elements that ever do can be
listed per page in ``mask`` (CSS selectors, painted over with Playwright's ``mask=``).

On a mismatch the test fails naming ``<name>.actual.png`` and ``<name>.diff.png`` (differing
pixels in red) in its tmp_path. After an intended UI change, look at those, then rewrite the
baselines and commit them::

    TILANNEKUVA_UPDATE_BASELINES=1 .venv/bin/python -m pytest tests/browser/test_screenshots.py

Without that variable a missing baseline is an error (CI never writes baselines silently).
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import served_test_app
from tests.browser.imagediff import MAX_SHARE, THRESHOLD, compare, diff_image, save_png
from tests.browser.test_dashboard_browser import wait_map

BASELINES = Path(__file__).resolve().parent / "baselines"
UPDATE = os.environ.get("TILANNEKUVA_UPDATE_BASELINES") == "1"
#: the day the goal gauges and the old-data warning are evaluated against (two days after the load)
TODAY = date(2026, 12, 7)
#: the time every load run of the screenshot database is pinned to
LOADED_AT = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
VIEWPORT = {"width": 1366, "height": 900}
#: the day the app asked goals to be evaluated against, per evaluation (replaced by TODAY)
PINNED_CALLS: list = []


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    mask: tuple[str, ...] = ()
    map: bool = False


SHOTS = [
    Shot("overview", "/"),
    # Real StatFin values (crime 1987–2020), the old-data warning in the source line.
    Shot("area-turvallisuus", "/turvallisuus?indikaattori=rikokset_henki_terveys_per1000&vuosi=2020", map=True),
    Shot("profile-109", "/kuntaprofiili?kunta=109"),
]


class _PinnedDate(date):
    @classmethod
    def today(cls):
        return TODAY


@pytest.fixture(scope="module")
def shot_server(tmp_path_factory, offline_dir, facts_file):
    """Base URL of an app of its own on the real recorded values (its caches are not shared with
    ``live_app``, which evaluates goals against the real date) whose goal evaluation and old-data
    judgement use :data:`TODAY`."""
    import dashboard.data.goal_data as goals
    import dashboard.data.provenance as provenance

    real = goals.evaluate_goals

    def evaluate_goals(*args, **kwargs):
        PINNED_CALLS.append(kwargs.get("today"))
        kwargs["today"] = TODAY
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(goals, "evaluate_goals", evaluate_goals)
        mp.setattr(provenance, "date", _PinnedDate)
        with served_test_app(tmp_path_factory.mktemp("screenshots"),
                             real=(offline_dir, facts_file, LOADED_AT)) as (_app, url):
            yield url


@pytest.fixture
def shot_page(browser):
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, locale="fi-FI",
                                  timezone_id="Europe/Helsinki", reduced_motion="reduce", color_scheme="light")
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page, errors
    context.close()


#: every Dash request answered, every Plotly graph drawn, no loading indicator shown
READY = """() => {
  if (document.querySelector('[data-dash-is-loading="true"]')) return false;
  if ([...document.querySelectorAll('.dash-spinner, ._dash-loading, ._dash-loading-callback')]
        .some(e => e.offsetParent !== null)) return false;
  return [...document.querySelectorAll('.js-plotly-plot')].every(g => g._fullLayout && g.querySelector('.main-svg'));
}"""


def settle(page, shot: Shot) -> None:
    expect(page.locator("main h1").first).to_be_visible(timeout=20_000)  # a cold page on a loaded machine
    page.wait_for_load_state("networkidle")
    if shot.map:
        wait_map(page)
    page.wait_for_function(READY)
    page.evaluate("async () => { await document.fonts.ready;"
                  " await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))); }")


def screenshot(page, shot: Shot) -> Image.Image:
    """A full-page screenshot, taken again until two in a row are identical (up to five)."""
    masks = [page.locator(sel) for sel in shot.mask]
    previous = None
    for _ in range(5):
        png = page.screenshot(full_page=True, animations="disabled", caret="hide", scale="css",
                              mask=masks, mask_color="#FF00FF")
        if png == previous:
            break
        previous = png
        page.wait_for_timeout(300)
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_shot000_goal_gauges_use_the_fixed_day(shot_page, shot_server):
    """The overview's goals are evaluated through the pinned function (else the baselines would
    move with the calendar: the expected-pace tick of a gauge, and statuses at year boundaries)."""
    page, errors = shot_page
    page.goto(shot_server + "/")
    settle(page, SHOTS[0])
    assert PINNED_CALLS, "the app no longer evaluates goals through dashboard.data.goal_data.evaluate_goals"
    expect(page.locator("main")).to_contain_text(f"{TODAY.year} tähän mennessä")
    assert not errors, errors


@pytest.mark.parametrize("shot", SHOTS, ids=[s.name for s in SHOTS])
def test_shot001_page_matches_its_baseline(shot_page, shot_server, shot, tmp_path):
    page, errors = shot_page
    page.goto(shot_server + shot.path)
    settle(page, shot)
    actual = screenshot(page, shot)
    assert not errors, errors
    baseline = BASELINES / f"{shot.name}.png"
    if UPDATE:
        save_png(actual, baseline, palette=True)
        if not compare(baseline, actual, threshold=THRESHOLD, max_share=MAX_SHARE / 10).ok:
            save_png(actual, baseline)  # too many colours for a palette: true colour, larger
        return
    if not baseline.exists():
        written = save_png(actual, tmp_path / f"{shot.name}.actual.png")
        pytest.fail(f"no baseline {baseline} (this page now looks like {written}); create it with "
                    "TILANNEKUVA_UPDATE_BASELINES=1 and commit it", pytrace=False)
    result = compare(baseline, actual, threshold=THRESHOLD, max_share=MAX_SHARE)
    print(f"{shot.name}: {result.describe()}")  # shown with -rP
    if not result.ok:
        actual_path = save_png(actual, tmp_path / f"{shot.name}.actual.png")
        diff_path = save_png(diff_image(baseline, actual, result), tmp_path / f"{shot.name}.diff.png")
        pytest.fail(f"{shot.path} no longer matches {baseline.name}: {result.describe()}.\n"
                    f"  actual: {actual_path}\n  diff:   {diff_path}\n"
                    "If the change is intended, rewrite the baselines with TILANNEKUVA_UPDATE_BASELINES=1.",
                    pytrace=False)


def test_shot002_crime_chart_says_its_last_statistical_year_and_that_it_is_old(shot_page, shot_server):
    """The crime series ends in 2020: every chart of it says so and carries the old-data warning,
    apart from the date the data was fetched."""
    page, errors = shot_page
    page.goto(shot_server + SHOTS[1].path)
    settle(page, SHOTS[1])
    main = page.locator("main")
    expect(main).to_contain_text("tilastovuodet 1987–2020")
    expect(main).to_contain_text("VANHA TIETO: uusin tilastovuosi 2020")
    expect(main).to_contain_text("haettu 5.12.2026")
    assert not errors, errors
