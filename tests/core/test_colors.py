import numpy as np

from embviz.core.colors import MAX_CATEGORIES, OTHER, QUALITATIVE, colormap, colour_by


def test_small_columns_are_categories_most_common_first():
    values = np.array(["b", "a", "b", "c", "b", "a"])
    c = colour_by("kind", values)
    assert c.kind == "categorical"
    assert [e[0] for e in c.entries] == ["b", "a", "c"]
    assert [e[2] for e in c.entries] == [3, 2, 1]
    assert c.codes.tolist() == [0, 1, 0, 2, 0, 1]
    integers = colour_by("n", np.array([1, 2, 2, 3] * 10))
    assert integers.kind == "categorical"  # few distinct numbers are categories too


def test_more_than_twenty_values_bucket_into_other():
    values = np.array([f"v{i % 30}" for i in range(300)])
    c = colour_by("kind", values)
    assert len(c.entries) == MAX_CATEGORIES and c.entries[-1][0] == OTHER
    assert c.entries[-1][2] == 300 - sum(e[2] for e in c.entries[:-1])
    assert len(set(QUALITATIVE)) == 20


def test_numeric_columns_use_the_colormap_over_the_robust_range():
    values = np.linspace(0, 1, 1000)
    values[5] = np.nan
    c = colour_by("score", values)
    assert c.kind == "numeric"
    lo, hi = np.nanpercentile(values, [1, 99])
    assert np.isclose(c.vmin, lo) and np.isclose(c.vmax, hi)
    assert c.codes[5] == 255 and c.codes[0] == 0 and c.codes[-1] == 254
    cmap = colormap()
    assert tuple(cmap[0]) == (0x44, 0x01, 0x54) and tuple(cmap[-1]) == (0xFD, 0xE7, 0x25)
    lightness = cmap.astype(float) @ [0.299, 0.587, 0.114]
    assert np.all(np.diff(lightness) > -1.0)  # viridis gets lighter monotonically
