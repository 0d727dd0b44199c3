"""Recurring problems grouped from questions (assistant.clusters)."""

from __future__ import annotations

from assistant.clusters import Cluster, assign, assign_all, cluster_questions, normalise, trend

PASSWORD_ZH = [
    "忘记密码",
    "密码忘了怎么办",
    "我忘记登录密码了",
    "密码忘记了，怎么找回？",
    "怎么重置密码",
]
PASSWORD_EN = [
    "forgot password",
    "I forgot my password",
    "how to reset my password",
    "Forgot my password!",
]
FONT = ["字太小", "字太小看不清", "字体太小了", "怎么把字体调大一点", "字体调大"]
VIDEO = ["视频播放不了", "视频放不出来", "视频打不开怎么办", "课程视频无法播放"]
VIDEO_EN = ["video won't play", "the video does not play", "Video will not play?"]
OTHER = ["今天天气怎么样", "发票怎么开", "怎么报名课程", "转人工"]
GROUPS = {
    "password_zh": PASSWORD_ZH,
    "password_en": PASSWORD_EN,
    "font": FONT,
    "video": VIDEO,
    "video_en": VIDEO_EN,
}


def _questions() -> tuple[list[str], list[str]]:
    questions: list[str] = []
    labels: list[str] = []
    # Interleaved, so grouping cannot come from the input order.
    longest = max(len(g) for g in GROUPS.values())
    for i in range(longest):
        for name, group in GROUPS.items():
            if i < len(group):
                questions.append(group[i])
                labels.append(name)
    for other in OTHER:
        questions.append(other)
        labels.append(other)
    return questions, labels


def _cluster_of(clusters: list[Cluster]) -> dict[int, int]:
    return {member: n for n, c in enumerate(clusters) for member in c.members}


def test_every_question_is_in_exactly_one_cluster():
    questions, _ = _questions()
    clusters = cluster_questions(questions)
    members = sorted(m for c in clusters for m in c.members)
    assert members == list(range(len(questions)))
    assert all(c.size == len(c.members) for c in clusters)
    assert [c.size for c in clusters] == sorted((c.size for c in clusters), reverse=True)


def test_paraphrases_of_one_problem_land_together():
    questions, labels = _questions()
    of = _cluster_of(cluster_questions(questions))
    for name in ("password_zh", "password_en", "video", "video_en"):
        found = {of[i] for i, label in enumerate(labels) if label == name}
        assert len(found) == 1, (name, found)


def test_the_font_problem_forms_at_most_two_groups_of_its_own():
    # "字太小" and "字体调大" share only 字: by wording they may form two groups, not more.
    questions, labels = _questions()
    of = _cluster_of(cluster_questions(questions))
    font = {of[i] for i, label in enumerate(labels) if label == "font"}
    assert len(font) <= 2
    assert all(labels[i] == "font" for i, n in of.items() if n in font)


def test_unrelated_questions_do_not_merge():
    questions, labels = _questions()
    clusters = cluster_questions(questions)
    for cluster in clusters:
        assert len({labels[i] for i in cluster.members}) == 1, [
            questions[i] for i in cluster.members
        ]
    for other in OTHER:
        assert any(c.members == (questions.index(other),) for c in clusters)


def test_representative_is_a_member_and_terms_name_the_problem():
    questions, labels = _questions()
    for cluster in cluster_questions(questions):
        assert cluster.representative in [questions[i] for i in cluster.members]
        if labels[cluster.members[0]] == "password_zh":
            assert "密码" in cluster.top_terms
        if labels[cluster.members[0]] == "password_en":
            assert "password" in cluster.top_terms


def test_the_most_frequent_wording_represents_its_cluster():
    questions = ["密码忘了", "忘记密码", "忘记密码", "忘记密码了", "忘记密码", "视频播放不了"]
    clusters = cluster_questions(questions)
    assert clusters[0].members == (0, 1, 2, 3, 4)
    assert clusters[0].representative == "忘记密码"


def test_the_output_is_deterministic():
    questions, _ = _questions()
    assert cluster_questions(questions) == cluster_questions(list(questions))


def test_a_higher_threshold_never_joins_more():
    questions, _ = _questions()
    assert len(cluster_questions(questions, threshold=0.6)) >= len(cluster_questions(questions))
    distinct = [*PASSWORD_ZH, *VIDEO, "字太小", "字体太小了"]
    assert len(cluster_questions(distinct, threshold=1.01)) == len(distinct)
    # Above 1 only questions with the same words once function words are left out share a cluster.
    same = cluster_questions(
        ["forgot password", "I forgot my password!", "reset password"], threshold=1.01
    )
    assert [c.members for c in same] == [(0, 1), (2,)]


def test_min_size_leaves_out_small_groups_and_blank_questions_are_ignored():
    questions, _ = _questions()
    clusters = cluster_questions([*questions, "", "？？"], min_size=2)
    assert clusters and all(c.size >= 2 for c in clusters)
    assert cluster_questions(["", "  ", "!!"]) == []


def test_assign_puts_a_new_question_with_its_problem():
    questions, labels = _questions()
    clusters = cluster_questions(questions)
    of = _cluster_of(clusters)

    def cluster_of(name: str) -> int:
        return of[labels.index(name)]

    assert assign("密码忘了，登录不上", clusters) == cluster_of("password_zh")
    assert assign("forgot the password", clusters) == cluster_of("password_en")
    assert assign("视频不能播放", clusters) == cluster_of("video")
    assert assign("怎么退款", clusters) is None
    assert assign("", clusters) is None
    assert assign("忘记密码", []) is None
    batch = ["视频不能播放", "怎么退款", "密码忘了，登录不上"]
    assert assign_all(batch, clusters) == [assign(q, clusters) for q in batch]


def test_every_question_of_a_run_is_assigned_to_its_own_cluster():
    questions, _ = _questions()
    clusters = cluster_questions(questions)
    of = _cluster_of(clusters)
    assert assign_all(questions, clusters) == [of[i] for i in range(len(questions))]


def test_normalise_folds_width_case_and_punctuation():
    assert normalise("  ＦＯＲＧＯＴ　Password！！ ") == "forgot password"
    assert normalise("密码，忘了？") == "密码 忘了"


def test_trend():
    now = {"password": 40, "video": 5, "font": 10, "exam": 3, "app": 9}
    before = {"password": 20, "video": 20, "font": 9, "app": 8, "refund": 4}
    assert trend(now, before) == {
        "password": "rising",
        "video": "falling",
        "font": "steady",
        "exam": "new",
        "app": "steady",
        "refund": "falling",
    }
    # Small counts move by chance: a change below min_change is steady.
    assert trend({"a": 2}, {"a": 1}) == {"a": "steady"}
    assert trend({"a": 2}, {"a": 1}, min_change=1) == {"a": "rising"}
