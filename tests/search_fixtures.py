"""A small, realistic bilingual catalogue for the search tests, built with the catalogue services.

`build_catalogue(session)` creates providers, about thirty courses (published, one of unknown
length, one draft, one withdrawn), a learner and activity events, refreshes the popularity
figures and commits.
`index_catalogue(sessions, path)` builds the search index of it with a full rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from catalogue.models import EventKind
from catalogue.services.activity import record_event, refresh_course_stats
from catalogue.services.courses import (
    CourseData,
    LessonData,
    create_course,
    update_course,
    withdraw_course,
)
from catalogue.services.providers import create_provider
from catalogue.services.users import register_user
from search.indexer import rebuild
from search.store import IndexStore

PROVIDERS = {
    "elder": ("上海老年大学", "public"),
    "ouc": ("国家开放大学", "university"),
    "media": ("City Learning Media", "media"),
    "skills": ("技能培训中心", "training"),
}

# Titles that must never be found: a draft and a withdrawn course.
DRAFT_TITLE = "紫罗兰秘密草稿课程 Violetdraft"
WITHDRAWN_TITLE = "琥珀计划已下架课程 Amberwithdrawn"
XSS_TITLE = "网页安全常识 <script>alert(1)</script>"
TWIN_TITLE = "手工剪纸"

# Published "now": every published course is back-dated by a distinct number of hours, so
# that "newest" has a strict order even though the index stores seconds.
EPOCH = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Spec:
    """One course of the test catalogue."""

    key: str
    title: str
    area: str
    provider: str = "elder"
    format: str = "video"
    level: str = "all"
    language: str = "zh"
    minutes: int = 30
    price: int | None = None  # None: free
    subtitle: str | None = None
    description: str | None = None
    subjects: tuple[str, ...] = ()
    lessons: tuple[str, ...] = ("第一讲", "第二讲")
    views: int = 0  # popularity = views (one point each, on as many days) unless more events
    status: str = "published"  # published | draft | withdrawn


SPECS: tuple[Spec, ...] = (
    Spec(
        "taiji_intro",
        "太极拳入门",
        "elderly",
        level="beginner",
        minutes=45,
        subtitle="零基础学习二十四式太极拳",
        description="从站桩开始，一招一式学习杨式太极拳。",
        subjects=("太极拳", "健身"),
        lessons=("起势与站桩", "野马分鬃", "白鹤亮翅"),
        views=40,
    ),
    Spec(
        "taiji_adv",
        "太极拳进阶",
        "elderly",
        level="intermediate",
        minutes=150,
        price=9900,
        subtitle="四十二式太极拳套路",
        description="在入门基础上学习完整套路与推手。",
        subjects=("太极拳",),
        lessons=("推手基础", "四十二式详解"),
        views=15,
    ),
    Spec(
        "baduanjin",
        "八段锦",
        "elderly",
        minutes=20,
        subtitle="传统养生功法",
        description="共八节动作，每天练习十分钟。",
        lessons=("两手托天理三焦", "左右开弓似射雕"),
        views=25,
    ),
    Spec(
        "fitness",
        "中老年健身操",
        "elderly",
        provider="skills",
        minutes=35,
        subtitle="适合在家跟练",
        description="融合八段锦与广场舞动作的健身操，强度适中。",
        views=30,
    ),
    Spec(
        "phone_tips",
        "智能手机使用技巧",
        "life_skills",
        level="beginner",
        minutes=25,
        subtitle="设置、通话与常用应用",
        description="学会调大字体、连接无线网络和安装应用。",
        subjects=("手机", "数字生活"),
        lessons=("调大字体", "连接无线网络"),
        views=35,
    ),
    Spec(
        "phone_elder",
        "老年人智能手机入门",
        "elderly",
        level="beginner",
        minutes=60,
        subtitle="一步一步学会用手机",
        description="为长者设计的手机课程，字大、节奏慢。",
        subjects=("手机", "数字生活"),
        lessons=("开机与解锁", "接打电话"),
        views=50,
    ),
    Spec(
        "wechat",
        "微信使用指南",
        "life_skills",
        format="reading",
        level="beginner",
        minutes=15,
        subtitle="聊天、朋友圈与支付",
        description="图文教程：添加好友、发语音、扫码付款。",
        subjects=("微信", "数字生活"),
        lessons=("添加好友", "扫码付款"),
        views=45,
    ),
    Spec(
        "wechat_micro",
        "五分钟学会微信视频通话",
        "life_skills",
        level="beginner",
        minutes=5,
        subtitle="和家人视频聊天",
        lessons=("发起视频通话",),
        views=20,
    ),
    Spec(
        "square_dance",
        "广场舞入门",
        "hobbies",
        provider="skills",
        level="beginner",
        minutes=90,
        subtitle="基本舞步与队形",
        description="跟着音乐学习十支经典广场舞。",
        subjects=("舞蹈",),
        lessons=("基本舞步", "队形变换"),
        views=60,
    ),
    Spec(
        "cooking",
        "家常菜烹饪",
        "life_skills",
        provider="skills",
        minutes=240,
        price=4900,
        subtitle="二十道家常菜",
        description="从刀工火候讲起，做出可口的家常菜。",
        subjects=("烹饪", "美食"),
        lessons=("红烧肉", "番茄炒蛋", "清蒸鲈鱼"),
        views=33,
    ),
    Spec(
        "python",
        "Python 数据分析",
        "professional",
        provider="ouc",
        format="mixed",
        level="intermediate",
        minutes=600,
        price=19900,
        subtitle="用 pandas 处理表格数据",
        description="学习 Python 语言、pandas 与可视化，完成一个数据分析项目。",
        subjects=("Python", "数据分析"),
        lessons=("pandas 入门", "数据清洗", "可视化图表"),
        views=28,
    ),
    Spec(
        "excel",
        "Excel for the office",
        "workplace",
        provider="media",
        level="beginner",
        language="en",
        minutes=120,
        subtitle="Spreadsheets, formulas and charts",
        description="Build budgets and reports with formulas, pivot tables and charts.",
        subjects=("Excel", "workplace"),
        lessons=("Formulas", "Pivot tables"),
        views=22,
    ),
    Spec(
        "photo",
        "Digital photography basics",
        "hobbies",
        provider="media",
        level="beginner",
        language="en",
        minutes=180,
        price=2900,
        subtitle="Exposure, composition and light",
        description="Learn how cameras work: aperture, shutter speed and ISO.",
        subjects=("camera",),
        lessons=("Aperture", "Shutter speed"),
        views=18,
    ),
    Spec(
        "photo_walks",
        "City walks with a camera",
        "hobbies",
        provider="media",
        format="live",
        language="en",
        minutes=35,
        subtitle="Weekend outings for learners",
        description="Each walk ends with a review of the photographs we took.",
        lessons=("Street corners", "Parks"),
        views=6,
    ),
    Spec(
        "xss",
        XSS_TITLE,
        "continuing",
        provider="ouc",
        format="reading",
        level="advanced",
        minutes=30,
        subtitle="浏览器里的常见攻击 <b>必读</b>",
        description=(
            "讲解跨站脚本攻击：<script>alert(1)</script> 为什么危险，<b>粗体</b> 标签也会被转义。"
        ),
        lessons=("跨站脚本",),
        views=3,
    ),
    Spec(
        "stretch",
        "3-minute stretch break",
        "workplace",
        provider="media",
        language="en",
        minutes=3,
        subtitle="Loosen your neck and shoulders at the desk",
        lessons=("Neck",),
        views=12,
    ),
    Spec(
        "tea",
        "五分钟泡好一杯茶",
        "hobbies",
        format="audio",
        minutes=4,
        subtitle="绿茶的水温与时间",
        lessons=("水温",),
        views=8,
    ),
    Spec(
        "history",
        "中国古代史",
        "continuing",
        provider="ouc",
        format="audio",
        level="intermediate",
        minutes=900,
        price=15900,
        subtitle="从先秦到明清",
        description="按朝代讲述中国古代的政治、经济与文化。",
        subjects=("历史",),
        lessons=("先秦", "秦汉", "唐宋"),
        views=26,
    ),
    Spec(
        "calligraphy",
        "书法入门",
        "hobbies",
        level="beginner",
        minutes=100,
        subtitle="楷书基本笔画",
        description="从握笔姿势到楷书基本笔画。",
        subjects=("书法",),
        lessons=("握笔", "横竖撇捺"),
        views=14,
    ),
    # Two courses with the same text: only their popularity differs. The less popular one
    # is created first, so it has the lower document number.
    Spec(
        "twin_quiet",
        TWIN_TITLE,
        "hobbies",
        minutes=40,
        subtitle="窗花与福字",
        description="用一把剪刀剪出窗花。",
        lessons=("折纸", "剪窗花"),
        views=2,
    ),
    Spec(
        "twin_popular",
        TWIN_TITLE,
        "hobbies",
        minutes=40,
        subtitle="窗花与福字",
        description="用一把剪刀剪出窗花。",
        lessons=("折纸", "剪窗花"),
        views=55,
    ),
    Spec(
        "safe_online",
        "老年人安全上网",
        "elderly",
        provider="skills",
        minutes=50,
        subtitle="防骗常识",
        description="识别可疑链接，保护个人信息。",
        lessons=("识别钓鱼网站陷阱", "保护密码"),
        views=9,
    ),
    Spec(
        "healthy_cooking",
        "Healthy cooking for seniors",
        "life_skills",
        provider="media",
        language="en",
        minutes=50,
        subtitle="Simple meals with less salt",
        description="Recipes that are easy to chew and good for the heart.",
        lessons=("Breakfast", "Soups"),
        views=10,
    ),
    Spec(
        "office_talk",
        "Office communication skills",
        "workplace",
        provider="media",
        format="audio",
        level="intermediate",
        language="en",
        minutes=40,
        price=1900,
        subtitle="Meetings, emails and feedback",
        description="Write clear emails and run short meetings.",
        lessons=("Emails", "Meetings"),
        views=9,
    ),
    Spec(
        "flowers",
        "养花技巧",
        "hobbies",
        format="reading",
        minutes=30,
        subtitle="阳台上的四季花卉",
        description="浇水、施肥与病虫害防治。",
        lessons=("浇水", "施肥"),
        views=7,
    ),
    Spec(
        "retirement",
        "退休生活规划",
        "continuing",
        provider="ouc",
        format="live",
        level="advanced",
        minutes=75,
        price=2900,
        subtitle="财务、健康与兴趣",
        description="规划退休后的收支、体检和兴趣学习。",
        lessons=("收支规划", "兴趣学习"),
        views=11,
    ),
    Spec(
        "phone_photo",
        "手机摄影入门",
        "life_skills",
        minutes=28,
        subtitle="用手机拍出好照片",
        description="构图、光线与修图。",
        subjects=("摄影", "手机"),
        lessons=("构图", "修图"),
        views=16,
    ),
    Spec(
        "cantonese",
        "粤语日常会话",
        "hobbies",
        provider="skills",
        format="audio",
        language="yue",
        minutes=40,
        subtitle="买菜、问路与寒暄",
        lessons=("问路", "买菜"),
        views=4,
    ),
    Spec(
        "vegetables",
        "阳台种菜",
        "hobbies",
        format="reading",
        minutes=22,
        subtitle="小空间里的有机蔬菜",
        lessons=("选土", "播种"),
        views=0,
    ),
    # No stated length (0 minutes): duration band "unknown", listed last by "shortest".
    Spec(
        "go_unknown",
        "围棋入门",
        "hobbies",
        provider="skills",
        format="reading",
        minutes=0,
        subtitle="黑白之间的乐趣",
        description="认识棋盘、气与提子。",
        lessons=("棋盘与棋子", "气与提子"),
        views=1,
    ),
    Spec(
        "draft",
        DRAFT_TITLE,
        "hobbies",
        description="草稿课程从不出现在搜索结果里。",
        views=0,
        status="draft",
    ),
    Spec(
        "withdrawn",
        WITHDRAWN_TITLE,
        "hobbies",
        description="已下架的课程从不出现在搜索结果里。",
        views=0,
        status="withdrawn",
    ),
)


@dataclass
class Catalogue:
    """What was built: course ids by key, and what the tests compare results with."""

    ids: dict[str, int] = field(default_factory=dict)
    providers: dict[str, int] = field(default_factory=dict)
    specs: dict[str, Spec] = field(default_factory=dict)
    user_id: int = 0

    def key_of(self, course_id: int) -> str:
        """The spec key of a course id."""
        return next(k for k, v in self.ids.items() if v == course_id)

    @property
    def published(self) -> dict[str, int]:
        """Keys and ids of the courses learners may find."""
        return {k: v for k, v in self.ids.items() if self.specs[k].status == "published"}

    @property
    def hidden(self) -> dict[str, int]:
        """Keys and ids of the draft and withdrawn courses."""
        return {k: v for k, v in self.ids.items() if self.specs[k].status != "published"}


def course_data(spec: Spec, external_id: str | None = None) -> CourseData:
    """Service input for a spec."""
    return CourseData(
        external_id=external_id or spec.key,
        title=spec.title,
        area=spec.area,
        format=spec.format,
        subtitle=spec.subtitle,
        description=spec.description,
        subjects=list(spec.subjects),
        level=spec.level,
        language=spec.language,
        duration_minutes=spec.minutes,
        is_free=spec.price is None,
        price_cents=spec.price,
        lessons=[LessonData(title=t, duration_seconds=120) for t in spec.lessons],
    )


def build_catalogue(session: Session, specs: tuple[Spec, ...] = SPECS) -> Catalogue:
    """Create the catalogue with the services, record activity, refresh stats and commit."""
    catalogue = Catalogue()
    for key, (name, kind) in PROVIDERS.items():
        catalogue.providers[key] = create_provider(session, name, kind).id
    for hours, spec in enumerate(specs, start=1):
        course = create_course(
            session,
            catalogue.providers[spec.provider],
            course_data(spec),
            publish=spec.status != "draft",
        )
        if spec.status != "draft":
            # Back-date publication so that "newest" has a strict order (seconds in the
            # index); the first spec is the oldest.
            course.published_at = EPOCH - timedelta(hours=len(specs) - hours)
            session.flush()
        catalogue.ids[spec.key] = course.id
        catalogue.specs[spec.key] = spec
    user = register_user(session, "learner@example.org", "learner-password", "学员")
    catalogue.user_id = user.id
    for spec in specs:
        if spec.status == "published":
            # One view a day: a learner's repeated views the same day count once.
            for day in range(spec.views):
                at = EPOCH - timedelta(days=day)
                record_event(session, user.id, catalogue.ids[spec.key], EventKind.VIEW, at=at)
    refresh_course_stats(session)
    # Withdraw last: events are only accepted for published courses.
    for spec in specs:
        if spec.status == "withdrawn":
            withdraw_course(session, catalogue.ids[spec.key])
    session.commit()
    return catalogue


def index_catalogue(sessions: sessionmaker[Session], path: Path) -> IndexStore:
    """A full rebuild of the index of what is in the database."""
    store = IndexStore(path)
    rebuild(sessions, store)
    return store


def rename_course(session: Session, catalogue: Catalogue, key: str, title: str) -> None:
    """Change a course's title with update_course (writes an outbox row); commits."""
    data = course_data(catalogue.specs[key])
    data.title = title
    update_course(session, catalogue.ids[key], data)
    session.commit()
