"""The area guesser: a naive Bayes over the characters and words of each area's courses."""

from __future__ import annotations

from search.area_guess import FILE_NAME, AreaModel, tokens


def model() -> AreaModel:
    areas = AreaModel()
    areas.observe("elderly", ["老年人智能手机入门", "太极拳入门", "中老年健身操", "养生八段锦"])
    areas.observe("workplace", ["Excel for the office", "职场沟通技巧", "会议纪要写作"])
    areas.observe("hobbies", ["书法入门", "摄影基础 photography", "养花技巧"])
    return areas


def test_tokens_are_characters_and_analysed_words():
    assert list(tokens("老年的 Offices")) == ["老", "年", "offic"]


def test_the_area_whose_characters_the_query_shares_is_guessed():
    areas = model()
    assert areas.guess("拳老健") == "elderly"
    assert areas.guess("职场写作") == "workplace"
    assert areas.guess("office skills") == "workplace"


def test_no_guess_without_evidence_or_with_evidence_split_evenly():
    areas = model()
    assert areas.guess("zzz") is None
    assert areas.guess("") is None
    # 技 and 巧 appear once in a workplace title and once in a hobbies title.
    assert areas.guess("技巧") is None
    assert AreaModel().guess("老年") is None


def test_the_model_survives_a_round_trip_without_its_rare_tokens(tmp_path):
    areas = model()
    areas.save(tmp_path)
    assert (tmp_path / FILE_NAME).is_file()
    loaded = AreaModel.load(tmp_path)
    assert loaded.guess("拳老健") == "elderly"
    assert loaded.counts["elderly"]["老"] == 2
    # Seen once in the whole catalogue: not evidence, not stored.
    assert "拳" not in loaded.counts["elderly"]


def test_a_missing_or_damaged_file_gives_an_empty_model(tmp_path):
    assert AreaModel.load(tmp_path).counts == {}
    (tmp_path / FILE_NAME).write_text("{not json", encoding="utf-8")
    assert AreaModel.load(tmp_path).guess("老年") is None
