"""The judged query set of the demo catalogue: queries of five kinds and their judgments,
generated from the catalogue's own rows by fixed rules, never by the ranking.

Everything here is a pure function of the rows (`CourseRow`) and a seed: the same catalogue
and seed give the same queries and the same judgments. No search is run here
(`search.quality` runs the queries and aggregates the figures).

The rules (also in docs/search.md, "The judged query set"):

Topic of a course. A course's *topic* is the longest run of its title that also occurs in
the first sentence of its description (the demo's descriptions always open on the topic:
"本课程系统介绍智能手机使用技巧的基本知识…" for "智能手机使用技巧进阶"; an audience clause
"面向…的" is ignored, it can share 零基础 with a title), punctuation and a leading 学
dropped (轻松学太极拳 and 想学太极拳 share 学); for English titles the longest common run of
words, stop words and a leading "learn" trimmed. A *topic word* is a
word of at least two Chinese characters that jieba cuts from a topic (智能, 手机, 使用, 技巧).
Subjects are the course's tags (the first is its subject: 书法, 养生, 智慧助老…).

a. Exact titles ("title"). A sample of distinct published titles, stratified by length in
   syllables (≥ 9, 5–8, ≤ 4) plus English titles, each asked three ways: the characters
   ("chars"), the full pinyin run together ("pinyin", `search.pinyin.full_pinyin`), and the
   initials of every syllable ("initials", `search.pinyin.initials`, any length); English
   titles only as characters. The *target titles* are the titles the query spells: for
   characters the title itself; for pinyin every title with that full pinyin; for initials
   every title with those initials (a query cannot tell them apart). Rank of a title query:
   the position of the first hit whose title is a target title. "Rank 1" therefore means
   the first hit carries a target title: among several courses with the same title any of
   them counts, but only if nothing with another title comes before it. A page relaxed to
   popular courses counts as not found, whatever it shows. Gains for nDCG: 1
   for every course with a target title.

b. Phrases ("phrase"). Two adjacent topic words joined without a space (智能手机), where
   jieba cuts the phrase into at least two words. Gain 2: the title contains the phrase
   contiguously; gain 1: the title contains both words but not as the phrase (scattered:
   "手机…智能"); 0 otherwise. Scattered matches keep gain 1 because they are about both words,
   just less surely about the phrase. Phrases whose words also occur scattered in some title
   are preferred (variant "scattered", they test proximity), then phrases with titles that
   hold only one of the words ("distracted": 智能家居 for 智能手机), then the rest.

c. Typos ("typo"). One character of a target is replaced: by a homophone ("homophone": a
   common character with the same toneless pinyin, 太极拳 → 太级拳) or a near-homophone
   ("near": same syllable after one of the usual confusions z/zh, c/ch, s/sh, n/l as the
   initial, or in/ing, en/eng, an/ang as the final, 书法 → 梳法 is homophone, 南 → 蓝 is
   near). Common characters are the 3,500 most frequent in jieba's dictionary (frequency
   of a character: the summed frequency of the dictionary words containing it); the
   replacement is one of the 6 most frequent candidates. Targets: topics and topic words
   ("word"), subjects ("subject"), whole Chinese titles ("title"). A typo is kept only when
   its text occurs in no title, summary or subject of the catalogue (it is then not a real
   word of the catalogue), and never equals its original. A typo counts as *corrected*
   when `did_you_mean` (spaces removed) equals the original, or the search was not relaxed
   to popular courses and its first hit has the original in its title (for subjects: in
   its title or subjects; for whole titles: the first hit's title is the original).
   Gains for nDCG are those of the original (topic rule below, or 1 per exact title).

d. Questions ("question"). Templates of what people type ("怎么用{w}", "老年人怎么学{w}",
   "how do I learn {w}" …) around content words: a topic of at most 8 characters
   ("想学哲学导论从哪里开始"), an English topic, or the first two topic words of a topic
   ("老年人怎么用手机挂号": 手机, 挂号). Gain 2: the title contains every content word;
   gain 1: title and subjects together contain every content word; 0 otherwise.

e. Topics ("topic"). A subject, a further tag (area words such as 老年教育 included), a topic
   or a topic word, Chinese or English. Gain 2: the title contains it; 1: the subjects or
   the summary do; 0 otherwise.

Containment is a substring test for Chinese and a whole-word, case-insensitive test for
English. Contradictory pages (`contradictions`), judged on what the results page shows
(`SearchResults.matched` is the count in its heading; webapp/templates/search.html shows one
notice per page): "count_vs_nothing" — relaxed to popular courses while the heading counts
matches above zero (the page says "N courses found" and "nothing matched");
"asks_and_asserts" — results of a correction that does not name it, or a did-you-mean that
suggests the very words typed; "dead_suggestion" — a did-you-mean while the results are the
popular fallback and the suggestion is the text that found nothing.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jieba
from pypinyin import lazy_pinyin

from search.analysis import ENGLISH_STOP_WORDS, ensure_jieba
from search.pinyin import SYLLABLES, full_pinyin, has_han, initials, syllables_of

KINDS = ("title", "phrase", "typo", "question", "topic")
LONG_TITLE_SYLLABLES = 9
COMMON_CHARS = 3500
TYPO_CANDIDATES = 6
_HAN_CHAR = re.compile(r"[\u3400-\u9fff]")
# The audience clause of an opening ("面向零基础学员的"), which can share words with a title.
_AUDIENCE = re.compile(r"面向[^的，。]*的")
_EDGES = " ：:，,、（）()·—-"
_EN_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


@dataclass(frozen=True)
class CourseRow:
    """What the judgments read of one published course."""

    id: int
    title: str
    summary: str = ""
    description: str = ""
    subjects: tuple[str, ...] = ()
    popularity: float = 0.0
    language: str = "zh"


@dataclass(frozen=True)
class JudgedQuery:
    """A query, its kind and variant, and the gain of every relevant course (others 0)."""

    kind: str
    variant: str
    text: str
    gains: Mapping[int, float]
    # title: the sampled title; typo: the original; phrase/question/topic: the content words.
    target: str = ""
    # title queries: every title the query spells (pinyin and initials can spell several).
    targets: frozenset[str] = frozenset()
    syllables: int = 0
    # typo queries: what the original was ("word", "subject" or "title").
    source: str = ""
    # question queries: the content words that decide relevance.
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sizes:
    """How many queries of each kind to draw (fewer when the catalogue has fewer)."""

    titles_per_band: int = 40
    english_titles: int = 20
    phrases: int = 80
    typos: int = 150
    questions: int = 80
    topics: int = 80


@dataclass
class _Catalogue:
    """Indexes over the rows that the rules need."""

    rows: Sequence[CourseRow]
    topics: dict[int, str] = field(default_factory=dict)
    blob: str = ""


# -- containment and gains -------------------------------------------------------------------


def contains(text: str, word: str) -> bool:
    """Chinese: substring; English: whole words, case-insensitive."""
    if not word:
        return False
    if has_han(word):
        return word in text
    pattern = r"(?<![a-z0-9])" + re.escape(word.lower()) + r"(?![a-z0-9])"
    return re.search(pattern, text.lower()) is not None


def topic_gains(rows: Iterable[CourseRow], word: str) -> dict[int, float]:
    """Rule e: 2 when the title contains the word, 1 when the subjects or summary do."""
    gains: dict[int, float] = {}
    for row in rows:
        if contains(row.title, word):
            gains[row.id] = 2.0
        elif contains(" ".join(row.subjects), word) or contains(row.summary, word):
            gains[row.id] = 1.0
    return gains


def question_gains(rows: Iterable[CourseRow], words: Sequence[str]) -> dict[int, float]:
    """Rule d: 2 when the title contains every content word, 1 when title and subjects do."""
    gains: dict[int, float] = {}
    for row in rows:
        if all(contains(row.title, w) for w in words):
            gains[row.id] = 2.0
        elif all(contains(row.title + " " + " ".join(row.subjects), w) for w in words):
            gains[row.id] = 1.0
    return gains


def phrase_gains(rows: Iterable[CourseRow], first: str, second: str) -> dict[int, float]:
    """Rule b: 2 for the phrase contiguous in the title, 1 for both words apart in it."""
    phrase = first + second
    gains: dict[int, float] = {}
    for row in rows:
        if phrase in row.title:
            gains[row.id] = 2.0
        elif first in row.title and second in row.title:
            gains[row.id] = 1.0
    return gains


def title_gains(rows: Iterable[CourseRow], targets: Iterable[str]) -> dict[int, float]:
    """Rule a: 1 for every course whose title is one of the target titles."""
    wanted = set(targets)
    return {row.id: 1.0 for row in rows if row.title in wanted}


# -- topics ---------------------------------------------------------------------------------


def _first_sentence(text: str) -> str:
    return re.split(r"[。！？.!?]", text, maxsplit=1)[0]


def _longest_common_run(a: str, b: str) -> str:
    best, best_at = 0, 0
    previous = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        current = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                current[j] = previous[j - 1] + 1
                if current[j] > best:
                    best, best_at = current[j], i
        previous = current
    return a[best_at - best : best_at]


def _english_topic(title: str, sentence: str) -> str:
    a, b = _EN_WORD.findall(title.lower()), _EN_WORD.findall(sentence.lower())
    best: list[str] = []
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            if k > len(best):
                best = a[i : i + k]
    while best and (best[0] in ENGLISH_STOP_WORDS or best[0] == "learn"):
        best = best[1:]
    while best and best[-1] in ENGLISH_STOP_WORDS:
        best = best[:-1]
    return " ".join(best)


def topic_of(row: CourseRow) -> str:
    """The longest run of the title found in the description's first sentence ("" if none)."""
    sentence = _AUDIENCE.sub("", _first_sentence(row.description))
    if has_han(row.title):
        run = _longest_common_run(row.title, sentence).strip(_EDGES)
        if run.startswith("学") and len(run) >= 3:
            run = run[1:]
        return run if len(_HAN_CHAR.findall(run)) >= 2 else ""
    return _english_topic(row.title, sentence)


def topic_words(topic: str) -> list[str]:
    """Words of at least two Chinese characters that jieba cuts from a topic, in order."""
    ensure_jieba()
    return [w for w in jieba.cut(topic) if len(_HAN_CHAR.findall(w)) >= 2 and has_han(w)]


def _catalogue(rows: Sequence[CourseRow]) -> _Catalogue:
    cat = _Catalogue(rows)
    for row in rows:
        topic = topic_of(row)
        if topic:
            cat.topics[row.id] = topic
    cat.blob = "\n".join(f"{row.title}\n{row.summary}\n{' '.join(row.subjects)}" for row in rows)
    return cat


# -- homophones -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def common_characters() -> tuple[str, ...]:
    """The COMMON_CHARS most frequent Chinese characters of jieba's dictionary, most frequent
    first (a character's frequency: the summed frequency of the words that contain it)."""
    path = Path(jieba.__file__).with_name("dict.txt")
    counts: dict[str, int] = defaultdict(int)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) < 2:
                continue
            for char in parts[0]:
                if _HAN_CHAR.fullmatch(char):
                    counts[char] += int(parts[1])
    ranked = sorted(counts, key=lambda c: (-counts[c], c))
    return tuple(ranked[:COMMON_CHARS])


@lru_cache(maxsize=1)
def homophone_table() -> dict[str, tuple[str, ...]]:
    """Toneless syllable → the common characters read that way, most frequent first."""
    table: dict[str, list[str]] = defaultdict(list)
    for char in common_characters():
        table[lazy_pinyin(char)[0]].append(char)
    return {syllable: tuple(chars) for syllable, chars in table.items()}


_INITIAL_SWAPS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("z", "zh"), ("c", "ch"), ("s", "sh"))
_FINAL_SWAPS = (("ing", "in"), ("eng", "en"), ("ang", "an"), ("in", "ing"), ("en", "eng"))


def near_syllables(syllable: str) -> list[str]:
    """Syllables one usual confusion away: z/zh, c/ch, s/sh, n/l initials; in/ing, en/eng,
    an/ang finals (only real syllables, never the syllable itself)."""
    out: list[str] = []
    for old, new in _INITIAL_SWAPS:
        if syllable.startswith(old) and not (old in "zcs" and syllable[1:2] == "h"):
            out.append(new + syllable[len(old) :])
    if syllable[:1] in ("n", "l") and not syllable.startswith("ng"):
        out.append(("l" if syllable[0] == "n" else "n") + syllable[1:])
    for old, new in _FINAL_SWAPS:
        if syllable.endswith(old) and not (old in ("in", "en", "an") and syllable.endswith("g")):
            out.append(syllable[: -len(old)] + new)
        if old == "ang" and syllable.endswith("an") and not syllable.endswith("ang"):
            out.append(syllable + "g")
    return [s for s in dict.fromkeys(out) if s in SYLLABLES and s != syllable]


def typo_candidates(word: str, position: int, variant: str) -> list[str]:
    """Replacement characters for word[position]: homophones or near-homophones of its
    reading in the word, common characters only, never the character itself."""
    readings = lazy_pinyin(word)
    if len(readings) != len(word) or not _HAN_CHAR.fullmatch(word[position]):
        return []
    syllable = readings[position]
    table = homophone_table()
    if variant == "homophone":
        pool = list(table.get(syllable, ()))
    else:
        pool = [c for near in near_syllables(syllable) for c in table.get(near, ())]
    return [c for c in pool if c != word[position]][:TYPO_CANDIDATES]


def make_typo(word: str, rng: random.Random, variant: str, blob: str = "") -> str | None:
    """One character of `word` replaced by a homophone or near-homophone (None when no
    replacement gives a text absent from `blob`, the catalogue's titles, summaries and
    subjects)."""
    if not word or not all(_HAN_CHAR.fullmatch(c) for c in word):
        return None
    positions = list(range(len(word)))
    rng.shuffle(positions)
    for position in positions:
        candidates = typo_candidates(word, position, variant)
        rng.shuffle(candidates)
        for char in candidates:
            typo = word[:position] + char + word[position + 1 :]
            if typo != word and typo not in blob:
                return typo
    return None


# -- the five kinds ---------------------------------------------------------------------------


def _distinct(items: Iterable[str]) -> list[str]:
    return sorted(set(items))


def title_queries(rows: Sequence[CourseRow], rng: random.Random, sizes: Sizes) -> list[JudgedQuery]:
    """Rule a: sampled titles as characters, full pinyin and initials."""
    by_pinyin: dict[str, set[str]] = defaultdict(set)
    by_initials: dict[str, set[str]] = defaultdict(set)
    zh_titles = _distinct(r.title for r in rows if has_han(r.title))
    for title in zh_titles:
        by_pinyin[full_pinyin(title)].add(title)
        by_initials[initials(title)].add(title)
    bands: dict[str, list[str]] = {"long": [], "medium": [], "short": []}
    for title in zh_titles:
        n = len(syllables_of(title))
        band = "long" if n >= LONG_TITLE_SYLLABLES else "medium" if n >= 5 else "short"
        bands[band].append(title)
    chosen: list[str] = []
    for band in ("long", "medium", "short"):
        pool = bands[band]
        chosen += rng.sample(pool, min(sizes.titles_per_band, len(pool)))
    en_titles = _distinct(r.title for r in rows if not has_han(r.title))
    english = rng.sample(en_titles, min(sizes.english_titles, len(en_titles)))
    out: list[JudgedQuery] = []
    for title in chosen:
        n = len(syllables_of(title))
        spelled = (
            ("chars", title, {title}),
            ("pinyin", full_pinyin(title), by_pinyin[full_pinyin(title)]),
            ("initials", initials(title), by_initials[initials(title)]),
        )
        for variant, text, targets in spelled:
            out.append(
                JudgedQuery(
                    "title",
                    variant,
                    text,
                    title_gains(rows, targets),
                    title,
                    frozenset(targets),
                    n,
                )
            )
    for title in english:
        out.append(
            JudgedQuery(
                "title", "chars", title, title_gains(rows, {title}), title, frozenset({title})
            )
        )
    return out


def phrase_queries(
    rows: Sequence[CourseRow], cat: _Catalogue, rng: random.Random, sizes: Sizes
) -> list[JudgedQuery]:
    """Rule b: two adjacent topic words, those also found scattered first."""
    ensure_jieba()
    pairs: set[tuple[str, str]] = set()
    for topic in set(cat.topics.values()):
        if not has_han(topic):
            continue
        for first, second in itertools.pairwise(jieba.cut(topic)):
            both = len(first) >= 2 and len(second) >= 2 and has_han(first) and has_han(second)
            if both and len(list(jieba.cut(first + second))) >= 2:
                pairs.add((first, second))
    ordered = sorted(pairs)
    rng.shuffle(ordered)
    judged = [(pair, phrase_gains(rows, *pair)) for pair in ordered]
    # Titles holding one of the two words only: the distractors a phrase must outrank.
    one_word = Counter(
        pair for pair in ordered for row in rows if (pair[0] in row.title) != (pair[1] in row.title)
    )
    scattered = [j for j in judged if 1.0 in j[1].values()]
    distracted = [j for j in judged if 1.0 not in j[1].values() and one_word[j[0]]]
    plain = [j for j in judged if 1.0 not in j[1].values() and not one_word[j[0]]]
    picked = (scattered + distracted + plain)[: sizes.phrases]
    return [
        JudgedQuery("phrase", _phrase_variant(g, one_word[(a, b)]), a + b, g, a + b)
        for (a, b), g in picked
    ]


def _phrase_variant(gains: Mapping[int, float], one_word: int) -> str:
    if 1.0 in gains.values():
        return "scattered"
    return "distracted" if one_word else "contiguous"


def typo_queries(
    rows: Sequence[CourseRow], cat: _Catalogue, rng: random.Random, sizes: Sizes
) -> list[JudgedQuery]:
    """Rule c: homophone and near-homophone typos of topic words, subjects and titles."""
    zh_topics = sorted({t for t in cat.topics.values() if has_han(t)})
    words = sorted(
        {w for t in zh_topics for w in topic_words(t)} | {t for t in zh_topics if len(t) <= 5}
    )
    subjects = _distinct(s for r in rows for s in r.subjects if has_han(s))
    titles = _distinct(
        r.title for r in rows if has_han(r.title) and all(_HAN_CHAR.fullmatch(c) for c in r.title)
    )
    sources = {"word": words, "subject": subjects, "title": titles}
    shares = {"word": 0.4, "subject": 0.3, "title": 0.3}
    out: list[JudgedQuery] = []
    for source, pool in sources.items():
        want = round(sizes.typos * shares[source])
        pool = list(pool)
        rng.shuffle(pool)
        made = 0
        for i, original in enumerate(pool):
            if made >= want:
                break
            variant = "homophone" if i % 3 != 2 else "near"
            typo = make_typo(original, rng, variant, cat.blob)
            if typo is None:
                variant = "near" if variant == "homophone" else "homophone"
                typo = make_typo(original, rng, variant, cat.blob)
            if typo is None:
                continue
            gains = (
                title_gains(rows, {original}) if source == "title" else topic_gains(rows, original)
            )
            out.append(JudgedQuery("typo", variant, typo, gains, original, source=source))
            made += 1
    return out


QUESTIONS_ZH = (
    "怎么用{w}",
    "老年人怎么学{w}",
    "零基础怎样学习{w}",
    "{w}怎么入门",
    "有没有讲{w}的课程",
    "想学{w}从哪里开始",
    "{w}难不难学",
)
QUESTIONS_ZH_TWO = ("老年人怎么用{a}{b}", "{a}{b}有什么好课推荐", "我想了解一下{a}{b}方面的知识")
QUESTIONS_EN = (
    "how do I learn {w}",
    "how can I get started with {w}",
    "what is a good course on {w} for beginners",
    "where can I study {w} online",
)


def question_queries(
    rows: Sequence[CourseRow], cat: _Catalogue, rng: random.Random, sizes: Sizes
) -> list[JudgedQuery]:
    """Rule d: question templates around topic words, topics or two words of a topic."""
    zh_topics = sorted({t for t in cat.topics.values() if has_han(t)})
    en_topics = sorted({t for t in cat.topics.values() if t and not has_han(t)})
    singles = [t for t in zh_topics if len(t) <= 8]
    doubles = sorted({tuple(ws[:2]) for t in zh_topics if len(ws := topic_words(t)) >= 2})
    out: list[JudgedQuery] = []
    seen: set[str] = set()
    attempts = 0
    while len(out) < sizes.questions and attempts < sizes.questions * 20:
        attempts += 1
        draw = rng.random()
        if draw < 0.2 and en_topics:
            word = rng.choice(en_topics)
            text, content, variant = rng.choice(QUESTIONS_EN).format(w=word), [word], "en"
        elif draw < 0.45 and doubles:
            a, b = rng.choice(doubles)
            text, content, variant = rng.choice(QUESTIONS_ZH_TWO).format(a=a, b=b), [a, b], "zh_two"
        elif singles:
            word = rng.choice(singles)
            text, content, variant = rng.choice(QUESTIONS_ZH).format(w=word), [word], "zh"
        else:
            break
        if text in seen:
            continue
        gains = question_gains(rows, content)
        if not gains:
            continue
        seen.add(text)
        out.append(
            JudgedQuery("question", variant, text, gains, " + ".join(content), words=tuple(content))
        )
    return out


def topic_queries(
    rows: Sequence[CourseRow], cat: _Catalogue, rng: random.Random, sizes: Sizes
) -> list[JudgedQuery]:
    """Rule e: subjects, tags, topics and topic words, Chinese and English."""
    first = _distinct(r.subjects[0] for r in rows if r.subjects)
    tags = _distinct(s for r in rows for s in r.subjects[1:])
    tags = [t for t in tags if t not in set(first)]
    topics = sorted(set(cat.topics.values()))
    words = sorted({w for t in topics if has_han(t) for w in topic_words(t)} - set(topics))
    pools = {"subject": first, "tag": tags, "topic": topics, "word": words}
    shares = {"subject": 0.3, "tag": 0.15, "topic": 0.3, "word": 0.25}
    out: list[JudgedQuery] = []
    taken: set[str] = set()
    for variant, pool in pools.items():
        pool = [p for p in pool if p.casefold() not in taken]
        picked = rng.sample(pool, min(round(sizes.topics * shares[variant]), len(pool)))
        for word in picked:
            taken.add(word.casefold())
            out.append(JudgedQuery("topic", variant, word, topic_gains(rows, word), word))
    return out


def judged_queries(
    rows: Sequence[CourseRow], seed: int = 20261201, sizes: Sizes | None = None
) -> list[JudgedQuery]:
    """Every judged query of the catalogue, in a fixed order for a seed."""
    sizes = sizes or Sizes()
    rows = sorted(rows, key=lambda r: r.id)
    cat = _catalogue(rows)
    return [
        *title_queries(rows, random.Random(f"{seed}/title"), sizes),
        *phrase_queries(rows, cat, random.Random(f"{seed}/phrase"), sizes),
        *typo_queries(rows, cat, random.Random(f"{seed}/typo"), sizes),
        *question_queries(rows, cat, random.Random(f"{seed}/question"), sizes),
        *topic_queries(rows, cat, random.Random(f"{seed}/topic"), sizes),
    ]


# -- judging one result page ----------------------------------------------------------------


def title_rank(hit_titles: Sequence[str], targets: Iterable[str]) -> int | None:
    """1-based position of the first hit with a target title (None when none is shown)."""
    wanted = set(targets)
    for rank, title in enumerate(hit_titles, start=1):
        if title in wanted:
            return rank
    return None


def corrected(
    query: JudgedQuery,
    did_you_mean: str | None,
    relaxed: str | None,
    first_hit: CourseRow | None,
) -> bool:
    """Rule c: the suggestion is the original, or the first (non-fallback) hit carries it."""
    if did_you_mean is not None and "".join(did_you_mean.split()) == query.target:
        return True
    if relaxed == "popular" or first_hit is None:
        return False
    if query.source == "title":
        return first_hit.title == query.target
    if query.source == "subject":
        return contains(first_hit.title + " " + " ".join(first_hit.subjects), query.target)
    return contains(first_hit.title, query.target)


def contradictions(
    matched: int, relaxed: str | None, did_you_mean: str | None, typed: str = ""
) -> tuple[str, ...]:
    """The contradictory messages a result page would show (see the module docstring)."""
    found = []
    if relaxed == "popular" and matched > 0:
        found.append("count_vs_nothing")
    if (relaxed == "corrected" and not did_you_mean) or (did_you_mean and did_you_mean == typed):
        found.append("asks_and_asserts")
    if did_you_mean and relaxed == "popular" and did_you_mean == typed:
        found.append("dead_suggestion")
    return tuple(found)
