"""axe-core (tests/vendor/axe-core-4.14.1, from npm) on every page each role uses, in English
and in Chinese, over the demo portfolio: no critical or serious WCAG 2.1 A/AA violation."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from partnerships.assessments.models import Assessment
from partnerships.demo.management.commands.load_demo_data import demo_password
from tests.browser import needs_chromium

pytestmark = needs_chromium

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pages_by_user() -> dict[str, list[str]]:
    """The pages of the demo's users: each role's daily pages, with real objects."""

    def first(**filters) -> int:
        return Assessment.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)[0]

    draft = Assessment.objects.get(pk=first(status="draft", proposal__agency__acronym="UNDP"))
    approved = first(status="approved", proposal__agency__acronym="UNDP")
    in_review = first(status="in_review")
    proposal = draft.proposal_id
    return {
        "undp-assessor": [
            "/", "/proposals/", "/proposals/new/", f"/proposals/{proposal}/",
            f"/proposals/{proposal}/edit/", f"/assessments/{draft.pk}/",
            f"/assessments/{draft.pk}/gate/", f"/assessments/{draft.pk}/answers/",
            f"/assessments/{draft.pk}/withdraw/", f"/assessments/{approved}/", "/principles/",
            "/verify/", "/exports/", "/accounts/password_change/",
        ],
        "undp-reviewer": ["/", "/proposals/", f"/assessments/{approved}/"],
        "unicef-reviewer": [f"/assessments/{in_review}/"],
        "who-oversight": ["/", "/oversight/", "/proposals/", f"/assessments/{approved}/"],
        "undp-administrator": [
            "/admin/", "/admin/assessments/assessment/", "/admin/proposals/proposal/",
            f"/admin/proposals/proposal/{proposal}/change/", "/admin/partners/partner/",
        ],
    }  # fmt: skip


@pytest.fixture
def demo_portfolio(browser_db):
    # Loaded before the browser starts: Playwright's event loop would be running by then.
    call_command("load_demo_data", stdout=StringIO())


def test_no_serious_violation_on_any_page_in_either_language(demo_portfolio, live_server, browser):
    axe = AXE.read_text()
    page = browser.page
    found = []
    for language in ("en", "zh-hans"):
        for username, paths in pages_by_user().items():
            page.context.clear_cookies()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", demo_password(username))
            page.click("form:has(#id_username) button[type=submit]")
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            page.context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, (username, path, response.status)
                assert page.locator("html").get_attribute("lang").lower() == language
                page.add_script_tag(content=axe)
                results = page.evaluate(
                    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                    WCAG_21_AA,
                )
                found += [
                    f"{language} {username} {path}: {v['impact']} {v['id']} "
                    f"({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
                    for v in results["violations"]
                    if v["impact"] in ("serious", "critical")
                ]
    assert not found, "\n".join(found)
    assert not browser.js_errors
