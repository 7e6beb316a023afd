import re

import pytest
from django.test import Client

from partnerships.principles.models import Principle, SourceParagraph

pytestmark = pytest.mark.django_db

# DOMAIN.md's table: key, English short name, Chinese wording (character for character).
EXPECTED = [
    ("common_purpose", "Common purpose", "共同目的"),
    ("transparency", "Transparency", "透明"),
    ("no_unfair_advantage", "No unfair advantage", "不给予联合国任何伙伴不公平的利益"),
    ("mutual_benefit_respect", "Mutual benefit and respect", "互利和互敬"),
    ("accountability", "Accountability", "问责"),
    ("respect_un_modalities", "Respect for UN modalities", "尊重联合国的方法"),
    (
        "balanced_representation",
        "Balanced representation",
        "力求来自发达国家和发展中国家及经济转型国家的相关伙伴有均衡的代表",
    ),
    ("independence_neutrality", "Independence and neutrality", "不损及联合国系统、特别是各机构的独立和中立性"),
]  # fmt: skip

PARAGRAPH_2_ZH = (
    "2. 强调这种伙伴关系和安排所遵循的原则和作法，应建立在《宪章》所载的联合国宗旨和原则的坚实基础上，"
    "并邀请联合国系统继续遵守伙伴关系的共同做法，不对伙伴关系协议施加不当的僵硬限制，包括遵守以下原则："
    "共同目的，透明、不给予联合国任何伙伴不公平的利益、互利和互敬、问责、尊重联合国的方法、"
    "力求来自发达国家和发展中国家及经济转型国家的相关伙伴有均衡的代表，"
    "并且一般地不损及联合国系统、特别是各机构的独立和中立性；"
)


def test_the_eight_principles_in_paragraph_order():
    principles = list(Principle.objects.order_by("number"))
    assert [(p.number, p.key, p.short_name_en, p.wording_zh) for p in principles] == [
        (number, key, short, zh) for number, (key, short, zh) in enumerate(EXPECTED, 1)
    ]


def test_respect_for_un_modalities_is_not_left_out():
    assert Principle.objects.filter(wording_en="respect for the modalities of the United Nations")


def test_every_principle_cites_paragraph_2_and_its_wording_is_in_it():
    source = SourceParagraph.objects.get()
    assert source.citation == "A/RES/56/76, para. 2"
    assert source.text_zh == PARAGRAPH_2_ZH
    for principle in Principle.objects.all():
        assert principle.citation == "A/RES/56/76, para. 2"
        assert principle.wording_zh in source.text_zh
        assert principle.wording_en in source.text_en
        assert principle.short_name_zh


def test_no_pdf_artefacts_in_the_chinese_texts():
    texts = [
        SourceParagraph.objects.get().text_zh,
        *Principle.objects.values_list("wording_zh", flat=True),
    ]
    for text in texts:
        assert not re.search(r"(.{2,4})\1\1\1", text), "bold words repeated four times"
        assert "\n" not in text
        assert "A/54/2000" not in text
        assert "55/2" not in text
        assert "A/56/323" not in text


def test_english_wording_is_marked_unverified():
    assert not Principle.objects.filter(wording_en_verified=True).exists()
    assert not SourceParagraph.objects.get().text_en_verified


def test_about_page_is_public_and_shows_the_paragraph_in_both_languages(client: Client):
    response = client.get("/principles/")
    assert response.status_code == 200
    page = response.content.decode()
    assert PARAGRAPH_2_ZH in page
    assert "without imposing undue rigidity in partnership agreements" in page
    assert "not yet checked against the official text" in page
    for principle in Principle.objects.all():
        assert principle.wording_en in page
        assert principle.wording_zh in page
        assert principle.short_name_en in page


def test_about_page_in_chinese_uses_chinese_short_names(client: Client):
    response = client.get("/principles/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in page
    for principle in Principle.objects.all():
        assert f'<th scope="row">{principle.short_name_zh}</th>' in page


def test_about_page_counts_the_current_checklists_criteria(client: Client):
    page = client.get("/principles/").content.decode()
    assert "Criteria in the current checklist" in page
    assert "A/RES/56/76 partnership principles checklist, version 1.0" in page


def test_about_page_query_count_is_fixed(client: Client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/principles/")


def test_the_login_page_links_to_the_principles(client: Client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    assert 'href="/principles/"' in client.get(response["Location"]).content.decode()
