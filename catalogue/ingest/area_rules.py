"""Which of the six areas a course belongs to, inferred from its discipline, subjects and title.

Used when a partner's row gives no area (docs/ingestion.md, "Area of a course"). A keyword
vote, no model, so the same row always gets the same answer and a partner can see why:

* Each area has keywords in Chinese and English: disciplines ("计算机", "Computer Science",
  "Business & Management"), subjects and topics (the demo catalogue's vocabulary, which
  editors wrote area by area) and area words ("老年", "继续教育").
* A row's texts are searched leftmost-longest, so "管理学原理" counts for continuing
  education and not also its "管理" for the workplace; English keywords match whole words.
* Each distinct keyword found adds its field's weight to its area: a discipline or subject
  (`SUBJECT_WEIGHT`) says more than a word of the title (`TITLE_WEIGHT`).
* Confidence = the best area's weight / (all areas' weight + `PRIOR`): one clear title
  word gives 1 / 1.5 = 0.67, a subject 2 / 2.5 = 0.8, a title split between two areas 0.4.
  At or above `THRESHOLD` (0.6) the area is used; below it the row is reported
  (`AREA_UNCERTAIN`) unless the partner gave a default area for the file.

catalogue imports nothing from search (docs/architecture.md), so search's own area guesser
(a naive Bayes over the index, for queries) is not used here; it needs a built index, which
an upload of a new provider's catalogue must not depend on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from catalogue.models.enums import Area

THRESHOLD = 0.6
PRIOR = 0.5
SUBJECT_WEIGHT = 2.0
TITLE_WEIGHT = 1.0

_KEYWORDS: dict[Area, str] = {
    Area.LIFE_SKILLS: """
        生活技能 生活技巧 烹饪 烹调 家常菜 菜谱 烘焙 厨艺 美食 营养 膳食 急救 减重 减肥 睡眠
        育儿 亲子 家庭教育 婴幼儿 辅食 收纳 家居 家电 宠物 装修 家庭理财 个人理财 理财 保险常识
        个人所得税 防范金融诈骗 网上购物 移动支付 智能手机 微信 旅行 自驾 垃圾分类 消费者
        婚姻家庭 民法典 健康生活 健身 运动健康 心理健康 安全常识
        |cooking|recipes|baking|nutrition|food & nutrition|healthy eating|first aid|sleep
        |parenting|family|home organisation|personal finance|budgeting|household|travel
        |fitness|weight loss|diet|wellbeing|wellness|mindfulness|health & safety|everyday
        |online safety|online shopping|smartphone basics|life skills|self care|self-care
    """,
    Area.HOBBIES: """
        兴趣爱好 书法 硬笔 楷书 行书 隶书 绘画 国画 工笔 素描 水彩 油画 彩铅 音乐 钢琴 古筝 葫芦丝
        二胡 吉他 声乐 唱歌 尤克里里 乐器 舞蹈 民族舞 交谊舞 拉丁舞 摄影 拍摄 手工 剪纸 编织
        插花 陶艺 刺绣 串珠 茶艺 品茶 咖啡 香道 古诗词 唐诗 宋词 诗歌 散文 朗诵 红楼梦 园艺
        多肉 盆景 种菜 围棋 象棋 桥牌 棋牌 电影 影视鉴赏 动漫 美术 休闲
        |art|arts|art & culture|painting|drawing|sketching|watercolour|watercolor|music
        |musical instruments|guitar|piano|ukulele|violin|singing|dance|dancing|photography
        |crafts|knitting|pottery|gardening|chess|tea culture|creative writing|calligraphy
        |hobby|hobbies|leisure|film|cinema|poetry
    """,
    Area.WORKPLACE: """
        职场 办公 Excel Word PPT WPS 办公自动化 沟通 商务礼仪 礼仪 演讲 口才 会议 商务写作 公文写作
        项目管理 时间管理 团队管理 团队 领导力 绩效 目标管理 求职 简历 面试 职业生涯 职业规划
        结构化思维 批判性思维 创新思维 思维导图 问题分析 新媒体运营 信息检索 数据可视化
        商务英语 职场英语 谈判 管理 创业 企业管理 工商管理 人力资源 市场营销 营销
        |workplace|office|excel|powerpoint|word processing|communication|business
        |business & management|management|leadership|teamwork|team|negotiation
        |public speaking|presentation|presentations|career|careers|productivity
        |time management|project management|entrepreneurship|remote work|soft skills
        |marketing|email writing|business english|human resources|strategy
    """,
    Area.PROFESSIONAL: """
        职业技能 技能培训 岗位技能 会计实务 会计 财务 税务 审计 出纳 编程 程序设计 程序 开发 软件
        计算机 数据库 云计算 网络技术 Linux Java Python C语言 C++ 算法 人工智能 机器学习 深度学习
        大数据 数据分析 数据挖掘 信息技术 信息安全 网络安全 前端 电工 电子 电路 工程 机械 建筑
        CAD 造价 汽车 数控 焊接 模具 自动化 通信 护理 临床 药学 中药 康复 医学 医疗 电子商务
        电商 跨境 直播带货 物流 家政服务 美容 美发 烹调师 育婴师 农业 种植 养殖 栽培 畜牧
        教师资格 心理咨询 幼儿教育 特殊教育 设计 平面设计 UI
        |professional|programming|programmer|coding|computer science|computer|software
        |developer|development|web development|python|java|javascript|sql|data science
        |data analysis|data analysis & statistics|analytics|machine learning
        |deep learning|artificial intelligence|ai|cloud|cloud computing|database
        |cybersecurity|security|engineering|electronics|electrical|mechanical|architecture
        |nursing|care work|medicine|clinical|pharmacy|accounting|bookkeeping|finance
        |business finance|trading|investing|investment|forex|stock|e-commerce|ecommerce
        |digital marketing|graphic design|design|web design|energy & earth sciences
        |certification|technical|devops|blockchain
    """,
    Area.ELDERLY: """
        老年 老人 长者 银龄 乐龄 老年大学 养老 退休 太极 太极拳 太极剑 八段锦 五禽戏 易筋经 健步走
        门球 柔力球 手指操 防跌倒 隔代 戏曲 京剧 越剧 黄梅戏 广场舞 智慧助老 养老金 老年人
        |elderly|older adults|older people|seniors|senior citizens|retirement|retired
        |ageing|aging|later life|active ageing|tai chi|grandparents|dementia
    """,
    Area.CONTINUING: """
        继续教育 学历 专升本 成人高考 自学考试 自考 考研 高等数学 数学 线性代数 概率 统计学 微积分
        大学英语 大学语文 英语四级 四六级 雅思 托福 普通话水平 哲学 历史 史学 近现代史 传统文化
        经济学 管理学 心理学 逻辑学 社会学 政治学 思想政治 马克思 毛泽东思想 形势与政策 法学
        文学 语言学 物理 化学 生物 生命科学 天文 地理 地质 环境科学 科学 通识 导论 概论 原理
        学术 论文 研究方法 教育学 公需科目 职业资格 建造师 注册会计师 乡村振兴 社区治理 志愿服务
        法治 文化 大学 课程思政 军事理论
        |continuing education|academic|university|college|history|philosophy
        |humanities|social sciences|economics|economics & finance|mathematics|math
        |maths|statistics|calculus|algebra|physics|chemistry|biology
        |biology & life sciences|life sciences|science|literature|law|psychology
        |sociology|politics|political|language|languages|linguistics|english grammar
        |ielts|toefl|research|research methods|study skills|academic writing
        |education & teacher training|education|teacher|teaching|environmental studies
        |environmental science|ethics|philosophy & ethics|geography|astronomy
        |exam preparation|lifelong
    """,
}


@dataclass(frozen=True)
class AreaGuess:
    """An inferred area, how sure the rule is (0–1), and the keywords that decided it."""

    area: Area | None
    confidence: float
    evidence: tuple[str, ...] = ()

    @property
    def certain(self) -> bool:
        """Whether the guess is sure enough to use without asking the partner."""
        return self.area is not None and self.confidence >= THRESHOLD


def _alternative(keyword: str) -> str:
    escaped = re.escape(keyword.casefold())
    if keyword.isascii():
        return rf"(?<![a-z0-9]){escaped}(?![a-z0-9])"
    return escaped


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern[str], dict[str, Area]]:
    area_of: dict[str, Area] = {}
    for area, text in _KEYWORDS.items():
        for line in text.split("|"):
            words = [line.strip()] if line.strip().isascii() else line.split()
            for word in words:
                if word:
                    area_of.setdefault(word.casefold(), area)
    ordered = sorted(area_of, key=len, reverse=True)
    return re.compile("|".join(_alternative(k) for k in ordered)), area_of


def keywords(text: str) -> list[tuple[str, Area]]:
    """The area keywords a text holds, leftmost-longest, in order."""
    pattern, area_of = _matcher()
    return [(m.group(0), area_of[m.group(0)]) for m in pattern.finditer(text.casefold())]


def guess_area(subjects: Sequence[str] | None, title: str | None) -> AreaGuess:
    """The area a course's discipline/subjects and title point to, with a confidence."""
    scores: dict[Area, float] = {}
    found: list[str] = []
    for texts, weight in (
        (subjects or (), SUBJECT_WEIGHT),
        ([title] if title else (), TITLE_WEIGHT),
    ):
        seen: set[str] = set()
        for keyword, area in _all_keywords(texts):
            if keyword not in seen:
                seen.add(keyword)
                scores[area] = scores.get(area, 0.0) + weight
                found.append(keyword)
    if not scores:
        return AreaGuess(None, 0.0)
    best = max(scores, key=lambda area: (scores[area], -list(Area).index(area)))
    confidence = scores[best] / (sum(scores.values()) + PRIOR)
    return AreaGuess(best, round(confidence, 2), tuple(dict.fromkeys(found)))


def _all_keywords(texts: Iterable[str]) -> Iterable[tuple[str, Area]]:
    for text in texts:
        if text:
            yield from keywords(str(text))
