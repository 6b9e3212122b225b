"""The screenshot comparer (tests/browser/imagediff.py) on tiny synthetic images."""
from __future__ import annotations

import numpy as np
from PIL import Image

from tests.browser.imagediff import MAX_SHARE, THRESHOLD, compare, diff_image, save_png, to_palette


def _image(width: int = 40, height: int = 30) -> Image.Image:
    """A little 'UI': white page, a blue bar, a grey text-like stripe."""
    px = np.full((height, width, 3), 255, dtype=np.uint8)
    px[5:12, 4:30] = (0, 90, 160)
    px[18:21, 4:36] = (80, 80, 80)
    return Image.fromarray(px, "RGB")


def test_identical_images_match():
    result = compare(_image(), _image())
    assert result.ok and result.differing == 0 and result.share == 0.0
    assert result.total == 40 * 30


def test_a_changed_block_fails_and_is_drawn_in_the_diff():
    changed = np.asarray(_image()).copy()
    changed[22:30, 0:10] = (200, 30, 30)  # 80 of 1,200 pixels: 6.7 %
    actual = Image.fromarray(changed, "RGB")
    result = compare(_image(), actual)
    assert not result.ok
    assert result.differing == 80
    assert "80 of 1200 pixels" in result.describe()
    diff = np.asarray(diff_image(_image(), actual, result))
    assert tuple(diff[25, 5]) == (220, 0, 0)  # inside the block: red
    assert tuple(diff[0, 39]) != (220, 0, 0)  # elsewhere: the faded original


def test_antialiasing_noise_passes():
    noisy = np.asarray(_image()).astype(np.int16).copy()
    noisy[5, 4] += (1, -1, 1)  # one level here and there, as anti-aliasing drifts
    noisy[12, 10] -= 1
    noisy[18:21, 36] -= THRESHOLD  # a soft edge within the per-channel threshold
    result = compare(_image(), Image.fromarray(noisy.clip(0, 255).astype(np.uint8), "RGB"))
    assert result.ok and result.differing == 0


def test_a_few_real_differences_stay_under_the_share_limit():
    few = np.asarray(_image()).copy()
    few[0, 0] = (0, 0, 0)  # 1 of 1,200 pixels (0.08 %), well above the threshold
    result = compare(_image(), Image.fromarray(few, "RGB"), max_share=0.001)
    assert result.differing == 1 and result.ok
    assert not compare(_image(), Image.fromarray(few, "RGB"), max_share=0.0).ok


def test_different_size_fails(tmp_path):
    taller = _image(40, 31)
    result = compare(_image(), taller)
    assert not result.ok and not result.same_size
    assert "size differs" in result.describe()
    diff = diff_image(_image(), taller, result)
    assert diff.size == (40, 31)
    assert tuple(np.asarray(diff)[30, 0]) == (220, 0, 0)  # the extra row only one image has


def test_paths_and_alpha_are_accepted(tmp_path):
    a = save_png(_image().convert("RGBA"), tmp_path / "a.png")
    b = save_png(_image(), tmp_path / "sub" / "b.png")
    assert compare(a, b).ok
    assert MAX_SHARE <= 0.01  # the default stays small: a diff of 1 % of a page is a visible change


def test_palette_storage_is_lossless_for_few_colours(tmp_path):
    path = save_png(_image(), tmp_path / "few.png", palette=True)
    with Image.open(path) as stored:
        assert stored.mode == "P"
        assert np.array_equal(np.asarray(stored.convert("RGB")), np.asarray(_image()))


def test_palette_storage_keeps_a_screenshot_like_image_within_the_threshold():
    rng = np.random.default_rng(7)
    px = np.full((120, 200, 3), 255, dtype=np.uint8)
    px[10:30, 10:190] = (0, 90, 160)
    # anti-aliased text edges: every shade between the text colour and white ...
    coverage = rng.integers(0, 256, size=(12, 200, 1))
    px[60:72] = (255 - coverage * (255 - 40) // 255).repeat(3, axis=2)
    # ... and a coloured fill blended at its edges: far more than 256 colours in all
    px[80:92, :, 0] = rng.integers(0, 256, size=(12, 200))
    px[80:92, :, 2] = rng.integers(100, 256, size=(12, 200))
    original = Image.fromarray(px, "RGB")
    assert len(original.getcolors(100_000)) > 1_000
    stored = to_palette(original)
    assert stored.mode == "P" and len(stored.getcolors()) <= 256
    assert np.array_equal(np.asarray(stored.convert("RGB"))[:60], px[:60])  # the common colours exactly
    assert compare(original, stored).ok
