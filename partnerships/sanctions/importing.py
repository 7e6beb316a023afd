"""Reading the Security Council Consolidated List (consolidated.xml) safely.

defusedxml refuses entity expansion, external entities and DTD tricks; a file that is
malformed, truncated or not the list raises `ListFormatError` with what is wrong, and
nothing is written.
"""

import gzip
import io
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partnerships.partners.economies import country_code_of
from partnerships.sanctions.models import (
    EntryKind,
    NameQuality,
    SanctionsEntry,
    SanctionsList,
    SanctionsName,
)
from partnerships.sanctions.names import normalize
from partnerships.sanctions.services import hits_delist

MAX_BYTES = 50 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
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
    birth_dates: list[dict] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)


def _birth_dates(element: Element) -> list[dict]:
    """An individual's dates of birth: exact dates, years, or ranges of years."""
    dates = []
    for birth in element.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        value, year = _text(birth, "DATE"), _text(birth, "YEAR")
        start, end = _text(birth, "FROM_YEAR"), _text(birth, "TO_YEAR")
        try:
            if value:
                dates.append({"date": date.fromisoformat(value[:10]).isoformat()})
            elif year:
                dates.append({"year": int(year)})
            elif start and end:
                dates.append({"from": int(start), "to": int(end)})
        except ValueError:
            continue  # a date the list writes as text ("Nov. 1973"): not compared
    return dates


def _nationalities(element: Element) -> list[str]:
    codes = []
    for value in element.findall("NATIONALITY/VALUE"):
        code = country_code_of(value.text or "")
        if code and code not in codes:
            codes.append(code)
    return codes


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
    date_generated = date_generated.astimezone(UTC)  # as the database gives it back

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
                birth_dates=_birth_dates(element) if kind == EntryKind.INDIVIDUAL else [],
                nationalities=_nationalities(element) if kind == EntryKind.INDIVIDUAL else [],
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


class FetchRefusedError(Exception):
    """The URL is not one the list may be fetched from (https, an allowed host)."""


def check_list_url(url: str) -> None:
    """https on port 443 only, from SANCTIONS_ALLOWED_HOSTS: the app fetches nothing
    else (no http, no address of the app's own network, no redirect elsewhere)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https":
        raise FetchRefusedError(f"{url}: only an https URL is fetched.")
    allowed = {host.lower() for host in settings.SANCTIONS_ALLOWED_HOSTS}
    if (parts.hostname or "").lower() not in allowed or parts.username or parts.password:
        raise FetchRefusedError(
            f"{url}: {parts.hostname} is not one of SANCTIONS_ALLOWED_HOSTS "
            f"({', '.join(sorted(allowed)) or 'none'})."
        )
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port not in (None, 443):  # an allowed host's other services are not the list
        raise FetchRefusedError(f"{url}: only the https port (443) is fetched.")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_list_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_CheckedRedirects)


def fetch_list(url: str) -> bytes:
    check_list_url(url)
    with _opener.open(url, timeout=120) as response:
        return response.read(MAX_BYTES + 1)


def read_source(path: str | None) -> bytes:
    """The list's bytes from a file, or fetched from SANCTIONS_LIST_URL (`path` None, or
    an https URL); a gzip-compressed file is read uncompressed."""
    if path is None or path.startswith(("http://", "https://")):
        data = fetch_list(path or settings.SANCTIONS_LIST_URL)
    else:
        data = Path(path).read_bytes()
    if data[:2] == GZIP_MAGIC:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
                data = unpacked.read(MAX_BYTES + 1)  # no more: a small file may unpack huge
        except (OSError, EOFError) as error:
            raise ListFormatError(f"The gzip file is damaged ({error}).") from None
    if len(data) > MAX_BYTES:
        raise ListFormatError("The file is larger than 50 MB: not a consolidated list.")
    return data


class OlderListError(Exception):
    """The file's list is older than the one in force: refused unless asked for."""


@dataclass
class ListChanges:
    """What a list changes against the one it replaces: entries as [DATAID, reference,
    name]; renamed ones as [DATAID, reference, name, names dropped, names added]."""

    added: list[list] = field(default_factory=list)
    removed: list[list] = field(default_factory=list)
    renamed: list[list] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"added": self.added, "removed": self.removed, "renamed": self.renamed}


def _entry_names(entry: ParsedEntry) -> list[str]:
    names = [entry.name]
    if entry.name_original_script:
        names.append(entry.name_original_script)
    return names + [alias for alias, _quality in entry.aliases]


def list_changes(in_force: SanctionsList | None, parsed: list[ParsedEntry]) -> ListChanges:
    """Entries added, removed and renamed since `in_force` (two queries)."""
    changes = ListChanges()
    if in_force is None:
        return changes
    before: dict[str, tuple[str, str, set[str]]] = {
        data_id: (reference, name, set())
        for data_id, reference, name in in_force.entries.values_list(
            "data_id", "reference_number", "name"
        )
    }
    for data_id, name in SanctionsName.objects.filter(entry__sanctions_list=in_force).values_list(
        "entry__data_id", "name"
    ):
        before[data_id][2].add(name)
    after = {entry.data_id: entry for entry in parsed}
    for data_id, entry in after.items():
        if data_id not in before:
            changes.added.append([data_id, entry.reference_number, entry.name])
        elif (names := set(_entry_names(entry))) != before[data_id][2]:
            dropped, new = sorted(before[data_id][2] - names), sorted(names - before[data_id][2])
            changes.renamed.append([data_id, entry.reference_number, entry.name, dropped, new])
    for data_id, (reference, name, _names) in before.items():
        if data_id not in after:
            changes.removed.append([data_id, reference, name])
    return changes


@transaction.atomic
def import_list(data: bytes, *, source: str, allow_older: bool = False) -> SanctionsList:
    """Replace the list in force by the one in `data`, in one transaction, recording what
    changed; hits on entries it no longer has are marked delisted. A list generated
    before the one in force is refused (OlderListError) unless `allow_older`, which the
    list's audit trail records."""
    date_generated, parsed = parse_consolidated_list(data)
    in_force = SanctionsList.objects.select_for_update().order_by("-imported_at", "-pk").first()
    older = in_force is not None and date_generated < in_force.date_generated
    if older and not allow_older:
        raise OlderListError(
            f"The file's list was generated on {date_generated:%Y-%m-%d %H:%M %Z}, before the "
            f"list in force ({in_force.date_generated:%Y-%m-%d %H:%M %Z}): refused. "
            "An older list is imported only when asked for (--allow-older)."
        )
    changes = list_changes(in_force, parsed)
    sanctions_list = SanctionsList(
        date_generated=date_generated,
        source=source[:500],
        individuals=sum(e.kind == EntryKind.INDIVIDUAL for e in parsed),
        entities=sum(e.kind == EntryKind.ENTITY for e in parsed),
        previous=in_force,
        older_than_previous=older,
        added=len(changes.added),
        removed=len(changes.removed),
        renamed=len(changes.renamed),
        changes=changes.as_dict(),
    )
    if older:
        sanctions_list._change_reason = (
            f"Imported with --allow-older: generated {date_generated:%Y-%m-%d}, before the "
            f"list in force of {in_force.date_generated:%Y-%m-%d}."
        )
    sanctions_list.save()
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
            birth_dates=e.birth_dates,
            nationalities=e.nationalities,
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
    hits_delist(
        data_ids=[data_id for data_id, _reference, _name in changes.removed],
        sanctions_list=sanctions_list,
    )
    return sanctions_list
