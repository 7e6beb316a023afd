"""Tests for the scoring engine (partnerships/assessments/scoring.py).

Pure Python: no database. Expected values in the table are worked out by hand
in the comments; the property tests check relations between results rather
than recomputing them.
"""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerships.assessments.choices import Outcome
from partnerships.assessments.scoring import (
    UNANSWERED,
    AnswerValue,
    CriterionSpec,
    ScoreCard,
    as_percent,
    score,
)

NA = "n/a"  # shorthand for an answer "not applicable" in the table
ENGAGE = Outcome.ENGAGE
CONDITIONS = Outcome.ENGAGE_WITH_CONDITIONS
DO_NOT_ENGAGE = Outcome.DO_NOT_ENGAGE
INCOMPLETE = Outcome.INCOMPLETE


def _specs(rows):
    """(code, principle, weight, is_key) tuples -> CriterionSpec list."""
    return [CriterionSpec(code=c, principle=p, weight=w, is_key=k) for c, p, w, k in rows]


def _answers(raw):
    """code -> 0..3 | NA | AnswerValue; codes left out are unanswered."""
    result = {}
    for code, value in raw.items():
        if isinstance(value, AnswerValue):
            result[code] = value
        elif value == NA:
            result[code] = AnswerValue(not_applicable=True)
        else:
            result[code] = AnswerValue(rating=value)
    return result


def _assert_percent(actual, expected):
    """`expected` is a string with one decimal, or None for N/A."""
    if expected is None:
        assert actual is None
    else:
        assert isinstance(actual, Decimal)
        assert actual == Decimal(expected)
        assert actual.as_tuple().exponent == -1, f"{actual} does not have one decimal"


# Each case: principle_weights, criteria (code, principle, weight, is_key), answers,
# (engage_threshold, conditions_threshold), expected per-principle percents,
# overall percent, coverage percent, key failures, outcome.
# A criterion rated r counts r/3 of its weight; principle % = sum(w*r) / (3 * sum(w)) * 100.
HAND_WORKED = [
    pytest.param(
        {"A": 1, "B": 1},
        [("A1", "A", 1, True), ("A2", "A", 2, False), ("B1", "B", 1, False)],
        {"A1": 3, "A2": 3, "B1": 3},
        (75, 50),
        # A: (1*3 + 2*3)/(3*3) = 9/9 = 100 %;  B: 3/3 = 100 %
        {"A": "100.0", "B": "100.0"},
        "100.0",  # (100 + 100)/2
        "100.0",  # 3 answered / 3 applicable
        (),
        ENGAGE,
        id="all-fully-met-100-engage",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [("A1", "A", 1, False), ("A2", "A", 1, False), ("B1", "B", 1, False)],
        {"A1": 3, "A2": 2, "B1": 2},
        (75, 50),
        # A: (3 + 2)/(2*3) = 5/6 = 83.33 -> 83.3;  B: 2/3 = 66.67 -> 66.7
        {"A": "83.3", "B": "66.7"},
        "75.0",  # (5/6 + 2/3)/2 = (5/6 + 4/6)/2 = 9/12 = 3/4 = 75 exactly (not 74.99...)
        "100.0",
        (),
        ENGAGE,  # 75 >= 75
        id="overall-exactly-75-engage",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [("A1", "A", 1, False), ("A2", "A", 1, False), ("B1", "B", 1, False)],
        {"A1": 3, "A2": 2, "B1": 2},
        (76, 50),
        # same answers as above: A 5/6 = 83.3, B 2/3 = 66.7, overall 75
        {"A": "83.3", "B": "66.7"},
        "75.0",
        "100.0",
        (),
        CONDITIONS,  # 75 < 76 but >= 50
        id="overall-75-below-engage-threshold-76",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [
            ("A1", "A", 1, False),
            ("A2", "A", 1, False),
            ("A3", "A", 1, False),
            ("A4", "A", 1, False),
            ("A5", "A", 1, False),
            ("B1", "B", 1, False),
        ],
        {"A1": 3, "A2": 3, "A3": 3, "A4": 2, "A5": 0, "B1": 2},
        (75, 50),
        # A: (3+3+3+2+0)/(5*3) = 11/15 = 73.33 -> 73.3;  B: 2/3 = 66.67 -> 66.7
        {"A": "73.3", "B": "66.7"},
        "70.0",  # (11/15 + 10/15)/2 = 21/30 = 70
        "100.0",
        (),
        CONDITIONS,  # 70 < 75, >= 50
        id="below-75-engage-with-conditions",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [("A1", "A", 1, False), ("B1", "B", 1, False)],
        {"A1": 2, "B1": 1},
        (75, 50),
        # A: 2/3 = 66.67 -> 66.7;  B: 1/3 = 33.33 -> 33.3
        {"A": "66.7", "B": "33.3"},
        "50.0",  # (2/3 + 1/3)/2 = 1/2 = 50 exactly
        "100.0",
        (),
        CONDITIONS,  # 50 >= 50
        id="overall-exactly-50-engage-with-conditions",
    ),
    pytest.param(
        {"A": 4, "B": 1},
        [
            ("A1", "A", 1, False),
            ("A2", "A", 1, False),
            ("B1", "B", 1, False),
            ("B2", "B", 1, False),
            ("B3", "B", 1, False),
        ],
        {"A1": 2, "A2": 1, "B1": 2, "B2": 1, "B3": 1},
        (75, 50),
        # A: (2+1)/(2*3) = 3/6 = 50;  B: (2+1+1)/(3*3) = 4/9 = 44.44 -> 44.4
        {"A": "50.0", "B": "44.4"},
        "48.9",  # (4*1/2 + 1*4/9)/5 = (18/9 + 4/9)/5 = 22/45 = 48.89 -> 48.9
        "100.0",
        (),
        DO_NOT_ENGAGE,  # 48.9 < 50
        id="just-below-50-do-not-engage",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [
            ("A1", "A", 3, False),
            ("A2", "A", 1, False),
            ("B1", "B", 2, False),
            ("B2", "B", 1, False),
        ],
        {"A1": 3, "A2": 1, "B1": 2, "B2": 0},
        (75, 50),
        # A: (3*3 + 1*1)/(4*3) = 10/12 = 83.33 -> 83.3  (unweighted would be 4/6 = 66.7)
        # B: (2*2 + 1*0)/(3*3) = 4/9 = 44.44 -> 44.4    (unweighted would be 2/6 = 33.3)
        {"A": "83.3", "B": "44.4"},
        "63.9",  # (10/12 + 4/9)/2 = (30/36 + 16/36)/2 = 46/72 = 23/36 = 63.89 -> 63.9
        "100.0",
        (),
        CONDITIONS,
        id="weighted-criteria",
    ),
    pytest.param(
        {"A": 3, "B": 1, "C": 2},
        [("A1", "A", 1, False), ("B1", "B", 1, False), ("C1", "C", 1, False)],
        {"A1": 3, "B1": 0, "C1": 1},
        (75, 50),
        # A: 100;  B: 0/3 = 0;  C: 1/3 = 33.33 -> 33.3
        {"A": "100.0", "B": "0.0", "C": "33.3"},
        "61.1",  # (3*1 + 1*0 + 2*1/3)/(3+1+2) = (11/3)/6 = 11/18 = 61.11 -> 61.1 (unweighted 44.4)
        "100.0",
        (),
        CONDITIONS,
        id="weighted-principles",
    ),
    pytest.param(
        {"A": 1, "B": 5, "C": 1},
        [
            ("A1", "A", 1, False),
            ("A2", "A", 1, False),
            ("B1", "B", 1, False),
            ("B2", "B", 2, True),
            ("C1", "C", 1, False),
        ],
        {"A1": 3, "A2": 2, "B1": NA, "B2": NA, "C1": 1},
        (75, 50),
        # A: 5/6 = 83.3;  B: all N/A -> None;  C: 1/3 = 33.3
        {"A": "83.3", "B": None, "C": "33.3"},
        # (5/6 + 1/3)/2 = (5/6 + 2/6)/2 = 7/12 = 58.33 -> 58.3
        # (B counted as 0 would give 7/42 = 16.7; as 100 would give 37/42 = 88.1 -> Engage)
        "58.3",
        "100.0",  # 3 answered / 3 applicable; N/A criteria are not applicable
        (),  # a key criterion answered N/A is no key failure
        CONDITIONS,
        id="principle-all-na-is-none-and-excluded",
    ),
    pytest.param(
        {"A": 1, "B": 2},
        [("A1", "A", 1, False), ("A2", "A", 1, False)],
        {"A1": 3, "A2": 2},
        (75, 50),
        # A: 5/6 = 83.3;  B has no criteria -> None (not 0: overall would be 27.8)
        {"A": "83.3", "B": None},
        "83.3",  # only A takes part: 5/6
        "100.0",
        (),
        ENGAGE,
        id="principle-without-criteria-is-na",
    ),
    pytest.param(
        {"A": 1, "B": 1, "C": 1},
        [
            ("A1", "A", 1, False),
            ("A2", "A", 1, False),
            ("B1", "B", 1, False),
            ("B2", "B", 1, False),
            ("C1", "C", 1, False),
        ],
        # A2 explicitly unanswered (AnswerValue()), C1 missing from the answers
        {"A1": 3, "A2": UNANSWERED, "B1": 1, "B2": 2},
        (75, 50),
        # A: only A1 answered: 3/3 = 100;  B: (1+2)/6 = 50;  C: nothing answered -> None
        {"A": "100.0", "B": "50.0", "C": None},
        "75.0",  # (100 + 50)/2 = 75: would be Engage if complete
        "60.0",  # 3 answered / 5 applicable = 60 %
        (),
        INCOMPLETE,
        id="unanswered-incomplete-partial-scores",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [("A1", "A", 1, True), ("A2", "A", 3, False), ("B1", "B", 1, False), ("B2", "B", 1, False)],
        {"A1": 0, "A2": 3, "B1": 3, "B2": 3},
        (75, 50),
        # A: (1*0 + 3*3)/(4*3) = 9/12 = 75;  B: 100
        {"A": "75.0", "B": "100.0"},
        "87.5",  # (75 + 100)/2 = 87.5 -> would be Engage
        "100.0",
        ("A1",),
        DO_NOT_ENGAGE,
        id="key-failure-overrides-high-overall",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [("A1", "A", 1, True), ("A2", "A", 1, False), ("B1", "B", 1, False)],
        {"A1": 0, "B1": 3},
        (75, 50),
        # A: only A1 answered: 0/3 = 0;  B: 100
        {"A": "0.0", "B": "100.0"},
        "50.0",  # (0 + 100)/2
        "66.7",  # 2 answered / 3 applicable = 66.67 -> 66.7
        ("A1",),
        DO_NOT_ENGAGE,  # not Incomplete: a key failure is final
        id="key-failure-while-incomplete",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [("A1", "A", 1, True), ("B1", "B", 1, True), ("B2", "B", 1, True), ("B3", "B", 1, False)],
        {"A1": 0, "B1": 0, "B2": NA, "B3": 3},
        (75, 50),
        # A: 0;  B: (0 + 3)/(2*3) = 50 (B2 N/A)
        {"A": "0.0", "B": "50.0"},
        "25.0",  # (0 + 50)/2
        "100.0",  # 3/3
        ("A1", "B1"),  # B2 is key but N/A: no failure
        DO_NOT_ENGAGE,
        id="several-key-failures-key-na-not-failure",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [("A1", "A", 1, True), ("A2", "A", 1, False), ("B1", "B", 1, False)],
        {"A1": 1, "A2": 3, "B1": 3},
        (75, 50),
        # A: (1 + 3)/6 = 4/6 = 66.67 -> 66.7;  B: 100
        {"A": "66.7", "B": "100.0"},
        "83.3",  # (2/3 + 1)/2 = 5/6 = 83.33 -> 83.3
        "100.0",
        (),  # key rated 1 ("partially met") is not a key failure
        ENGAGE,
        id="key-rated-1-not-key-failure",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [("A1", "A", 1, False), ("A2", "A", 1, True), ("B1", "B", 1, True)],
        {"A1": 0, "A2": 3, "B1": 3},
        (75, 50),
        # A: (0 + 3)/6 = 50;  B: 100
        {"A": "50.0", "B": "100.0"},
        "75.0",  # (50 + 100)/2
        "100.0",
        (),  # A1 rated 0 but not key
        ENGAGE,
        id="non-key-rated-0-not-key-failure",
    ),
    pytest.param(
        {"A": 1, "B": 1, "C": 3},
        [("A1", "A", 1, True), ("B1", "B", 1, False), ("B2", "B", 2, False)],
        {"A1": NA, "B1": NA, "B2": NA},
        (75, 50),
        # everything N/A, C has no criteria: no principle has a score
        {"A": None, "B": None, "C": None},
        None,
        None,  # 0 applicable: coverage is None, not 0 or 100
        (),
        INCOMPLETE,
        id="everything-na-incomplete",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [("A1", "A", 1, True), ("B1", "B", 1, False)],
        {},
        (75, 50),
        # nothing answered: no scores yet
        {"A": None, "B": None},
        None,
        "0.0",  # 0 answered / 2 applicable
        (),
        INCOMPLETE,
        id="nothing-answered-incomplete",
    ),
    pytest.param(
        {"A": 1, "B": 3},
        [("A1", "A", 1, False), ("A2", "A", 3, False), ("B1", "B", 1, False)],
        {"A1": 3, "A2": 0, "B1": 2},
        (75, 50),
        # A: (1*3 + 3*0)/(4*3) = 3/12 = 25;  B: 2/3 = 66.67 -> 66.7
        {"A": "25.0", "B": "66.7"},
        # (1*1/4 + 3*2/3)/4 = (1/4 + 2)/4 = 9/16 = 56.25 exactly
        # -> half up 56.3 (half-even would give 56.2)
        "56.3",
        "100.0",
        (),
        CONDITIONS,
        id="rounding-half-up-56.25",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [("A1", "A", 2, False), ("A2", "A", 1, False), ("B1", "B", 1, False)],
        {"A1": 1, "A2": 3, "B1": NA},
        (80, 55),
        # A: (2*1 + 1*3)/(3*3) = 5/9 = 55.56 -> 55.6;  B: N/A
        {"A": "55.6", "B": None},
        "55.6",  # 5/9 >= 55 (custom conditions threshold), < 80
        "100.0",
        (),
        CONDITIONS,
        id="custom-thresholds",
    ),
    pytest.param(
        {"A": 1, "B": 1},
        [("A1", "A", 1, False), ("A2", "A", 1, False), ("B1", "B", 1, False)],
        {"A1": 3, "A2": 2, "B1": 2},
        (100, 75),
        # as "overall-exactly-75": 5/6, 2/3, overall 3/4 = 75 = the conditions threshold
        {"A": "83.3", "B": "66.7"},
        "75.0",
        "100.0",
        (),
        CONDITIONS,
        id="overall-exactly-custom-conditions-threshold",
    ),
]


@pytest.mark.parametrize(
    (
        "principle_weights",
        "criteria",
        "answers",
        "thresholds",
        "principles",
        "overall",
        "coverage",
        "key_failures",
        "outcome",
    ),
    HAND_WORKED,
)
def test_hand_worked_cases(
    principle_weights,
    criteria,
    answers,
    thresholds,
    principles,
    overall,
    coverage,
    key_failures,
    outcome,
):
    engage, conditions = thresholds
    card = score(
        criteria=_specs(criteria),
        answers=_answers(answers),
        principle_weights=principle_weights,
        engage_threshold=engage,
        conditions_threshold=conditions,
    )
    # one PrincipleScore per principle of the framework, in the framework's order
    assert [p.principle for p in card.principles] == list(principle_weights)
    assert [p.weight for p in card.principles] == list(principle_weights.values())
    for key, expected in principles.items():
        principle = card.for_principle(key)
        _assert_percent(principle.percent, expected)
        assert (principle.score is None) == (expected is None)
    _assert_percent(card.overall_percent, overall)
    _assert_percent(card.coverage_percent, coverage)
    assert sorted(card.key_failures) == sorted(key_failures)
    assert card.outcome == outcome


def test_counts_per_principle():
    card = score(
        criteria=_specs(
            [
                ("A1", "A", 1, False),
                ("A2", "A", 1, False),
                ("A3", "A", 1, False),
                ("B1", "B", 1, False),
            ]
        ),
        answers=_answers({"A1": 2, "A2": NA, "B1": NA}),
        principle_weights={"A": 1, "B": 1, "C": 1},
        engage_threshold=75,
        conditions_threshold=50,
    )
    a, b, c = card.principles
    # A: 3 criteria, A2 N/A -> 2 applicable, only A1 answered
    assert (a.criteria, a.applicable, a.answered, a.not_applicable) == (3, 2, 1, False)
    assert (b.criteria, b.applicable, b.answered, b.not_applicable) == (1, 0, 0, True)
    assert (c.criteria, c.applicable, c.answered, c.not_applicable) == (0, 0, 0, True)
    assert (card.applicable, card.answered) == (2, 1)
    assert card.coverage == Fraction(1, 2)
    assert a.score == Fraction(200, 3)  # exact: 2/3 of 100, not a rounded float


# --- errors -------------------------------------------------------------------


def test_answer_rated_and_not_applicable_is_rejected():
    with pytest.raises(ValueError, match="either rated or not applicable"):
        AnswerValue(rating=2, not_applicable=True)


def test_answer_rated_0_and_not_applicable_is_rejected():
    # rating 0 is falsy: it must still count as "rated"
    with pytest.raises(ValueError, match="either rated or not applicable"):
        AnswerValue(rating=0, not_applicable=True)


@pytest.mark.parametrize("rating", [-1, 4, 100])
def test_rating_out_of_range_is_rejected(rating):
    with pytest.raises(ValueError, match="between 0 and 3"):
        AnswerValue(rating=rating)


@pytest.mark.parametrize("rating", [0, 1, 2, 3])
def test_ratings_in_range_are_accepted(rating):
    assert AnswerValue(rating=rating).rating == rating


def test_criterion_of_unknown_principle_is_rejected():
    with pytest.raises(ValueError, match="'Z'"):
        score(
            criteria=_specs([("A1", "A", 1, False), ("Z1", "Z", 1, False)]),
            answers=_answers({"A1": 3, "Z1": 3}),
            principle_weights={"A": 1},
            engage_threshold=75,
            conditions_threshold=50,
        )


# --- properties -----------------------------------------------------------------

ANSWER = st.one_of(
    st.integers(min_value=0, max_value=3).map(lambda r: AnswerValue(rating=r)),
    st.just(AnswerValue(not_applicable=True)),
    st.none(),  # unanswered (left out of the answers)
)


@st.composite
def frameworks(draw):
    """(principle_weights, criteria): 1–8 principles, 1–6 criteria each."""
    principle_weights = {}
    criteria = []
    for i in range(draw(st.integers(min_value=1, max_value=8))):
        principle = f"P{i}"
        principle_weights[principle] = draw(st.integers(min_value=1, max_value=5))
        for j in range(draw(st.integers(min_value=1, max_value=6))):
            criteria.append(
                CriterionSpec(
                    code=f"{principle}.C{j}",
                    principle=principle,
                    weight=draw(st.integers(min_value=1, max_value=5)),
                    is_key=draw(st.booleans()),
                )
            )
    return principle_weights, criteria


@st.composite
def thresholds(draw):
    conditions = draw(st.integers(min_value=0, max_value=100))
    engage = draw(st.integers(min_value=conditions, max_value=100))
    return engage, conditions


@st.composite
def assessments(draw):
    """(principle_weights, criteria, answers, (engage, conditions))."""
    principle_weights, criteria = draw(frameworks())
    answers = {}
    for criterion in criteria:
        answer = draw(ANSWER)
        if answer is not None:
            answers[criterion.code] = answer
    return principle_weights, criteria, answers, draw(thresholds())


def _score(principle_weights, criteria, answers, limits) -> ScoreCard:
    engage, conditions = limits
    return score(
        criteria=criteria,
        answers=answers,
        principle_weights=principle_weights,
        engage_threshold=engage,
        conditions_threshold=conditions,
    )


def _scores(card: ScoreCard):
    return {p.principle: p.score for p in card.principles}


@given(assessments())
def test_scores_and_coverage_stay_in_range(assessment):
    card = _score(*assessment)
    for principle in card.principles:
        if principle.score is not None:
            assert isinstance(principle.score, Fraction)
            assert 0 <= principle.score <= 100
    if card.overall is not None:
        assert isinstance(card.overall, Fraction)
        assert 0 <= card.overall <= 100
    if card.coverage is not None:
        assert 0 <= card.coverage <= 1
    assert 0 <= card.answered <= card.applicable


@given(assessments(), st.data())
def test_raising_a_rating_never_lowers_a_score(assessment, data):
    principle_weights, criteria, answers, limits = assessment
    raisable = [
        code for code, answer in answers.items() if answer.rating is not None and answer.rating < 3
    ]
    if not raisable:
        return
    code = data.draw(st.sampled_from(raisable))
    raised = dict(answers)
    raised[code] = AnswerValue(rating=answers[code].rating + 1)

    before = _score(principle_weights, criteria, answers, limits)
    after = _score(principle_weights, criteria, raised, limits)

    for key, old in _scores(before).items():
        new = _scores(after)[key]
        if old is None:
            assert new is None
        else:
            assert new is not None
            assert new >= old
    assert (before.overall is None) == (after.overall is None)
    if before.overall is not None:
        assert after.overall >= before.overall
    # the raised criterion's own principle strictly improves
    owner = next(c.principle for c in criteria if c.code == code)
    assert _scores(after)[owner] > _scores(before)[owner]


@given(assessments(), st.data())
def test_marking_na_leaves_other_principles_unchanged(assessment, data):
    principle_weights, criteria, answers, limits = assessment
    target = data.draw(st.sampled_from(criteria))
    changed = dict(answers)
    changed[target.code] = AnswerValue(not_applicable=True)

    before = _score(principle_weights, criteria, answers, limits)
    after = _score(principle_weights, criteria, changed, limits)

    for old, new in zip(before.principles, after.principles, strict=True):
        if old.principle != target.principle:
            assert new == old


@given(assessments(), st.data())
def test_weight_2_equals_same_criterion_counted_twice(assessment, data):
    principle_weights, criteria, answers, limits = assessment
    index = data.draw(st.integers(min_value=0, max_value=len(criteria) - 1))
    target = criteria[index]
    doubled = CriterionSpec(
        code=target.code, principle=target.principle, weight=2, is_key=target.is_key
    )
    single = CriterionSpec(
        code=target.code, principle=target.principle, weight=1, is_key=target.is_key
    )
    twin = CriterionSpec(
        code=target.code + "-twin", principle=target.principle, weight=1, is_key=target.is_key
    )
    weighted = [*criteria[:index], doubled, *criteria[index + 1 :]]
    split = [*criteria[:index], single, twin, *criteria[index + 1 :]]
    split_answers = dict(answers)
    if target.code in answers:
        split_answers[twin.code] = answers[target.code]

    a = _score(principle_weights, weighted, answers, limits)
    b = _score(principle_weights, split, split_answers, limits)

    assert _scores(a) == _scores(b)
    assert a.overall == b.overall
    assert a.outcome == b.outcome
    assert set(a.key_failures) == {code.removesuffix("-twin") for code in b.key_failures}


@given(assessments(), st.data())
def test_order_of_criteria_does_not_matter(assessment, data):
    principle_weights, criteria, answers, limits = assessment
    shuffled = data.draw(st.permutations(criteria))

    a = _score(principle_weights, criteria, answers, limits)
    b = _score(principle_weights, shuffled, answers, limits)

    assert a.principles == b.principles
    assert a.overall == b.overall
    assert (a.applicable, a.answered) == (b.applicable, b.answered)
    assert sorted(a.key_failures) == sorted(b.key_failures)
    assert a.outcome == b.outcome


@st.composite
def complete_assessments_without_key_failures(draw):
    """Every criterion answered (a rating or N/A); no key criterion rated 0."""
    principle_weights, criteria = draw(frameworks())
    answers = {}
    for criterion in criteria:
        lowest = 1 if criterion.is_key else 0
        answers[criterion.code] = draw(
            st.one_of(
                st.integers(min_value=lowest, max_value=3).map(lambda r: AnswerValue(rating=r)),
                st.just(AnswerValue(not_applicable=True)),
            )
        )
    return principle_weights, criteria, answers, draw(thresholds())


@given(complete_assessments_without_key_failures())
def test_complete_outcome_follows_thresholds(assessment):
    principle_weights, criteria, answers, limits = assessment
    engage, conditions = limits
    card = _score(principle_weights, criteria, answers, limits)

    assert card.key_failures == ()
    assert card.answered == card.applicable
    if card.overall is None:
        # only possible when nothing is applicable at all
        assert card.applicable == 0
        assert card.outcome == INCOMPLETE
    elif card.overall >= engage:
        assert card.outcome == ENGAGE
    elif card.overall >= conditions:
        assert card.outcome == CONDITIONS
    else:
        assert card.outcome == DO_NOT_ENGAGE


@given(assessments())
def test_key_failure_decides_else_unanswered_means_incomplete(assessment):
    card = _score(*assessment)
    _, criteria, answers, _ = assessment
    failing = {
        c.code for c in criteria if c.is_key and c.code in answers and answers[c.code].rating == 0
    }
    assert set(card.key_failures) == failing
    if failing:
        assert card.outcome == DO_NOT_ENGAGE
    elif card.answered < card.applicable:
        assert card.outcome == INCOMPLETE
    else:
        assert card.outcome != INCOMPLETE or card.applicable == 0


def test_percent_rounds_the_exact_value_once():
    # 6.4499... must not become 6.45 first and then 6.5.
    assert as_percent(Fraction(645 * 10**29 - 1, 10**31)) == Decimal("6.4")
    assert as_percent(Fraction(9, 16) * 100) == Decimal("56.3")
    assert as_percent(None) is None
