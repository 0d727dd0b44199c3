"""Words jieba's own dictionary lacks that learners of this platform type every day.

Without them jieba's HMM guesses cuts for unknown runs, and its guess depends on the
neighbouring characters: 微信 is one word in 微信支付 but "用微 / 信发" in 怎么用微信发语音, so
a question and a title about the same app share no term. Each word here is added to jieba
before anything is cut (index and queries alike).

The index must be cut with the same words as the queries: `FINGERPRINT` names this list
and the analysis rules that go with it (`_RULES`: the pinyin kept, the English stemmer), each
index generation records the fingerprint it was built with, and an index of another
fingerprint is rebuilt like one of an older schema (`search.store.IndexStore.is_current_schema`).
Add words sparingly (apps, devices, everyday digital services, course topics jieba cuts
apart) and expect a full rebuild on the next start.
"""

from __future__ import annotations

import hashlib

# Apps, devices and digital services; then course topics jieba does not know as one word.
_DOMAIN_TEXT = """
    微信 抖音 快手 拼多多 美团 钉钉 腾讯会议 健康码 扫码 小程序 公众号 视频号 短视频 网购 网银
    手机银行 移动支付 平板电脑 截屏 视频通话 语音通话 网约车 表情包 电子社保卡 医保码
    防诈骗 反诈 广场舞 手机摄影 手机拍照 手机挂号 手机打车 剪映 大模型 零基础 心肺复苏
    垃圾分类 月嫂 智慧助老 柔力球 手指操 尤克里里 吉他弹唱 健步走 多肉植物 直播带货
    新媒体运营 思维导图 数字素养 彩铅手绘 工笔花鸟 国画山水 家常菜 婴幼儿辅食 宠物养护
"""
DOMAIN_WORDS = tuple(_DOMAIN_TEXT.split())
# Bump when the way text is cut or the pinyin field is filled changes (not only the list):
# "2" added the pinyin of subjects; "3" stems English with Porter2 (Snowball), not Porter;
# "4" spells British -ise / -our endings the American way before stemming.
_RULES = "4"
FINGERPRINT = hashlib.sha256((_RULES + "\n" + "\n".join(DOMAIN_WORDS)).encode()).hexdigest()[:16]


def load(tokenizer) -> None:
    """Add the domain words to a jieba tokenizer (jieba's default one, `jieba.dt`)."""
    for word in DOMAIN_WORDS:
        tokenizer.add_word(word)
