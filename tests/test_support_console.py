"""The support console (/support): staff only; the queue, one conversation (claim, reply,
transfer, release, resolve), saved replies, labelling questions, recurring problems and staff
articles; user-supplied text escaped; CSRF required."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from assistant.desk import Asker, Desk, ask
from assistant.hours import OfficeHours
from assistant.models import Author, Conversation, ConversationStatus, Message, Question
from assistant.support import recurring_problems
from catalogue.models import Role
from catalogue.models.base import utcnow
from catalogue.services.mail import recent_mail
from catalogue.services.notifications import recent as recent_notifications
from catalogue.services.users import register_user
from tests.browser_support import serving
from tests.helpers import csrf_token, login, make_provider, page_token

PASSWORD = "desk-Pass-4471-qz"
SCRIPT = "<script>alert(1)</script>"


class _HandOver:
    """A test double for the question matcher only (the console's tests need every question
    in the queue, whatever the trained matcher makes of it): every question asks for a person."""

    def predict(self, text: str) -> SimpleNamespace:
        return SimpleNamespace(label="human", confidence=1.0, reason="handoff_phrase")


def _desk() -> Desk:
    return Desk(
        matcher=_HandOver(),
        articles={},
        find_courses=lambda question, language, limit: [],
        hours=OfficeHours.parse("mon-sun 00:00-23:59", "Asia/Shanghai"),
    )


def _hand_over(session, question: str, user_id: int | None = None, minutes_ago: int = 10, **kw):
    """A conversation handed over to a person `minutes_ago` (its learner last looked then)."""
    asker = Asker(
        user_id=user_id,
        language=kw.pop("language", "zh"),
        caring=kw.pop("caring", False),
        page=kw.pop("page", "/courses/7"),
        user_agent=kw.pop("user_agent", "Mozilla/5.0 (test)"),
    )
    now = utcnow() - timedelta(minutes=minutes_ago)
    reply = ask(session, _desk(), question, asker, now=now)
    assert reply.handed_off
    return session.query(Conversation).filter_by(public_id=reply.conversation_id).one()


@pytest.fixture
def desk_world(app, session):
    """Two support staff, an admin, a learner and a partner, each signed in on a client."""
    provider = make_provider(session)
    people = {
        "support": ("support@desk.cn", "客服小王", Role.SUPPORT, None),
        "support2": ("support2@desk.cn", "客服小李", Role.SUPPORT, None),
        "admin": ("admin@desk.cn", "管理员", Role.ADMIN, None),
        "learner": ("learner@desk.cn", "张阿姨", Role.LEARNER, None),
        "partner": ("partner@desk.cn", "合作方", Role.PARTNER, provider.id),
    }
    users, clients = {}, {}
    for key, (email, name, role, provider_id) in people.items():
        users[key] = register_user(
            session, email, PASSWORD, name, role=role, provider_id=provider_id
        ).id
    session.commit()
    for key, (email, *_rest) in people.items():
        clients[key] = app.test_client()
        login(clients[key], email, PASSWORD)
    return SimpleNamespace(users=users, clients=clients)


def _post(client, path: str, **data):
    data.setdefault("csrf_token", page_token(client))
    return client.post(path, data=data)


def _page(client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    return answer.get_data(as_text=True)


def _support_urls(app) -> list[tuple[str, str]]:
    """(method, path) of every rule of the console, with 1 for each id."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/support"):
            continue
        path = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return found


def test_only_support_staff_and_admins_reach_the_console(app, desk_world):
    urls = _support_urls(app)
    assert len(urls) >= 14, urls  # every page and form of the console is checked below
    visitor = app.test_client()
    for method, path in urls:
        for role in ("learner", "partner"):
            client = desk_world.clients[role]
            if method == "GET":
                answer = client.get(path)
            else:
                answer = _post(client, path, text="x", label="human", to="1", title="t")
            assert answer.status_code == 403, (role, method, path)
        answer = visitor.get(path) if method == "GET" else _post(visitor, path)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], path
    for role in ("support", "admin"):
        assert desk_world.clients[role].get("/support/").status_code == 200


def test_the_console_is_linked_for_staff_only(desk_world):
    link = 'href="/support/"'
    assert link in _page(desk_world.clients["support"], "/")
    assert link in _page(desk_world.clients["admin"], "/")
    assert link not in _page(desk_world.clients["learner"], "/")


def test_queue_shows_a_handed_over_conversation_with_its_context(session, desk_world):
    learner = desk_world.users["learner"]
    older = _hand_over(session, "我想找人工客服", learner, minutes_ago=95, caring=True)
    newer = _hand_over(session, "visitor needs a person", None, minutes_ago=3, language="en")
    page = _page(desk_world.clients["support"], "/support/")
    waiting = page.split('id="waiting-heading"')[1].split('id="claimed-heading"')[0]
    # Oldest hand-off first, with the learner's name or "visitor", language, caring mode, page.
    assert waiting.index("我想找人工客服") < waiting.index("visitor needs a person")
    assert "张阿姨" in waiting and "访客" in waiting
    assert "长辈模式" in waiting and "English" in waiting and "/courses/7" in waiting
    assert "1 小时 35 分钟" in waiting, waiting  # the wait since the hand-off
    assert f"/support/conversations/{older.id}" in waiting
    assert f"/support/conversations/{newer.id}" in waiting
    figures = page.split('id="figures-heading"')[1].split("</dl>")[0]
    assert "<dt>正在等待</dt><dd>2</dd>" in figures
    assert "<dt>转给客服</dt><dd>2</dd>" in figures


def test_claim_reply_transfer_and_resolve(session, desk_world):
    staff, other = desk_world.clients["support"], desk_world.clients["support2"]
    learner = desk_world.users["learner"]
    conversation = _hand_over(session, "我的证书在哪里下载", learner, minutes_ago=10)
    url = f"/support/conversations/{conversation.id}"
    detail = _page(staff, url)
    assert "learner@desk.cn" in detail and "学员" in detail  # the account's context
    assert "Mozilla/5.0 (test)" in detail and "/courses/7" in detail
    assert "学员要求转人工。" in detail  # the hand-off event, readable

    assert _post(staff, url + "/claim").status_code == 302
    session.expire_all()
    assert session.get(Conversation, conversation.id).assigned_to == desk_world.users["support"]

    # Someone else's claim is refused with a message, not an error page.
    refused = _post(other, url + "/claim")
    assert refused.status_code == 302
    shown = _page(other, url)
    assert "这个对话已由其他同事接手" in shown
    assert "客服小王" in shown  # who has it

    # Claimed ones are listed with who has them, the caller's own first.
    queue = _page(staff, "/support/")
    claimed = queue.split('id="claimed-heading"')[1].split('id="resolved-heading"')[0]
    assert "我的证书在哪里下载" in claimed

    answer = _post(staff, url + "/reply", text="您好，证书在“我的学习”里下载。", action="send")
    assert answer.status_code == 302
    session.expire_all()
    staff_messages = [
        m
        for m in session.query(Message).filter_by(conversation_id=conversation.id)
        if m.author == Author.STAFF
    ]
    assert [m.text for m in staff_messages] == ["您好，证书在“我的学习”里下载。"]
    # The learner left ten minutes ago: a notification and a mail tell them.
    kinds = [n.kind for n in recent_notifications(session, learner)]
    assert "desk_reply" in kinds
    mails = [m for m in recent_mail(session) if m.to_address == "learner@desk.cn"]
    assert len(mails) == 1 and "证书" in mails[0].body
    assert "您好，证书在“我的学习”里下载。" in _page(staff, url)

    # The other member of staff cannot reply to a conversation that is not theirs.
    kept = _post(other, url + "/reply", text="我来回答", action="send")
    assert kept.status_code == 409
    assert "请先接手这个对话" in kept.get_data(as_text=True)
    assert "我来回答</textarea>" in kept.get_data(as_text=True)  # the text typed is kept

    assert _post(staff, url + "/transfer", to=str(desk_world.users["support2"])).status_code == 302
    session.expire_all()
    assert session.get(Conversation, conversation.id).assigned_to == desk_world.users["support2"]
    assert "已转给另一位同事。" in _page(other, url)

    assert _post(other, url + "/release").status_code == 302
    session.expire_all()
    assert session.get(Conversation, conversation.id).status == ConversationStatus.WAITING

    assert _post(other, url + "/resolve").status_code == 302
    session.expire_all()
    row = session.get(Conversation, conversation.id)
    assert row.status == ConversationStatus.RESOLVED and row.resolved_at is not None
    resolved = _page(staff, "/support/").split('id="resolved-heading"')[1]
    assert "我的证书在哪里下载" in resolved
    # A resolved conversation has no forms left.
    assert "/reply" not in _page(staff, url)

    row.rating, row.rating_comment = 5, "很耐心，谢谢"
    session.commit()
    assert "很耐心，谢谢" in _page(staff, url)


def test_a_reply_while_the_learner_reads_sends_no_mail(session, desk_world):
    learner = desk_world.users["learner"]
    conversation = _hand_over(session, "字太小了看不清", learner, minutes_ago=0)
    url = f"/support/conversations/{conversation.id}"
    assert "对话正开着" in _page(desk_world.clients["support"], url)
    assert (
        _post(desk_world.clients["support"], url + "/reply", text="请点关怀模式").status_code == 302
    )
    session.expire_all()
    assert not [m for m in recent_mail(session) if m.to_address == "learner@desk.cn"]
    assert session.get(Conversation, conversation.id).status == ConversationStatus.CLAIMED


def test_refusals_and_unknown_ids(session, desk_world):
    staff = desk_world.clients["support"]
    conversation = _hand_over(session, "转人工", None)
    url = f"/support/conversations/{conversation.id}"
    empty = _post(staff, url + "/reply", text="   ", action="send")
    assert empty.status_code == 400 and "回复不能为空" in empty.get_data(as_text=True)
    assert _post(staff, url + "/transfer", to="junk").status_code == 302
    assert "请选择一位同事" in _page(staff, url)
    assert _post(staff, url + "/release").status_code == 302  # not theirs: refused, told
    assert "只能放回自己接手的对话" in _page(staff, url)
    assert staff.get("/support/conversations/999999").status_code == 404
    assert _post(staff, "/support/conversations/999999/claim").status_code == 404
    assert _post(staff, "/support/conversations/999999/reply", text="hi").status_code == 404
    assert staff.get("/support/articles/999999/edit").status_code == 404
    assert _post(staff, "/support/questions/999999/label", label="human").status_code == 404


def test_saved_replies_add_insert_and_delete(session, desk_world):
    staff = desk_world.clients["support"]
    refused = _post(staff, "/support/replies", title="", text="留着的内容", language="zh")
    assert refused.status_code == 400
    assert "标题和内容都要填写" in refused.get_data(as_text=True)
    assert "留着的内容</textarea>" in refused.get_data(as_text=True)

    assert (
        _post(
            staff,
            "/support/replies",
            title="证书下载",
            text="证书在“我的学习”里下载。",
            language="zh",
        ).status_code
        == 302
    )
    page = _page(staff, "/support/replies")
    assert "证书下载" in page
    saved_id = re.search(r"/support/replies/(\d+)/delete", page).group(1)

    conversation = _hand_over(session, "证书在哪", desk_world.users["learner"])
    url = f"/support/conversations/{conversation.id}"
    detail = _page(staff, url)
    assert 'data-text="证书在“我的学习”里下载。"' in detail and "support.js" in detail
    # Without JavaScript: the insert button shows the form again with the text filled in.
    filled = _post(staff, url + "/reply", text="您好", saved=saved_id, action="insert")
    assert filled.status_code == 200
    assert "您好\n\n证书在“我的学习”里下载。</textarea>" in filled.get_data(as_text=True)
    session.expire_all()
    assert not session.query(Message).filter_by(author=Author.STAFF).count()

    assert _post(staff, f"/support/replies/{saved_id}/delete").status_code == 302
    assert "证书下载" not in _page(staff, "/support/replies")


def test_labelling_questions(session, desk_world):
    staff = desk_world.clients["support"]
    _hand_over(session, "我的密码忘了 手机 13812345678", desk_world.users["learner"])
    question = session.query(Question).one()
    assert "13812345678" not in question.text  # the problem database holds redacted text
    page = _page(staff, "/support/questions")
    assert html.escape(question.text, quote=False) in page
    for option in ('value="forgot-password"', 'value="course_search"', 'value="out_of_scope"'):
        assert option in page

    path = f"/support/questions/{question.id}/label"
    assert _post(staff, path, label="forgot-password").status_code == 302
    session.expire_all()
    labelled = session.get(Question, question.id)
    assert labelled.label == "forgot-password"
    assert labelled.labelled_by == desk_world.users["support"]
    assert question.text not in _page(staff, "/support/questions?unlabelled=1")

    assert _post(staff, path, label="no-such-article").status_code == 302
    assert "没有这篇帮助文章" in _page(staff, "/support/questions")
    session.expire_all()
    assert session.get(Question, question.id).label == "forgot-password"

    assert _post(staff, path, label="").status_code == 302
    session.expire_all()
    assert session.get(Question, question.id).label is None


def test_staff_articles_written_listed_and_edited(session, desk_world):
    staff = desk_world.clients["support"]
    fields = {
        "slug": "Bad Slug!",
        "topic": "certificates",
        "audience": "learner",
        "title_zh": "怎样下载证书",
        "title_en": "Downloading a certificate",
        "body_zh": "在“我的学习”里找到课程，点“下载证书”。",
        "body_en": "Open My learning, find the course and choose Download certificate.",
        "keywords_zh": "证书, 下载证书",
        "keywords_en": "certificate, download",
    }
    refused = _post(staff, "/support/articles/new", **fields)
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "网址名只能用小写字母" in text
    assert 'value="Bad Slug!"' in text and "在“我的学习”里找到课程" in text  # entered kept
    assert 'id="article-slug" name="slug" value="Bad Slug!" maxlength="80" aria-describedby' in text

    missing = _post(staff, "/support/articles/new", **{**fields, "title_en": "", "body_en": " "})
    assert missing.status_code == 400
    assert "请填写：英文标题、英文正文" in missing.get_data(as_text=True)

    taken = _post(staff, "/support/articles/new", **{**fields, "slug": "forgot-password"})
    assert taken.status_code == 409 and "这个网址名已被使用" in taken.get_data(as_text=True)

    assert (
        _post(
            staff, "/support/articles/new", **{**fields, "slug": "download-certificate"}
        ).status_code
        == 302
    )
    listing = _page(staff, "/support/articles")
    assert "怎样下载证书" in listing and "download-certificate" in listing
    article_id = re.search(r"/support/articles/(\d+)/edit", listing).group(1)
    form = _page(staff, f"/support/articles/{article_id}/edit")
    assert 'value="download-certificate"' in form

    changed = {**fields, "slug": "download-certificate", "title_zh": "证书怎么下载"}
    assert _post(staff, f"/support/articles/{article_id}/edit", **changed).status_code == 302
    assert "证书怎么下载" in _page(staff, "/support/articles")
    # The new article is a label questions can get.
    _hand_over(session, "证书在哪下载", None)
    assert 'value="download-certificate"' in _page(staff, "/support/questions")


def test_recurring_problems_link_to_a_prefilled_article(session, desk_world):
    staff = desk_world.clients["support"]
    for wording in ("怎么下载证书", "怎么下载证书？", "证书怎么下载"):
        _hand_over(session, wording, None)
    page = _page(staff, "/support/questions/recurring")
    match = re.search(r'href="(/support/articles/new\?from_cluster=[^"]+)"', page)
    assert match, page
    form = _page(staff, html.unescape(match.group(1)))
    title = re.search(r'id="article-title_zh" name="title_zh" value="([^"]*)"', form).group(1)
    assert "证书" in title and "下载" in title


def test_recurring_problems_compare_with_the_period_before(session):
    now = utcnow()

    def asked(text: str, days_ago: float) -> None:
        when = now - timedelta(days=days_ago)
        ask(session, _desk(), text, Asker(), now=when)

    for i in range(5):
        asked("字太小看不清", 1 + i)
    asked("字太小看不清楚", 40)  # the period before
    for i in range(3):
        asked("怎么下载证书", 2 + i)
    asked("怎么下载证书", 70)  # older than both periods: not counted
    asked("今天天气怎么样", 3)  # asked once: not a recurring problem

    report = recurring_problems(session, now=now)
    by_question = {p.representative: p for p in report.problems}
    small = next(p for q, p in by_question.items() if "字太小" in q)
    certificate = next(p for q, p in by_question.items() if "证书" in q)
    assert (small.count, small.previous, small.trend) == (5, 1, "rising")
    assert (certificate.count, certificate.previous, certificate.trend) == (3, 0, "new")
    assert small.unanswered == 5  # every one was handed over
    assert not any("天气" in q for q in by_question)
    assert [p.count for p in report.problems] == sorted(
        (p.count for p in report.problems), reverse=True
    )
    assert not report.sampled


def test_user_supplied_text_is_escaped(session, desk_world):
    staff = desk_world.clients["support"]
    conversation = _hand_over(
        session, SCRIPT, None, page='/x"><script>alert(2)</script>', user_agent=SCRIPT
    )
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for path in ("/support/", f"/support/conversations/{conversation.id}", "/support/questions"):
        page = _page(staff, path)
        assert escaped in page, path
        assert "alert(1)</script>" not in page and "alert(2)</script>" not in page, path
    assert _post(staff, "/support/replies", title=SCRIPT, text=SCRIPT).status_code == 302
    replies = _page(staff, "/support/replies")
    assert escaped in replies and SCRIPT not in replies
    detail = _page(staff, f"/support/conversations/{conversation.id}")
    assert 'data-text="&lt;script&gt;alert(1)&lt;/script&gt;"' in detail
    recurring = _page(staff, f"/support/articles/new?from_cluster={SCRIPT}")
    assert SCRIPT not in recurring


def test_forms_without_a_csrf_token_are_refused(session, desk_world):
    staff = desk_world.clients["support"]
    conversation = _hand_over(session, "转人工", None)
    url = f"/support/conversations/{conversation.id}"
    for path, data in (
        (url + "/claim", {}),
        (url + "/reply", {"text": "hello"}),
        (url + "/resolve", {}),
        ("/support/replies", {"title": "t", "text": "x"}),
        ("/support/articles/new", {"slug": "a-b"}),
    ):
        assert staff.post(path, data=data).status_code == 400, path
        assert staff.post(path, data={**data, "csrf_token": "forged"}).status_code == 400, path
    session.expire_all()
    row = session.get(Conversation, conversation.id)
    assert row.status == ConversationStatus.WAITING and row.assigned_to is None
    # The token the page carries works.
    token = csrf_token(_page(staff, url))
    assert staff.post(url + "/claim", data={"csrf_token": token}).status_code == 302


def test_control_characters_are_dropped_from_what_staff_write(session, desk_world):
    staff = desk_world.clients["support"]
    conversation = _hand_over(session, "转人工", None)
    url = f"/support/conversations/{conversation.id}"
    assert _post(staff, url + "/reply", text="您\x00好\r\n再见").status_code == 302
    assert _post(staff, "/support/replies", title="a\x00b", text="c\x00d").status_code == 302
    session.expire_all()
    texts = [m.text for m in session.query(Message).filter_by(author=Author.STAFF)]
    assert texts == ["您好\n再见"]  # PostgreSQL would refuse the NUL; CRLF becomes LF
    assert "ab" in _page(staff, "/support/replies")


def test_staff_reading_english_see_the_console_and_refusals_in_english(session, desk_world):
    staff, other = desk_world.clients["support"], desk_world.clients["support2"]
    assert _post(other, "/language", lang="en", next="/support/").status_code == 302
    conversation = _hand_over(session, "转人工", None)
    url = f"/support/conversations/{conversation.id}"
    assert _post(staff, url + "/claim").status_code == 302
    assert _post(other, url + "/claim").status_code == 302
    page = _page(other, url)
    assert "Someone else has it" in page and "这个对话已由其他同事接手" not in page
    assert "The learner asked for a person." in page
    assert "Support queue" in _page(other, "/support/")


def test_the_console_in_a_browser(browser, app, session):
    """Every page passes axe-core; choosing a saved reply fills the reply box (support.js)."""
    from tests.browser_support import (
        DESKTOP,
        WCAG_AA,
        axe_violations,
        log_in,
        new_page,
        screenshot,
    )

    register_user(session, "staff@desk.cn", PASSWORD, "客服小王", role=Role.SUPPORT)
    learner = register_user(session, "mei@desk.cn", PASSWORD, "梅阿姨").id
    session.commit()
    conversation = _hand_over(session, "我的证书在哪里下载", learner, caring=True)
    for wording in ("怎么下载证书", "证书怎么下载"):
        _hand_over(session, wording, None)
    with serving(app) as base:
        context, page = new_page(browser, DESKTOP)
        log_in(page, base, "staff@desk.cn", PASSWORD)
        page.goto(f"{base}/support/replies")
        page.get_by_label("回复标题").fill("证书下载")
        page.get_by_label("内容").fill("证书在“我的学习”里下载。")
        page.get_by_role("button", name="保存回复").click()
        for path in (
            "/support/",
            "/support/replies",
            "/support/questions",
            "/support/questions/recurring",
            "/support/articles",
            "/support/articles/new",
        ):
            page.goto(base + path)
            assert axe_violations(page, WCAG_AA) == [], path
            if path == "/support/":
                screenshot(page, "support-queue")
        page.goto(f"{base}/support/conversations/{conversation.id}")
        assert axe_violations(page, WCAG_AA) == []
        screenshot(page, "support-conversation")
        assert not page.get_by_role("button", name="插入常用回复").is_visible()
        page.get_by_label("我的回复").fill("您好")
        page.get_by_label("常用回复", exact=True).select_option(label="证书下载 (中文)")
        assert page.get_by_label("我的回复").input_value() == ("您好\n\n证书在“我的学习”里下载。")
        with page.expect_navigation():
            page.get_by_role("button", name="发送回复").click()
        assert "回复已发送。" in page.locator("body").inner_text()
        context.close()
    session.expire_all()
    texts = [m.text for m in session.query(Message).filter_by(author=Author.STAFF)]
    assert texts == ["您好\n\n证书在“我的学习”里下载。"]
