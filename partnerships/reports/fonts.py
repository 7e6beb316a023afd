"""Fonts of the reports, named explicitly so that no text falls back to a font without
its glyphs (Debian's fonts-noto-cjk and fonts-dejavu-core, installed by `make`).

English reports set Latin text in DejaVu Sans, a small font that is quick to lay out and
subset, with Noto Sans CJK for any Chinese name; Chinese reports use Noto Sans CJK SC.
"""

from partnerships.i18n import is_chinese

LATIN_FIRST = '"DejaVu Sans", "Noto Sans CJK SC", sans-serif'
CJK_FIRST = '"Noto Sans CJK SC", "DejaVu Sans", sans-serif'


def report_fonts(language: str | None = None) -> str:
    return CJK_FIRST if is_chinese(language) else LATIN_FIRST
