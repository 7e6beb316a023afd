"""Scores, amounts and dates as a reader of each language expects them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from partnerships.formats.numbers import amount_text, duration_text, percent_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("66.9000000000000"), "66.9 %"),
        (Decimal("66.66666"), "66.7 %"),
        (Decimal("66.65"), "66.7 %"),
        (100, "100.0 %"),
        (Decimal("0"), "0.0 %"),
        (None, "—"),
    ],
)
def test_a_score_has_one_decimal(language, value, shown):
    with translation.override(language):
        assert percent_text(value) == shown


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        (Decimal("1250000.00"), "USD", "1,250,000 USD"),
        (Decimal("14149999"), "USD", "14,149,999 USD"),
        (Decimal("1250000.5"), "EUR", "1,250,000.50 EUR"),
        (Decimal("950"), "CHF", "950 CHF"),
        (None, "USD", "—"),
    ],
)
def test_an_amount_is_grouped_by_thousands_with_its_currency(language, value, currency, shown):
    with translation.override(language):
        assert amount_text(value, currency) == shown


@pytest.mark.parametrize(
    ("language", "date", "datetime_shown"),
    [
        ("en", "3 December 2026", "3 December 2026, 14:05"),
        ("zh-hans", "2026年12月3日", "2026年12月3日 14:05"),
    ],
)
def test_dates_read_day_month_year_in_each_language(language, date, datetime_shown):
    moment = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    template = Template('{{ moment|date:"DATE_FORMAT" }}|{{ moment|date:"DATETIME_FORMAT" }}')
    with translation.override(language):
        assert template.render(Context({"moment": moment})) == f"{date}|{datetime_shown}"


def test_the_proposals_list_shows_scores_with_one_decimal(client, assessor, draft, reviewer):
    from tests.helpers import approve

    approve(draft, reviewer, rating=2)
    draft.refresh_from_db()
    client.force_login(assessor)
    page = client.get("/proposals/").content.decode()
    assert percent_text(draft.overall_score) in page
    assert "000000" not in page


def test_the_proposal_page_shows_its_value_grouped(client, assessor, proposal):
    proposal.value, proposal.currency = Decimal("1250000.00"), "USD"
    proposal.save()
    client.force_login(assessor)
    english = client.get(f"/proposals/{proposal.pk}/").content.decode()
    chinese = client.get(
        f"/proposals/{proposal.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "1,250,000 USD" in english and "1,250,000 USD" in chinese
    assert "1250000.00" not in english + chinese


def test_pages_write_dates_in_the_languages_two_formats_only():
    """Every page shows a date as DATE_FORMAT and a moment as DATETIME_FORMAT, so no page
    mixes two ways of writing them (the signed report sets its own, with the zone)."""
    import re
    from pathlib import Path

    from django.conf import settings

    allowed = {'date:"DATE_FORMAT"', 'date:"DATETIME_FORMAT"'}
    found = {}
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if path.name == "review.html":
            continue
        for use in re.findall(r'date:"[^"]*"|\|date\b(?!:)', path.read_text()):
            if use not in allowed:
                found.setdefault(str(path), []).append(use)
    assert found == {}


@pytest.mark.parametrize(
    ("language", "duration", "shown"),
    [
        ("en", timedelta(days=4), "4.0 days"),
        ("en", timedelta(days=1, hours=12), "1.5 days"),
        ("en", timedelta(hours=5, minutes=30), "5.5 hours"),
        ("en", timedelta(minutes=3), "0.1 hours"),
        ("zh-hans", timedelta(days=2, hours=9, minutes=36), "2.4 天"),
        ("zh-hans", timedelta(hours=5, minutes=30), "5.5 小时"),
        ("en", None, "—"),
    ],
)
def test_a_decision_time_is_in_days_with_one_decimal_or_hours_under_a_day(
    language, duration, shown
):
    with translation.override(language):
        assert duration_text(duration) == shown


def test_a_decided_proposals_period_is_written_like_every_other_date(client, draft, reviewer):
    from datetime import date

    from tests.helpers import approve

    draft.proposal.start_date, draft.proposal.end_date = date(2026, 3, 1), date(2028, 2, 29)
    draft.proposal.save()
    approve(draft, reviewer)
    client.force_login(draft.assessor)
    for language, period in [
        ("en", "1 March 2026 – 29 February 2028"),
        ("zh-hans", "2026年3月1日 – 2028年2月29日"),
    ]:
        for url in [f"/assessments/{draft.pk}/", f"/proposals/{draft.proposal_id}/"]:
            page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert period in page, (language, url)
            assert "2026-03-01" not in page
