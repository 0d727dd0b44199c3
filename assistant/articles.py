"""Help articles as the desk uses them: the shipped ones and those support staff write."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.desk import DeskError
from assistant.knowledge import HelpArticle
from assistant.labels import SPECIAL_LABELS
from assistant.models import StaffArticle
from catalogue.models.base import utcnow

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC_STAFF = "staff"


def _keywords(text: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in re.split(r"[,，、\n]", text or "") if k.strip())


def as_help_article(row: StaffArticle) -> HelpArticle:
    """A staff article in the shipped articles' shape."""
    return HelpArticle(
        slug=row.slug,
        topic=row.topic,
        audience=row.audience,
        title_zh=row.title_zh,
        title_en=row.title_en,
        keywords_zh=_keywords(row.keywords_zh),
        keywords_en=_keywords(row.keywords_en),
        links=(),
        body_zh=row.body_zh,
        body_en=row.body_en,
    )


def all_articles(session: Session, shipped: Sequence[HelpArticle]) -> dict[str, HelpArticle]:
    """Every article by slug: the shipped ones, then staff ones (which cannot take a shipped
    slug)."""
    articles = {a.slug: a for a in shipped}
    for row in session.scalars(select(StaffArticle).order_by(StaffArticle.id)):
        articles.setdefault(row.slug, as_help_article(row))
    return articles


def write_article(
    session: Session,
    staff_id: int,
    fields: Mapping[str, str],
    shipped: Sequence[HelpArticle],
    article_id: int | None = None,
) -> StaffArticle:
    """Create (or update) a staff article, checked field by field."""
    values = {k: (fields.get(k) or "").strip() for k in _FIELDS}
    missing = [k for k in ("slug", "title_zh", "title_en", "body_zh", "body_en") if not values[k]]
    if missing:
        raise DeskError(
            "MISSING_FIELDS", "请填写：" + "、".join(missing) + " / Required: " + ", ".join(missing)
        )
    slug = values["slug"].lower()
    if not _SLUG.match(slug) or len(slug) > 80:
        raise DeskError("BAD_SLUG", "网址名只能用小写字母、数字和连字符 / Slug: a-z, 0-9 and -")
    taken = {a.slug for a in shipped} | set(SPECIAL_LABELS)
    clash = session.scalars(select(StaffArticle).where(StaffArticle.slug == slug)).first()
    if slug in taken or (clash is not None and clash.id != article_id):
        raise DeskError("SLUG_TAKEN", "这个网址名已被使用 / That slug is taken", 409)
    if len(values["title_zh"]) > 200 or len(values["title_en"]) > 200:
        raise DeskError("TITLE_TOO_LONG", "标题最多 200 字 / Titles: at most 200 characters")
    audience = values["audience"] if values["audience"] in ("learner", "partner", "all") else "all"
    if article_id is None:
        row = StaffArticle(created_by=staff_id)
        session.add(row)
    else:
        row = session.get(StaffArticle, article_id)
        if row is None:
            raise DeskError("UNKNOWN_ARTICLE", "找不到这篇文章 / No such article", 404)
    row.slug = slug
    row.topic = (values["topic"] or TOPIC_STAFF)[:40]
    row.audience = audience
    for name in ("title_zh", "title_en", "body_zh", "body_en", "keywords_zh", "keywords_en"):
        setattr(row, name, values[name])
    row.updated_at = utcnow()
    session.commit()
    return row


_FIELDS = (
    "slug",
    "topic",
    "audience",
    "title_zh",
    "title_en",
    "body_zh",
    "body_en",
    "keywords_zh",
    "keywords_en",
)
