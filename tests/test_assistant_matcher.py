"""The question matcher: held-out floors on the shipped questions, the split by phrasing, the
promotion gate, versioned artefacts and concurrent predictions."""

from __future__ import annotations

import json
import threading
from dataclasses import replace

import numpy as np
import pytest
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import LinearSVC

from assistant.artefacts import PICKLE, ArtefactError, MatcherStore
from assistant.evaluation import evaluate, split_questions
from assistant.knowledge import LabelledQuestion, load_articles, load_questions
from assistant.labels import COURSE_SEARCH, HANDOFF_LABELS, HUMAN, OUT_OF_SCOPE, SPECIAL_LABELS
from assistant.matcher import (
    CalibratedLinear,
    Match,
    MatcherSettings,
    TooFewLabels,
    _Sweep,
    decide,
    normalise,
    phrasing_key,
    rates,
    train_matcher,
)
from assistant.training import train_and_publish

# The floors (evaluation.FLOORS: top-1 >= 0.90, out of scope handed over >= 0.95,
# unnecessary hand-offs <= 0.10): with choices made on the training phrasings all three are met
# on the shipped questions since the hand-over model (docs/benchmarks.md, "Assistant: question
# matcher": 0.910, 0.951 and 0.023 on 10,336 questions, 2026-12-03; 0.9005, 0.960 and 0.026 on
# 9,576, and 0.904, 0.929 and 0.020 there without it). The suite keeps what is reached, a little
# below the measured figures (out of scope by four questions), so a change that loses quality
# fails; raise these as the knowledge base grows, never above what the held-out figures show.
REACHED = {
    "top1_accuracy": 0.905,
    "oos_handoff_rate": 0.945,
    "unnecessary_handoff_rate": 0.035,
}

# The gate and artefact tests train many times: C and the threshold fixed instead of chosen by
# cross-validation (which the shipped-data fixture does, as the nightly job does).
FIXED = MatcherSettings(c=0.3, threshold=0.15)


@pytest.fixture(scope="module")
def articles():
    return load_articles()


@pytest.fixture(scope="module")
def questions():
    return load_questions()


@pytest.fixture(scope="module")
def split(questions):
    return split_questions(questions)


@pytest.fixture(scope="module")
def matcher(articles, split):
    """Trained as the nightly job trains: on the training part, choices by cross-validation."""
    return train_matcher(articles, split.train)


@pytest.fixture(scope="module")
def held_out_metrics(matcher, split):
    return evaluate(matcher, split.held_out)


# -- quality on the shipped data -------------------------------------------------------------


def test_held_out_top1_accuracy_floor(held_out_metrics):
    assert held_out_metrics["in_scope"] >= 50
    assert held_out_metrics["top1_accuracy"] >= REACHED["top1_accuracy"], held_out_metrics


def test_held_out_out_of_scope_handed_over_floor(held_out_metrics):
    assert held_out_metrics["out_of_scope"] >= 10
    assert held_out_metrics["oos_handoff_rate"] >= REACHED["oos_handoff_rate"], held_out_metrics


def test_held_out_unnecessary_handoffs_ceiling(held_out_metrics):
    assert held_out_metrics["unnecessary_handoff_rate"] <= REACHED["unnecessary_handoff_rate"], (
        held_out_metrics
    )


def test_choices_were_made_on_training_phrasings_only(matcher, split):
    choice = matcher.info["choice"]
    assert choice["questions"] == len(split.train)
    assert matcher.threshold == choice["threshold"]
    assert choice["c"] in MatcherSettings().c_grid
    assert matcher.info["questions"] == len(split.train)


def test_the_special_labels_are_the_knowledge_bases(matcher):
    assert {COURSE_SEARCH, HUMAN, OUT_OF_SCOPE} == set(SPECIAL_LABELS)
    assert set(SPECIAL_LABELS) <= set(matcher.labels)


def test_explicit_handoff_phrases_go_to_a_person(matcher):
    for text in ("转人工", "我要转人工！", "有没有人工客服", "Can I talk to a person?"):
        match = matcher.predict(text)
        assert match.label == HUMAN and match.handed_over, text


def test_a_match_ranks_its_alternatives(matcher, split):
    for q in split.held_out[:30]:
        match = matcher.predict(q.question)
        assert 0.0 <= match.confidence <= 1.0
        labels = [label for label, _ in match.alternatives]
        assert match.label not in labels and len(labels) == len(set(labels))
        scores = [p for _, p in match.alternatives]
        assert scores == sorted(scores, reverse=True)
    empty = matcher.predict(" ？？ ")
    assert empty.label == OUT_OF_SCOPE and empty.reason == "empty"


def test_below_the_threshold_a_question_is_handed_over(matcher):
    # Nonsense is handed over (by the learned out_of_scope class or by the threshold).
    nonsense = matcher.predict("qzxv wplk")
    assert nonsense.label == OUT_OF_SCOPE and nonsense.handed_over
    classes = np.array(sorted(["a", "b", OUT_OF_SCOPE]))
    match = decide(np.array([0.36, 0.33, 0.31]), classes, 0.5, "问题")
    assert match.confidence < 0.5
    assert match.label == OUT_OF_SCOPE and match.reason == "below_threshold"
    assert match.alternatives[0][0] == "a"  # the model's best guess leads the alternatives
    assert OUT_OF_SCOPE in HANDOFF_LABELS and match.handed_over


def test_normalisation_folds_width_and_case():
    assert normalise("ＡＢＣ１２３，忘记　密码！") == "abc123 忘记 密码"
    assert phrasing_key("忘记密码了？") == phrasing_key("忘记 密码了")


# -- the split ---------------------------------------------------------------------------------


def test_the_split_never_puts_a_phrasing_on_both_sides(split, questions):
    train = {phrasing_key(q.question) for q in split.train}
    held = {phrasing_key(q.question) for q in split.held_out}
    assert not train & held
    assert len(split.train) + len(split.held_out) == len(questions)
    assert 0.2 <= len(split.held_out) / len(questions) <= 0.4


def test_every_label_with_three_phrasings_is_on_both_sides(split, questions):
    by_label: dict[str, set[str]] = {}
    for q in questions:
        by_label.setdefault(q.label, set()).add(phrasing_key(q.question))
    train = {q.label for q in split.train}
    held = {q.label for q in split.held_out}
    for label, keys in by_label.items():
        if len(keys) >= 3:
            assert label in train and label in held, label


def test_the_split_is_fixed_by_the_phrasing(questions):
    first = split_questions(questions)
    again = split_questions(list(reversed(questions)))
    assert {q.question for q in first.held_out} == {q.question for q in again.held_out}
    # The same phrasing written differently falls on the same side.
    variant = [replace(q, question=q.question.upper() + "？") for q in questions[:40]]
    moved = split_questions(variant + questions[40:])
    held = {phrasing_key(q.question) for q in first.held_out}
    assert {phrasing_key(q.question) for q in moved.held_out} == held


def test_a_label_of_three_phrasings_always_keeps_one_on_each_side():
    for n in range(20):
        questions = [
            LabelledQuestion(f"问题{n}-{i}", f"label-{n}", "zh", "plain") for i in range(3)
        ]
        split = split_questions(questions)
        assert split.train and split.held_out


# -- the gate and the artefacts ---------------------------------------------------------------


def crippled(questions):
    """The same questions, with the training part's labels moved one label along: a matcher
    trained on them is wrong about nearly everything the held-out part asks."""
    split = split_questions(questions)
    held = {q.question for q in split.held_out}
    labels = sorted({q.label for q in questions})
    shift = {label: labels[(i + 1) % len(labels)] for i, label in enumerate(labels)}
    return [q if q.question in held else replace(q, label=shift[q.label]) for q in questions]


def test_the_gate_promotes_a_first_model_refuses_a_worse_one_and_rolls_back(
    tmp_path, articles, questions
):
    store = MatcherStore(tmp_path)
    first = train_and_publish(articles, questions, store, settings=FIXED)
    assert first.promoted and first.gate["outcome"] == "first_model"
    assert store.current() == first.version
    meta = store.meta(first.version)
    assert meta["promoted"] and meta["metrics"] == first.metrics
    assert meta["threshold"] == FIXED.threshold and meta["c"] == FIXED.c
    assert meta["labels"] == len({a.slug for a in articles} | {q.label for q in questions})
    assert meta["labels_too_rare"] == []
    assert meta["data"]["held_out_questions"] == len(split_questions(questions).held_out)

    worse = train_and_publish(articles, crippled(questions), store, settings=FIXED)
    assert not worse.promoted, worse.reason
    assert worse.gate["outcome"] == "below_current_top1"
    assert worse.gate["current_source"] == "held_out"
    assert worse.metrics["top1_accuracy"] < first.metrics["top1_accuracy"] - 0.2
    assert store.current() == first.version
    assert not store.meta(worse.version)["promoted"]
    assert worse.version in store.versions()  # kept for inspection, not current

    same = train_and_publish(articles, questions, store, settings=FIXED)
    assert same.promoted and same.gate["outcome"] == "promoted", same.reason
    assert store.current() == same.version and store.previous() == first.version
    assert store.rollback() == first.version
    assert store.current() == first.version and store.previous() == same.version
    json.dumps(same.to_dict())  # a job run record is plain data


def test_a_version_is_complete_before_current_can_name_it(tmp_path, articles, split):
    store = MatcherStore(tmp_path)
    matcher = train_matcher(articles, split.train, settings=FIXED)
    name = store.write(matcher, {"metrics": {}})
    assert store.current() is None  # written, not promoted
    store.promote(name)

    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("the disk filled up")

    broken = replace(matcher, info={**matcher.info, "bad": Unpicklable()})
    with pytest.raises(RuntimeError):
        store.write(broken, {"metrics": {}})
    assert store.versions() == [name] and store.current() == name
    assert not list(tmp_path.glob(".v-*"))  # the half-written folder is gone

    second = store.write(matcher, {"metrics": {}})
    (tmp_path / second / PICKLE).write_bytes(b"not a pickle")
    with pytest.raises(ArtefactError):
        store.promote(second)  # refused: it does not match its record
    assert store.current() == name
    (tmp_path / second / PICKLE).unlink()
    assert second not in store.versions()
    with pytest.raises(ArtefactError):
        store.promote(second)
    assert store.current() == name


def test_a_loaded_version_predicts_as_trained_and_is_loaded_once(tmp_path, articles, split):
    store = MatcherStore(tmp_path)
    matcher = train_matcher(articles, split.train, settings=FIXED)
    name = store.write(matcher, {"metrics": {}})
    store.promote(name)
    reader = MatcherStore(tmp_path)  # another worker's view of the same directory
    loaded = reader.current_matcher()
    assert loaded is reader.current_matcher()
    texts = [q.question for q in split.held_out]
    assert [loaded.predict(t) for t in texts] == [matcher.predict(t) for t in texts]


def test_prune_keeps_the_newest_and_the_live_ones(tmp_path, articles, split):
    store = MatcherStore(tmp_path)
    matcher = train_matcher(articles, split.train[:60], settings=FIXED)
    names = [store.write(matcher, {"metrics": {}}) for _ in range(5)]
    store.promote(names[0])
    store.promote(names[1])
    removed = store.prune(keep=2)
    assert set(removed) == set(names[2:3])
    assert store.versions() == [names[0], names[1], names[3], names[4]]


# -- concurrency -------------------------------------------------------------------------------


def test_eight_threads_get_the_answers_one_thread_gets(matcher, split):
    texts = [q.question for q in split.held_out] * 3
    serial = [matcher.predict(t) for t in texts]
    results: list[list] = [[] for _ in range(8)]
    barrier = threading.Barrier(8)

    def work(k: int) -> None:
        barrier.wait()
        results[k] = [matcher.predict(t) for t in texts[k::8]]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(8):
        assert results[k] == serial[k::8]


def test_the_plain_array_classifier_gives_sklearns_probabilities():
    rng = np.random.default_rng(3)
    x = sparse.csr_matrix(rng.random((60, 12)) * (rng.random((60, 12)) > 0.6))
    y = [f"label-{i % 4}" for i in range(60)]
    fitted = CalibratedClassifierCV(LinearSVC(C=0.5), method="sigmoid", cv=3, ensemble=False)
    fitted.fit(x, y)
    ours = CalibratedLinear.from_sklearn(fitted)
    assert list(ours.classes) == list(fitted.classes_)
    np.testing.assert_allclose(ours.predict_proba(x), fitted.predict_proba(x), atol=1e-5)


def test_a_label_with_too_few_examples_is_left_out_not_fatal(articles, split):
    rare = LabelledQuestion("员工新写的问题怎么处理", "staff-article", "zh", "plain")
    matcher = train_matcher(articles, [*split.train, rare], settings=FIXED)
    assert matcher.info["labels_too_rare"] == ["staff-article"]
    assert "staff-article" not in matcher.labels


def test_too_little_to_train_on_is_reported_not_published(tmp_path, articles, questions):
    store = MatcherStore(tmp_path)
    few = [q for q in questions if q.label in (articles[0].slug, articles[1].slug)]
    report = train_and_publish(articles[:2], few, store, settings=FIXED)
    assert not report.promoted and report.version is None
    assert "not enough" in report.reason
    assert store.versions() == [] and store.current() is None
    with pytest.raises(TooFewLabels):
        train_matcher(articles[:2], few, settings=FIXED)


def test_the_sweep_scores_as_decide_does():
    """Cross-validation scores every (threshold, ratio, hand-over cut-off) candidate with array
    operations; they must give the labels and figures `decide` and `rates` give."""
    rng = np.random.default_rng(7)
    classes = np.array(sorted(["a", "b", "c", HUMAN, OUT_OF_SCOPE, COURSE_SEARCH]))
    texts = ["问题", "转人工", "", "hello there", "talk to a person please"] * 40
    truth = [str(rng.choice(classes)) for _ in texts]
    rows = []
    for i in range(len(texts)):
        p = rng.dirichlet(np.full(len(classes), 0.4))
        rows.append((i, p, classes))
    looks = rng.random(len(texts))
    sweep = _Sweep.of(rows, texts, truth, looks)
    for threshold in (0.0, 0.2, 0.45):
        for ratio in (1.0, 0.6, 0.25):
            for cutoff in (None, 0.7, 0.3):
                matches = [
                    decide(p, c, threshold, texts[i], ratio, looks[i], cutoff)
                    if texts[i]
                    else Match(OUT_OF_SCOPE, 0.0)
                    for i, p, c in rows
                ]
                assert list(sweep.labels(threshold, ratio, cutoff)) == [m.label for m in matches]
                assert sweep.rates(threshold, ratio, cutoff) == pytest.approx(
                    rates(matches, truth)[:3]
                )


def test_out_of_scope_close_behind_the_best_label_is_handed_over():
    classes = np.array(sorted(["a", "b", OUT_OF_SCOPE]))
    row = np.array([0.5, 0.1, 0.4])  # a, b, out_of_scope
    assert decide(row, classes, 0.2, "问题").label == "a"  # the ratio rule is off by default
    near = decide(row, classes, 0.2, "问题", 0.75)
    assert near.label == OUT_OF_SCOPE and near.reason == "near_out_of_scope" and near.handed_over
    assert decide(row, classes, 0.2, "问题", 0.85).label == "a"


# -- the hand-over model (assistant/handover.py) -------------------------------------------


def test_the_cut_off_was_chosen_by_cross_validation(matcher, split):
    choice = matcher.info["choice"]
    assert choice["handover_cutoff"] in MatcherSettings().handover_cutoff_grid
    assert matcher.handover_cutoff == choice["handover_cutoff"]
    info = matcher.info["handover"]
    if matcher.handover_cutoff is not None:
        # Trained on the out-of-fold rows the matcher would answer, not on every question.
        assert 0 < info["out_of_scope_rows"] < info["rows"] < len(split.train)


def test_the_second_look_hands_over_more_out_of_scope_questions(matcher, split):
    assert matcher.handover is not None and matcher.handover_cutoff is not None
    without = replace(matcher, handover=None, handover_cutoff=None)
    on, off = evaluate(matcher, split.held_out), evaluate(without, split.held_out)
    assert on["oos_handoff_rate"] >= off["oos_handoff_rate"] + 0.01, (on, off)
    assert on["top1_accuracy"] >= off["top1_accuracy"] - 0.01, (on, off)
    reasons = {matcher.predict(q.question).reason for q in split.held_out}
    assert "handover_model" in reasons


def test_a_loaded_matcher_takes_the_same_second_look(tmp_path, matcher, split):
    store = MatcherStore(tmp_path)
    store.promote(store.write(matcher, {"metrics": {}}))
    loaded = MatcherStore(tmp_path).current_matcher()
    texts = [q.question for q in split.held_out[::3]]
    assert [loaded.predict(t) for t in texts] == [matcher.predict(t) for t in texts]
