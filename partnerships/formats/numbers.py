"""Scores, amounts and durations as a reader expects them, in the active language's
number format: a score with one decimal ("66.9 %"), an amount grouped by thousands with
its currency ("1,250,000 USD", cents only when there are any), a duration in days with
one decimal, or in hours under a day ("2.4 days", "5.5 hours")."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

NONE = "—"


def _one_decimal(number: Decimal) -> str:
    """Rounded half up, as people round (Python's round() halves to even)."""
    return number_format(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), decimal_pos=1)


def percent_text(value) -> str:
    if value is None or value == "":
        return NONE
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{_one_decimal(number)} %"


def amount_text(value, currency: str = "") -> str:
    if value is None or value == "":
        return NONE
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return f"{value} {currency}".strip()
    places = 0 if number == number.to_integral_value() else 2
    text = number_format(number, decimal_pos=places, force_grouping=True)
    return f"{text} {currency}".strip()


def duration_text(duration: timedelta | None) -> str:
    if duration is None:
        return NONE
    hours = Decimal(duration.total_seconds()) / 3600
    if hours < 24:
        return _("%(hours)s hours") % {"hours": _one_decimal(hours)}
    return _("%(days)s days") % {"days": _one_decimal(hours / 24)}
