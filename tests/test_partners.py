import pytest
from django_countries.data import COUNTRIES

from partnerships.partners import economies
from partnerships.partners.economies import EconomyGroup
from partnerships.partners.models import Partner
from tests.factories import PartnerFactory

EU = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]
DEVELOPED = [*EU, "IS", "NO", "CH", "GB", "CA", "US", "AU", "JP", "NZ"]
TRANSITION = [
    "AL",
    "BA",
    "ME",
    "MK",
    "RS",
    "AM",
    "AZ",
    "BY",
    "GE",
    "KZ",
    "KG",
    "MD",
    "RU",
    "TJ",
    "TM",
    "UA",
    "UZ",
]


def test_every_iso_country_has_exactly_one_explicit_classification():
    classified = economies.classifications()
    assert set(classified) == set(COUNTRIES)
    assert all(c.group in EconomyGroup for c in classified.values())


def test_wesp_developed_and_transition_lists():
    classified = economies.classifications()
    assert len(DEVELOPED) == 36
    assert len(TRANSITION) == 17
    assert {
        code for code, c in classified.items() if c.basis == "wesp" and c.group == "developed"
    } == set(DEVELOPED)
    assert {code for code, c in classified.items() if c.group == "transition"} == set(TRANSITION)


def test_territories_are_explicit_decisions_with_a_reason():
    classified = economies.classifications()
    for code in ["HK", "MO", "TW", "PR", "PS", "GL", "RE", "BM"]:
        assert classified[code].basis == "decision", code
    for entry in classified.values():
        assert bool(entry.note) == (entry.basis == "decision"), entry.code
    assert classified["RE"].group == "developed"  # outermost region of France, in the EU
    assert classified["HK"].group == "developing"


@pytest.mark.parametrize(
    ("country", "group"),
    [
        ("DE", "developed"),
        ("JP", "developed"),
        ("UZ", "transition"),
        ("KE", "developing"),
        ("BR", "developing"),
    ],
)
def test_economy_group_lookup(country, group):
    assert economies.economy_group_of(country) == group
    assert economies.economy_group_of(country.lower()) == group


def test_unknown_country_code_is_an_error():
    with pytest.raises(KeyError):
        economies.economy_group_of("QQ")


@pytest.mark.django_db
def test_partner_economy_group_is_derived_from_its_country_with_the_edition():
    partner = PartnerFactory(country="GE")
    partner.refresh_from_db()
    assert partner.economy_group == EconomyGroup.TRANSITION
    assert partner.classification_edition == economies.EDITION == "WESP 2025"

    partner.country = "CA"
    partner.save(update_fields=["country"])
    partner.refresh_from_db()
    assert partner.economy_group == EconomyGroup.DEVELOPED


@pytest.mark.django_db
def test_partner_other_names_one_per_line():
    partner = PartnerFactory(other_names="Acme\n\n  ACME Holdings  \nАкме")
    assert partner.other_names_list == ["Acme", "ACME Holdings", "Акме"]
    assert str(partner) == partner.legal_name
    assert Partner.objects.get(pk=partner.pk).country.name == "Kenya"
