"""Personal data is redacted before questions are stored for learning (assistant.redaction)."""

from __future__ import annotations

import pytest

from assistant.redaction import PLACEHOLDERS, Redacted, id18_check_ok, luhn_ok, redact


def with_check(first17: str) -> str:
    """An 18-character ID number: the check character by GB 11643's weights 2^(17-i) mod 11."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    return first17 + "10X98765432"[total % 11]


def wrong_check(number: str) -> str:
    """The same number with another check character."""
    return number[:17] + ("0" if number[17] != "0" else "1")


VALID_IDS = [with_check(b) for b in ("11010519491231002", "44030419850612301", "32010620011109456")]


def test_the_check_characters_are_the_published_ones():
    assert VALID_IDS[0] == "11010519491231002X"  # the example of GB 11643-1999
    assert all(id18_check_ok(n) for n in VALID_IDS)
    assert not any(id18_check_ok(wrong_check(n)) for n in VALID_IDS)
    assert id18_check_ok(VALID_IDS[0].lower())


def test_luhn():
    for good in ("4111111111111111", "5555555555554444", "6222020200001234562", "79927398713"):
        assert luhn_ok(good)
        assert not luhn_ok(good[:-1] + str((int(good[-1]) + 1) % 10))


@pytest.mark.parametrize(
    "text, kept_around",
    [
        ("我的手机是13800138000，请回电", ("我的手机是", "，请回电")),
        ("手机 138 0013 8000", ("手机 ",)),
        ("手机138-0013-8000谢谢", ("手机", "谢谢")),
        ("call me on +86 139 1234 5678 please", ("call me on ", " please")),
        ("0086-15912345678", ()),
        ("8613912345678 is my number", (" is my number",)),
        ("(+86)18612345678", ()),
        ("全角号码１３８００１３８０００可以吗", ("全角号码", "可以吗")),
        ("电话：010-12345678", ("电话：",)),
        ("office (0755)1234567 ext 21", ("office ",)),
        ("座机（0755）1234567转123", ("座机",)),
        ("座机 0571 8888 6666", ("座机 ",)),
        ("tel +86 10 8888 6666", ("tel ",)),
    ],
)
def test_phone_numbers_are_replaced(text, kept_around):
    result = redact(text)
    assert result.counts == {"phone": 1}
    assert PLACEHOLDERS["phone"] in result.text
    assert not any(ch.isdigit() for ch in result.text)
    for part in kept_around:
        assert part in result.text


@pytest.mark.parametrize(
    "number",
    [
        "400-820-8820",
        "4008208820",
        "800-810-8888",
        "400 610 1688",
        "95555",
        "12345",
        "110",
        "12306",
    ],
)
def test_service_and_short_numbers_are_kept(number):
    text = f"请拨打客服电话{number}咨询"
    assert redact(text) == Redacted(text, {})


@pytest.mark.parametrize("template", ["身份证号{}", "ID number: {}.", "我的身份证 {} 绑不上"])
def test_valid_resident_id_numbers_are_replaced(template):
    for number in VALID_IDS:
        result = redact(template.format(number))
        assert result.counts == {"id": 1}
        assert result.text == template.format(PLACEHOLDERS["id"])


def test_id_numbers_with_a_wrong_check_character_are_not_ids():
    for number in VALID_IDS:
        result = redact(f"编号{wrong_check(number)}")
        assert "id" not in result.counts


def test_id_numbers_in_groups_lower_case_x_and_full_width():
    number = VALID_IDS[0]
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    for text in (spaced, number.lower(), full_width):
        assert redact(f"身份证：{text}").text == f"身份证：{PLACEHOLDERS['id']}"


def test_an_id_number_with_an_impossible_birth_date_is_not_an_id():
    assert "id" not in redact(with_check("11010519491332002")).counts  # month 13


def test_old_15_digit_id_numbers_need_a_plausible_birth_date():
    assert redact("旧身份证130503670401001").counts == {"id": 1}
    assert "id" not in redact("旧身份证130503671301001").counts  # month 13


@pytest.mark.parametrize(
    "text",
    [
        "联系我：zhang.san@example.com",
        "my e-mail is Li_Si+ouchn@mail.example.edu.cn, thanks",
        "邮箱13800138000@163.com",
        "邮箱abc@163。com谢谢",
        "全角ｔｅｓｔ＠ｑｑ．ｃｏｍ",
        "wang@qq.com。",
    ],
)
def test_email_addresses_are_replaced_whole(text):
    result = redact(text)
    assert result.counts == {"email": 1}
    assert "@" not in result.text and "＠" not in result.text
    assert "163" not in result.text and "qq" not in result.text.lower()


@pytest.mark.parametrize(
    "card", ["6222020200001234562", "6222 0202 0000 1234 562", "4111-1111-1111-1111"]
)
def test_bank_cards_passing_luhn_are_replaced(card):
    result = redact(f"银行卡号{card}扣款了两次")
    assert result == Redacted(f"银行卡号{PLACEHOLDERS['card']}扣款了两次", {"card": 1})


def test_sixteen_digits_failing_luhn_are_not_a_card():
    assert "card" not in redact("订单号4111111111111112").counts


@pytest.mark.parametrize("passport", ["E12345678", "G87654321", "e12345678"])
def test_passport_numbers_are_replaced(passport):
    assert redact(f"passport {passport} expired").text == "passport ‹passport› expired"


@pytest.mark.parametrize(
    "text",
    [
        "2024年秋季学期的课程",
        "课程 10:30 开始，12:00 结束",
        "价格 199 元，原价 ¥1299.00",
        "第12课第3节看不了",
        "course 4711 lesson 12 will not load",
        "上传失败，错误码 ROWS_REJECTED，第 1024 行",
        "error E1001 when uploading",
        "https://learn.example.edu.cn/courses/13800138000/lessons/3",
        "看这个 /courses/4008208820/lessons/15912345678 页面",
        "日期 2024-10-01 到 2024-12-31",
        "订单 20241001123456",
        "G1234 次列车",
        "版本 v1.2.3，build 15912",
        "我今年 68 岁，学了 3 年",
    ],
)
def test_ordinary_numbers_and_site_addresses_are_kept(text):
    assert redact(text) == Redacted(text, {})


def test_query_strings_of_addresses_are_still_scanned():
    result = redact("https://learn.example.edu.cn/help?tel=13800138000")
    assert result.text == "https://learn.example.edu.cn/help?tel=‹phone›"


def test_several_kinds_counted_and_the_rest_unchanged():
    text = (
        f"老师您好，我叫张三，手机13800138000，备用139-1234-5678，身份证{VALID_IDS[1]}，"
        "邮箱zhang@example.com，课程 4711 第 3 课 10:30 打不开。"
    )
    result = redact(text)
    assert result.counts == {"phone": 2, "id": 1, "email": 1}
    assert result.total == 4
    assert result.text == (
        "老师您好，我叫张三，手机‹phone›，备用‹phone›，身份证‹id›，邮箱‹email›，"
        "课程 4711 第 3 课 10:30 打不开。"
    )


def test_redacting_twice_changes_nothing_more():
    once = redact(f"手机13800138000 卡号4111111111111111 ID {VALID_IDS[2]} a@b.cn")
    assert redact(once.text) == Redacted(once.text, {})


def test_placeholders_are_one_form_for_every_language():
    assert set(PLACEHOLDERS) == {"phone", "id", "email", "card", "passport"}
    assert all(p == f"‹{kind}›" for kind, p in PLACEHOLDERS.items())
