import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402

from dealerlab.plots.style import find_cjk_font, set_style, use_chinese_font  # noqa: E402


def _draw_chinese(tmp_path):
    fig, ax = plt.subplots()
    ax.bar(["展厅销量", "二级网络", "大客户"], [12, 5, 3])
    ax.set_title("销售漏斗诊断：信息留存率 −5%")
    ax.set_xlabel("销售渠道")
    fig.savefig(tmp_path / "chinese.png")
    return fig


def test_chinese_glyphs_render_without_missing_glyph_warnings(tmp_path):
    with matplotlib.rc_context():
        family = set_style()
        assert family is not None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _draw_chinese(tmp_path)
        missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
        assert missing == []


def test_default_font_really_lacks_chinese(tmp_path):
    """The check above can fail: with DejaVu alone matplotlib warns about missing glyphs."""
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _draw_chinese(tmp_path)
    assert any("missing from font" in str(w.message) for w in caught)


def test_font_survives_seaborn_set_theme_when_reapplied(tmp_path):
    with matplotlib.rc_context():
        sns.set_theme()
        family = use_chinese_font()
        assert matplotlib.rcParams["font.family"][-1] == family
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _draw_chinese(tmp_path)


def test_bundled_font_is_found():
    assert find_cjk_font() == "Noto Sans SC"


def test_import_has_no_side_effects():
    import subprocess
    import sys

    code = (
        "import matplotlib as mpl; before = dict(mpl.rcParams); import dealerlab, dealerlab.plots; "
        "import warnings; assert dict(mpl.rcParams) == before; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_set_style_returns_family(lang):
    with matplotlib.rc_context():
        assert set_style() == "Noto Sans SC"
