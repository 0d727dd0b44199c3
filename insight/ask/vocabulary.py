# ruff: noqa: E501  (pattern tables and labelled questions read better one per line)
"""The words "ask the data" understands: metrics, areas, groupings, comparisons, and the filters
and questions it knows it cannot answer, in Chinese and English. Patterns are regular expressions
over the normalised question (NFKC, lower case); within a list, longer phrasings come first."""

from __future__ import annotations

from catalogue.models.enums import Area

# metric key -> patterns; the first metric in this order whose pattern matches takes its words.
METRIC_PATTERNS: dict[str, list[str]] = {
    "zero_result_searches": [
        r"(?:零|无|没有|没)结果的?(?:搜索|检索|查询)(?:次数|量)?",
        r"(?:搜索|检索|查询)(?:次数)?中?(?:零|无|没有)结果的?",
        r"搜不到(?:结果)?的?(?:搜索|检索|查询)?(?:次数|量)?|没搜到|零结果|无结果|空结果",
        r"\bsearch(?:es)?\s+(?:with|that\s+(?:found|returned|gave|had))\s+(?:no|zero)\s+results?",
        r"\bsearch(?:es)?\s+(?:that\s+)?(?:found|returned|gave)\s+nothing\b",
        r"\b(?:zero|no|empty)[- ]results?\s*(?:searches|search(?:es)?|queries)?",
        r"\b(?:empty|failed|unanswered)\s+searches\b",
    ],
    "handoffs": [
        r"转(?:接)?人工(?:客服|服务)?(?:次数|数量)?|人工客服|移交人工|人工接入",
        r"\bhand[- ]?offs?\b|\bhand[- ]?overs?\b|\bescalations?\b",
        r"\bhanded\s+(?:over|off)\b",
    ],
    "learning_hours": [
        r"学习(?:总)?时长|学习(?:的)?(?:总)?时间|学习小时(?:数)?|学时|学了多(?:久|长时间)|学习了?多长时间",
        r"\blearning\s+(?:hours|time)\b|\bhours\s+(?:of\s+)?(?:learning|study(?:ing)?)\b",
        r"\bstudy(?:ing)?\s+(?:time|hours)\b|\btime\s+spent\s+(?:learning|studying)\b",
        r"\bhours\s+(?:learned|studied)\b|\bhow\s+long\b.*\b(?:learn|stud)",
        r"\bhow\s+many\s+hours\b",
    ],
    "completions": [
        r"完成(?:了)?(?:的)?(?:课程|学习)?(?:的)?(?:次数|人数|数量|数)?|完课(?:数|人数)?|结业(?:人数)?|学完",
        r"\bcompletions?\b|\bcompleted\b|\bfinished\b|\bcompleting\b",
    ],
    "views": [
        r"浏览(?:量|次数|人次)?|访问量|访问次数|观看次数|播放量|点击量",
        r"\bpage\s*views?\b|\bviews\b|\bvisits\b|\bviewed\b",
    ],
    "starts": [
        r"开始学习(?:的)?(?:人数|次数)?|开始学|开学人数|选课(?:人数|次数)?|报名(?:人数)?|开课人数",
        r"\bstart(?:ed|s)?\s+(?:learning|studying|a\s+course|courses)\b|\bstarts\b",
        r"\benrol(?:l)?(?:ments?|ed)\b",
    ],
    "searches": [
        r"搜索(?:次数|量|数)?|检索(?:次数|量)?|查询次数",
        r"\bsearch(?:es)?\b(?:\s+volume)?|\bsearched\b|\bqueries\b",
    ],
    "learners_total": [
        r"(?:注册)?学员总数|(?:注册)?用户总数|累计(?:注册)?(?:学员|用户)(?:数)?|(?:共|一共|总共)有?多少(?:个|名|位)?(?:注册)?(?:学员|用户)",
        r"\btotal\s+(?:number\s+of\s+)?(?:learners|users|accounts)\b|\b(?:learners|users)\s+in\s+total\b",
        r"\bhow\s+many\s+(?:learners|users)\s+(?:are\s+there|do\s+we\s+have|have\s+we\s+got)\b",
    ],
    "courses_total": [
        r"课程总数|(?:共|一共|总共)有?多少(?:门|个)?课程|已?上架(?:的)?课程(?:数|总数)|已发布(?:的)?课程(?:数|总数)?|在线课程数",
        r"\btotal\s+(?:number\s+of\s+)?(?:published\s+)?courses\b|\bcourses\s+in\s+total\b",
        r"\bhow\s+many\s+courses\s+(?:are\s+there|are\s+published|are\s+live|do\s+we\s+have)\b",
        r"\bpublished\s+courses\b",
    ],
    "new_courses": [
        r"新增(?:了)?(?:多少)?(?:门|个)?(?:[^学员用户人]{0,6}?)(?:课程|门课|课)",
        r"新(?:上线|上架|发布)的?(?:多少)?(?:门|个)?课程|新课(?:程)?|上线(?:了)?(?:多少)?(?:门|个)?课程"
        r"|发布(?:了)?(?:多少)?(?:门|个)?(?:新)?课程",
        r"\bnew\s+courses?\b|\bcourses?\s+(?:were\s+)?(?:added|published|launched|created)\b",
        r"\b(?:added|published|launched)\s+(?:\w+\s+)?courses?\b",
    ],
    "new_learners": [
        r"新增(?:了)?(?:多少)?(?:个|名|位)?(?:[^课]{0,8}?)(?:学员|用户|学习者|学生|人)",
        r"新注册|注册(?:人数|用户|学员|量|数)?|新学员|新用户|新人",
        r"(?:学员|用户|学习者|人数)\s*新增",
        r"\bnew\s+(?:\w+\s+)?(?:learners?|users?|students?|members?|accounts?|registrations?)\b",
        r"\bsign[- ]?ups?\b|\bsigned\s+up\b|\bregistrations?\b|\bregistered\b|\bjoined\b",
    ],
    "active_learners": [
        r"活跃(?:的)?(?:学员|用户|学习者|人数|度)?|日活|月活|周活",
        r"\bactive\s+(?:\w+\s+)?(?:learners?|users?|students?|members?)\b|\bactive\b",
        r"\bdau\b|\bmau\b|\bwau\b",
    ],
}

# Words that name a metric's grain as well (日活 / DAU: per day).
GRAIN_HINTS = {r"日活|\bdau\b": "day", r"周活|\bwau\b": "week", r"月活|\bmau\b": "month"}

# Learners or courses without a word that says which figure: ambiguous.
BARE_NOUNS = {
    "learners": r"学员|用户|学习者|学生|人数|\blearners?\b|\busers?\b|\bstudents?\b|\bpeople\b",
    "courses": r"课程|\bcourses?\b",
}
BARE_NEW = r"新增|\bnew\b"

# Figures the aggregates do not keep: refused with this reason.
UNSUPPORTED_METRICS: dict[str, str] = {
    r"完成率|\bcompletion\s+rates?\b": "completion_rate",
    r"满意度|好评率|\bsatisfaction\b": "satisfaction",
    r"收入|营收|利润|\brevenue\b|\bincome\b|\bprofit\b": "revenue",
    r"留存|流失|\bretention\b|\bchurn\b": "retention",
    r"点击率|转化率|\bclick[- ]?through\b|\bctr\b|\bconversion\b": "click_through",
    r"评分|评价|\bratings?\b|\breviews?\b": "ratings",
    r"响应时间|\bresponse\s+times?\b|\blatency\b": "response_time",
}

# Filters there is no data for (no age, region, gender … is stored about learners).
UNSUPPORTED_FILTERS: dict[str, str] = {
    r"年龄|岁|[5-9]0后|00后|\bages?\b|\baged\b|\byears?\s+old\b|\bage\s+(?:band|group)s?\b": "age",
    r"性别|男性|女性|男学员|女学员|男女|\bgender\b|\bmale\b|\bfemale\b|\bmen\b|\bwomen\b": "gender",
    (
        r"地区|省份|[各哪]个?省|城市|[各哪]个?市|区域|地域|全国各地|北京|上海|天津|重庆|河北|山西|辽宁|吉林"
        r"|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海"
        r"|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|深圳|广州|杭州|南京|成都|武汉|西安"
        r"|\bregions?\b|\bregional\b|\bprovinces?\b|\bcit(?:y|ies)\b|\bbeijing\b|\bshanghai\b"
    ): "region",
    r"学历水平|文化程度|受教育程度|\beducation\s+levels?\b": "education_level",
    r"职业|\boccupations?\b|\bprofessions?\b|\bjobs?\b": "occupation",
    r"手机端|电脑端|app端|小程序|设备|安卓|苹果手机|\bdevices?\b|\bandroid\b|\biphone\b|\bios\b": "device",
}

# Breakdowns the aggregates cannot give (per course and per provider are partners' analytics).
UNSUPPORTED_GROUPINGS: dict[str, str] = {
    r"按课程|[每各哪]一?[门个]课|哪些课程|最(?:热门|受欢迎)的课程|排名前|\bby\s+course\b|"
    r"\bper\s+course\b|\bwhich\s+courses?\b|\btop\s+(?:\d+\s+)?courses\b|\bmost\s+popular\s+courses?\b": "course",
    r"按机构|[每各哪]一?[个家]机构|按合作方|按提供方|\bby\s+(?:provider|partner|institution)s?\b|"
    r"\bper\s+(?:provider|partner|institution)\b|\bwhich\s+(?:provider|partner|institution)s?\b": "provider",
    r"哪些(?:词|搜索词|关键词)|热门搜索词|\btop\s+(?:search\s+)?(?:queries|terms|keywords)\b": "query",
}

# Questions of another kind than "how much".
UNSUPPORTED_QUESTIONS: dict[str, str] = {
    r"为什么|为何|原因|怎么回事|\bwhy\b|\breasons?\b": "why",
    r"预测|预计|将会|会有多少|\bforecast\b|\bpredict(?:ion)?\b|\bwill\s+there\s+be\b|\bwill\s+we\b": "forecast",
    r"是谁|名单|哪些学员|哪位|\bwhich\s+learners\b|\bwho\s+are\s+the\b|\bnames?\s+of\b|"
    r"\blist\s+(?:of\s+)?(?:the\s+)?learners\b": "individuals",
}

GROUPINGS: dict[str, str] = {
    r"按领域|[各每]个?领域|分领域|哪个领域|哪些领域|领域分布|各板块|[各每]个?分类|按分类|"
    r"\bby\s+areas?\b|\bper\s+area\b|\beach\s+area\b|\bwhich\s+areas?\b|\bacross\s+(?:the\s+)?areas\b|"
    r"\bbreak(?:down|\s+down)\s+by\s+area\b|\barea\s+by\s+area\b|\bin\s+each\s+area\b": "area",
    r"每一?天|每日|按天|按日|逐日|日趋势|\bdaily\b|\bper\s+day\b|\beach\s+day\b|\bby\s+day\b|"
    r"\bday\s+by\s+day\b": "day",
    r"每一?周|每个?星期|按周|逐周|周趋势|\bweekly\b|\bper\s+week\b|\beach\s+week\b|\bby\s+week\b": "week",
    r"每一?个?月|按月|逐月|月度|各月|月趋势|\bmonthly\b|\bper\s+month\b|\beach\s+month\b|"
    r"\bby\s+month\b|\bmonth\s+by\s+month\b": "month",
    r"趋势|走势|变化情况|\btrend\b|\bover\s+time\b": "trend",
}

COMPARISONS: list[tuple[str, str]] = [
    (
        r"同比|(?:和|与|跟|较|比)?\s*去年同期\s*(?:相比|比|比较|对比)?|\byear[- ]over[- ]year\b|\byoy\b|\bsame\s+period\s+(?:of\s+)?last\s+year\b",
        "year",
    ),
    (
        r"(?:比|和|与|跟|较|相比|对比)\s*(?:去年|上一年)\s*(?:相比|比|比较|对比)?(?:较)?",
        "year",
    ),
    (
        r"\b(?:compared\s+(?:with|to)|vs\.?|versus|than|against|relative\s+to)\s+(?:the\s+)?"
        r"(?:previous|last|prior|the\s+year\s+before)\s+year\b",
        "year",
    ),
    (r"环比|\bmonth[- ]over[- ]month\b|\bmom\b|\bweek[- ]over[- ]week\b|\bwow\b", "previous"),
    (
        r"(?:比|和|与|跟|较|相比|对比)\s*(?:上个?月|上一个?月|上个?周|上个?星期|上一?期|前一期|上期|上个?季度|前一段时间)"
        r"\s*(?:相比|比|比较|对比)?(?:较)?",
        "previous",
    ),
    (
        r"\b(?:compared\s+(?:with|to)|vs\.?|versus|than|against|relative\s+to|over)\s+(?:the\s+)?"
        r"(?:previous|last|prior|preceding)\s+(?:month|week|period|quarter)\b|\bprevious\s+period\b",
        "previous",
    ),
]

CARING = r"长辈模式|关怀模式|适老(?:化)?模式|适老化|大字模式|\bcaring[- ]mode\b|\bsenior\s+mode\b|\belder\s+mode\b"
SHARE = r"占比|比例|比重|百分比|百分之几|\bshare\b|\bproportion\b|\bpercentage\b|\bwhat\s+percent\b|\bratio\b"

# Area -> patterns (Chinese and English names and common synonyms).
AREA_PATTERNS: dict[str, list[str]] = {
    Area.ELDERLY.value: [
        r"老年教育|老年大学|老年学习|银发族|银发|老年人?|老人|长者",
        r"\belderly(?:\s+(?:learning|education|learners?))?\b|\bseniors?\b|\bolder\s+(?:adults|learners|people)\b"
        r"|\bsenior\s+(?:learners|citizens)\b|\bsilver[- ]age\b",
    ],
    Area.LIFE_SKILLS.value: [
        r"生活技能|生活类|生活常识|日常生活|生活领域",
        r"\blife[- ]skills?\b|\beveryday\s+life\b|\bdaily\s+life\b",
    ],
    Area.HOBBIES.value: [
        r"兴趣爱好|兴趣类|兴趣|爱好|文娱",
        r"\bhobb(?:y|ies)(?:\s+and\s+interests)?\b|\binterests\b|\bleisure\b",
    ],
    Area.WORKPLACE.value: [
        r"职场能力|职场技能|职场|职业素养|办公技能",
        r"\bworkplace(?:\s+(?:competenc(?:ies|y)|skills))?\b|\boffice\s+skills\b",
    ],
    Area.PROFESSIONAL.value: [
        r"专业技能|职业技能|技能培训|职业教育",
        r"\bprofessional(?:\s+skills)?\b|\bvocational(?:\s+(?:skills|training|education))?\b",
    ],
    Area.CONTINUING.value: [
        r"学历继续教育|学历教育|继续教育|学历提升",
        r"\bcontinuing\s+education\b|\bdegree\s+(?:courses|education|programmes?)\b",
    ],
}

AREA_NAMES = {
    Area.LIFE_SKILLS.value: ("生活技能", "Life skills"),
    Area.HOBBIES.value: ("兴趣爱好", "Hobbies and interests"),
    Area.WORKPLACE.value: ("职场能力", "Workplace competencies"),
    Area.PROFESSIONAL.value: ("专业技能", "Professional skills"),
    Area.ELDERLY.value: ("老年教育", "Elderly learning"),
    Area.CONTINUING.value: ("学历继续教育", "Continuing education"),
}

METRIC_NAMES = {
    "new_learners": ("新增学员", "new learners"),
    "active_learners": ("活跃学员", "active learners"),
    "starts": ("开始学习的学员", "learners who started a course"),
    "completions": ("完成课程", "course completions"),
    "learning_hours": ("学习时长（小时）", "learning hours"),
    "views": ("课程浏览", "course views"),
    "searches": ("搜索次数", "searches"),
    "zero_result_searches": ("零结果搜索", "zero-result searches"),
    "handoffs": ("转人工次数", "hand-offs to staff"),
    "new_courses": ("新增课程", "new courses"),
    "learners_total": ("学员总数", "learners in total"),
    "courses_total": ("已发布课程", "published courses"),
}

FILTER_NAMES = {
    "age": ("年龄", "age"),
    "gender": ("性别", "gender"),
    "region": ("地区", "region"),
    "education_level": ("学历水平", "education level"),
    "occupation": ("职业", "occupation"),
    "device": ("设备", "device"),
    "course": ("按课程", "per course"),
    "provider": ("按机构", "per provider"),
    "query": ("搜索词排行", "top search terms"),
    "completion_rate": ("完成率", "completion rate"),
    "satisfaction": ("满意度", "satisfaction"),
    "revenue": ("收入", "revenue"),
    "retention": ("留存", "retention"),
    "click_through": ("点击率", "click-through rate"),
    "ratings": ("评分", "ratings"),
    "response_time": ("响应时间", "response times"),
}

GROUP_NAMES = {
    "area": ("按领域", "by area"),
    "day": ("每天", "daily"),
    "week": ("每周", "weekly"),
    "month": ("每月", "monthly"),
}

COMPARISON_NAMES = {
    "previous": ("环比", "vs the previous period"),
    "year": ("同比", "vs a year before"),
}

# Words that carry no meaning of their own in a question (for the "not understood" list).
_FILLER_WORDS = """
    一下 一下子 一共 上升 下 下降 与 个 中 之间 了 人 什么 从 以及 位 使用 共 共计 内 减少 几 出 列出
    到 及 变化 各 合计 名 吗 吧 呀 呢 和 哦 啊 啥 嗯 在 增加 增长 多 多了 多少 多少个 多少人 多少次
    大概 大约 如何 对比 少 少了 帮 平台 年底 底 开启 怎么样 总 总共 总计 情况 想 我 我们 打开 接入 数
    数据 时候 是 月底 月末 有 期间 末 查 查询 次 次数 每 比较 的 的话 目前 相比 看 看看 知道 给 统计
    网站 请 请问 这 那 里 量 门 咋样 怎样 领域 全年 一年
    a an and are at by did do does during for get give got had
    has have how in is it many me much number of on our over
    people please show staff tell the there to total use used
    using was we were what with area areas field study studied learn learned
"""
FILLER = frozenset(_FILLER_WORDS.split())
