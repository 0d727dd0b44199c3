"""The service desk's shipped knowledge: bilingual help articles and labelled questions."""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.labels import SPECIAL_LABELS

KNOWLEDGE_DIR = Path(__file__).with_name("knowledge")
ARTICLES_DIR = KNOWLEDGE_DIR / "articles"
QUESTIONS_CSV = KNOWLEDGE_DIR / "questions.csv"

AUDIENCES = ("learner", "partner", "all")
LANGUAGES = ("zh", "en", "mixed")
STYLES = ("plain", "colloquial", "elderly", "typo", "mixed")
QUESTION_COLUMNS = ("question", "label", "language", "style")

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TEXT_FIELDS = ("slug", "topic", "audience", "title_zh", "title_en", "body_zh", "body_en")
_LIST_FIELDS = ("keywords_zh", "keywords_en", "links")


class KnowledgeError(ValueError):
    """Shipped knowledge that cannot be used; the message names the file (and row)."""


@dataclass(frozen=True)
class HelpArticle:
    """One bilingual help article, as read from `articles/<slug>.toml`."""

    slug: str
    topic: str
    audience: str
    title_zh: str
    title_en: str
    keywords_zh: tuple[str, ...]
    keywords_en: tuple[str, ...]
    links: tuple[str, ...]
    body_zh: str
    body_en: str


@dataclass(frozen=True)
class LabelledQuestion:
    """One question as a person might type it, with the article slug or special label it needs."""

    question: str
    label: str
    language: str
    style: str


def _article(path: Path) -> HelpArticle:
    """Read and check one article file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{path}: not valid UTF-8 TOML: {exc}") from exc
    unknown = sorted(set(data) - set(_TEXT_FIELDS) - set(_LIST_FIELDS))
    if unknown:
        raise KnowledgeError(f"{path}: unknown field(s) {', '.join(unknown)}")
    for name in _TEXT_FIELDS:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise KnowledgeError(f"{path}: field {name!r} is missing or empty")
    for name in _LIST_FIELDS:
        value = data.get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise KnowledgeError(f"{path}: field {name!r} must be a list of non-empty strings")
        if name != "links" and not value:
            raise KnowledgeError(f"{path}: field {name!r} is empty")
    slug = data["slug"]
    if not _SLUG.fullmatch(slug):
        raise KnowledgeError(f"{path}: bad slug {slug!r} (lowercase letters, digits and '-')")
    if slug != path.stem:
        raise KnowledgeError(f"{path}: slug {slug!r} differs from the file name")
    if slug in SPECIAL_LABELS:
        raise KnowledgeError(f"{path}: slug {slug!r} is reserved for a special label")
    if data["audience"] not in AUDIENCES:
        raise KnowledgeError(
            f"{path}: unknown audience {data['audience']!r} (one of {', '.join(AUDIENCES)})"
        )
    for link in data["links"]:
        if not link.startswith("/") or "<" in link:
            raise KnowledgeError(f"{path}: link {link!r} is not a site path")
    return HelpArticle(
        slug=slug,
        topic=data["topic"].strip(),
        audience=data["audience"],
        title_zh=data["title_zh"].strip(),
        title_en=data["title_en"].strip(),
        keywords_zh=tuple(k.strip() for k in data["keywords_zh"]),
        keywords_en=tuple(k.strip() for k in data["keywords_en"]),
        links=tuple(data["links"]),
        body_zh=data["body_zh"].strip(),
        body_en=data["body_en"].strip(),
    )


def load_articles(folder: Path | None = None) -> list[HelpArticle]:
    """Every help article in the folder (the shipped ones by default), ordered by slug."""
    folder = ARTICLES_DIR if folder is None else folder
    articles = [_article(path) for path in sorted(folder.glob("*.toml"))]
    if not articles:
        raise KnowledgeError(f"{folder}: no help articles (*.toml)")
    return articles


def load_questions(
    path: Path | None = None, slugs: set[str] | None = None
) -> list[LabelledQuestion]:
    """The labelled questions of the CSV; labels are checked against `slugs` (default: shipped)."""
    path = QUESTIONS_CSV if path is None else path
    if slugs is None:
        slugs = {article.slug for article in load_articles()}
    known = set(slugs) | set(SPECIAL_LABELS)
    questions: list[LabelledQuestion] = []
    seen: dict[str, int] = {}
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None or tuple(h.strip() for h in header) != QUESTION_COLUMNS:
                raise KnowledgeError(f"{path}: the header must be {','.join(QUESTION_COLUMNS)}")
            for cells in reader:
                row = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(QUESTION_COLUMNS):
                    raise KnowledgeError(f"{path}, row {row}: expected 4 fields, got {len(cells)}")
                question, label, language, style = (c.strip() for c in cells)
                if not question:
                    raise KnowledgeError(f"{path}, row {row}: the question is empty")
                if label not in known:
                    raise KnowledgeError(f"{path}, row {row}: unknown label {label!r}")
                if language not in LANGUAGES:
                    raise KnowledgeError(f"{path}, row {row}: unknown language {language!r}")
                if style not in STYLES:
                    raise KnowledgeError(f"{path}, row {row}: unknown style {style!r}")
                key = question.casefold()
                if key in seen:
                    raise KnowledgeError(
                        f"{path}, row {row}: duplicate question {question!r} (row {seen[key]})"
                    )
                seen[key] = row
                questions.append(LabelledQuestion(question, label, language, style))
    except UnicodeDecodeError as exc:
        raise KnowledgeError(f"{path}: not UTF-8: {exc}") from exc
    return questions
