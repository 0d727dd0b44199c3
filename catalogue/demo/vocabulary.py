"""Word material of the demo catalogue: topics, title patterns, sentences, names.

Everything here is plain data. Topics are grouped per area under a subject; the subject
becomes one of the course's tags, so courses of one group share a tag.
"""

from __future__ import annotations

from typing import NamedTuple

from catalogue.models.enums import Area, Level

# ---------------------------------------------------------------------------------------
# Areas
# ---------------------------------------------------------------------------------------

AREA_LABELS_ZH: dict[Area, str] = {
    Area.LIFE_SKILLS: "生活技能",
    Area.HOBBIES: "兴趣爱好",
    Area.WORKPLACE: "职场能力",
    Area.PROFESSIONAL: "职业技能",
    Area.ELDERLY: "老年教育",
    Area.CONTINUING: "继续教育",
}

AREA_LABELS_EN: dict[Area, str] = {
    Area.LIFE_SKILLS: "Life skills",
    Area.HOBBIES: "Hobbies",
    Area.WORKPLACE: "Workplace skills",
    Area.PROFESSIONAL: "Professional skills",
    Area.ELDERLY: "Learning in later life",
    Area.CONTINUING: "Continuing education",
}

# Relative share of the catalogue per area.
AREA_WEIGHTS: dict[Area, float] = {
    Area.LIFE_SKILLS: 0.20,
    Area.HOBBIES: 0.18,
    Area.WORKPLACE: 0.17,
    Area.PROFESSIONAL: 0.20,
    Area.ELDERLY: 0.12,
    Area.CONTINUING: 0.13,
}

# ---------------------------------------------------------------------------------------
# Topics: area -> subject -> topics
# ---------------------------------------------------------------------------------------

TOPICS_ZH: dict[Area, dict[str, tuple[str, ...]]] = {
    Area.LIFE_SKILLS: {
        "烹饪": (
            "家常菜烹饪",
            "面点制作",
            "家庭烘焙",
            "川菜做法",
            "粤式煲汤",
            "素食料理",
            "快手早餐",
        ),
        "健康": ("营养与健康", "家庭急救", "科学减重", "睡眠管理", "心理健康", "慢性病预防"),
        "智能生活": (
            "智能手机使用技巧",
            "微信使用",
            "移动支付",
            "网上购物",
            "短视频拍摄与剪辑",
            "网上预约挂号",
            "智能家居",
        ),
        "理财": ("家庭理财", "个人所得税申报", "保险常识", "基金定投", "防范金融诈骗"),
        "育儿": ("育儿", "婴幼儿辅食", "亲子阅读", "青春期沟通", "家庭教育"),
        "家居": ("收纳整理", "家电维修", "宠物养护", "衣物护理", "家庭装修"),
        "法律": ("民法典与生活", "消费者权益保护", "婚姻家庭法律常识", "劳动合同常识"),
        "出行": ("自驾出行", "旅行规划", "垃圾分类"),
    },
    Area.HOBBIES: {
        "书法": ("楷书", "硬笔书法", "行书技法", "隶书临摹"),
        "绘画": ("国画山水", "工笔花鸟", "素描", "水彩画", "油画", "彩铅手绘"),
        "音乐": ("钢琴", "古筝", "葫芦丝", "二胡", "吉他弹唱", "声乐", "尤克里里"),
        "舞蹈": ("广场舞", "民族舞", "交谊舞", "拉丁舞"),
        "摄影": ("摄影", "手机摄影", "人像摄影", "风光摄影", "视频剪辑"),
        "手工": ("剪纸", "编织", "插花", "陶艺", "刺绣", "串珠"),
        "茶艺": ("茶艺", "咖啡品鉴", "香道"),
        "文学": ("古诗词", "红楼梦赏析", "唐诗宋词", "散文写作", "诗歌朗诵"),
        "园艺": ("园艺", "多肉植物养护", "阳台种菜", "盆景制作"),
        "棋牌": ("围棋", "象棋", "桥牌"),
    },
    Area.WORKPLACE: {
        "办公软件": (
            "Excel 高效办公",
            "Word 排版技巧",
            "PPT 设计",
            "WPS 办公",
            "Python 数据分析",
            "办公自动化",
        ),
        "沟通": ("职场沟通", "商务礼仪", "演讲与口才", "高效会议", "商务写作", "公文写作"),
        "管理": ("项目管理", "时间管理", "团队管理", "领导力", "绩效管理", "OKR 目标管理"),
        "求职": ("简历写作", "面试技巧", "职业生涯规划", "求职礼仪", "职场心理调适"),
        "思维": ("结构化思维", "批判性思维", "创新思维", "问题分析与解决", "思维导图"),
        "数字素养": (
            "数据可视化",
            "信息检索",
            "网络安全意识",
            "人工智能工具应用",
            "新媒体运营",
        ),
        "外语": ("英语口语", "商务英语", "日语", "韩语", "职场英语写作"),
        "财务常识": ("非财务人员的财务课", "预算管理", "合同管理"),
    },
    Area.PROFESSIONAL: {
        "财会": ("会计实务", "初级会计职称", "税务筹划", "财务报表分析", "出纳实务", "审计实务"),
        "信息技术": (
            "Python 编程",
            "Java 开发",
            "前端开发",
            "数据库技术",
            "云计算",
            "Linux 运维",
            "机器学习",
        ),
        "教育": ("教师资格", "心理咨询", "幼儿教育", "特殊教育"),
        "医护": ("临床护理", "养老护理员", "康复治疗", "中药学"),
        "工程": ("电工技术", "建筑 CAD", "工程造价", "汽车维修", "数控加工", "焊接技术"),
        "商贸": ("电子商务", "直播带货", "跨境电商", "物流管理", "市场营销"),
        "服务": ("家政服务", "中式烹调师", "育婴师", "茶艺师", "美容美发"),
        "农业": ("现代农业技术", "果树栽培", "畜牧养殖", "农村电商"),
    },
    Area.ELDERLY: {
        "养生": (
            "太极拳",
            "八段锦",
            "中医养生",
            "五禽戏",
            "健康养老",
            "老年营养膳食",
            "太极剑",
            "易筋经",
        ),
        "智慧助老": (
            "老年人用智能手机",
            "老年人防诈骗指南",
            "微信视频通话",
            "手机拍照",
            "网上就医",
            "手机打车",
            "手机挂号",
        ),
        "文艺": ("老年合唱", "戏曲欣赏", "京剧唱腔", "越剧", "黄梅戏", "老年书画", "朗诵艺术"),
        "生活": ("隔代教育", "老年法律常识", "养老金与社保", "居家安全", "防跌倒"),
        "学习": ("普通话", "老年英语", "历史文化讲座", "旅游文化", "地方文化"),
        "运动": ("门球", "健步走", "柔力球", "老年瑜伽", "手指操"),
        "心理": ("老年心理健康", "记忆力训练", "快乐退休生活", "老年人情绪管理"),
    },
    Area.CONTINUING: {
        "学历": (
            "专升本",
            "成人高考",
            "自学考试",
            "高等数学",
            "大学英语",
            "大学语文",
            "开放教育学习指南",
        ),
        "职业资格": (
            "一级建造师",
            "人力资源管理师",
            "心理咨询师",
            "社会工作者",
            "法律职业资格",
            "注册会计师",
            "健康管理师",
        ),
        "通识": (
            "中国传统文化",
            "中国近现代史",
            "哲学导论",
            "经济学原理",
            "管理学原理",
            "心理学导论",
            "艺术鉴赏",
            "逻辑学",
        ),
        "语言": ("普通话水平测试", "英语四级", "雅思备考", "日语能力考试"),
        "科学": ("科学素养", "天文学", "生命科学", "环境保护", "数字经济", "人工智能通识"),
        "公需科目": ("专业技术人员继续教育", "乡村振兴", "社区治理", "志愿服务", "法治素养"),
        "教师发展": ("教师资格面试", "信息化教学设计", "课堂管理艺术"),
    },
}

TOPICS_EN: dict[Area, dict[str, tuple[str, ...]]] = {
    Area.LIFE_SKILLS: {
        "Cooking": ("Home cooking", "Healthy eating", "Baking bread"),
        "Health": ("First aid", "Sleep and wellbeing", "Mindfulness"),
        "Money": ("Personal finance", "Household budgeting"),
        "Digital life": ("Smartphone basics", "Online safety", "Online shopping"),
        "Family": ("Parenting", "Home organisation"),
    },
    Area.HOBBIES: {
        "Art": ("Watercolour painting", "Sketching", "Chinese calligraphy"),
        "Music": ("Guitar", "Piano", "Ukulele"),
        "Photography": ("Digital photography", "Smartphone photography"),
        "Crafts": ("Knitting", "Pottery"),
        "Leisure": ("Gardening", "Tea culture", "Chess", "Creative writing"),
    },
    Area.WORKPLACE: {
        "Office": ("Excel for the office", "Email writing", "Data visualisation"),
        "Communication": ("Public speaking", "Business English", "Presentation skills"),
        "Management": ("Project management", "Time management", "Negotiation"),
        "Teams": ("Teamwork", "Remote work"),
    },
    Area.PROFESSIONAL: {
        "IT": ("Python programming", "Data analysis with Python", "Web development"),
        "AI": ("Machine learning", "Cloud computing"),
        "Business": ("Accounting fundamentals", "Digital marketing", "E-commerce"),
        "Care": ("Nursing skills", "Care work"),
        "Trades": ("Electrical safety", "Bookkeeping"),
    },
    Area.ELDERLY: {
        "Wellbeing": ("Tai chi", "Gentle yoga", "Healthy ageing", "Walking for health"),
        "Digital": ("Staying safe online", "Video calls with family", "Using a tablet"),
        "Mind": ("Memory training", "Family history"),
        "Safety": ("Avoiding scams",),
    },
    Area.CONTINUING: {
        "Study skills": ("Academic writing", "Study skills", "Research methods"),
        "Languages": ("IELTS preparation", "English grammar"),
        "Humanities": ("Introduction to psychology", "World history", "Philosophy"),
        "Sciences": ("Economics", "Statistics", "Environmental science"),
    },
}

# Further tags per area; a course gets its subject plus one to three of these.
AREA_TAGS_ZH: dict[Area, tuple[str, ...]] = {
    Area.LIFE_SKILLS: ("生活技能", "实用技能", "居家生活", "健康生活", "家庭"),
    Area.HOBBIES: ("兴趣爱好", "艺术修养", "休闲", "文化艺术", "陶冶情操"),
    Area.WORKPLACE: ("职场能力", "职场提升", "办公技能", "个人成长", "效率"),
    Area.PROFESSIONAL: ("职业技能", "技能培训", "考证", "就业创业", "岗位技能"),
    Area.ELDERLY: ("老年教育", "乐龄学习", "银龄", "智慧助老", "健康养老"),
    Area.CONTINUING: ("继续教育", "学历提升", "终身学习", "通识教育", "考试辅导"),
}

AREA_TAGS_EN: dict[Area, tuple[str, ...]] = {
    Area.LIFE_SKILLS: ("life skills", "everyday", "wellbeing", "family"),
    Area.HOBBIES: ("hobbies", "arts", "leisure", "culture"),
    Area.WORKPLACE: ("workplace", "career", "productivity", "soft skills"),
    Area.PROFESSIONAL: ("professional", "certification", "technical", "employability"),
    Area.ELDERLY: ("later life", "active ageing", "digital inclusion", "wellbeing"),
    Area.CONTINUING: ("continuing education", "academic", "exam preparation", "lifelong"),
}

# ---------------------------------------------------------------------------------------
# Titles: patterns around a topic, chosen by what the course is
# ---------------------------------------------------------------------------------------


class TitlePattern(NamedTuple):
    """A title pattern and the level it implies (None: the course's own level)."""

    pattern: str
    level: Level | None


TITLES_ZH: dict[str, tuple[TitlePattern, ...]] = {
    "micro": (
        TitlePattern("五分钟学会{t}", Level.BEGINNER),
        TitlePattern("{t}小技巧", None),
        TitlePattern("{t}微课", None),
        TitlePattern("一分钟了解{t}", Level.BEGINNER),
        TitlePattern("{t}：一个实用小窍门", None),
        TitlePattern("{t}速学", Level.BEGINNER),
    ),
    "reading": (
        TitlePattern("{t}读本", None),
        TitlePattern("{t}图解手册", Level.BEGINNER),
        TitlePattern("{t}知识手册", None),
        TitlePattern("{t}一本通", Level.ALL),
        TitlePattern("{t}百问百答", None),
    ),
    "audio": (
        TitlePattern("听{t}", None),
        TitlePattern("{t}有声课", None),
        TitlePattern("{t}十五讲", None),
    ),
    "live": (
        TitlePattern("{t}直播课", None),
        TitlePattern("{t}直播答疑", Level.INTERMEDIATE),
        TitlePattern("名师直播：{t}", None),
    ),
    "beginner": (
        TitlePattern("{t}入门", Level.BEGINNER),
        TitlePattern("零基础学{t}", Level.BEGINNER),
        TitlePattern("{t}基础教程", Level.BEGINNER),
        TitlePattern("轻松学{t}", Level.BEGINNER),
        TitlePattern("30天学会{t}", Level.BEGINNER),
        TitlePattern("{s}基础：{t}", Level.BEGINNER),
    ),
    "intermediate": (
        TitlePattern("{t}进阶", Level.INTERMEDIATE),
        TitlePattern("{t}实战", Level.INTERMEDIATE),
        TitlePattern("{t}精讲", Level.INTERMEDIATE),
        TitlePattern("{t}实用技巧", Level.INTERMEDIATE),
    ),
    "advanced": (
        TitlePattern("{t}高级教程", Level.ADVANCED),
        TitlePattern("{t}深度解析", Level.ADVANCED),
        TitlePattern("{t}专题研修", Level.ADVANCED),
    ),
    "all": (
        TitlePattern("{t}", None),
        TitlePattern("{t}一本通", None),
        TitlePattern("{t}：从入门到精通", None),
        TitlePattern("跟名师学{t}", None),
        TitlePattern("{t}系列讲座", None),
        TitlePattern("{t}（第二版）", None),
        TitlePattern("{t}公开课", None),
    ),
}

TITLES_EN: dict[str, tuple[TitlePattern, ...]] = {
    "micro": (
        TitlePattern("{t} in 5 minutes", Level.BEGINNER),
        TitlePattern("{t}: one quick tip", None),
        TitlePattern("{t} in a nutshell", None),
    ),
    "reading": (
        TitlePattern("{t}: a handbook", None),
        TitlePattern("The little book of {t_lower}", Level.BEGINNER),
        TitlePattern("{t}: an illustrated guide", None),
    ),
    "audio": (
        TitlePattern("{t}: the podcast course", None),
        TitlePattern("Listen and learn: {t}", None),
    ),
    "live": (
        TitlePattern("{t}: live sessions", None),
        TitlePattern("{t} live Q&A", Level.INTERMEDIATE),
    ),
    "beginner": (
        TitlePattern("{t} for beginners", Level.BEGINNER),
        TitlePattern("Introduction to {t_lower}", Level.BEGINNER),
        TitlePattern("{t} basics", Level.BEGINNER),
        TitlePattern("Getting started with {t_lower}", Level.BEGINNER),
    ),
    "intermediate": (
        TitlePattern("{t} in practice", Level.INTERMEDIATE),
        TitlePattern("{t}: beyond the basics", Level.INTERMEDIATE),
        TitlePattern("Practical {t_lower}", Level.INTERMEDIATE),
    ),
    "advanced": (
        TitlePattern("Mastering {t_lower}", Level.ADVANCED),
        TitlePattern("Advanced {t_lower}", Level.ADVANCED),
    ),
    "all": (
        TitlePattern("{t}", None),
        TitlePattern("{t}: a practical guide", None),
        TitlePattern("{t} from scratch", None),
        TitlePattern("{t} step by step", None),
    ),
}

# English topics whose first word keeps its capital inside a sentence or a title.
EN_PROPER_WORDS: frozenset[str] = frozenset({"Excel", "Python", "Chinese", "IELTS", "English"})

# Weights of the non-format title families; each implies the level it is named after.
TITLE_FAMILY_WEIGHTS: dict[str, float] = {
    "beginner": 0.38,
    "intermediate": 0.24,
    "advanced": 0.08,
    "all": 0.30,
}

# ---------------------------------------------------------------------------------------
# Subtitles and descriptions; placeholders: t topic, s subject, a area label, n lessons,
# d duration text, p provider, u audience
# ---------------------------------------------------------------------------------------

SUBTITLES_ZH: tuple[str, ...] = (
    "{a}·{s}",
    "{n}讲带你掌握{t}",
    "{p}精品课程",
    "跟着老师一步一步学{t}",
    "{s}系列课程",
    "适合{u}的{s}课",
    "总时长{d}，随时随地学",
)

SUBTITLES_EN: tuple[str, ...] = (
    "{a} · {s}",
    "{n} lessons to get you going with {t_lower}",
    "A course from {p}",
    "Learn {t_lower} at your own pace",
    "{d} of learning, anywhere",
)

AUDIENCES_ZH: dict[Area, tuple[str, ...]] = {
    Area.LIFE_SKILLS: ("家庭主妇", "上班族", "年轻父母", "社区居民", "零基础学员"),
    Area.HOBBIES: ("爱好者", "退休人员", "零基础学员", "在校学生", "中老年朋友"),
    Area.WORKPLACE: ("职场新人", "上班族", "基层管理者", "求职者", "机关事业单位人员"),
    Area.PROFESSIONAL: ("从业人员", "备考学员", "转行人员", "高职学生", "技术人员"),
    Area.ELDERLY: ("中老年朋友", "退休人员", "老年大学学员", "社区老人", "银发族"),
    Area.CONTINUING: ("成人学员", "备考学员", "在职人员", "专业技术人员", "开放大学学生"),
}

AUDIENCES_EN: tuple[str, ...] = (
    "complete beginners",
    "busy professionals",
    "retired learners",
    "parents",
    "students",
    "anyone curious",
)

DESCRIPTION_OPENINGS_ZH: tuple[str, ...] = (
    "本课程系统介绍{t}的基本知识和实用方法。",
    "这是一门面向{u}的{t}课程。",
    "{t}是{a}领域广受欢迎的学习内容，本课程带你从头学起。",
    "课程由{p}的资深教师主讲，带你认识{t}。",
    "想学{t}却不知从何入手？这门课为你理清思路。",
)

DESCRIPTION_BODIES_ZH: tuple[str, ...] = (
    "全课共{n}讲，总时长约{d}，每讲都配有示范和练习。",
    "课程内容围绕{s}展开，理论讲解与实际操作相结合。",
    "老师用通俗易懂的语言讲解要点，并结合大量生活中的实例。",
    "每一讲时间不长，可以利用碎片时间随时学习。",
    "课程配有图文讲义，方便课后复习。",
    "适合{u}学习，不需要任何基础。",
)

DESCRIPTION_ENDINGS_ZH: tuple[str, ...] = (
    "学完后，你将能够在日常生活中熟练运用{t}。",
    "学完本课，你可以独立完成常见的{s}任务。",
    "欢迎加入学习，和大家一起交流心得。",
    "坚持学习，相信你会有满满的收获。",
)

DESCRIPTION_OPENINGS_EN: tuple[str, ...] = (
    "This course introduces the essentials of {t_lower} in plain language.",
    "A friendly course on {t_lower} for {u}.",
    "Taught by experienced tutors from {p}, this course walks you through {t_lower}.",
    "Always wanted to learn {t_lower}? This is the place to start.",
)

DESCRIPTION_BODIES_EN: tuple[str, ...] = (
    "There are {n} lessons, about {d} in total, each with examples and exercises.",
    "The lessons cover the key ideas of {s_lower} and show them in practice.",
    "Short lessons make it easy to learn in spare moments.",
    "Every lesson comes with notes you can review later.",
)

DESCRIPTION_ENDINGS_EN: tuple[str, ...] = (
    "By the end you will use {t_lower} with confidence.",
    "Join in, practise along and share what you learn.",
    "No previous experience is needed.",
)

# ---------------------------------------------------------------------------------------
# Lessons
# ---------------------------------------------------------------------------------------

LESSON_PREFIX_ZH: dict[str, str] = {"reading": "第{n}章", "audio": "第{n}集", "other": "第{n}讲"}
LESSON_PREFIX_EN: dict[str, str] = {
    "reading": "Chapter {n}:",
    "audio": "Episode {n}:",
    "other": "Lesson {n}:",
}

LESSON_FIRST_ZH = "课程导学"
LESSON_LAST_ZH = "课程总结与答疑"
LESSON_FIRST_EN = "Welcome and overview"
LESSON_LAST_EN = "Review and next steps"

LESSON_PARTS_ZH: tuple[str, ...] = (
    "认识{t}",
    "{t}的基本方法",
    "{t}常见问题解答",
    "{t}实操演示",
    "基础知识",
    "核心概念",
    "动手练习",
    "案例分析",
    "要点回顾",
    "进阶技巧",
    "注意事项",
    "综合练习",
    "拓展阅读",
    "易错点辨析",
    "学以致用",
)

LESSON_PARTS_EN: tuple[str, ...] = (
    "Getting to know {t_lower}",
    "Core ideas",
    "A worked example",
    "Common mistakes",
    "Hands-on practice",
    "Tips and tricks",
    "Putting it together",
    "Going further",
    "Questions and answers",
)

# ---------------------------------------------------------------------------------------
# Providers
# ---------------------------------------------------------------------------------------

OWN_PROVIDER_NAME = "平台自建课程中心"

# (name, kind value) of well-known partners, used before any generated name.
PROVIDERS_ZH: tuple[tuple[str, str], ...] = (
    ("国家开放大学", "university"),
    ("北京开放大学", "university"),
    ("上海开放大学", "university"),
    ("江苏开放大学", "university"),
    ("广东开放大学", "university"),
    ("浙江开放大学", "university"),
    ("四川开放大学", "university"),
    ("国家老年大学", "university"),
    ("上海老年大学", "university"),
    ("北京老年大学", "university"),
    ("清华大学继续教育学院", "university"),
    ("北京大学继续教育学院", "university"),
    ("复旦大学继续教育学院", "university"),
    ("浙江大学继续教育学院", "university"),
    ("华东师范大学开放教育学院", "university"),
    ("高等教育出版社", "media"),
    ("人民教育出版社", "media"),
    ("人民邮电出版社", "media"),
    ("机械工业出版社", "media"),
    ("中国人民大学出版社", "media"),
    ("中国教育电视台", "media"),
    ("国家图书馆", "public"),
    ("中国科学技术馆", "public"),
    ("全国老龄工作委员会宣教中心", "public"),
)

PROVIDERS_EN: tuple[tuple[str, str], ...] = (
    ("Open Learning Institute", "university"),
    ("Riverside Community College", "university"),
    ("Global Skills Academy", "training"),
    ("Harbour Media Education", "media"),
    ("Silver Learners Association", "public"),
    ("Digital Skills Foundation", "training"),
    ("Northfield University Extension", "university"),
    ("City Library Learning Lab", "public"),
)

CITIES_ZH: tuple[str, ...] = (
    "北京", "天津", "上海", "重庆", "石家庄", "太原", "呼和浩特", "沈阳", "大连", "长春",
    "哈尔滨", "南京", "苏州", "无锡", "杭州", "宁波", "温州", "合肥", "福州", "厦门",
    "南昌", "济南", "青岛", "烟台", "郑州", "洛阳", "武汉", "宜昌", "长沙", "株洲",
    "广州", "深圳", "佛山", "东莞", "珠海", "南宁", "桂林", "海口", "三亚", "成都",
    "绵阳", "贵阳", "遵义", "昆明", "大理", "拉萨", "西安", "宝鸡", "兰州", "西宁",
    "银川", "乌鲁木齐", "唐山", "保定", "徐州", "扬州", "绍兴", "嘉兴", "泉州", "潍坊",
)  # fmt: skip

# Generated partner names: pattern with {c} for a city, and its kind.
PROVIDER_PATTERNS_ZH: tuple[tuple[str, str], ...] = (
    ("{c}开放大学", "university"),
    ("{c}老年大学", "university"),
    ("{c}职业技术学院", "university"),
    ("{c}社区学院", "university"),
    ("{c}广播电视台", "media"),
    ("{c}出版社", "media"),
    ("{c}日报社融媒体中心", "media"),
    ("{c}人民广播电台", "media"),
    ("{c}教育电视台", "media"),
    ("{c}图书馆", "public"),
    ("{c}文化馆", "public"),
    ("{c}市民终身学习服务中心", "public"),
    ("{c}科技馆", "public"),
    ("{c}{b}职业培训学校", "training"),
    ("{c}{b}教育科技有限公司", "training"),
)

TRAINING_BRANDS_ZH: tuple[str, ...] = (
    "启航", "博学", "明德", "致远", "卓越", "匠心", "华夏", "新知", "乐学", "智慧",
    "育才", "弘文", "知行", "未来", "锦程", "正道", "翰林", "远航", "求是", "同心",
)  # fmt: skip

CITIES_EN: tuple[str, ...] = (
    "London", "Dublin", "Edinburgh", "Cardiff", "Toronto", "Vancouver", "Sydney",
    "Melbourne", "Auckland", "Singapore", "Cape Town", "Boston", "Seattle", "Leeds",
)  # fmt: skip

PROVIDER_PATTERNS_EN: tuple[tuple[str, str], ...] = (
    ("{c} Community College", "university"),
    ("{c} Adult Education Centre", "public"),
    ("{c} Public Library", "public"),
    ("{c} Media Lab", "media"),
    ("{c} Skills Academy", "training"),
)

# Variants of English partner names once the plain names run out.
PROVIDER_VARIANTS_EN: tuple[str, ...] = ("{name} Online", "{name} Extension", "{name} Outreach")

# Suffixes that keep names unique once every base name is taken.
BRANCH_SUFFIXES_ZH: tuple[str, ...] = (
    "城东", "城西", "城南", "城北", "高新区", "经开区", "新区", "东区", "西区", "南区",
    "北区", "滨江", "湖滨", "江南", "河西", "开发区",
)  # fmt: skip

MEDIA_UNITS_ZH: tuple[str, ...] = (
    "教育频道", "生活频道", "科教频道", "少儿频道", "数字出版部", "音像出版部",
    "有声读物中心", "知识服务中心",
)  # fmt: skip

# How a partner name of each kind is varied once the plain names run out: a pattern with
# {name} and {x}, and the words that fill {x}.
PROVIDER_VARIANTS_ZH: dict[str, tuple[str, tuple[str, ...]]] = {
    "university": ("{name}（{x}分校）", BRANCH_SUFFIXES_ZH),
    "training": ("{name}（{x}校区）", BRANCH_SUFFIXES_ZH),
    "media": ("{name}{x}", MEDIA_UNITS_ZH),
    "public": ("{name}（{x}分馆）", BRANCH_SUFFIXES_ZH),
}

# Share of each kind among the Chinese partners.
PARTNER_KIND_WEIGHTS: dict[str, float] = {
    "university": 0.30,
    "training": 0.35,
    "media": 0.15,
    "public": 0.20,
}

CONTACT_SURNAMES: tuple[str, ...] = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴")

# ---------------------------------------------------------------------------------------
# Learners
# ---------------------------------------------------------------------------------------

SURNAMES_ZH: tuple[str, ...] = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "欧阳",
)  # fmt: skip

GIVEN_CHARS_ZH: tuple[str, ...] = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "玉", "兰", "红",
    "志", "海", "琳", "慧", "晨", "宇", "欣", "雨", "婷", "浩", "博", "佳", "子", "梓", "萱",
)  # fmt: skip

FIRST_NAMES_EN: tuple[str, ...] = (
    "Alice", "Ben", "Chloe", "David", "Emma", "Frank", "Grace", "Henry", "Isla", "Jack",
    "Karen", "Liam", "Maria", "Noah", "Olivia", "Peter", "Rose", "Sam", "Tom", "Wendy",
)  # fmt: skip

LAST_NAMES_EN: tuple[str, ...] = (
    "Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Roberts", "Walker",
    "Wright", "Green", "Hall", "Wood", "Clarke", "Lee", "Chen", "Wang", "Murphy",
)  # fmt: skip

# ---------------------------------------------------------------------------------------
# Thematic columns
# ---------------------------------------------------------------------------------------


class ColumnSpec(NamedTuple):
    """A thematic column and the courses that fit it: (area, subject) pairs, micro only."""

    slug: str
    title: str
    description: str
    subjects: tuple[tuple[Area, str], ...]
    micro_only: bool = False


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "zhihui-zhulao",
        "智慧助老",
        "帮助老年朋友跨越数字鸿沟：用手机、会支付、能就医、防诈骗。",
        ((Area.ELDERLY, "智慧助老"), (Area.LIFE_SKILLS, "智能生活")),
    ),
    ColumnSpec(
        "chongyang-zhuanti",
        "重阳节专题",
        "九九重阳，敬老爱老：养生保健与文化艺术课程精选。",
        ((Area.ELDERLY, "养生"), (Area.ELDERLY, "文艺"), (Area.ELDERLY, "运动")),
    ),
    ColumnSpec(
        "wufenzhong-shouji",
        "五分钟学会用手机",
        "每节课不超过五分钟，一学就会的手机小技巧。",
        ((Area.ELDERLY, "智慧助老"), (Area.LIFE_SKILLS, "智能生活")),
        micro_only=True,
    ),
    ColumnSpec(
        "zhichang-bibei",
        "职场必备技能",
        "办公软件、沟通表达与项目管理，助你在职场中快速成长。",
        ((Area.WORKPLACE, "办公软件"), (Area.WORKPLACE, "沟通"), (Area.WORKPLACE, "管理")),
    ),
    ColumnSpec(
        "jiankang-shenghuo",
        "健康生活每一天",
        "营养、运动与心理健康，养成受益终身的好习惯。",
        ((Area.LIFE_SKILLS, "健康"), (Area.ELDERLY, "养生"), (Area.ELDERLY, "心理")),
    ),
    ColumnSpec(
        "chuantong-wenhua",
        "传统文化之美",
        "书法、诗词、茶艺与国学经典，感受中华优秀传统文化。",
        (
            (Area.HOBBIES, "书法"),
            (Area.HOBBIES, "文学"),
            (Area.HOBBIES, "茶艺"),
            (Area.CONTINUING, "通识"),
        ),
    ),
    ColumnSpec(
        "kaozheng-chongdian",
        "考证充电站",
        "会计、教师资格与各类职业资格考试辅导，一站备考。",
        ((Area.PROFESSIONAL, "财会"), (Area.PROFESSIONAL, "教育"), (Area.CONTINUING, "职业资格")),
    ),
    ColumnSpec(
        "qinzi-chengzhang",
        "亲子共成长",
        "科学育儿与家庭教育，陪伴孩子健康成长。",
        ((Area.LIFE_SKILLS, "育儿"), (Area.ELDERLY, "生活")),
    ),
)

# ---------------------------------------------------------------------------------------
# Reading lessons (Markdown). {l} is the lesson's name, {t} the topic, {s} the subject, {a}
# the area and {u} the audience.
# ---------------------------------------------------------------------------------------

READING_OPENINGS_ZH: tuple[str, ...] = (
    "本章围绕“{l}”展开。学习{t}，最重要的是先弄清楚它能帮我们解决什么问题，再一步一步动手练习。",
    "这一章我们来谈“{l}”。很多学员刚接触{t}时会觉得无从下手，其实只要抓住几个要点，就能很快入门。",
    "欢迎来到“{l}”。这一章适合{u}，我们用生活中的例子把{t}讲清楚。",
)
READING_POINTS_ZH: tuple[str, ...] = (
    "先从最常见的场景入手，把每一步写下来，做完一步再做下一步。",
    "遇到不懂的术语，不要着急，可以先记在笔记里，学完本章再回头看。",
    "每次练习十到十五分钟就够了，贵在坚持，不必追求一次学会。",
    "把学到的方法讲给家人或朋友听，是检验自己是否真正理解的好办法。",
    "注意安全和健康：感到疲劳时就休息一下，保护好眼睛和腰背。",
    "对照本章的例子，找一个自己身边的情境试一试，看看结果是否一样。",
)
READING_CLOSINGS_ZH: tuple[str, ...] = (
    "读到这里，您已经了解了{t}的基本思路。下一章我们会结合更多实例继续学习{s}。",
    "本章小结：理解原理、动手练习、及时复习。学完后，不妨在课程讨论区分享您的体会。",
)
READING_OPENINGS_EN: tuple[str, ...] = (
    "This chapter is about “{l}”. The best way into {t_lower} is to see which everyday problem "
    "it solves, and then to practise one small step at a time.",
    "Welcome to “{l}”. Many learners find {t_lower} daunting at first; a few key ideas are "
    "enough to get started.",
)
READING_POINTS_EN: tuple[str, ...] = (
    "Start with the most common situation and write each step down before moving on.",
    "When a term is new, note it down and come back to it at the end of the chapter.",
    "Ten to fifteen minutes of practice a day is enough; steady beats intense.",
    "Explain what you learned to a friend: it is the surest test of understanding.",
    "Try the chapter's example on a situation from your own life and compare the results.",
)
READING_CLOSINGS_EN: tuple[str, ...] = (
    "You now know the basic approach to {t_lower}. The next chapter builds on it with more "
    "examples from {s_lower}.",
    "In short: understand the idea, practise it, and review it soon. Share what you found in "
    "the course discussion.",
)
