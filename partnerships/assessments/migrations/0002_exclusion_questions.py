"""The exclusion gate's screening questions (DOMAIN.md §2: UN–Business Guidelines, UNDP's
exclusionary criteria, GA resolution 92 (I)). A "yes" to any of them means the
assessment cannot end in Engage."""

from django.db import migrations

QUESTIONS = [
    (
        "sanctions",
        "Is the partner, its parent company or any of its owners or directors subject to UN Security Council sanctions, or on a UN ineligibility list?",
        "该伙伴、其母公司或其任何所有人或董事是否受到联合国安全理事会制裁，或被列入联合国不合格名单？",
        "Search the Security Council Consolidated List and the agency's ineligibility lists for every name the partner uses.",
        "以该伙伴使用的所有名称检索安全理事会综合名单和本机构的不合格名单。",
        "UN–Business Guidelines; UNDP exclusionary criteria",
    ),
    (
        "human_rights",
        "Is the partner complicit in human rights abuses?",
        "该伙伴是否同谋侵犯人权？",
        "Check credible public sources, court records and reports of UN human rights mechanisms.",
        "核查可信的公开来源、法院记录和联合国人权机制的报告。",
        "UN–Business Guidelines; Global Compact principles 1–2",
    ),
    (
        "forced_child_labour",
        "Does the partner use or tolerate forced or compulsory labour, or child labour, in its operations or supply chain?",
        "该伙伴在其业务或供应链中是否使用或容忍强迫或强制劳动或童工？",
        "Check labour audits, supplier codes of conduct and reports by workers' organizations.",
        "核查劳工审计、供应商行为守则和工人组织的报告。",
        "UN–Business Guidelines; Global Compact principles 4–5",
    ),
    (
        "weapons",
        "Is the partner involved in the manufacture or sale of weapons or their components, anti-personnel mines or cluster bombs?",
        "该伙伴是否涉足武器或其部件、杀伤人员地雷或集束炸弹的制造或销售？",
        "Check the partner's business lines and those of its parent company and subsidiaries.",
        "核查该伙伴及其母公司和子公司的业务范围。",
        "UN–Business Guidelines; UNDP exclusionary criteria",
    ),
    (
        "tobacco",
        "Is the partner involved in the tobacco industry?",
        "该伙伴是否涉足烟草业？",
        "Include the manufacture, wholesale distribution and promotion of tobacco products.",
        "包括烟草制品的制造、批发分销和推广。",
        "UNDP exclusionary criteria",
    ),
    (
        "other_sectors",
        "Is the partner involved in another excluded sector: pornography, gambling, or trade in internationally banned substances or wildlife products?",
        "该伙伴是否涉足其他排除的行业：色情、赌博，或国际禁止的物质或野生动植物产品贸易？",
        "Check the partner's business lines, licences and public reports.",
        "核查该伙伴的业务范围、许可证和公开报告。",
        "UNDP exclusionary criteria",
    ),
    (
        "un_emblem",
        "Has the partner used, or does the proposal require, the UN name or emblem without prior written consent?",
        "该伙伴是否未经事先书面同意使用过联合国名称或徽章，或提案是否要求这样使用？",
        "Check the partner's marketing material and the proposal's communication plan.",
        "核查该伙伴的营销材料和提案的宣传计划。",
        "GA resolution 92 (I)",
    ),
]


def load(apps, schema_editor):
    ExclusionQuestion = apps.get_model("assessments", "ExclusionQuestion")
    for position, (key, q_en, q_zh, g_en, g_zh, basis) in enumerate(QUESTIONS, 1):
        ExclusionQuestion.objects.update_or_create(
            key=key,
            defaults={
                "position": position,
                "question_en": q_en,
                "question_zh": q_zh,
                "guidance_en": g_en,
                "guidance_zh": g_zh,
                "basis": basis,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
