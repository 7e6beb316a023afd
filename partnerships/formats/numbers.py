"""Scores and amounts as a reader expects them, in the active language's number format:
a score with one decimal ("66.9 %"), an amount grouped by thousands with its currency
("1,250,000 USD", cents only when there are any)."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format

NONE = "—"


def percent_text(value) -> str:
    if value is None or value == "":
        return NONE
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number_format(round(number, 1), decimal_pos=1)} %"


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
