"""The demo portfolio: fictional agencies' staff, partners and proposals."""

from datetime import date
from decimal import Decimal

AGENCIES = [
    ("UNDP", "United Nations Development Programme"),
    ("UNICEF", "United Nations Children's Fund"),
    ("WHO", "World Health Organization"),
]

# (legal name, other names, type, country, Global Compact participant, website)
PARTNERS = [
    (
        "Nordlicht Energie GmbH",
        "Nordlicht Energy",
        "business_large",
        "DE",
        True,
        "https://nordlicht.example",
    ),
    (
        "Aurora Data Systems Inc.",
        "Aurora Data",
        "business_large",
        "US",
        True,
        "https://aurora-data.example",
    ),
    (
        "Maple Leaf Pharmaceuticals Ltd.",
        "",
        "business_large",
        "CA",
        False,
        "https://mapleleaf-pharma.example",
    ),
    (
        "Kibo Solar Cooperative Ltd.",
        "Kibo Solar",
        "business_sme",
        "KE",
        False,
        "https://kibosolar.example",
    ),
    (
        "Fundación Agua Viva",
        "Agua Viva Foundation",
        "foundation",
        "CO",
        False,
        "https://aguaviva.example",
    ),
    ("Sahel Health Alliance", "Alliance Santé Sahel", "ngo", "SN", False, ""),
    (
        "Universidade Federal do Cerrado",
        "UFCerrado",
        "academic",
        "BR",
        False,
        "https://ufcerrado.example",
    ),
    ("Mekong Digital Learning Foundation", "", "foundation", "VN", False, ""),
    (
        "Pacific Islands Resilience Facility",
        "PIRF",
        "multilateral",
        "FJ",
        False,
        "https://pirf.example",
    ),
    ("Tashkent AgroTech LLC", "Ташкент АгроТех", "business_sme", "UZ", False, ""),
    ("Caucasus Clean Air Initiative", "", "ngo", "GE", False, "https://cleanair-caucasus.example"),
    ("Balkan Institute for Public Policy", "BIPP", "academic", "RS", False, "https://bipp.example"),
    ("Steppe Wind Power JSC", "", "business_large", "KZ", True, ""),
]

# Ratings drawn for each criterion: a profile is the list the demo cycles through.
PROFILES = {
    "strong": [3, 3, 2, 3, 3, 2, 3],
    "good": [3, 2, 2, 3, 2, 2, 1, 3],
    "mixed": [2, 1, 2, 2, 1, 3, 1],
    "weak": [1, 1, 0, 2, 1, 0, 1],
}

# (agency, title, partners with roles, contribution types, value, start, end,
#  countries, UN name/emblem requested, exclusivity requested, rating profile,
#  how many criteria are left unanswered, key criterion rated "not met")
PROPOSALS = [
    {
        "agency": "UNDP",
        "title": "Solar mini-grids for rural health clinics",
        "summary": "Install and maintain solar mini-grids at 120 rural health clinics.",
        "objectives": "Reliable power for cold chains and night-time care; local technicians trained.",
        "partners": [("Kibo Solar Cooperative Ltd.", "lead"), ("Nordlicht Energie GmbH", "funder")],
        "contributions": ["financial", "technology", "expertise"],
        "value": Decimal("2400000"),
        "dates": (date(2026, 3, 1), date(2028, 2, 29)),
        "countries": ["KE", "UG", "TZ"],
        "emblem": False,
        "exclusivity": False,
        "complementarity": "Co-financed with the ministries of health; no government budget line is replaced.",
        "status": "approved",
        "profile": "strong",
    },
    {
        "agency": "UNDP",
        "title": "Climate data platform for Central Asian farmers",
        "summary": "A shared platform of weather and soil data with advice in local languages.",
        "objectives": "Higher yields and lower water use for 40,000 smallholders.",
        "partners": [
            ("Tashkent AgroTech LLC", "implementer"),
            ("Aurora Data Systems Inc.", "co_partner"),
        ],
        "contributions": ["technology", "in_kind"],
        "value": Decimal("850000"),
        "dates": (date(2026, 6, 1), date(2027, 12, 31)),
        "countries": ["UZ", "KZ", "KG"],
        "emblem": True,
        "exclusivity": True,
        "complementarity": "Extends the national hydromet services' open data.",
        "status": "approved",
        "profile": "mixed",
    },
    {
        "agency": "UNDP",
        "title": "Wind power skills academy",
        "summary": "Vocational training for wind-farm technicians.",
        "objectives": "500 certified technicians in three years.",
        "partners": [
            ("Steppe Wind Power JSC", "lead"),
            ("Balkan Institute for Public Policy", "co_partner"),
        ],
        "contributions": ["financial", "expertise"],
        "value": Decimal("600000"),
        "dates": (date(2026, 9, 1), date(2029, 8, 31)),
        "countries": ["KZ", "RS"],
        "emblem": False,
        "exclusivity": False,
        "complementarity": "",
        "status": "draft",
        "profile": "good",
        "unanswered": 6,
    },
    {
        "agency": "UNICEF",
        "title": "Safe water in schools",
        "summary": "Water points and hygiene education in 300 schools.",
        "objectives": "Every pupil has safe water and soap at school.",
        "partners": [
            ("Fundación Agua Viva", "lead"),
            ("Universidade Federal do Cerrado", "implementer"),
        ],
        "contributions": ["financial", "expertise"],
        "value": Decimal("1200000"),
        "dates": (date(2026, 1, 15), date(2027, 12, 31)),
        "countries": ["CO", "BR"],
        "emblem": False,
        "exclusivity": False,
        "complementarity": "Matches the education ministries' school-infrastructure budgets.",
        "status": "in_review",
        "profile": "good",
    },
    {
        "agency": "UNICEF",
        "title": "Digital learning for out-of-school children",
        "summary": "Offline tablets with the national curriculum for children who cannot reach school.",
        "objectives": "50,000 children learning again within a year.",
        "partners": [
            ("Mekong Digital Learning Foundation", "lead"),
            ("Aurora Data Systems Inc.", "funder"),
        ],
        "contributions": ["in_kind", "technology"],
        "value": Decimal("3000000"),
        "dates": (date(2026, 4, 1), date(2028, 3, 31)),
        "countries": ["VN", "LA", "KH"],
        "emblem": True,
        "exclusivity": True,
        "complementarity": "",
        "status": "rejected",
        "profile": "weak",
        "key_failure": True,
    },
    {
        "agency": "WHO",
        "title": "Cold-chain vaccines in the Pacific",
        "summary": "Solar fridges and data loggers for island clinics.",
        "objectives": "No vaccine lost to temperature excursions.",
        "partners": [
            ("Pacific Islands Resilience Facility", "lead"),
            ("Maple Leaf Pharmaceuticals Ltd.", "funder"),
        ],
        "contributions": ["financial", "in_kind"],
        "value": Decimal("950000"),
        "dates": (date(2026, 2, 1), date(2027, 1, 31)),
        "countries": ["FJ", "WS", "TO"],
        "emblem": False,
        "exclusivity": False,
        "complementarity": "Adds to, and does not replace, the national immunization budgets.",
        "status": "submitted",
        "profile": "strong",
    },
    {
        "agency": "WHO",
        "title": "Clean air and child health study",
        "summary": "Air-quality monitoring and a cohort study in three cities.",
        "objectives": "Evidence for national clean-air standards.",
        "partners": [
            ("Caucasus Clean Air Initiative", "lead"),
            ("Universidade Federal do Cerrado", "co_partner"),
        ],
        "contributions": ["expertise"],
        "value": Decimal("400000"),
        "dates": (date(2026, 5, 1), date(2028, 4, 30)),
        "countries": ["GE", "AM"],
        "emblem": False,
        "exclusivity": False,
        "complementarity": "Research funding only; monitoring networks stay public.",
        "status": "returned",
        "profile": "mixed",
    },
    {
        "agency": "WHO",
        "title": "Community health workers in the Sahel",
        "summary": "Training and equipping community health workers.",
        "objectives": "One trained worker for every 1,000 people in the districts covered.",
        "partners": [
            ("Sahel Health Alliance", "lead"),
            ("Maple Leaf Pharmaceuticals Ltd.", "funder"),
        ],
        "contributions": ["financial", "in_kind"],
        "value": Decimal("1750000"),
        "dates": (date(2026, 7, 1), date(2029, 6, 30)),
        "countries": ["SN", "ML", "NE"],
        "emblem": True,
        "exclusivity": False,
        "complementarity": "Workers are paid through the national programme; the partners fund training.",
        "status": "draft",
        "profile": "good",
        "unanswered": 30,
    },
]

EVIDENCE_BY_RATING = {
    0: "The documents reviewed contradict the criterion.",
    1: "Only partial evidence: the draft agreement is silent on this point.",
    2: "Largely met according to the partner's annual report and the draft agreement.",
    3: "Fully met: confirmed in the signed letter of intent and the partner's public reports.",
}

NOT_APPLICABLE_JUSTIFICATION = (
    "The partnership has no decision-making body of its own: decisions stay with the "
    "agency's project board."
)

# The exclusion gate: "no" everywhere, except where a proposal says otherwise.
GATE_CONCERNS = {
    "Digital learning for out-of-school children": {
        "un_emblem": ("yes", "The partner's launch material already shows the UN emblem."),
    },
}

DECISIONS = {
    "approved": {"note": "Meets the principles; partnership agreement may be signed."},
    "rejected": {
        "note": "The emblem was used without consent and transparency is weak.",
        "justification": "Exclusion gate: unauthorized use of the UN emblem.",
    },
}
RETURN_NOTE = "Please add evidence for the accountability criteria (AC-2, AC-3)."
CONDITIONS = "Quarterly reporting to the agency; no exclusivity in the agreement."
