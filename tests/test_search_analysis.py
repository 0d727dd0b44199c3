"""English text analysis: British spellings indexed as American ones, before stemming."""

from __future__ import annotations

import pytest

from search.analysis import american_spelling, analyze, mixed_analyzer


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("linearised", "linearized"),
        ("generalisation", "generalization"),
        ("minimise", "minimize"),
        ("behaviour", "behavior"),
        ("colourful", "colorful"),
        ("favourite", "favorite"),
        ("labourers", "laborers"),
    ],
)
def test_british_and_american_spellings_are_one_term(british: str, american: str):
    assert analyze(british) == analyze(american)
    assert analyze(british) != []


@pytest.mark.parametrize("word", ["four", "hour", "tour", "your", "prise", "raise", "arise"])
def test_short_words_ending_alike_are_left_alone(word: str):
    assert american_spelling(word) == word


def test_a_word_without_an_american_twin_still_finds_itself():
    assert analyze("precise contour") == analyze("Precise CONTOUR")
    assert analyze("precise") != analyze("price")


def test_spelling_lists_keep_the_word_as_written():
    # whoosh fills the spell_ fields with the morphological filters left out.
    words = [t.text for t in mixed_analyzer()("colour behaviour", no_morph=True)]
    assert words == ["colour", "behaviour"]


def test_chinese_is_untouched():
    assert analyze("太极拳 behaviour") == [*analyze("太极拳"), "behavior"]
