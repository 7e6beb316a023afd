"""/healthz: 200 while the database answers, 503 when it does not; open to any probe."""

from unittest import mock

import pytest
from django.db import OperationalError, connections


@pytest.mark.django_db
def test_answers_ok_without_login_while_the_database_answers(client):
    response = client.get("/healthz", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    # A probe every few seconds must not create sessions or CSRF cookies.
    assert not response.cookies


@pytest.mark.django_db
def test_answers_head_requests(client):
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_answers_503_and_logs_the_cause_when_the_database_fails(client, caplog):
    failure = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(connections["default"], "cursor", side_effect=failure):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert "no-store" in response["Cache-Control"]
    assert "server closed the connection unexpectedly" in caplog.text
