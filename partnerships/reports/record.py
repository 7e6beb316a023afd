"""The decided record: what a decision rests on, as one JSON document.

A signed review embeds it (`record.json`, covered by the signature), so that the signed
file says, in a form a machine can read, what was decided; verification compares it
with the database (`record_differences`), which must still say the same.

The record is built from the database only (the assessment read afresh, or as its
caller has just read it from the database, and its rows: a few queries whatever the
number of answers), holds codes and figures rather than labels, and has a stable key
order: the same decision gives the same JSON.
"""

import json

from weasyprint import Attachment as PdfAttachment

from partnerships.assessments.models import (
    Answer,
    Assessment,
    Attachment,
    PrincipleScore,
)
from partnerships.assessments.revisions import json_text
from partnerships.assessments.selectors import assessment_row_versions
from partnerships.checklists.models import Criterion
from partnerships.integrity.row_versions import row_versions, versions_fingerprint
from partnerships.principles.models import Principle
from partnerships.reports.models import SignedReview

RECORD_FORMAT = "partnerships-review-record/1"
RECORD_FILENAME = "record.json"
ABSENT = object()  # a key one side of a comparison does not have


def report_id(assessment: Assessment) -> str:
    return f"{assessment.proposal.agency.acronym}-{assessment.created_at:%Y}-{assessment.pk:05d}"


def _time(value) -> str | None:
    return None if value is None else value.isoformat()


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": str(user)}


def _sorted_keys(content):
    """JSON with every object's keys sorted: the stored snapshot's key order depends on
    the database (PostgreSQL's jsonb reorders keys)."""
    return json.loads(json.dumps(content, sort_keys=True))


def _revision(assessment: Assessment) -> dict | None:
    revision = assessment.revision
    if revision is None:
        return None
    return {
        "id": revision.pk,
        "stage": revision.stage,
        "sha256": revision.sha256,
        "content": _sorted_keys(revision.content),
    }


def _answers(assessment: Assessment) -> dict[str, dict]:
    """Criterion code -> the answer, with its attachments (two queries)."""
    answers = {}
    for code, rating, not_applicable, justification, evidence, comment in (
        assessment.answers.values_list(
            "criterion__code", "rating", "not_applicable", "justification",
            "evidence_notes", "comment",
        )
    ):  # fmt: skip
        answers[code] = {
            "criterion": code,
            "rating": rating,
            "not_applicable": not_applicable,
            "justification": justification,
            "evidence_notes": evidence,
            "comment": comment,
            "attachments": [],
        }
    for code, name, sha256 in assessment.attachments.order_by("uploaded_at", "pk").values_list(
        "criterion__code", "original_name", "sha256"
    ):
        entry = answers.setdefault(  # evidence filed under a criterion left unanswered
            code,
            {
                "criterion": code, "rating": None, "not_applicable": False, "justification": "",
                "evidence_notes": "", "comment": "", "attachments": [],
            },
        )  # fmt: skip
        entry["attachments"].append({"name": name, "sha256": sha256})
    return answers


def _principle_scores(assessment: Assessment) -> dict[str, dict]:
    """The stored per-principle scores, by principle key (one query)."""
    return {
        key: {"score": json_text(score), "applicable": applicable, "answered": answered}
        for key, score, applicable, answered in assessment.principle_scores.order_by(
            "principle__number"
        ).values_list("principle__key", "score", "applicable", "answered")
    }


def decided_record(assessment: Assessment, *, reread: bool = True) -> dict:
    """The record of `assessment` as the database holds it now. `reread=False`: the
    assessment was read from the database by the caller for this (a verification of a
    stored review), so its row is not read again; its related rows are, if not loaded."""
    if reread:  # what is signed comes from the database, never from an object in memory
        assessment = Assessment.objects.select_related(
            "proposal__agency", "framework", "assessor", "reviewer", "revision", "signed_review"
        ).get(pk=assessment.pk)
    framework = assessment.framework
    signed = getattr(assessment, "signed_review", None)
    return {
        "format": RECORD_FORMAT,
        # Once signed, the stored report ID: a later rename of the agency changes no record.
        "report_id": signed.report_id if signed else report_id(assessment),
        "assessment_id": assessment.pk,
        "agency": assessment.proposal.agency.acronym,
        "status": assessment.status,
        "revision": _revision(assessment),
        "framework": {"id": framework.pk, "name": framework.name, "version": framework.version},
        "classification_edition": assessment.classification_edition,
        "answers": _answers(assessment),
        "principle_scores": _principle_scores(assessment),
        "overall_score": json_text(assessment.overall_score),
        "coverage": json_text(assessment.coverage),
        "computed_outcome": assessment.computed_outcome,
        "decision": {
            "outcome": assessment.decided_outcome,
            "note": assessment.decision_note,
            "conditions": assessment.conditions,
            "justification": assessment.decision_justification,
        },
        "assessor": _person(assessment.assessor),
        "reviewer": _person(assessment.reviewer),
        "submitted_at": _time(assessment.submitted_at),
        "decided_at": _time(assessment.decided_at),
    }


def decided_record_versions(assessment_id: int) -> str | None:
    """The row versions of everything `decided_record` reads (see `row_versions`)."""
    criteria, answers = Criterion._meta.db_table, Answer._meta.db_table
    return versions_fingerprint(
        [
            *assessment_row_versions(),
            row_versions(
                f"FROM {SignedReview._meta.db_table} x WHERE x.assessment_id = a.id", "x"
            ),
            row_versions(
                f"FROM {answers} x LEFT JOIN {criteria} y ON y.id = x.criterion_id "
                "WHERE x.assessment_id = a.id",
                "x", "y",
            ),
            row_versions(
                f"FROM {Attachment._meta.db_table} x LEFT JOIN {criteria} y "
                "ON y.id = x.criterion_id WHERE x.assessment_id = a.id",
                "x", "y",
            ),
            row_versions(
                f"FROM {PrincipleScore._meta.db_table} x LEFT JOIN {Principle._meta.db_table} y "
                "ON y.id = x.principle_id WHERE x.assessment_id = a.id",
                "x", "y",
            ),
        ],
        f"FROM {Assessment._meta.db_table} a WHERE a.id = %s",
        [assessment_id],
    )  # fmt: skip


def record_attachment(record: dict) -> PdfAttachment:
    """The record as the PDF's embedded (associated) file."""
    return PdfAttachment(
        string=json.dumps(record, ensure_ascii=False, indent=2),
        name=RECORD_FILENAME,
        description=f"The decided record ({RECORD_FORMAT}) this signed review attests",
        relationship="Data",
    )


def _embedded_file(names_tree, filename: str):
    """The stream of `filename` in a PDF name tree of embedded files, or None."""
    names = names_tree.get("/Names", [])
    for index in range(0, len(names) - 1, 2):
        if str(names[index]) == filename:
            return names[index + 1].get_object()["/EF"]["/F"].get_object()
    for kid in names_tree.get("/Kids", []):
        found = _embedded_file(kid.get_object(), filename)
        if found is not None:
            return found
    return None


def embedded_record(reader) -> dict | None:
    """The record embedded in a PDF read by pyHanko's `PdfFileReader`; None when the
    file embeds none. Raises ValueError when it embeds one that cannot be read."""
    try:
        tree = reader.root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return None
    stream = _embedded_file(tree, RECORD_FILENAME)
    if stream is None:
        return None
    try:
        record = json.loads(stream.data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{RECORD_FILENAME} is not valid JSON: {error}") from error
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        raise ValueError(f"{RECORD_FILENAME} is not a {RECORD_FORMAT} record")
    return record


def _shown(value) -> str:
    if value is ABSENT:
        return "(absent)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:79] + "…"


# Names of reference data, kept in the record for its readers: renaming an agency or a
# person changes no decision, so they are not compared (the people's ids are).
NAMES_NOT_COMPARED = {
    "agency",
    "assessor.username",
    "assessor.name",
    "reviewer.username",
    "reviewer.name",
}


def record_differences(signed, current, path: str = "") -> list[str]:
    """Where two records differ, as "dotted.path: signed X, database Y" lines."""
    if path in NAMES_NOT_COMPARED:
        return []
    if isinstance(signed, dict) and isinstance(current, dict):
        keys = list(signed) + [key for key in current if key not in signed]
        return [
            line
            for key in keys
            for line in record_differences(
                signed.get(key, ABSENT), current.get(key, ABSENT), f"{path}.{key}" if path else key
            )
        ]
    if isinstance(signed, list) and isinstance(current, list) and len(signed) == len(current):
        return [
            line
            for index, (before, after) in enumerate(zip(signed, current, strict=True))
            for line in record_differences(before, after, f"{path}.{index}")
        ]
    # JSON keeps true and 1 apart; Python's == does not.
    if type(signed) is type(current) and signed == current:
        return []
    return [f"{path}: signed {_shown(signed)}, database {_shown(current)}"]
