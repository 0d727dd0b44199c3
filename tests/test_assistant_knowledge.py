"""The service desk's shipped knowledge: it loads, covers every article, links to real pages."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from assistant.knowledge import (
    ARTICLES_DIR,
    SPECIAL_LABELS,
    HelpArticle,
    KnowledgeError,
    LabelledQuestion,
    load_articles,
    load_questions,
)

GOOD_ARTICLE = '''slug = "{slug}"
topic = "accounts"
audience = "learner"
title_zh = "忘记密码怎么办"
title_en = "I forgot my password"
keywords_zh = ["忘记密码"]
keywords_en = ["forgot password"]
links = ["/password/forgot"]
body_zh = """
在登录页点“忘记密码？”。
"""
body_en = """
Choose "Forgot your password?" on the log-in page.
"""
'''

HEADER = "question,label,language,style\n"


@pytest.fixture(scope="module")
def articles() -> list[HelpArticle]:
    """The shipped help articles."""
    return load_articles()


@pytest.fixture(scope="module")
def questions() -> list[LabelledQuestion]:
    """The shipped labelled questions."""
    return load_questions()


def test_the_shipped_articles_load_and_are_complete(articles: list[HelpArticle]) -> None:
    assert len(articles) >= 45
    assert len({a.slug for a in articles}) == len(articles)
    for article in articles:
        assert article.audience in ("learner", "partner", "all")
        assert article.keywords_zh and article.keywords_en, article.slug
        assert "<" not in article.body_zh + article.body_en, article.slug  # plain text, not HTML
        assert not set(article.slug) - set("abcdefghijklmnopqrstuvwxyz0123456789-")


def test_the_shipped_questions_load_and_are_distinct(questions: list[LabelledQuestion]) -> None:
    assert len(questions) >= 10300
    assert len({q.question.casefold() for q in questions}) == len(questions)


def test_every_label_is_an_article_or_special(
    articles: list[HelpArticle], questions: list[LabelledQuestion]
) -> None:
    known = {a.slug for a in articles} | set(SPECIAL_LABELS)
    assert {q.label for q in questions} <= known


def test_every_article_has_thirty_phrasings_with_english(
    articles: list[HelpArticle], questions: list[LabelledQuestion]
) -> None:
    by_label: dict[str, list[LabelledQuestion]] = defaultdict(list)
    for question in questions:
        by_label[question.label].append(question)
    for article in articles:
        phrasings = by_label[article.slug]
        assert len(phrasings) >= 30, article.slug
        assert any(q.language == "en" for q in phrasings), article.slug
        assert any(q.language == "zh" for q in phrasings), article.slug


def test_the_special_labels_are_well_represented(questions: list[LabelledQuestion]) -> None:
    counts = Counter(q.label for q in questions)
    assert counts["course_search"] >= 200
    assert counts["human"] >= 120
    assert counts["out_of_scope"] >= 2100


def test_every_link_is_a_page_of_the_site(articles: list[HelpArticle], tmp_path: Path) -> None:
    from webapp import create_app

    app = create_app({"DATABASE_URL": "sqlite:///" + str(tmp_path / "x.db")})
    adapter = app.url_map.bind("localhost")
    links = {link for article in articles for link in article.links}
    assert links
    for link in sorted(links):
        try:
            adapter.match(link, method="GET")
        except (NotFound, MethodNotAllowed, RequestRedirect) as exc:
            pytest.fail(f"{link} is not a GET page: {exc!r}")


def _write_article(folder: Path, slug: str, text: str | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{slug}.toml"
    path.write_text(GOOD_ARTICLE.format(slug=slug) if text is None else text, encoding="utf-8")
    return path


def test_a_good_article_file_loads(tmp_path: Path) -> None:
    _write_article(tmp_path, "forgot-password")
    (article,) = load_articles(tmp_path)
    assert article.slug == "forgot-password"
    assert article.links == ("/password/forgot",)
    assert article.body_zh.startswith("在登录页")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace('title_en = "I forgot my password"\n', ""), "title_en"),
        (lambda t: t.replace('audience = "learner"', 'audience = "everyone"'), "audience"),
        (
            lambda t: t.replace('keywords_en = ["forgot password"]', "keywords_en = []"),
            "keywords_en",
        ),
        (lambda t: t.replace('links = ["/password/forgot"]', 'links = ["password"]'), "link"),
        (lambda t: t.replace('body_zh = """', 'body_zh = """\n"""\nx = """'), "unknown field"),
        (lambda t: t + "oops = [", "TOML"),
    ],
)
def test_an_invalid_article_names_its_file(tmp_path: Path, change, message: str) -> None:
    path = _write_article(tmp_path, "forgot-password")
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_articles(tmp_path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_a_bad_or_mismatched_slug_is_refused(tmp_path: Path) -> None:
    bad = _write_article(tmp_path, "Forgot_Password", GOOD_ARTICLE.format(slug="Forgot_Password"))
    with pytest.raises(KnowledgeError, match="bad slug") as caught:
        load_articles(tmp_path)
    assert str(bad) in str(caught.value)
    bad.unlink()
    _write_article(tmp_path, "reset", GOOD_ARTICLE.format(slug="forgot-password"))
    with pytest.raises(KnowledgeError, match="differs from the file name"):
        load_articles(tmp_path)


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match=str(tmp_path)):
        load_articles(tmp_path)


def _write_questions(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "questions.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_good_questions_file_loads(tmp_path: Path) -> None:
    path = _write_questions(
        tmp_path, '忘记密码了,forgot-password,zh,plain\n"hi, a person please",human,en,colloquial\n'
    )
    loaded = load_questions(path, slugs={"forgot-password"})
    assert loaded == [
        LabelledQuestion("忘记密码了", "forgot-password", "zh", "plain"),
        LabelledQuestion("hi, a person please", "human", "en", "colloquial"),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("忘记密码了,no-such-article,zh,plain\n", "unknown label 'no-such-article'"),
        ("忘记密码了,forgot-password,fr,plain\n", "unknown language 'fr'"),
        ("忘记密码了,forgot-password,zh,shouting\n", "unknown style 'shouting'"),
        ("忘记密码了,forgot-password,zh\n", "expected 4 fields"),
        (",forgot-password,zh,plain\n", "question is empty"),
        ("密码忘了,human,zh,plain\n密码忘了,forgot-password,zh,plain\n", "duplicate question"),
    ],
)
def test_an_invalid_question_names_its_file_and_row(
    tmp_path: Path, body: str, message: str
) -> None:
    path = _write_questions(tmp_path, "我要找客服,human,zh,plain\n" + body)
    with pytest.raises(KnowledgeError) as caught:
        load_questions(path, slugs={"forgot-password"})
    text = str(caught.value)
    assert str(path) in text and message in text
    assert f"row {2 + body.count(chr(10))}" in text  # the header is row 1, the good row 2


def test_a_wrong_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "questions.csv"
    path.write_text("question,label\n忘记密码,forgot-password\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="header"):
        load_questions(path, slugs={"forgot-password"})


def test_the_shipped_folder_is_the_default() -> None:
    assert {a.slug for a in load_articles()} == {p.stem for p in ARTICLES_DIR.glob("*.toml")}
