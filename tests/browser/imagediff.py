"""Compare two screenshots with a tolerance (Pillow + numpy, no browser needed).

A pixel *differs* when any of its channels (R, G, B, A) moves by more than ``threshold`` levels
(0-255): smaller moves are anti-aliasing and sub-pixel noise. The images *match* when they have the
same size and the differing pixels are at most ``max_share`` of all pixels. :func:`diff_image`
draws the differences (red on a faded copy of the expected image) for a human to look at.

Committed baselines are stored with a 256-colour palette (:func:`to_palette`), a third of the size
of a true-colour PNG: the most frequent colours of a screenshot (background, text, fills; ~98 % of
the pixels) are kept exactly and the rarer anti-aliasing shades go to the nearest of a few dozen
median-cut colours, almost always within a few levels.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

#: per-channel change (of 255) that still counts as the same colour: anti-aliasing noise
THRESHOLD = 16
#: share of differing pixels still accepted (0.005 = 0.5 %)
MAX_SHARE = 0.005


@dataclass(frozen=True)
class Comparison:
    expected_size: tuple[int, int]
    actual_size: tuple[int, int]
    differing: int
    total: int
    threshold: int
    max_share: float
    mask: np.ndarray | None = None  # True where pixels differ (only when the sizes match)

    @property
    def same_size(self) -> bool:
        return self.expected_size == self.actual_size

    @property
    def share(self) -> float:
        return self.differing / self.total if self.total else 0.0

    @property
    def ok(self) -> bool:
        return self.same_size and self.share <= self.max_share

    def describe(self) -> str:
        if not self.same_size:
            return f"size differs: expected {self.expected_size[0]}×{self.expected_size[1]}, " \
                   f"got {self.actual_size[0]}×{self.actual_size[1]}"
        return (f"{self.differing} of {self.total} pixels ({100 * self.share:.3f} %) differ by more than "
                f"{self.threshold} levels (limit {100 * self.max_share:.2f} %)")


def _rgba(image: Image.Image | str | Path) -> Image.Image:
    if not isinstance(image, Image.Image):
        with Image.open(image) as opened:
            image = opened.copy()
    return image.convert("RGBA")


def compare(expected, actual, *, threshold: int = THRESHOLD, max_share: float = MAX_SHARE) -> Comparison:
    """Compare ``actual`` with ``expected`` (PIL images or paths to image files)."""
    exp, act = _rgba(expected), _rgba(actual)
    if exp.size != act.size:
        w, h = max(exp.width, act.width), max(exp.height, act.height)
        return Comparison(exp.size, act.size, w * h, w * h, threshold, max_share)
    a = np.asarray(exp, dtype=np.int16)
    b = np.asarray(act, dtype=np.int16)
    mask = (np.abs(a - b) > threshold).any(axis=2)
    return Comparison(exp.size, act.size, int(mask.sum()), int(mask.size), threshold, max_share, mask)


def diff_image(expected, actual, comparison: Comparison | None = None) -> Image.Image:
    """The expected image faded to light grey with differing pixels in red. When the sizes differ,
    the canvas covers both and the area only one of them has is red too."""
    exp, act = _rgba(expected), _rgba(actual)
    comparison = comparison or compare(exp, act)
    w, h = max(exp.width, act.width), max(exp.height, act.height)
    base = np.full((h, w, 3), 255, dtype=np.uint8)
    grey = np.asarray(exp.convert("L"), dtype=np.uint16)
    base[:exp.height, :exp.width] = (160 + grey * 95 // 255).astype(np.uint8)[..., None]
    if comparison.mask is not None:
        differs = comparison.mask
    else:
        differs = np.ones((h, w), dtype=bool)
        common_w, common_h = min(exp.width, act.width), min(exp.height, act.height)
        a = np.asarray(exp, dtype=np.int16)[:common_h, :common_w]
        b = np.asarray(act, dtype=np.int16)[:common_h, :common_w]
        differs[:common_h, :common_w] = (np.abs(a - b) > comparison.threshold).any(axis=2)
    base[differs] = (220, 0, 0)
    return Image.fromarray(base, "RGB")


def to_palette(image, *, colors: int = 256, exact: int = 96) -> Image.Image:
    """``image`` with at most ``colors`` colours: its ``exact`` most frequent colours unchanged, the
    rest mapped to the nearest colour (largest channel difference) of the palette, which is those
    plus ``colors - exact`` median-cut colours of the rarer shades. Lossless when the image has no
    more than ``colors`` colours."""
    rgb = np.asarray(_rgba(image).convert("RGB"))
    packed = (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8) | rgb[..., 2]
    keys, inverse, counts = np.unique(packed.reshape(-1), return_inverse=True, return_counts=True)
    unique = np.stack([(keys >> 16) & 255, (keys >> 8) & 255, keys & 255], axis=1).astype(np.uint8)
    order = np.argsort(-counts, kind="stable")
    if len(unique) <= colors:
        palette = unique
    else:
        rare, rare_counts = unique[order[exact:]], counts[order[exact:]]
        sample = np.repeat(rare, np.minimum(rare_counts, 50), axis=0).reshape(1, -1, 3)
        cut = Image.fromarray(sample.astype(np.uint8), "RGB").quantize(
            colors=colors - exact, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        extra = np.array(cut.getpalette()[:3 * (colors - exact)], dtype=np.uint8).reshape(-1, 3)
        palette = np.vstack([unique[order[:exact]], extra])
    nearest = np.empty(len(unique), dtype=np.uint8)
    pal = palette.astype(np.int16)
    for start in range(0, len(unique), 4096):  # bounded memory for images with many colours
        chunk = unique[start:start + 4096].astype(np.int16)
        nearest[start:start + 4096] = np.abs(chunk[:, None, :] - pal[None, :, :]).max(axis=2).argmin(axis=1)
    indexed = Image.fromarray(nearest[inverse.reshape(-1)].reshape(rgb.shape[:2]), "P")
    indexed.putpalette(palette.astype(np.uint8).reshape(-1).tolist())
    return indexed


def save_png(image: Image.Image, path: Path, *, palette: bool = False) -> Path:
    """Write ``image`` as a PNG: lossless, or with ``palette`` small (:func:`to_palette`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    (to_palette(image) if palette else image).save(path, format="PNG", optimize=True)
    return path
