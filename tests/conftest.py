import os

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, settings

from partnerships.accounts.roles import Role
from tests.factories import AgencyFactory, UserFactory

# CI runs the same examples every time; locally hypothesis explores more.
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def agency(db):
    return AgencyFactory(acronym="UNDP", name="United Nations Development Programme")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(acronym="WHO", name="World Health Organization")


@pytest.fixture
def assessor(agency):
    return UserFactory(username="assessor", agency=agency, roles=[Role.ASSESSOR])


@pytest.fixture
def reviewer(agency):
    return UserFactory(username="reviewer", agency=agency, roles=[Role.REVIEWER])


@pytest.fixture
def oversight(other_agency):
    return UserFactory(username="oversight", agency=other_agency, roles=[Role.OVERSIGHT])


@pytest.fixture
def administrator(agency):
    return UserFactory(
        username="administrator", agency=agency, roles=[Role.ADMINISTRATOR], is_staff=True
    )


@pytest.fixture
def outsider(other_agency):
    return UserFactory(username="outsider", agency=other_agency, roles=[Role.ASSESSOR])


@pytest.fixture
def teammate(agency):
    """Another assessor of the same agency."""
    return UserFactory(username="teammate", agency=agency, roles=[Role.ASSESSOR])


@pytest.fixture
def proposal(agency, assessor):
    from tests.factories import ProposalPartnerFactory

    return ProposalPartnerFactory(proposal__agency=agency, proposal__created_by=assessor).proposal


@pytest.fixture
def draft(proposal, assessor):
    """A draft assessment of the assessor's, started through the workflow."""
    from partnerships.assessments.workflow import assessment_start

    return assessment_start(proposal=proposal, user=assessor)


@pytest.fixture
def decided(draft, reviewer):
    """An approved assessment with one attachment (on TR-1), decided through the workflow
    and signed."""
    from partnerships.assessments.services import attachment_add
    from tests.helpers import approve, pdf_upload

    attachment_add(
        assessment=draft,
        user=draft.assessor,
        criterion=draft.framework.criteria.get(code="TR-1"),
        upload=pdf_upload(),
    )
    approve(draft, reviewer, TR_1=2)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def signed(decided):
    """The signed review of `decided`."""
    return decided.signed_review


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs a quarter second per user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def empty_cache():
    """Nothing one test cached (a signature check) is seen by the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def tasks_run_in_place(settings):
    """Background tasks run as they are enqueued (the immediate backend), on PostgreSQL
    too; tests/test_jobs.py runs the database backend and its worker once."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The Chinese catalog compiled, as `make` does, for runs of pytest on its own."""
    import subprocess
    from pathlib import Path

    for po in Path(__file__).parent.parent.glob("partnerships/locale/*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            # Written aside, then moved in place: each test process (pytest-xdist) may
            # compile it at once, and none must read a catalog half written.
            part = mo.with_suffix(f".mo.{os.getpid()}")
            subprocess.run(["msgfmt", "--check", "-o", str(part), str(po)], check=True)
            part.replace(mo)


@pytest.fixture(autouse=True)
def english_after_each_test():
    # A request in Chinese leaves Chinese active in the thread; the next test starts in English.
    from django.utils import translation

    yield
    translation.activate("en")


@pytest.fixture(scope="session")
def signing_files(tmp_path_factory):
    """A self-signed signing certificate made once for the whole run."""
    from partnerships.reports.certificates import create_self_signed_pair

    folder = tmp_path_factory.mktemp("signing")
    create_self_signed_pair(
        common_name="Test review signer",
        organization="Partnership check tests",
        passphrase="test passphrase",
        p12_path=folder / "signer.p12",
        pem_path=folder / "signer.pem",
    )
    return folder


@pytest.fixture(autouse=True)
def signing_settings(settings, signing_files):
    settings.SIGNING_PKCS12_PATH = str(signing_files / "signer.p12")
    settings.SIGNING_PKCS12_PASSPHRASE = "test passphrase"
    settings.SIGNING_TRUST_ROOTS = [str(signing_files / "signer.pem")]


@pytest.fixture(scope="session", autouse=True)
def integrity_triggers_lifted_while_tests_reset_the_database():
    """Transactional tests (live_server, transactional_db) empty every table when they end
    (`flush`: DELETE on SQLite) and, with serialized_rollback, reload the data migrations'
    rows when they start (criteria of the published framework among them). The integrity
    triggers refuse both. Lift them for exactly these two steps, so that every test itself
    runs with them. (Patched here rather than in a function fixture: pytest-django's own
    autouse fixture starts a `django_db(transaction=True)` test before any of ours.)"""
    from contextlib import ExitStack

    from django.db import connections
    from django.db.backends.base.creation import BaseDatabaseCreation
    from django.test import TransactionTestCase

    from partnerships.integrity.triggers import triggers_disabled

    flush = TransactionTestCase._fixture_teardown
    reload = BaseDatabaseCreation.deserialize_db_from_string

    def flush_without_triggers(test_case):
        with ExitStack() as lifted:
            for alias in test_case._databases_names(include_mirrors=False):
                lifted.enter_context(triggers_disabled(connections[alias]))
            flush(test_case)

    def reload_without_triggers(creation, data):
        with triggers_disabled(creation.connection):
            reload(creation, data)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", flush_without_triggers)
        patch.setattr(BaseDatabaseCreation, "deserialize_db_from_string", reload_without_triggers)
        yield


# Browser tests (tests/browser.py)


@pytest.fixture
def browser_db(transactional_db, django_db_serialized_rollback, monkeypatch):
    """A transactional database for the live server, with the reference data of the data
    migrations (principles, checklist, exclusion questions) restored for the test.

    Playwright's sync API runs an event loop in this thread: let the ORM run beside it.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    from types import SimpleNamespace

    from playwright.sync_api import expect, sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="en")
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        browser_session = SimpleNamespace(page=page, js_errors=[], dialogs=[])
        page.on("pageerror", lambda error: browser_session.js_errors.append(str(error)))

        def on_dialog(dialog):
            # An unexpected dialog (e.g. "leave the page with unsaved changes?") is recorded
            # and accepted so the journey can go on; the test fails on it at the end.
            browser_session.dialogs.append(f"{dialog.type}: {dialog.message!r} at {page.url}")
            dialog.accept()

        page.on("dialog", on_dialog)
        try:
            yield browser_session
        finally:
            context.close()
            chromium.close()
