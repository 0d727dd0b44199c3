"""Benchmark: grouping recurring problems (assistant.clusters) on synthetic service-desk questions.

.venv/bin/python bench/assistant_clusters.py --questions 20000

Questions are made by recombining phrase lists: for each of 24 problems a few Chinese and English
wordings, with greetings, fillers and endings around them, some naming a course (20 subjects ×
8 levels), and a tenth with a character dropped (a typo). It prints the time of
`cluster_questions`, the number of clusters, purity (the share of questions whose cluster's most
common problem is their own) and completeness (per problem and language, the share of its questions
in its largest cluster; words in two languages share nothing, so a problem is expected to form one
cluster per language). Then the time of `assign` per question, and of `redact` on 100 kB
adversarial texts (and 1 MB, to show the time grows linearly).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.clusters import assign_all, cluster_questions
from assistant.redaction import redact

PROBLEMS: dict[str, tuple[list[str], list[str]]] = {
    "password": (
        ["忘记密码", "密码忘了怎么办", "忘记登录密码", "密码忘记了怎么找回", "怎么重置密码"],
        ["forgot password", "I forgot my password", "reset my password", "lost my password"],
    ),
    "font": (
        ["字太小", "字太小看不清", "字体太小了", "字体怎么调大", "页面字体调大"],
        ["the text is too small", "make the font bigger", "font size too small", "bigger text"],
    ),
    "video": (
        ["视频播放不了", "视频放不出来", "视频打不开", "课程视频无法播放", "视频一直转圈"],
        ["video won't play", "the video does not play", "video keeps loading", "cannot play video"],
    ),
    "enrol": (
        ["怎么报名课程", "课程在哪里报名", "如何报名", "报名入口在哪"],
        ["how to enrol in a course", "where do I sign up for a course", "enrol in course"],
    ),
    "certificate": (
        ["证书怎么下载", "结业证书在哪里", "怎么拿到证书", "学完了证书在哪里领"],
        ["download my certificate", "where is my certificate", "get a certificate"],
    ),
    "phone_change": (
        ["换了手机号怎么改", "修改绑定手机", "手机号码换了", "更换手机号"],
        ["change my phone number", "update mobile number", "new phone number"],
    ),
    "login_code": (
        ["收不到验证码", "验证码没收到", "短信验证码收不到", "验证码一直不来"],
        ["no verification code", "did not get the sms code", "verification code not received"],
    ),
    "progress": (
        ["学习进度没有保存", "进度丢了", "看过的课显示没学", "学习记录不见了"],
        ["my progress was not saved", "lost my progress", "progress not recorded"],
    ),
    "offline": (
        ["能不能下载视频离线看", "怎么离线学习", "没有网能看吗", "缓存课程"],
        ["watch offline", "download lessons for offline", "can I learn without internet"],
    ),
    "fees": (
        ["课程收费吗", "要交钱吗", "学费多少", "是不是免费的"],
        ["is it free", "how much does a course cost", "course fees"],
    ),
    "refund": (
        ["怎么退款", "申请退费", "钱能退吗", "退款多久到账"],
        ["how do I get a refund", "refund my payment", "request a refund"],
    ),
    "invoice": (
        ["发票怎么开", "能开发票吗", "电子发票在哪里", "开具发票"],
        ["can I get an invoice", "download invoice", "invoice for my payment"],
    ),
    "account_delete": (
        ["怎么注销账号", "删除账户", "注销我的账号", "不想用了怎么注销"],
        ["delete my account", "close my account", "remove my account"],
    ),
    "sound": (
        ["没有声音", "视频没声音", "听不到声音", "声音太小"],
        ["no sound", "I cannot hear anything", "the sound is too quiet"],
    ),
    "subtitles": (
        ["有没有字幕", "字幕怎么打开", "字幕不显示", "想看字幕"],
        ["turn on subtitles", "are there captions", "subtitles not showing"],
    ),
    "teacher": (
        ["怎么联系老师", "老师不回复", "给老师留言", "有问题问谁"],
        ["contact the teacher", "message my tutor", "the teacher does not reply"],
    ),
    "exam": (
        ["考试在哪里", "怎么参加考试", "考试时间", "期末考试怎么考"],
        ["where is the exam", "how do I take the test", "exam date"],
    ),
    "app": (
        ["有没有手机app", "app在哪下载", "手机上怎么学", "下载客户端"],
        ["is there a mobile app", "download the app", "learn on my phone"],
    ),
    "nickname": (
        ["怎么改昵称", "修改名字", "头像怎么换", "个人资料修改"],
        ["change my name", "edit my profile", "change profile picture"],
    ),
    "schedule": (
        ["直播几点开始", "上课时间是什么时候", "直播课在哪看", "错过直播能回看吗"],
        ["when does the live class start", "watch the live replay", "live lesson time"],
    ),
    "partner_upload": (
        ["课程上传失败", "上传课程出错", "批量导入课程报错", "文件上传不了"],
        ["course upload failed", "upload error", "import of courses fails"],
    ),
    "elderly_help": (
        ["我不会用电脑", "家里老人不会操作", "年纪大了看不懂怎么用", "教教我怎么用"],
        ["I am not good with computers", "help for older learners", "how do I use this site"],
    ),
    "human": (
        ["转人工", "我要找客服", "人工客服", "找个真人"],
        ["talk to a person", "human agent please", "customer service"],
    ),
    "credits": (
        ["学分怎么算", "学分银行", "学分能转吗", "学分没有到账"],
        ["how are credits counted", "transfer my credits", "credit bank"],
    ),
}
ZH_BEFORE = ["", "", "", "您好，", "请问", "老师，", "你好，我想问一下", "急！"]
ZH_AFTER = ["", "", "", "？", "，谢谢", "怎么办", "，在线等", "啊"]
EN_BEFORE = ["", "", "", "hi, ", "hello ", "please help: ", "question: "]
EN_AFTER = ["", "", "", "?", " please", " thanks", " help", "!!"]
SUBJECTS = [
    "太极拳", "书法", "国画", "摄影", "智能手机", "英语口语", "中医养生", "营养", "园艺", "合唱",
    "钢琴", "茶艺", "剪纸", "诗词", "历史", "法律常识", "理财", "电脑入门", "短视频", "烹饪",
]  # fmt: skip
LEVELS = ["入门", "进阶", "基础", "第一讲", "第二讲", "第三讲", "实践", "精讲"]


def make_questions(count: int, seed: int = 15) -> tuple[list[str], list[tuple[str, str]]]:
    """Synthetic questions and their (problem, language) labels."""
    rng = random.Random(seed)
    names = sorted(PROBLEMS)
    weights = [1.0 / (rank + 1) for rank in range(len(names))]  # a few problems dominate
    questions: list[str] = []
    labels: list[tuple[str, str]] = []
    for _ in range(count):
        name = rng.choices(names, weights)[0]
        language = "zh" if rng.random() < 0.75 else "en"
        zh, en = PROBLEMS[name]
        core = rng.choice(zh if language == "zh" else en)
        if language == "zh":
            text = rng.choice(ZH_BEFORE) + core + rng.choice(ZH_AFTER)
        else:
            text = rng.choice(EN_BEFORE) + core + rng.choice(EN_AFTER)
        if language == "zh" and rng.random() < 0.3:  # names a course: many distinct questions
            course = f"《{rng.choice(SUBJECTS)}{rng.choice(LEVELS)}》"
            text = course + text if rng.random() < 0.5 else text + "，课程是" + course
        if rng.random() < 0.1 and len(text) > 4:
            cut = rng.randrange(len(text))
            text = text[:cut] + text[cut + 1 :]
        questions.append(text)
        labels.append((name, language))
    return questions, labels


def main() -> None:
    """Time and score the clustering, assignment and redaction."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20000)
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args()
    questions, labels = make_questions(args.questions)
    options = {} if args.threshold is None else {"threshold": args.threshold}

    cluster_questions(questions[:50])  # jieba's dictionary loads once, outside the timing
    started = time.perf_counter()
    clusters = cluster_questions(questions, **options)
    took = time.perf_counter() - started

    majority = sum(Counter(labels[i][0] for i in c.members).most_common(1)[0][1] for c in clusters)
    largest: dict[tuple[str, str], int] = {}
    for c in clusters:
        for label, n in Counter(labels[i] for i in c.members).items():
            largest[label] = max(largest.get(label, 0), n)
    totals = Counter(labels)
    completeness = sum(largest.values()) / len(questions)
    distinct = len(set(questions))
    print(f"cluster_questions: {len(questions)} questions ({distinct} distinct) in {took:.2f} s")
    print(
        f"clusters: {len(clusters)} (size>=5: {sum(c.size >= 5 for c in clusters)}), "
        f"purity {majority / len(questions):.3f}, completeness {completeness:.3f}, "
        f"problem-languages {len(totals)}"
    )
    for c in clusters[:8]:
        print(f"  {c.size:6d}  {c.representative!r:40}  {', '.join(c.top_terms)}")

    fresh, _ = make_questions(500, seed=16)
    started = time.perf_counter()
    hits = assign_all(fresh, clusters[:100])
    per = (time.perf_counter() - started) / len(fresh)
    assigned = sum(h is not None for h in hits)
    print(f"assign against the 100 largest: {per * 1000:.2f} ms/question, {assigned}/500 assigned")

    adversarial = {
        "digits": "1" * 100_000,
        "digits and spaces": "138 " * 25_000,
        "e-mail-like": ("a." * 50_000) + "@",
        "at signs": "a@" * 50_000,
        "paths": "/a" * 50_000,
        "urls": "http://" * 14_000,
    }
    for name, text in adversarial.items():
        figures = []
        for scale in (1, 10):
            times = []
            for _ in range(3):
                started = time.perf_counter()
                redact(text * scale)
                times.append(time.perf_counter() - started)
            figures.append(f"{statistics.median(times) * 1000:.1f} ms")
        print(f"redact {name}: 100 kB {figures[0]}, 1 MB {figures[1]}")


if __name__ == "__main__":
    main()
