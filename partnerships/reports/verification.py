"""Is this PDF a review this app signed, intact and unchanged, and does the database
still say what it says? One answer for the command line, the public page, the daily
`check_records` and the admin alike.

What a signed review says is read from the record embedded in it (record.py), and only
once its signature is intact, covers the whole file and was made by a trusted
certificate; that record is then compared with the database.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import pem, x509
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from partnerships.assessments.choices import Outcome
from partnerships.integrity.row_versions import reused
from partnerships.reports.models import SignedReview
from partnerships.reports.record import (
    decided_record,
    decided_record_versions,
    embedded_record,
    record_differences,
)


@dataclass
class Check:
    name: str
    ok: bool | None  # None: could not be checked, which is not a failure
    detail: str = ""
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SignedSummary:
    """What a signed review says it is."""

    report_id: str
    proposal: str
    agency: str
    outcome: str
    signer: str
    date: datetime | None


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)
    review: SignedReview | None = None
    record: dict | None = None  # the embedded record, once the signature vouches for it
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok is not False for check in self.checks)

    def add(self, name: str, ok: bool | None, detail: str = "", lines=()) -> bool | None:
        self.checks.append(Check(name, ok, detail, list(lines)))
        return ok

    @property
    def summary(self) -> SignedSummary | None:
        """From the embedded record; for a review signed before records were embedded,
        from the stored review the file equals."""
        if self.record is not None:
            record = self.record
            proposal = (record.get("revision") or {}).get("content", {}).get("proposal", {})
            outcome = (record.get("decision") or {}).get("outcome", "")
            decided_at = record.get("decided_at")
            return SignedSummary(
                report_id=record.get("report_id", ""),
                proposal=proposal.get("title", ""),
                agency=record.get("agency", ""),
                outcome=str(Outcome(outcome).label) if outcome in Outcome.values else outcome,
                signer=(record.get("reviewer") or {}).get("name", ""),
                date=datetime.fromisoformat(decided_at) if decided_at else None,
            )
        if self.review is not None:
            assessment = self.review.assessment
            return SignedSummary(
                report_id=self.review.report_id,
                proposal=assessment.assessed_title,
                agency=assessment.proposal.agency.acronym,
                outcome=assessment.get_decided_outcome_display(),
                signer=self.review.signer_name,
                date=self.review.signed_at,
            )
        return None


def trust_roots() -> list[x509.Certificate]:
    roots = []
    for name in settings.SIGNING_TRUST_ROOTS:
        path = Path(name)
        if not path.exists():
            continue
        data = path.read_bytes()
        if pem.detect(data):
            data = pem.unarmor(data)[2]
        roots.append(x509.Certificate.load(data))
    return roots


@dataclass(frozen=True)
class SignatureFacts:
    """What the file's last signature and embedded record say, in no language: a pure
    function of the bytes and the trust roots (and of the day, through the certificates'
    validity), so a page may reuse it for the same bytes (`signature_facts`)."""

    unreadable: str = ""  # why the file could not be read as a PDF
    present: bool = False
    validation_error: str = ""  # why its signature could not be validated
    intact: bool = False  # intact and valid
    whole_file: bool = False
    trusted: bool = False
    signer: str = ""
    record: dict | None = None
    record_error: str = ""  # why the embedded record could not be read

    @property
    def validated(self) -> bool:
        """A signature was found and validated (whatever the outcome)."""
        return self.present and not self.validation_error


def _read_signature_facts(data: bytes) -> SignatureFacts:
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # a damaged or hostile file: say so, never crash
        return SignatureFacts(unreadable=str(error)[:200])
    if not signatures:
        return SignatureFacts()
    try:
        status = validate_pdf_signature(
            signatures[-1], ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
        )
    except Exception as error:
        return SignatureFacts(present=True, validation_error=str(error)[:200])
    record, record_error = None, ""
    try:
        record = embedded_record(reader)
    except Exception as error:  # an unreadable record is a finding, not a crash
        record_error = str(error)[:200]
    return SignatureFacts(
        present=True,
        intact=bool(status.intact and status.valid),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        trusted=bool(status.trusted),
        signer=status.signing_cert.subject.human_friendly,
        record=record,
        record_error=record_error,
    )


def signature_facts(data: bytes, *, reuse: bool = False) -> SignatureFacts:
    """The facts of `data`'s signature. With `reuse`, a result found for the same bytes
    and trust roots within SIGNATURE_CHECK_REUSE_SECONDS: pages showing a stored review
    read it on every view, and validating the signature is most of their time. A changed
    byte is other bytes, so it is validated afresh; the commands and the public page
    always validate."""
    if not reuse:
        return _read_signature_facts(data)
    roots = hashlib.sha256(b"".join(root.dump() for root in trust_roots())).hexdigest()
    key = f"signature-facts:{hashlib.sha256(data).hexdigest()}:{roots}"
    facts = cache.get(key)
    if facts is None:
        facts = _read_signature_facts(data)
        cache.set(key, facts, settings.SIGNATURE_CHECK_REUSE_SECONDS)
    return facts


def _signature_checks(result: Verification, facts: SignatureFacts) -> bool:
    """Whether the signature vouches for the whole file."""
    if facts.unreadable:
        result.add(_("Readable PDF"), False, facts.unreadable)
        return False
    if not result.add(
        _("Digital signature present"), facts.present, "" if facts.present else _("none found")
    ):
        return False
    if facts.validation_error:
        result.add(_("Signature intact"), False, facts.validation_error)
        return False
    intact = result.add(
        _("Signature intact"),
        facts.intact,
        "" if facts.intact else _("the signed content was changed"),
    )
    whole = result.add(
        _("Signature covers the whole file"),
        facts.whole_file,
        "" if facts.whole_file else _("content was added after signing"),
    )
    trusted = result.add(_("Signed by a trusted certificate"), facts.trusted, facts.signer)
    return bool(intact and whole and trusted)


def _stored_review_check(result: Verification, data: bytes, stored: SignedReview | None) -> None:
    sha256 = hashlib.sha256(data).hexdigest()
    review = stored or (
        SignedReview.objects.select_related("assessment__proposal__agency", "assessment__revision")
        .filter(sha256=sha256)
        .first()
    )
    if review is None:
        result.add(
            _("Matches a review stored by this app"),
            False,
            _("no stored review has this SHA-256: %(h)s") % {"h": sha256},
        )
        return
    result.review = review
    if bytes(review.pdf) != data:
        result.add(
            _("Matches a review stored by this app"),
            False,
            _("the stored copy of %(report)s is damaged") % {"report": review.report_id},
        )
        return
    result.add(_("Matches a review stored by this app"), True, review.report_id)


def _database_differences(
    record: dict, review: SignedReview, *, reuse_for: str | None
) -> list[str]:
    """Where the database differs from the signed `record`. With `reuse_for` (the
    SHA-256 of the bytes the record was read from), the answer found before for those
    bytes while the rows compared are unchanged (where the database keeps row versions)."""
    versions = decided_record_versions(review.assessment_id) if reuse_for else None
    if versions is None:
        # The stored review and its assessment were read for this check: not read again.
        return record_differences(record, decided_record(review.assessment, reread=False))
    return reused(
        f"record-differences:{reuse_for}",
        versions,
        # Read afresh, after the versions: the assessment in hand may be older.
        lambda: record_differences(record, decided_record(review.assessment)),
    )


def _record_checks(result: Verification, facts: SignatureFacts, *, reuse_for: str | None) -> None:
    name = _("Record of the decision embedded")
    if facts.record_error:
        result.add(name, False, facts.record_error)
        return
    record = facts.record
    if record is None:
        result.add(
            name,
            None,
            _(
                "none: this review was signed before the app embedded its record, so the "
                "database could not be compared with it"
            ),
        )
        return
    result.record = record
    result.add(name, True, record["format"])
    if result.review is None:
        return  # not a stored review: there is nothing in the database to compare
    result.differences = _database_differences(record, result.review, reuse_for=reuse_for)
    if result.differences:
        result.add(
            _("The database no longer matches the signed review"),
            False,
            ngettext("%(count)s difference", "%(count)s differences", len(result.differences))
            % {"count": len(result.differences)},
            result.differences,
        )
    else:
        result.add(_("The database matches the signed review"), True)


def verify_review_pdf(
    data: bytes, *, stored: SignedReview | None = None, reuse_checks: bool = False
) -> Verification:
    """Check the signature (intact, covering the whole file, by a trusted certificate),
    that the file is, byte for byte, a review stored by this app (`stored` when the
    caller has it already, read from the database for this check: its assessment is not
    read again), and that the database still says what the record embedded in it says
    (the assessment's rows always read).

    `reuse_checks`, for pages that show a stored review on every view: the signature's
    validation is reused for the same bytes (`signature_facts`), and the comparison with
    the database while the rows compared are unchanged (`_database_differences`)."""
    result = Verification()
    facts = signature_facts(data, reuse=reuse_checks)
    vouched = _signature_checks(result, facts)
    if not facts.validated:
        return result
    _stored_review_check(result, data, stored)
    if vouched:
        digest = hashlib.sha256(data).hexdigest() if reuse_checks else None
        _record_checks(result, facts, reuse_for=digest)
    return result


@dataclass
class Integrity:
    """A stored review's full check: what is wrong with it, and what could not be checked."""

    problems: list[str] = field(default_factory=list)  # one line each, differences included
    notices: list[str] = field(default_factory=list)
    damaged: bool = False  # the stored bytes no longer have their SHA-256
    differences: list[str] = field(default_factory=list)  # database against signed record

    @property
    def ok(self) -> bool:
        return not self.problems


def stored_review_integrity(review: SignedReview, *, reuse_checks: bool = False) -> Integrity:
    """Its stored bytes against their SHA-256, their signature, and the embedded record
    against the database. `reuse_checks`: see `verify_review_pdf`."""
    data = bytes(review.pdf)
    actual = hashlib.sha256(data).hexdigest()
    if actual != review.sha256:
        problem = _(
            "the stored PDF is damaged: its SHA-256 is %(actual)s, not %(expected)s as "
            "recorded when it was signed"
        ) % {"actual": actual, "expected": review.sha256}
        # Nothing else in a damaged file can be relied upon.
        return Integrity(problems=[problem], damaged=True)
    result = verify_review_pdf(data, stored=review, reuse_checks=reuse_checks)
    integrity = Integrity(differences=result.differences)
    for check in result.checks:
        if check.lines:
            integrity.problems += [f"{check.name}: {line}" for line in check.lines]
        elif check.ok is False:
            integrity.problems.append(
                f"{check.name}: {check.detail}" if check.detail else check.name
            )
        elif check.ok is None:
            integrity.notices.append(f"{check.name}: {check.detail}")
    return integrity
