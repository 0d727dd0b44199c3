"""The service desk on the real server (`lifelong start`, SQLite and PostgreSQL) with many people
at once: visitors ask, continue their conversations and ask for a person from many threads while
two support staff claim and reply through the console. Nothing answers 5xx, no question or reply
is lost, each conversation is readable only with its own id, and a claimed conversation has one
owner."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.live_site import LiveSite, create_user, lifelong_batch, site_env
from bench.live_site import live_site as running_site
from catalogue.db import make_engine
from tests.test_concurrency import Browser

pytestmark = pytest.mark.slow

VISITORS, QUESTIONS, STAFF = 16, 6, 2
ASKED = [
    "字太小怎么办",
    "我忘记密码了",
    "有没有太极拳的课",
    "how do I export my notes",
    "今天天气怎么样",
]


@pytest.fixture
def site(fresh_database_url: str, tmp_path: Path) -> Iterator[LiveSite]:
    """The demo site with support staff; no limit on questions from this one test address."""
    env = site_env(
        tmp_path / "instance",
        fresh_database_url,
        DEMO_COURSES="300",
        DEMO_LEARNERS="30",
        ASSISTANT_LIMIT_PER_IP="",
    )
    lifelong_batch(
        env,
        ["init-db"],
        *(
            create_user(f"desk{n}@live.cn", f"客服{n}", f"desk-live-{n}-2026", "--role", "support")
            for n in range(STAFF)
        ),
    )
    with running_site(env, tmp_path / "server.log") as live:
        yield live


def _api(site: LiveSite, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        site.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"{}")


def _visitor(site, n, outcomes, failures, conversations, lock) -> None:
    conversation = None
    for q in range(QUESTIONS):
        question = (
            "转人工" if q == QUESTIONS - 2 and n % 2 else f"{ASKED[(n + q) % len(ASKED)]} {n}"
        )
        status, body = _api(
            site,
            "POST",
            "/api/v1/assistant/ask",
            {"question": question, "conversation_id": conversation},
        )
        outcomes[status // 100] += 1
        if status != 200:
            failures.append(f"ask {question}: {status} {body}")
            continue
        conversation = body["conversation_id"]
        with lock:
            conversations.setdefault(conversation, []).append(question)
        status, history = _api(site, "GET", f"/api/v1/assistant/conversations/{conversation}")
        outcomes[status // 100] += 1
        if status != 200:
            failures.append(f"history: {status} {history}")


def _staff(site, n, outcomes, failures, stop, replies, lock) -> None:
    me = Browser(site.base, outcomes, failures)
    me.request("GET", "/login")
    me.post("/login", {"email": f"desk{n}@live.cn", "password": f"desk-live-{n}-2026", "next": "/"})
    while True:
        last = stop.is_set()  # one more round after the visitors are done: nobody is left waiting
        queue = me.request("GET", "/support/")
        ids = sorted({int(i) for i in re.findall(r"/support/conversations/(\d+)", queue)})
        for conversation_id in ids[:3]:
            me.post(f"/support/conversations/{conversation_id}/claim", {})
            text = f"客服{n}回复{conversation_id}"
            page = me.post(
                f"/support/conversations/{conversation_id}/reply", {"text": text, "action": "send"}
            )
            if text in page:
                with lock:
                    replies.append((conversation_id, n, text))
        if last:
            return


def test_many_visitors_and_two_staff_at_once(site):
    outcomes: Counter = Counter()
    failures: list[str] = []
    conversations: dict[str, list[str]] = {}
    replies: list[tuple[int, int, str]] = []
    lock, stop = threading.Lock(), threading.Event()
    staff = [
        threading.Thread(target=_staff, args=(site, n, outcomes, failures, stop, replies, lock))
        for n in range(STAFF)
    ]
    visitors = [
        threading.Thread(target=_visitor, args=(site, n, outcomes, failures, conversations, lock))
        for n in range(VISITORS)
    ]
    for thread in staff + visitors:
        thread.start()
    for thread in visitors:
        thread.join(timeout=600)
    stop.set()
    for thread in staff:
        thread.join(timeout=120)

    assert not failures, f"{failures[:10]}\n{site.log_tail()}"
    assert outcomes[5] == 0 and outcomes[2] > VISITORS * QUESTIONS
    engine = make_engine(site.database_url)
    try:
        with engine.connect() as conn:
            # Every question is stored: in its conversation, and (redacted) in the problem database.
            for public_id, asked in conversations.items():
                stored = (
                    conn.execute(
                        sa.text(
                            "SELECT m.text FROM desk_messages m JOIN desk_conversations c "
                            "ON c.id = m.conversation_id "
                            "WHERE c.public_id = :p AND m.author = 'learner' ORDER BY m.id"
                        ),
                        {"p": public_id},
                    )
                    .scalars()
                    .all()
                )
                assert stored == asked
            questions = conn.execute(sa.text("SELECT count(*) FROM desk_questions")).scalar()
            assert questions == sum(len(a) for a in conversations.values())
            # Every reply a person sent is in its conversation, and each conversation has one owner.
            for conversation_id, _staff_n, text in replies:
                row = conn.execute(
                    sa.text(
                        "SELECT count(*) FROM desk_messages WHERE conversation_id = :c "
                        "AND author = 'staff' AND text = :t"
                    ),
                    {"c": conversation_id, "t": text},
                ).scalar()
                assert row >= 1
            owners = conn.execute(
                sa.text(
                    "SELECT m.conversation_id, count(DISTINCT m.staff_id) FROM desk_messages m "
                    "WHERE m.author = 'staff' GROUP BY m.conversation_id"
                )
            ).all()
            assert owners and all(count == 1 for _, count in owners)
    finally:
        engine.dispose()
    # A conversation id is needed to read one: a made-up id finds nothing.
    status, body = _api(site, "GET", "/api/v1/assistant/conversations/" + "x" * 43)
    assert status == 404 and body["error"]["code"] == "UNKNOWN_CONVERSATION"
