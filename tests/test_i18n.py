import re
from pathlib import Path

import pytest

CATALOG = Path(__file__).parent.parent / "partnerships/locale/zh_Hans/LC_MESSAGES/django.po"


def catalog_entries():
    """(msgid, [msgstr...], flags) for every entry of the Chinese catalog but the header."""
    text = CATALOG.read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        msgid = "".join(
            re.findall(r'^(?:msgid|msgid_plural)? ?"(.*)"$', block.split("msgstr")[0], re.M)
        )
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", re.M)
        if "msgid" in block and msgid:
            entries.append((msgid, ["".join(re.findall(r'"(.*)"', s)) for s in msgstrs], flags))
    return entries


def test_every_interface_string_is_translated_into_chinese():
    entries = catalog_entries()
    assert len(entries) > 300
    assert [msgid for msgid, msgstrs, _ in entries if not all(msgstrs)] == []
    assert [msgid for msgid, _, flags in entries if "fuzzy" in flags] == []


def test_placeholders_survive_translation():
    for msgid, msgstrs, _ in catalog_entries():
        for placeholder in re.findall(r"%\(\w+\)s", msgid):
            assert all(placeholder in s for s in msgstrs), msgid


@pytest.mark.django_db
def test_pages_speak_the_chosen_language(client, assessor, draft):
    client.force_login(assessor)
    client.cookies["django_language"] = "zh-hans"
    home = client.get("/").content.decode()
    assert "我的工作" in home and "My work" not in home
    detail = client.get(f"/assessments/{draft.pk}/").content.decode()
    assert "排除筛查" in detail and "草稿" in detail


@pytest.mark.django_db
def test_the_language_switcher_remembers_the_choice(client, assessor):
    client.force_login(assessor)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/proposals/"})
    assert response.status_code == 302
    assert "提案" in client.get("/proposals/").content.decode()
