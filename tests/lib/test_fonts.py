"""Finding the font that prints Chinese, through fontconfig's fc-list."""

from __future__ import annotations

import os

import pytest

from skillaid.lib import fonts


@pytest.fixture
def fc_list(tmp_path, monkeypatch):
    """A stand-in fc-list on the PATH that prints what the test gives it."""

    def install(output: str) -> None:
        script = tmp_path / "fc-list"
        script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{output}EOF\n")
        script.chmod(0o755)
        monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
        fonts.cjk_font.cache_clear()

    yield install
    fonts.cjk_font.cache_clear()


def test_it_prefers_the_better_families_whatever_order_fontconfig_lists_them(fc_list):
    fc_list(
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc: WenQuanYi Micro Hei,文泉驛微米黑\n"
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc: Noto Sans CJK JP,Noto Sans CJK SC\n"
    )
    assert fonts.cjk_font() == fonts.Font(
        "Noto Sans CJK SC", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    )


def test_another_chinese_font_serves_when_none_of_the_preferred_is_there(fc_list):
    fc_list("/opt/fonts/simhei.ttf: SimHei,黑体\n")
    assert fonts.cjk_font() == fonts.Font("SimHei", "/opt/fonts/simhei.ttf")


def test_no_chinese_font_is_none(fc_list):
    fc_list("")
    assert fonts.cjk_font() is None


def test_without_fontconfig_there_is_no_font(monkeypatch):
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    fonts.cjk_font.cache_clear()
    try:
        assert fonts.cjk_font() is None
    finally:
        fonts.cjk_font.cache_clear()


def test_this_machine_has_one():
    # CI installs fonts-wqy-microhei; papers are tested with it.
    found = fonts.cjk_font()
    assert found is not None and os.path.exists(found.path)
