"""Words the benchmark portfolio is written with: fictional names and plausible texts.

Every text here is plain (no tab, newline or backslash): the biggest tables are written
in COPY's text format without escaping (copying.py checks).
"""

# The word the search pages look for: in some proposal titles and some partner names,
# as in the demo data ("Solar mini-grids for rural health clinics", "Kibo Solar
# Cooperative Ltd.").
SEARCH_WORD = "solar"

# Ten UN entities beside the demo's three (UNDP, UNICEF, WHO).
AGENCIES = [
    ("FAO", "Food and Agriculture Organization of the United Nations"),
    ("UNEP", "United Nations Environment Programme"),
    ("UNHCR", "Office of the United Nations High Commissioner for Refugees"),
    ("WFP", "World Food Programme"),
    ("UNESCO", "United Nations Educational, Scientific and Cultural Organization"),
    ("ILO", "International Labour Organization"),
    ("UNFPA", "United Nations Population Fund"),
    ("UN-Habitat", "United Nations Human Settlements Programme"),
    ("UNIDO", "United Nations Industrial Development Organization"),
    ("IFAD", "International Fund for Agricultural Development"),
]
# How the proposals spread over them (larger agencies have more).
AGENCY_WEIGHTS = [20, 15, 12, 10, 10, 9, 8, 7, 5, 4]

FIRST_NAMES = [
    "Amina", "Bruno", "Chen", "Dilnoza", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jonas",
    "Kamala", "Luis", "Mariam", "Nikolai", "Olga", "Pedro", "Qiu", "Rania", "Sipho", "Tomas",
]  # fmt: skip
LAST_NAMES = [
    "Abebe", "Bianchi", "Castillo", "Dlamini", "Eriksen", "Fernandes", "Gupta", "Haddad",
    "Ivanova", "Johansson", "Kim", "Lopez", "Mensah", "Nguyen", "Okafor", "Petrov", "Rahman",
    "Silva", "Tanaka", "Usmanov",
]  # fmt: skip

# Partner names: syllables make a proper name, then a sector and a legal form by type.
SYLLABLES = [
    "ka", "lo", "mi", "ra", "to", "su", "ne", "li", "zo", "ha", "ri", "da", "vo", "ke", "ma",
    "sa", "ti", "no", "ru", "fa", "ge", "bo", "pe", "vi", "an", "el", "or", "un", "is", "am",
]  # fmt: skip
SECTORS = [
    "Agro", "Water", "Health", "Energy", "Digital", "Learning", "Climate", "Finance", "Logistics",
    "Textiles", "Mining", "Telecom", "Pharma", "Foods", "Housing", "Transport", "Forest", "Ocean",
]  # fmt: skip
# Share of partner names with the search word as their sector.
SEARCH_WORD_SHARE = 0.02
LEGAL_FORMS = {
    "business_large": ["Group plc", "Holdings Inc.", "AG", "SA", "Corporation", "GmbH"],
    "business_sme": ["Ltd.", "LLC", "Cooperative Ltd.", "SARL", "Pty Ltd", "JSC"],
    "foundation": ["Foundation", "Trust", "Fund"],
    "ngo": ["Alliance", "Network", "Association", "Initiative"],
    "academic": ["University", "Institute", "Research Centre"],
    "government": ["Ministry of Planning", "National Agency", "Development Board"],
    "multilateral": ["Facility", "Development Bank", "Commission"],
    "other": ["Partnership", "Consortium", "Platform"],
}
PARTNER_TYPE_WEIGHTS = {
    "business_large": 20, "business_sme": 25, "foundation": 12, "ngo": 25, "academic": 8,
    "government": 4, "multilateral": 3, "other": 3,
}  # fmt: skip
# How partners spread over the economy groups (countries are then drawn within a group).
ECONOMY_GROUP_WEIGHTS = {"developed": 35, "developing": 50, "transition": 15}

THEMES = [
    "Solar mini-grids", "Clean water", "Digital learning", "Cold-chain vaccines",
    "Climate-smart agriculture", "Maternal health", "Disaster early warning", "Youth skills",
    "Wind power training", "Mobile banking", "School meals", "Air quality monitoring",
    "Sanitation", "Refugee housing", "Coastal resilience", "Women's entrepreneurship",
    "Crop insurance", "Telemedicine", "Recycling", "Road safety",
]  # fmt: skip
BENEFICIARIES = [
    "rural health clinics", "schools", "smallholder farmers", "refugee settlements",
    "informal workers", "coastal communities", "urban households", "women-led businesses",
    "district hospitals", "young people", "fishing cooperatives", "local governments",
]  # fmt: skip
OBJECTIVES = [
    "Reliable services for the people covered; local staff trained to run them.",
    "Measurable gains within three years; results published every year.",
    "A model that national programmes can take over when the partnership ends.",
    "Data shared openly with the national statistics office.",
]
COMPLEMENTARITY = [
    "The partners fund equipment; running costs stay in the national budget.",
    "Adds private finance to a public programme; it replaces no public resource.",
    "Technical expertise only; the public service remains in charge.",
    "",
]
CURRENCY_WEIGHTS = {"USD": 80, "EUR": 12, "GBP": 3, "CHF": 2, "JPY": 3}

# Evidence notes by rating, as the demo writes them.
EVIDENCE_BY_RATING = {
    0: "The documents reviewed contradict the criterion.",
    1: "Only partial evidence: the draft agreement is silent on this point.",
    2: "Largely met according to the partner's annual report and the draft agreement.",
    3: "Fully met: confirmed in the signed letter of intent and the partner's public reports.",
}
NOT_APPLICABLE_JUSTIFICATION = "Does not arise in this partnership: no such activity is planned."
GATE_NOTES = {
    "yes": "The screening found a concern: see the attached media report.",
    "unknown": "The partner has not answered our questionnaire yet.",
}
APPROVAL_NOTES = [
    "Meets the principles; the partnership agreement may be signed.",
    "Reviewed with the legal office; the agreement may go ahead.",
]
REJECTION_NOTES = [
    "Weak on transparency and accountability: we will not engage.",
    "A key criterion is not met; the agency will not engage.",
]
CONDITIONS = "Quarterly reporting to the agency; no exclusivity in the agreement."
JUSTIFICATION = "Weighed against the evidence and the exclusion gate: see the decision note."
RETURN_NOTE = "Please add evidence for the accountability criteria."
