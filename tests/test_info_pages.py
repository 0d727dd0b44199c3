"""Help, privacy policy and terms of use: linked from every page's footer, in both languages."""

from __future__ import annotations

import re

import pytest

from tests.helpers import page_token

PAGES = {
    "/help": ("帮助", "Help"),
    "/privacy": ("隐私政策", "Privacy policy"),
    "/terms": ("用户协议", "Terms of use"),
}


def _h1(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html).group(1)


@pytest.mark.parametrize("start", ["/", "/search?q=太极", "/signup"])
def test_every_page_footer_links_help_privacy_and_terms(client, start):
    footer = client.get(start).get_data(as_text=True).split('class="site-footer"')[1]
    assert all(f'href="{path}"' in footer for path in PAGES)


def test_the_pages_speak_chinese_by_default_and_english_when_chosen(client):
    for path, (zh, _en) in PAGES.items():
        answer = client.get(path)
        assert answer.status_code == 200 and _h1(answer.get_data(as_text=True)) == zh
    client.post("/language", data={"lang": "en", "csrf_token": page_token(client)})
    for path, (_zh, en) in PAGES.items():
        html = client.get(path).get_data(as_text=True)
        assert _h1(html) == en and "隐私政策" not in html.split("<main")[1]


def test_the_help_page_answers_the_common_questions_and_its_links_work(client):
    html = client.get("/help").get_data(as_text=True)
    for topic in ("account", "caring", "search", "study", "notes", "discussion", "privacy"):
        assert f'<section id="{topic}">' in html and f'href="#{topic}"' in html
    article = html.split('<article class="info-page">')[1].split("</article>")[0]
    links = set(re.findall(r'href="(/[^"#]*)"', article))
    assert {"/privacy", "/terms"} <= links
    assert all(client.get(link).status_code == 200 for link in links)
