"""Bilingual model text: fields stored as `<name>_en` and `<name>_zh`."""

from django.utils.translation import get_language


def is_chinese(language: str | None = None) -> bool:
    return (language or get_language() or "").lower().startswith("zh")


class Localized:
    """Read `<name>_zh` when the active language is Chinese, `<name>_en` otherwise.

    An empty Chinese text falls back to English, so a missing translation never
    shows a blank. Use `translation.override()` to read another language.
    """

    def __init__(self, name: str):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        if is_chinese():
            value = getattr(obj, f"{self.name}_zh")
            if value:
                return value
        return getattr(obj, f"{self.name}_en")
