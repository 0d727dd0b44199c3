"""A new instance's first question matcher: fitted once, then adopted by later new instances
with the same knowledge, never from a cache folder that is not safely the operator's own."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy.orm import Session

from assistant.artefacts import PICKLE, MatcherStore
from assistant.first_matcher import (
    default_cache_folder,
    fingerprint,
    first_matcher,
    usable_cache,
)
from assistant.models import StaffArticle
from assistant.nightly import knowledge
from webapp.settings import Settings

QUESTIONS = ["忘记密码怎么办", "字太小怎么办", "how do I download my certificate", "今天天气怎么样"]


def _answers(store: MatcherStore) -> list[tuple[str | None, float]]:
    matcher = store.current_matcher()
    assert matcher is not None
    return [(m.label, m.confidence) for m in map(matcher.predict, QUESTIONS)]


def _same(one: list[tuple[str | None, float]], other: list[tuple[str | None, float]]) -> bool:
    """The same labels and confidences (two fits agree to rounding, not bit for bit: BLAS may
    sum in another order)."""
    return [label for label, _ in one] == [label for label, _ in other] and all(
        abs(a - b) < 1e-4 for (_, a), (_, b) in zip(one, other, strict=True)
    )


def test_a_second_instance_adopts_the_first_fit_and_a_damaged_copy_is_fitted_again(
    session, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = MatcherStore(tmp_path / "one")
    done = first_matcher(session, first, cache)
    assert not done.reused and first.current() == done.version
    [entry] = [p for p in cache.iterdir() if not p.name.startswith(".")]
    assert entry.name == "v-" + fingerprint(*knowledge(session))

    second = MatcherStore(tmp_path / "two")
    again = first_matcher(session, second, cache)
    assert again.reused and second.current() == again.version
    assert _answers(second) == _answers(first)  # the very same matcher
    meta = second.meta(again.version)
    assert meta["reused"]["fingerprint"] == entry.name[2:]
    assert meta["metrics"] == first.meta(done.version)["metrics"]

    # A copy whose pickle no longer matches its record is never loaded: fitted again.
    data = (entry / PICKLE).read_bytes()
    (entry / PICKLE).write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    third = MatcherStore(tmp_path / "three")
    refit = first_matcher(session, third, cache)
    assert not refit.reused and third.current() == refit.version
    assert _same(_answers(third), _answers(first))
    # The cache holds an intact copy again (the damaged one was removed, the new fit kept).
    assert MatcherStore(cache).load(entry.name) is not None


def test_other_knowledge_is_another_fit(session) -> None:
    before = fingerprint(*knowledge(session))
    session.add(
        StaffArticle(
            slug="library-card",
            topic="account",
            title_zh="借书证",
            title_en="Library card",
            body_zh="在个人中心申请借书证。",
            body_en="Apply for a library card in your account.",
        )
    )
    session.commit()
    assert fingerprint(*knowledge(session)) != before


def test_a_cache_folder_others_can_write_to_is_not_used(tmp_path: Path) -> None:
    assert usable_cache(None) is None
    private = tmp_path / "private"
    assert usable_cache(private) == private
    assert private.stat().st_mode & 0o777 == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    assert usable_cache(shared) is None
    os.chmod(shared, 0o775)
    assert usable_cache(shared) is None
    a_file = tmp_path / "file"
    a_file.write_text("not a folder")
    assert usable_cache(a_file) is None


def test_the_setting(tmp_path: Path) -> None:
    env = {"INSTANCE_PATH": str(tmp_path / "instance"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert Settings.load(env).assistant_matcher_cache == default_cache_folder(str(tmp_path / "xdg"))
    assert default_cache_folder(str(tmp_path / "xdg")) == (
        tmp_path / "xdg" / "lifelong-learning" / "assistant-matchers"
    )
    assert Settings.load({**env, "ASSISTANT_MATCHER_CACHE": "off"}).assistant_matcher_cache is None
    chosen = Settings.load({**env, "ASSISTANT_MATCHER_CACHE": str(tmp_path / "c")})
    assert chosen.assistant_matcher_cache == tmp_path / "c"


def test_two_instances_starting_at_once_both_get_a_matcher_and_one_copy_is_kept(
    engine, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    barrier = threading.Barrier(2)
    done: dict[int, object] = {}

    def start(n: int) -> None:
        with Session(engine) as session:
            barrier.wait()
            done[n] = first_matcher(session, MatcherStore(tmp_path / f"site-{n}"), cache)

    threads = [threading.Thread(target=start, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert set(done) == {1, 2}
    for n in (1, 2):
        assert MatcherStore(tmp_path / f"site-{n}").current_matcher() is not None
    entries = list(cache.iterdir())
    assert [p.name.startswith("v-") for p in entries] == [True]  # no half-written copy left
    assert MatcherStore(cache).load(entries[0].name) is not None
