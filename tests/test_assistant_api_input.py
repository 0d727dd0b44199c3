"""The assistant's API refuses or cleans text PostgreSQL cannot store (NUL, lone surrogates) and
ids of the wrong shape, instead of failing with a 500 (found by tests/test_openapi_contract.py:
`{"question": "...\\u0000...", "conversation_id": ""}` answered 500 on PostgreSQL)."""

from __future__ import annotations

import json


def _post(client, path: str, raw: str):
    return client.post(path, data=raw.encode("utf-8"), content_type="application/json")


def test_a_question_with_nul_and_lone_surrogates_is_answered(desk_app):
    client = desk_app.test_client()
    raw = '{"question": "B\\u00c5\\ud9ea\\ude94\\rf\\u0000p \\b\\u00df", "conversation_id": ""}'
    answer = _post(client, "/api/v1/assistant/ask", raw)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    first = answer.get_json()["conversation_id"]
    lone = '{"question": "字太小\\ud800怎么办\\u0000", "page": "/courses/\\u00001"}'
    again = _post(client, "/api/v1/assistant/ask", lone)
    assert again.status_code == 200, again.get_data(as_text=True)
    history = client.get(f"/api/v1/assistant/conversations/{first}")
    assert history.status_code == 200
    assert all("\x00" not in m["text"] for m in history.get_json()["messages"])


def test_conversation_ids_of_another_shape_are_unknown(desk_app):
    client = desk_app.test_client()
    for raw_id in ("abc\\u0000defgh", "短短短短短短短短短", "a" * 65):
        body = json.dumps({"question": "hello"})[:-1] + f', "conversation_id": "{raw_id}"}}'
        answer = _post(client, "/api/v1/assistant/ask", body)
        assert answer.status_code == 404, (raw_id, answer.get_data(as_text=True))
        assert answer.get_json()["error"]["code"] == "UNKNOWN_CONVERSATION"
    for path in (
        "abcdefgh%00",
        "%E7%9F%AD%E7%9F%AD%E7%9F%AD%E7%9F%AD%E7%9F%AD%E7%9F%AD%E7%9F%AD%E7%9F%AD",
    ):
        for method, suffix in (("get", ""), ("post", "/not-helpful"), ("post", "/rating")):
            answer = getattr(client, method)(
                f"/api/v1/assistant/conversations/{path}{suffix}", json={"rating": 5}
            )
            assert answer.status_code == 404, (path, suffix, answer.get_data(as_text=True))


def test_an_address_with_control_characters_is_refused(desk_app):
    client = desk_app.test_client()
    conversation = client.post("/api/v1/assistant/ask", json={"question": "转人工"}).get_json()
    path = f"/api/v1/assistant/conversations/{conversation['conversation_id']}/contact"
    refused = _post(client, path, '{"email": "me\\u0000@example.org"}')
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "INVALID_EMAIL"
    assert client.post(path, json={"email": "me@example.org"}).get_json() == {"ok": True}
