"""Load operative paragraph 2 of A/RES/56/76 and its eight principles.

The Chinese texts are the cleaned source text (shared/source/A-RES-56-76.zh.txt,
without the PDF's repeated bold words and footnotes). The English texts are the
standard published wording, not yet checked against the official document, so
they are loaded unverified and the app says so.
"""

from django.db import migrations

PARAGRAPH_2_EN = (
    "2. Stresses that the principles and approaches that govern such partnerships and "
    "arrangements should be built on the solid foundation of the purposes and principles of "
    "the United Nations, as set out in the Charter, and invites the United Nations system to "
    "continue to adhere to a common approach to partnership which, without imposing undue "
    "rigidity in partnership agreements, includes the following principles: common purpose, "
    "transparency, bestowing no unfair advantages upon any partner of the United Nations, "
    "mutual benefit and mutual respect, accountability, respect for the modalities of the "
    "United Nations, striving for balanced representation of relevant partners from developed "
    "and developing countries and countries with economies in transition, and not "
    "compromising the independence and neutrality of the United Nations system in general and "
    "the agencies in particular;"
)

PARAGRAPH_2_ZH = (
    "2. 强调这种伙伴关系和安排所遵循的原则和作法，应建立在《宪章》所载的联合国宗旨和原则的"
    "坚实基础上，并邀请联合国系统继续遵守伙伴关系的共同做法，不对伙伴关系协议施加不当的僵硬"
    "限制，包括遵守以下原则：共同目的，透明、不给予联合国任何伙伴不公平的利益、互利和互敬、"
    "问责、尊重联合国的方法、力求来自发达国家和发展中国家及经济转型国家的相关伙伴有均衡的代"
    "表，并且一般地不损及联合国系统、特别是各机构的独立和中立性；"
)

# (key, English short name, Chinese short name, English wording, Chinese wording)
PRINCIPLES = [
    ("common_purpose", "Common purpose", "共同目的", "common purpose", "共同目的"),
    ("transparency", "Transparency", "透明", "transparency", "透明"),
    (
        "no_unfair_advantage",
        "No unfair advantage",
        "不给予不公平的利益",
        "bestowing no unfair advantages upon any partner of the United Nations",
        "不给予联合国任何伙伴不公平的利益",
    ),
    (
        "mutual_benefit_respect",
        "Mutual benefit and respect",
        "互利和互敬",
        "mutual benefit and mutual respect",
        "互利和互敬",
    ),
    ("accountability", "Accountability", "问责", "accountability", "问责"),
    (
        "respect_un_modalities",
        "Respect for UN modalities",
        "尊重联合国的方法",
        "respect for the modalities of the United Nations",
        "尊重联合国的方法",
    ),
    (
        "balanced_representation",
        "Balanced representation",
        "均衡的代表",
        "striving for balanced representation of relevant partners from developed and "
        "developing countries and countries with economies in transition",
        "力求来自发达国家和发展中国家及经济转型国家的相关伙伴有均衡的代表",
    ),
    (
        "independence_neutrality",
        "Independence and neutrality",
        "独立和中立",
        "not compromising the independence and neutrality of the United Nations system in "
        "general and the agencies in particular",
        "不损及联合国系统、特别是各机构的独立和中立性",
    ),
]


def load(apps, schema_editor):
    SourceParagraph = apps.get_model("principles", "SourceParagraph")
    Principle = apps.get_model("principles", "Principle")
    source, _ = SourceParagraph.objects.update_or_create(
        document="A/RES/56/76",
        paragraph="2",
        defaults={
            "document_title_en": "Towards global partnerships",
            "document_title_zh": "建立全球伙伴关系",
            "text_en": PARAGRAPH_2_EN,
            "text_zh": PARAGRAPH_2_ZH,
            "text_en_verified": False,
            "text_zh_verified": False,
            "source_note": (
                "Adopted by the General Assembly on 11 December 2001 without reference to a "
                "Main Committee (A/56/L.33 and Add.1). Chinese text cleaned from the extracted "
                "official PDF; English text is the standard published wording (unverified)."
            ),
        },
    )
    for number, (key, short_en, short_zh, wording_en, wording_zh) in enumerate(PRINCIPLES, 1):
        Principle.objects.update_or_create(
            key=key,
            defaults={
                "number": number,
                "source": source,
                "short_name_en": short_en,
                "short_name_zh": short_zh,
                "wording_en": wording_en,
                "wording_zh": wording_zh,
                "wording_en_verified": False,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("principles", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
