# Named explicitly so that Chinese text never falls back to a font without its glyphs
# (Debian's fonts-noto-cjk, installed by `make`).
REPORT_FONTS = '"Noto Sans CJK SC", "Noto Sans", "DejaVu Sans", sans-serif'
