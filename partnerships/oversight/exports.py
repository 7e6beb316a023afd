"""Exports of assessments and answers as CSV or XLSX, streamed row by row.

CSV streams to the client as rows are read; XLSX is written by openpyxl's
write-only workbook to a temporary file, then streamed from disk: neither
builds the whole export in memory.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

from partnerships.assessments.models import Answer, Assessment, PrincipleScore
from partnerships.principles.models import Principle

CHUNK = 500


def assessment_rows(assessments: QuerySet[Assessment]) -> Iterator[list]:
    """One row per assessment, with its per-principle scores, outcome and decision."""
    principles = list(Principle.objects.order_by("number"))
    yield [
        "assessment_id", "agency", "proposal", "status", "framework", "assessor", "reviewer",
        "overall_score", "coverage", "computed_outcome", "decided_outcome", "submitted_at",
        "decided_at", *[f"score_{p.key}" for p in principles],
    ]  # fmt: skip
    rows = assessments.select_related(
        "proposal__agency", "framework", "assessor", "reviewer"
    ).prefetch_related(
        Prefetch(
            "principle_scores",
            queryset=PrincipleScore.objects.only("assessment_id", "principle_id", "score"),
        )
    )
    for a in rows.order_by("pk").iterator(chunk_size=CHUNK):
        scores = {s.principle_id: s.score for s in a.principle_scores.all()}
        yield [
            a.pk, a.proposal.agency.acronym, a.proposal.title, a.status, str(a.framework),
            a.assessor.username, a.reviewer.username if a.reviewer else "", a.overall_score,
            a.coverage, a.computed_outcome, a.decided_outcome,
            a.submitted_at.isoformat() if a.submitted_at else "",
            a.decided_at.isoformat() if a.decided_at else "",
            *[scores.get(p.pk) for p in principles],
        ]  # fmt: skip


def answer_rows(assessments: QuerySet[Assessment]) -> Iterator[list]:
    """One row per answer."""
    yield [
        "assessment_id", "agency", "proposal", "principle", "criterion", "key_criterion",
        "rating", "not_applicable", "justification", "evidence_notes", "comment",
    ]  # fmt: skip
    answers = (
        Answer.objects.filter(assessment__in=assessments)
        .select_related("assessment__proposal__agency", "criterion__principle")
        .order_by("assessment_id", "criterion__principle__number", "criterion__position")
    )
    for answer in answers.iterator(chunk_size=CHUNK):
        yield [
            answer.assessment_id, answer.assessment.proposal.agency.acronym,
            answer.assessment.proposal.title, answer.criterion.principle.key,
            answer.criterion.code, answer.criterion.is_key, answer.rating,
            answer.not_applicable, answer.justification, answer.evidence_notes, answer.comment,
        ]  # fmt: skip


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    return "" if value is None else value


def csv_response(filename: str, rows: Iterable[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([_cell(v) for v in row]) for row in rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, rows: Iterable[list], title: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for row in rows:
        sheet.append(row)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
