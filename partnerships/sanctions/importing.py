"""Reading the Security Council Consolidated List (consolidated.xml) safely.

defusedxml refuses entity expansion, external entities and DTD tricks; a file that is
malformed, truncated or not the list raises `ListFormatError` with what is wrong, and
nothing is written.
"""

import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.db import transaction
from django.utils import timezone

from partnerships.sanctions.models import (
    EntryKind,
    NameQuality,
    SanctionsEntry,
    SanctionsList,
    SanctionsName,
)
from partnerships.sanctions.names import normalize

MAX_BYTES = 50 * 1024 * 1024
ALIAS_QUALITIES = {
    "good": NameQuality.GOOD,
    "a.k.a.": NameQuality.AKA,
    "aka": NameQuality.AKA,
    "low": NameQuality.LOW,
    "f.k.a.": NameQuality.FKA,
    "fka": NameQuality.FKA,
}
SECTIONS = [
    (EntryKind.INDIVIDUAL, "INDIVIDUALS", "INDIVIDUAL", "INDIVIDUAL_ALIAS"),
    (EntryKind.ENTITY, "ENTITIES", "ENTITY", "ENTITY_ALIAS"),
]


class ListFormatError(Exception):
    """The file is not a well-formed consolidated list; the message says why."""


@dataclass
class ParsedEntry:
    kind: str
    data_id: str
    name: str
    name_original_script: str = ""
    un_list_type: str = ""
    reference_number: str = ""
    listed_on: date | None = None
    comments: str = ""
    aliases: list[tuple[str, str]] = field(default_factory=list)


def _text(element: Element, tag: str) -> str:
    child = element.find(tag)
    return (child.text or "").strip() if child is not None and child.text else ""


def _date(value: str, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ListFormatError(f"{what}: {value!r} is not a date.") from None


def parse_consolidated_list(data: bytes) -> tuple[datetime, list[ParsedEntry]]:
    try:
        root = fromstring(data)
    except ParseError as error:
        raise ListFormatError(f"The file is not well-formed XML ({error}).") from None
    except DefusedXmlException as error:
        raise ListFormatError(f"The file uses forbidden XML features ({error}).") from None
    if root.tag != "CONSOLIDATED_LIST":
        raise ListFormatError(f"The root element is <{root.tag}>, not <CONSOLIDATED_LIST>.")
    generated = root.get("dateGenerated", "")
    try:
        date_generated = datetime.fromisoformat(generated)
    except ValueError:
        raise ListFormatError(f"dateGenerated {generated!r} is not a date and time.") from None
    if timezone.is_naive(date_generated):
        date_generated = timezone.make_aware(date_generated, UTC)

    entries, seen = [], set()
    for kind, section_tag, tag, alias_tag in SECTIONS:
        section = root.find(section_tag)
        if section is None:
            raise ListFormatError(f"<{section_tag}> is missing: the file is incomplete.")
        for element in section.findall(tag):
            data_id = _text(element, "DATAID")
            if not data_id:
                raise ListFormatError(f"An <{tag}> has no DATAID.")
            if len(data_id) > 20:
                raise ListFormatError(f"DATAID {data_id[:30]!r} is longer than 20 characters.")
            if data_id in seen:
                raise ListFormatError(f"DATAID {data_id} appears twice.")
            seen.add(data_id)
            parts = [_text(element, f"{n}_NAME") for n in ("FIRST", "SECOND", "THIRD", "FOURTH")]
            name = " ".join(part for part in parts if part)
            if not name:
                raise ListFormatError(f"{tag} {data_id} has no name.")
            entry = ParsedEntry(
                kind=kind,
                data_id=data_id,
                name=name,
                name_original_script=_text(element, "NAME_ORIGINAL_SCRIPT"),
                un_list_type=_text(element, "UN_LIST_TYPE"),
                reference_number=_text(element, "REFERENCE_NUMBER"),
                listed_on=_date(_text(element, "LISTED_ON"), f"{tag} {data_id} LISTED_ON"),
                comments=_text(element, "COMMENTS1"),
            )
            for alias in element.findall(alias_tag):
                quality = ALIAS_QUALITIES.get(_text(alias, "QUALITY").lower(), NameQuality.AKA)
                # One field can hold several names: "Name one; Name two".
                for alias_name in _text(alias, "ALIAS_NAME").split(";"):
                    if alias_name.strip():
                        entry.aliases.append((alias_name.strip(), quality))
            entries.append(entry)
    if not entries:
        raise ListFormatError("The list has no individual and no entity.")
    return date_generated, entries


def read_source(path_or_url: str) -> bytes:
    if path_or_url.startswith(("http://", "https://")):
        with urllib.request.urlopen(path_or_url, timeout=120) as response:
            data = response.read(MAX_BYTES + 1)
    else:
        data = Path(path_or_url).read_bytes()
    if len(data) > MAX_BYTES:
        raise ListFormatError("The file is larger than 50 MB: not a consolidated list.")
    return data


@transaction.atomic
def import_list(data: bytes, *, source: str) -> SanctionsList:
    """Replace the list in force by the one in `data`, in one transaction."""
    date_generated, parsed = parse_consolidated_list(data)
    sanctions_list = SanctionsList.objects.create(
        date_generated=date_generated,
        source=source[:500],
        individuals=sum(e.kind == EntryKind.INDIVIDUAL for e in parsed),
        entities=sum(e.kind == EntryKind.ENTITY for e in parsed),
    )
    SanctionsEntry.objects.exclude(sanctions_list=sanctions_list).delete()
    entries = SanctionsEntry.objects.bulk_create(
        SanctionsEntry(
            sanctions_list=sanctions_list,
            kind=e.kind,
            data_id=e.data_id,
            name=e.name[:500],
            name_original_script=e.name_original_script[:500],
            un_list_type=e.un_list_type[:100],
            reference_number=e.reference_number[:50],
            listed_on=e.listed_on,
            comments=e.comments,
        )
        for e in parsed
    )
    names = []
    for entry, item in zip(entries, parsed, strict=True):
        variants = [(item.name, NameQuality.PRIMARY)]
        if item.name_original_script:
            variants.append((item.name_original_script, NameQuality.ORIGINAL_SCRIPT))
        variants += item.aliases
        names += [
            SanctionsName(entry=entry, name=n[:500], quality=q, normalized=normalize(n)[:500])
            for n, q in variants
        ]
    SanctionsName.objects.bulk_create(names, batch_size=2000)
    return sanctions_list
