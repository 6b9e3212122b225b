"""Screenshot baselines of the situation board at the projector sizes 1920×1080 and 1280×720
(``/?esitys=1``), drawn and compared like tests/browser/test_screenshots.py: the same fixed day for
the goal evaluation (its ``shot_server``), the same settle and tolerance. Rewrite them after an
intended change with ``TILANNEKUVA_UPDATE_BASELINES=1``, look at them, commit them."""
from __future__ import annotations

import pytest

from tests.browser.imagediff import MAX_SHARE, THRESHOLD, compare, diff_image, save_png
from tests.browser.test_screenshots import (  # noqa: F401
    BASELINES,
    UPDATE,
    Shot,
    screenshot,
    settle,
    shot_server,
)

SIZES = [(1920, 1080), (1280, 720)]


@pytest.mark.parametrize("width, height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_mshot001_board_matches_its_baseline(browser, shot_server, width, height, tmp_path):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1, locale="fi-FI",
                                  timezone_id="Europe/Helsinki", reduced_motion="reduce", color_scheme="light")
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    shot = Shot(f"board-{width}x{height}", "/?esitys=1")
    try:
        page.goto(shot_server + shot.path)
        settle(page, shot)
        actual = screenshot(page, shot)
    finally:
        context.close()
    assert not errors, errors
    assert actual.size == (width, height)  # the whole board is one screen
    baseline = BASELINES / f"{shot.name}.png"
    if UPDATE:
        save_png(actual, baseline, palette=True)
        if not compare(baseline, actual, threshold=THRESHOLD, max_share=MAX_SHARE / 10).ok:
            save_png(actual, baseline)
        return
    if not baseline.exists():
        written = save_png(actual, tmp_path / f"{shot.name}.actual.png")
        pytest.fail(f"no baseline {baseline} (the board now looks like {written}); create it with "
                    "TILANNEKUVA_UPDATE_BASELINES=1 and commit it", pytrace=False)
    result = compare(baseline, actual, threshold=THRESHOLD, max_share=MAX_SHARE)
    if not result.ok:
        actual_path = save_png(actual, tmp_path / f"{shot.name}.actual.png")
        diff_path = save_png(diff_image(baseline, actual, result), tmp_path / f"{shot.name}.diff.png")
        pytest.fail(f"the board at {width}×{height} no longer matches {baseline.name}: {result.describe()}.\n"
                    f"  actual: {actual_path}\n  diff:   {diff_path}", pytrace=False)
