"""The scoring engine: the only place where scores and the proposed outcome are computed.

Plain data in, plain data out; nothing here touches the database.

- A criterion's rating r (0–3) counts r/3 of its weight.
- A principle's score is the weighted mean of its answered, applicable
  criteria, as a percentage. A principle whose criteria are all "not
  applicable" (or that has none) is N/A, never 0 or 100.
- The overall score is the mean of the principles' scores weighted by the
  framework's principle weights; N/A principles take no part.
- Coverage is answered / applicable criteria.
- A key criterion rated "not met" is a key failure and forces Do not engage
  (no further answer can change that, so it holds even before the
  assessment is complete). Otherwise the outcome is Incomplete while an
  applicable criterion is unanswered, then follows the framework's
  thresholds, applied to the overall score as shown (one decimal).

Arithmetic is exact (fractions), so equal inputs always give equal scores, and
the order in which criteria are listed never changes a score or the outcome
(key failures are reported in the order the criteria are listed).
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from partnerships.assessments.choices import Outcome

MAX_RATING = 3


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    principle: str
    weight: int = 1
    is_key: bool = False


@dataclass(frozen=True)
class AnswerValue:
    """An answer as the engine sees it: a rating 0–3, N/A, or neither (unanswered)."""

    rating: int | None = None
    not_applicable: bool = False

    def __post_init__(self):
        if self.not_applicable and self.rating is not None:
            raise ValueError("An answer is either rated or not applicable, not both.")
        if self.rating is not None and not 0 <= self.rating <= MAX_RATING:
            raise ValueError(f"A rating is between 0 and {MAX_RATING}, got {self.rating}.")


UNANSWERED = AnswerValue()


def as_percent(value: Fraction | None) -> Decimal | None:
    """A score for people: a percentage with one decimal, or None for N/A."""
    if value is None:
        return None
    # Round half up on the exact value: dividing first could round twice.
    tenths = math.floor(Fraction(value) * 10 + Fraction(1, 2))
    return Decimal(tenths).scaleb(-1)


@dataclass(frozen=True)
class PrincipleScore:
    principle: str
    weight: int
    criteria: int
    applicable: int
    answered: int
    score: Fraction | None  # 0–100, None when N/A or nothing answered yet

    @property
    def not_applicable(self) -> bool:
        return self.applicable == 0

    @property
    def percent(self) -> Decimal | None:
        return as_percent(self.score)


@dataclass(frozen=True)
class ScoreCard:
    principles: tuple[PrincipleScore, ...]
    overall: Fraction | None
    applicable: int
    answered: int
    key_failures: tuple[str, ...]
    outcome: Outcome

    @property
    def coverage(self) -> Fraction | None:
        """Answered share of the applicable criteria (0–1); None when none applies."""
        return Fraction(self.answered, self.applicable) if self.applicable else None

    @property
    def overall_percent(self) -> Decimal | None:
        return as_percent(self.overall)

    @property
    def coverage_percent(self) -> Decimal | None:
        return as_percent(None if self.coverage is None else self.coverage * 100)

    def for_principle(self, key: str) -> PrincipleScore:
        return next(p for p in self.principles if p.principle == key)


def _weighted_mean(pairs: Iterable[tuple[int, Fraction]]) -> Fraction | None:
    total_weight = 0
    total = Fraction(0)
    for weight, value in pairs:
        total_weight += weight
        total += weight * value
    return total / total_weight if total_weight else None


def score(
    *,
    criteria: Iterable[CriterionSpec],
    answers: Mapping[str, AnswerValue],
    principle_weights: Mapping[str, int],
    engage_threshold: int,
    conditions_threshold: int,
) -> ScoreCard:
    """Score a set of answers against a framework's criteria.

    `principle_weights` lists every principle of the framework, in order; a
    criterion of a principle not listed there is an error. `answers` maps a
    criterion code to its answer; a missing code is unanswered.
    """
    criteria = list(criteria)
    unknown = {c.principle for c in criteria} - set(principle_weights)
    if unknown:
        raise ValueError(f"Criteria refer to principles without a weight: {sorted(unknown)}")

    principle_scores = []
    key_failures = []
    for principle, principle_weight in principle_weights.items():
        own = [c for c in criteria if c.principle == principle]
        rated = []
        applicable = 0
        for criterion in own:
            answer = answers.get(criterion.code, UNANSWERED)
            if answer.not_applicable:
                continue
            applicable += 1
            if answer.rating is None:
                continue
            rated.append((criterion.weight, Fraction(answer.rating * 100, MAX_RATING)))
            if criterion.is_key and answer.rating == 0:
                key_failures.append(criterion.code)
        principle_scores.append(
            PrincipleScore(
                principle=principle,
                weight=principle_weight,
                criteria=len(own),
                applicable=applicable,
                answered=len(rated),
                score=_weighted_mean(rated),
            )
        )

    overall = _weighted_mean((p.weight, p.score) for p in principle_scores if p.score is not None)
    applicable = sum(p.applicable for p in principle_scores)
    answered = sum(p.answered for p in principle_scores)

    # Thresholds apply to the score people see (one decimal), so that "75.0 %"
    # never shows beside an outcome that treats it as below 75.
    shown = as_percent(overall)
    if key_failures:
        outcome = Outcome.DO_NOT_ENGAGE
    elif answered < applicable or overall is None:
        outcome = Outcome.INCOMPLETE
    elif shown >= engage_threshold:
        outcome = Outcome.ENGAGE
    elif shown >= conditions_threshold:
        outcome = Outcome.ENGAGE_WITH_CONDITIONS
    else:
        outcome = Outcome.DO_NOT_ENGAGE

    return ScoreCard(
        principles=tuple(principle_scores),
        overall=overall,
        applicable=applicable,
        answered=answered,
        key_failures=tuple(key_failures),
        outcome=outcome,
    )
