"""End to end: an assessor and a reviewer take a proposal through the whole workflow in a
real browser (headless Chromium driven by Playwright), through the UI only.

Draft → Submitted → In review → Returned → Submitted → In review → Approved.

The browser is Debian's Chromium (/usr/bin/chromium); the test is skipped only when it is
missing. Nothing is downloaded.
"""

import re
from contextlib import contextmanager

from partnerships.accounts.roles import Role
from partnerships.assessments.choices import AssessmentStatus, Rating
from partnerships.assessments.models import Assessment
from partnerships.partners.economies import EconomyGroup
from partnerships.partners.models import PartnerType
from partnerships.proposals.models import Proposal
from tests.browser import needs_chromium
from tests.factories import AgencyFactory, PartnerFactory, UserFactory

PASSWORD = "correct horse battery staple"

PROPOSAL_TITLE = "Clean water for rural schools"
EXISTING_PARTNER = "Aqua Existing Holdings Ltd."
NEW_PARTNER = "Tbilisi Water Alliance"
RETURN_NOTE = "TR-1: the partner's funding sources are not documented. Please add evidence."
CHANGED_CRITERION = "TR-1"  # not a key criterion
EVIDENCE_NOTE = "Audited accounts 2024 received from the partner; funding sources listed."

pytestmark = needs_chromium


@contextmanager
def screenshot_on_failure(page, tmp_path):
    try:
        yield
    except BaseException:
        path = tmp_path / "e2e-failure.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            print(f"\nScreenshot of the failing page ({page.url}): {path}")
        except Exception as error:  # the browser may be gone
            print(f"\nNo screenshot: {error}")
        raise


# --- Steps -------------------------------------------------------------------------------


def log_in(page, base_url, username):
    from playwright.sync_api import expect

    page.goto(f"{base_url}/accounts/login/")
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    expect(page).to_have_url(f"{base_url}/")


def log_out(page):
    from playwright.sync_api import expect

    # The toggle by its class: the menu's own "Log out" button is a button too.
    page.locator("nav .dropdown > .dropdown-toggle").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()


def status_badge(page):
    """The assessment's status, shown next to the page heading."""
    return page.locator("#assessment-status")


def partner_card(page, n):
    return page.get_by_role("group", name=f"Partner {n}", exact=True)


def open_from_my_work(page, section, title):
    from playwright.sync_api import expect

    region = page.get_by_role("region", name=section)
    expect(region).to_be_visible()
    region.get_by_role("link", name=title).click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Assessment \d+$"), level=1)
    ).to_be_visible()


def create_proposal(page, existing_partner):
    from playwright.sync_api import expect

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Proposals").click()
    expect(page.get_by_role("heading", name="Proposals", level=1)).to_be_visible()
    page.get_by_role("link", name="New proposal").click()
    expect(page.get_by_role("heading", name="New proposal", level=1)).to_be_visible()

    page.get_by_label("Title").fill(PROPOSAL_TITLE)
    page.get_by_label("Summary").fill("Water points and hygiene kits for 40 rural schools.")
    page.get_by_label("Objectives").fill("Safe water for 12 000 pupils by the end of 2026.")

    first = partner_card(page, 1)
    # The registry is searched as one types (js/partner-search.js): type, then pick.
    first.get_by_role("combobox", name="Partner from the registry").press_sequentially(
        existing_partner[:6]
    )
    first.get_by_role("option", name=f"{existing_partner} (Kenya)").click()
    first.get_by_label("Role").select_option(label="Lead partner")

    # Countries covered: searched by typing (js/multi-select.js), the chosen shown in the box.
    countries = page.get_by_role("combobox", name="Countries covered")
    listed = page.get_by_role("listbox", name="Countries covered")
    countries.press_sequentially("Ken")
    listed.get_by_role("option", name="Kenya", exact=True).click()
    countries.press_sequentially("Geor")
    listed.get_by_role("option", name="Georgia", exact=True).click()
    page.keyboard.press("Escape")

    # Rows are added in the page (js/row-formset.js), and removed with an undo.
    add_partner = page.get_by_role("button", name="Add another partner")
    add_partner.click()
    add_partner.click()
    expect(page.locator("[data-row]")).to_have_count(3)
    third = partner_card(page, 3)
    third.get_by_role("button", name="Remove partner 3").click()
    expect(third.get_by_role("status")).to_have_text(re.compile("Partner 3 will be removed"))
    third.get_by_role("button", name="Undo").click()
    expect(third.get_by_label("Role")).to_be_visible()
    third.get_by_role("button", name="Remove partner 3").click()

    second = partner_card(page, 2)
    second.get_by_text("Add a new partner to the registry").click()
    second.get_by_label("New partner: legal name").fill(NEW_PARTNER)
    second.get_by_label("Type").select_option(label=str(PartnerType.NGO.label))
    second.get_by_label("Country").select_option(label="Georgia")
    second.get_by_label("Role").select_option(label="Funder")

    page.get_by_role("button", name="Save proposal").click()

    # A refused save shows its reasons in an alert: fail with them.
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("heading", name=PROPOSAL_TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="The proposal is saved.")).to_be_visible()
    partners = page.locator(".list-group-item")
    expect(partners).to_have_count(2)  # the removed third row was not saved
    saved = Proposal.objects.get(title=PROPOSAL_TITLE)
    assert sorted(country.code for country in saved.countries) == ["GE", "KE"]
    lead = partners.filter(has_text=existing_partner)
    expect(lead).to_contain_text("Lead partner")
    expect(lead).to_contain_text("Kenya")
    expect(lead).to_contain_text(str(EconomyGroup.DEVELOPING.label))
    new = partners.filter(has_text=NEW_PARTNER)
    expect(new).to_contain_text("Funder")
    expect(new).to_contain_text(str(PartnerType.NGO.label))
    expect(new).to_contain_text("Georgia")
    expect(new).to_contain_text(str(EconomyGroup.TRANSITION.label))


def answer_gate(page):
    from playwright.sync_api import expect

    page.get_by_role("button", name="Start an assessment").click()
    expect(page.get_by_role("heading", name="Exclusion gate", level=1)).to_be_visible()
    expect(status_badge(page)).to_have_text("Draft")

    # One answer per question and partner, each in a group named by the partner.
    answers = page.locator("form fieldset[id^=gate-]")
    count = answers.count()
    assert count > 0, "the exclusion gate shows no question"
    for i in range(count):
        question = answers.nth(i)
        if i == 0:
            question.get_by_label("Unknown", exact=True).check()
            question.get_by_label("Note", exact=True).fill(
                "Screening database checked; confirmation pending."
            )
        else:
            question.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save the gate and continue to the criteria").click()

    expect(page.get_by_role("heading", name="Assessment form", level=1)).to_be_visible()
    expect(
        page.get_by_role("status").filter(has_text="The exclusion gate is saved.")
    ).to_be_visible()


def criterion(page, code):
    return page.locator(f"fieldset#criterion-{code}")


def rate_every_criterion(page):
    """Rate every criterion "Fully met"; the live scores change before anything is saved."""
    from playwright.sync_api import expect

    overall = page.locator('[data-score="overall"]')
    expect(overall).to_have_text("—")
    criteria = page.locator("fieldset[id^='criterion-']")
    count = criteria.count()
    assert count > 0, "the assessment form shows no criterion"

    criteria.nth(0).get_by_label("Fully met", exact=True).check()
    # The score panel is refreshed from the preview endpoint, without saving.
    expect(overall).not_to_have_text("—")
    expect(overall).to_have_text(re.compile(r"^\d+(\.\d+)? %$"))

    for i in range(1, count):
        criteria.nth(i).get_by_label("Fully met", exact=True).check()
    expect(page.locator('[data-score="coverage"]')).to_have_text("100.0 %")
    expect(overall).to_have_text("100.0 %")
    expect(page.locator('[data-score="outcome"]')).to_have_text("Engage")
    return count


def save_and_submit(page, *, save_draft_first):
    from playwright.sync_api import expect

    if save_draft_first:
        page.get_by_role("button", name="Save draft").click()
        expect(
            page.get_by_role("status").filter(has_text="Your answers are saved.")
        ).to_be_visible()
        expect(page.get_by_role("heading", name="Assessment form", level=1)).to_be_visible()
    page.get_by_role("button", name="Save and go to submission").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Assessment \d+$"), level=1)
    ).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Your answers are saved.")).to_be_visible()
    submit = page.get_by_role("button", name="Submit for review")
    expect(submit).to_be_enabled()
    submit.click()
    expect(page.get_by_role("status").filter(has_text="Submitted for review.")).to_be_visible()
    expect(status_badge(page)).to_have_text("Submitted")


def start_review(page):
    from playwright.sync_api import expect

    expect(status_badge(page)).to_have_text("Submitted")
    page.get_by_role("button", name="Start the review").click()
    expect(status_badge(page)).to_have_text("In review")
    review = page.locator("#review")
    expect(review.get_by_role("heading", name="Your review")).to_be_visible()
    return review


# --- The journey -------------------------------------------------------------------------


def test_assessor_and_reviewer_take_a_proposal_to_approval(
    browser_db, live_server, browser, tmp_path
):
    from playwright.sync_api import expect

    agency = AgencyFactory(acronym="UNDP", name="United Nations Development Programme")
    assessor = UserFactory(username="amira", agency=agency, roles=[Role.ASSESSOR])
    reviewer = UserFactory(username="rafael", agency=agency, roles=[Role.REVIEWER])
    PartnerFactory(legal_name=EXISTING_PARTNER, country="KE")
    page, base_url = browser.page, live_server.url

    with screenshot_on_failure(page, tmp_path):
        # 1. The assessor logs in and lands on "My work".
        log_in(page, base_url, assessor.username)

        # 2. A new proposal: one partner from the registry, one new to the registry.
        create_proposal(page, EXISTING_PARTNER)

        # 3. The exclusion gate.
        answer_gate(page)
        match = re.search(r"/assessments/(\d+)/answers/$", page.url)
        assert match, page.url
        assessment_pk = int(match[1])

        # 4. Every criterion rated, with live scores; saved; submitted.
        criteria_count = rate_every_criterion(page)
        save_and_submit(page, save_draft_first=True)
        log_out(page)

        # 5. The reviewer returns it with a comment.
        log_in(page, base_url, reviewer.username)
        open_from_my_work(page, "Waiting for my review", PROPOSAL_TITLE)
        review = start_review(page)
        # The label must name the return form's own field (not another form's field).
        return_form = review.locator("form").filter(
            has=page.get_by_role("button", name="Return with these comments")
        )
        return_form.get_by_label("What the assessor should change").fill(RETURN_NOTE)
        expect(return_form.get_by_role("textbox")).to_have_value(RETURN_NOTE)
        return_form.get_by_role("button", name="Return with these comments").click()
        expect(
            page.get_by_role("status").filter(has_text="returned to its assessor")
        ).to_be_visible()
        expect(status_badge(page)).to_have_text("Returned")
        log_out(page)

        # 6. The assessor sees the comment, changes one answer, adds evidence, resubmits.
        log_in(page, base_url, assessor.username)
        open_from_my_work(page, "Returned to me", PROPOSAL_TITLE)
        expect(status_badge(page)).to_have_text("Returned")
        expect(
            page.get_by_role("status").filter(has_text="Returned by the reviewer:")
        ).to_contain_text(RETURN_NOTE)
        page.get_by_role("link", name="Criteria under each principle").click()
        expect(page.get_by_role("heading", name="Assessment form", level=1)).to_be_visible()
        changed = criterion(page, CHANGED_CRITERION)
        expect(changed.get_by_label("Fully met", exact=True)).to_be_checked()
        changed.get_by_label("Largely met", exact=True).check()
        changed.get_by_label("Evidence notes", exact=True).fill(EVIDENCE_NOTE)
        expect(page.locator('[data-score="overall"]')).not_to_have_text("100.0 %")
        save_and_submit(page, save_draft_first=False)
        changed_row = page.locator("tr").filter(has_text=CHANGED_CRITERION)
        expect(changed_row).to_contain_text("Largely met")
        expect(changed_row).to_contain_text(EVIDENCE_NOTE)
        log_out(page)

        # 7. The reviewer records the decision: the computed outcome.
        log_in(page, base_url, reviewer.username)
        open_from_my_work(page, "Waiting for my review", PROPOSAL_TITLE)
        review = start_review(page)
        decision_form = review.locator("form").filter(
            has=page.get_by_role("button", name="Record the decision")
        )
        computed = (
            decision_form.get_by_text(re.compile(r"The computed outcome is “.+”"))
            .inner_text()
            .strip()
        )
        outcome = re.search(r"“(.+)”", computed)[1]
        assert outcome in {"Engage", "Engage with conditions"}, computed
        decision_form.get_by_label(outcome, exact=True).check()
        decision_form.get_by_label("Decision note").fill("Sound partnership; evidence is on file.")
        if outcome == "Engage with conditions":
            decision_form.get_by_label("Conditions", exact=True).fill(
                "Annual audited accounts to be shared."
            )
        decision_form.get_by_role("button", name="Record the decision").click()
        expect(
            page.get_by_role("status").filter(
                has_text="The decision is recorded and the report signed."
            )
        ).to_be_visible()
        expect(status_badge(page)).to_have_text("Approved")
        decision = page.get_by_role("region", name="Decision", exact=True)
        expect(decision).to_contain_text(outcome)
        expect(decision).to_contain_text("Sound partnership; evidence is on file.")

        timeline = page.get_by_role("region", name="History", exact=True).locator("li .badge")
        expect(timeline).to_have_text(
            ["Draft", "Submitted", "In review", "Returned", "Submitted", "In review", "Approved"]
        )

        assert browser.js_errors == [], f"JavaScript errors: {browser.js_errors}"
        assert browser.dialogs == [], f"Unexpected dialogs: {browser.dialogs}"

    # What the UI showed is what was stored.
    assessment = Assessment.objects.get(pk=assessment_pk)
    assert assessment.proposal.title == PROPOSAL_TITLE
    assert assessment.status == AssessmentStatus.APPROVED
    assert assessment.decided_outcome == assessment.computed_outcome
    assert assessment.assessor == assessor
    assert assessment.reviewer == reviewer
    assert assessment.reviewer_id != assessment.assessor_id
    answers = {a.criterion.code: a for a in assessment.answers.select_related("criterion")}
    assert len(answers) == criteria_count
    assert answers[CHANGED_CRITERION].rating == Rating.LARGELY_MET
    assert answers[CHANGED_CRITERION].evidence_notes == EVIDENCE_NOTE
    others = [a for code, a in answers.items() if code != CHANGED_CRITERION]
    assert all(a.rating == Rating.FULLY_MET for a in others)
    partner_names = set(
        assessment.proposal.partner_links.values_list("partner__legal_name", flat=True)
    )
    assert partner_names == {EXISTING_PARTNER, NEW_PARTNER}
