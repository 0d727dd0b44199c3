"""The hand-over model's parts: its signals, its trees, its cut-off. What it adds on the shipped
questions is tested with the nightly-trained matcher in `test_assistant_matcher.py`."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from assistant import handover
from assistant.handover import OtherServices, Trees, Vocabulary
from assistant.labels import OUT_OF_SCOPE
from assistant.matcher import decide, normalise

# -- the parts ---------------------------------------------------------------------------------


def test_the_trees_give_sklearns_probabilities():
    rng = np.random.default_rng(11)
    x = rng.random((2000, len(handover.SIGNALS)))
    y = (x[:, 0] + x[:, 3] * x[:, 5] + 0.4 * rng.random(2000) > 1.0).astype(int)
    model = HistGradientBoostingClassifier(max_iter=60, max_leaf_nodes=15, random_state=0)
    model.fit(x, y)
    trees = Trees.of(model)
    np.testing.assert_allclose(trees.probability(x), model.predict_proba(x)[:, 1], atol=1e-12)
    np.testing.assert_allclose(trees.probability(x[:1]), model.predict_proba(x[:1])[:, 1])


def test_words_are_known_by_their_pinyin():
    vocabulary = Vocabulary.of([normalise("怎么修改密码"), normalise("change my password")])
    assert vocabulary.unknown(normalise("密码")) == (0.0, 0)
    assert vocabulary.unknown(normalise("mima")) == (0.0, 0)  # typed in pinyin
    share, count = vocabulary.unknown(normalise("股票 密码"))
    assert count == 1 and share == pytest.approx(0.5)
    assert vocabulary.unknown(normalise("password stocks")) == (0.5, 1)
    assert vocabulary.unknown("") == (0.0, 0)


def test_other_services_match_names_not_parts_of_words(tmp_path):
    listing = tmp_path / "services.txt"
    listing.write_text("# a comment\n微信\nAmazon\nApple ID  # a phrase\n\n", encoding="utf-8")
    services = OtherServices.load(listing)
    assert services.mentions(normalise("微信的字怎么调大"))
    assert services.mentions(normalise("How do I change my AMAZON password?"))
    assert services.mentions(normalise("forgot my apple id"))
    assert not services.mentions(normalise("amazonian parrots course"))
    assert not services.mentions(normalise("apple pie and my id card"))
    assert not services.mentions(normalise("怎么修改密码"))


def test_the_shipped_list_of_services_loads_and_keeps_our_own_subjects_out():
    services = OtherServices.load()
    assert services.mentions(normalise("支付宝怎么转账"))
    assert services.mentions(normalise("how to change instagram password"))
    for ours in ("字太小怎么办", "zoom in", "How do I install the app?", "Excel 课程", "word"):
        assert not services.mentions(normalise(ours)), ours


def test_too_few_out_of_scope_rows_train_no_model():
    rng = np.random.default_rng(2)
    x = rng.random((200, len(handover.SIGNALS)))
    few = np.zeros(200, dtype=bool)
    few[: handover.MIN_ROWS - 1] = True
    vocabulary = Vocabulary(frozenset())
    assert handover.fit(x, few, vocabulary, OtherServices.load()) is None
    enough = np.zeros(200, dtype=bool)
    enough[: handover.MIN_ROWS * 2] = True
    model = handover.fit(x, enough, vocabulary, OtherServices.load())
    assert model is not None and model.out_of_scope_rows == handover.MIN_ROWS * 2


def test_the_cut_off_turns_an_answer_into_a_handover():
    classes = np.array(sorted(["a", "b", OUT_OF_SCOPE]))
    row = np.array([0.7, 0.2, 0.1])
    assert decide(row, classes, 0.2, "问题", 1.0, 0.9, None).label == "a"  # no cut-off: off
    assert decide(row, classes, 0.2, "问题", 1.0, 0.3, 0.4).label == "a"
    second = decide(row, classes, 0.2, "问题", 1.0, 0.5, 0.4)
    assert second.label == OUT_OF_SCOPE and second.reason == "handover_model"
    assert second.handed_over and second.alternatives[0][0] == "a"
