"""Pinyin for Chinese text, and recognising pinyin that a learner typed instead of characters."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import lazy_pinyin

# Every toneless Mandarin syllable (from pypinyin's dictionary), plus "v" spellings of ü.
_SYLLABLE_TEXT = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai
    can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua
    chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de
    den deng di dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan
    fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua
    guai guan guang gui gun guo ha hai han hang hao he hei hen heng hm hong hou hu hua huai
    huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka
    kai kan kang kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang
    lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv
    lve m ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu n na
    nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan
    nun nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu
    qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng
    ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang
    shao she shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su
    suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui
    tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu
    xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan
    zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua
    zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""
SYLLABLES = frozenset(_SYLLABLE_TEXT.split())
_MAX_SYLLABLE = max(len(s) for s in SYLLABLES)
_HAN = re.compile(r"[\u3400-\u9fff]")


def has_han(text: str) -> bool:
    """Whether the text holds Chinese characters."""
    return bool(_HAN.search(text))


@lru_cache(maxsize=65536)
def syllables_of(text: str) -> tuple[str, ...]:
    """The toneless pinyin syllables of the Chinese characters in `text` (others dropped)."""
    han = "".join(_HAN.findall(text))
    return tuple(lazy_pinyin(han, errors="ignore")) if han else ()


def full_pinyin(text: str) -> str:
    """ "太极拳" → "taijiquan"."""
    return "".join(syllables_of(text))


def initials(text: str) -> str:
    """ "太极拳" → "tjq"."""
    return "".join(s[0] for s in syllables_of(text))


def split_syllables(text: str) -> list[str] | None:
    """Split letters typed as pinyin into syllables ("taijiquan" → tai ji quan), or None.

    Prefers the segmentation with the fewest syllables, so "xian" stays one syllable.
    """
    letters = re.sub(r"[\s']+", "", text.lower())
    if not letters or not letters.isascii() or not letters.isalpha():
        return None
    best: list[list[str] | None] = [None] * (len(letters) + 1)
    best[0] = []
    for end in range(1, len(letters) + 1):
        for size in range(1, min(_MAX_SYLLABLE, end) + 1):
            head = best[end - size]
            piece = letters[end - size : end]
            if head is not None and piece in SYLLABLES:
                candidate = [*head, piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[-1]


def looks_like_pinyin(text: str) -> bool:
    """Whether typed letters read as pinyin syllables (every syllable valid, at least two)."""
    parts = split_syllables(text)
    return parts is not None and len(parts) >= 2
