"""The font that prints Chinese on SkillAid's papers, found through fontconfig.

WeasyPrint draws text with Pango, which asks fontconfig for fonts; without a font that
covers Chinese, every character comes out as an empty box and nobody notices until the
paper is on a desk. So the font is looked up before a PDF is made, and its absence is
said plainly (a system check, and the PDF page) instead.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

# Families tried first, best first: Debian's fonts-noto-cjk and fonts-wqy-microhei (the
# one CI installs), then any other font fontconfig says covers Chinese.
PREFERRED = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
)
INSTALL_HINT = "fonts-wqy-microhei 或 fonts-noto-cjk"


@dataclass(frozen=True)
class Font:
    family: str
    path: str


def _families(line: str) -> tuple[str, list[str]]:
    path, _, names = line.partition(": ")
    return path.strip(), [n.strip() for n in names.split(",") if n.strip()]


@lru_cache(maxsize=1)
def cjk_font() -> Font | None:
    """The installed font that covers Simplified Chinese, or None (or no fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh-cn", "file", "family"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found: dict[str, str] = {}
    for line in sorted(out.splitlines()):
        path, names = _families(line)
        for name in names:
            found.setdefault(name, path)
    for name in PREFERRED:
        if name in found:
            return Font(name, found[name])
    # Another font that covers Chinese, by the first of its family names.
    for line in sorted(out.splitlines()):
        path, names = _families(line)
        if names:
            return Font(names[0], path)
    return None
