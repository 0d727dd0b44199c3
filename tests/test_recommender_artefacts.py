"""Model versions: written whole, validated, promoted atomically, rolled back, pruned."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.artefacts import ArtefactError, ModelStore


def write(store: ModelStore, seed: int = 0, **meta) -> str:
    rng = np.random.default_rng(seed)
    return store.write(
        rng.random((3, 4), dtype=np.float32),
        rng.random((5, 4), dtype=np.float32),
        np.array([10, 11, 15]),
        np.array([1, 2, 3, 7, 9]),
        {"metrics": {"ndcg": 0.1}, **meta},
    )


def test_a_written_version_is_not_current_until_promoted(tmp_path):
    store = ModelStore(tmp_path)
    name = write(store)
    assert store.versions() == [name] and store.current() is None
    assert store.current_model() is None
    store.promote(name)
    model = store.current_model()
    assert model.version == name and model.meta["version"] == name
    assert model.user_row(15) == 2 and model.user_row(12) is None and model.item_row(9) == 4
    assert store.current_model() is model  # loaded once per version


def test_workers_pick_up_a_new_version_on_their_next_request(tmp_path):
    store = ModelStore(tmp_path)
    first = write(store, 1)
    store.promote(first)
    reader = ModelStore(tmp_path)  # another worker's view of the same directory
    assert reader.current_model().version == first
    second = write(store, 2)
    store.promote(second)
    assert reader.current_model().version == second


def test_rollback_returns_to_the_previous_version_and_back(tmp_path):
    store = ModelStore(tmp_path)
    with pytest.raises(ArtefactError):
        store.rollback()
    first, second = write(store, 1), write(store, 2)
    store.promote(first)
    store.promote(second)
    assert store.rollback() == first and store.current() == first
    assert store.rollback() == second and store.current() == second


def test_prune_keeps_the_newest_and_never_the_live_ones(tmp_path):
    store = ModelStore(tmp_path)
    names = [write(store, n) for n in range(5)]
    store.promote(names[0])
    store.promote(names[1])
    (tmp_path / ".v-00000000000000000001.tmp").mkdir()  # left by a run that died
    doomed = store.prune(keep=2)
    assert set(doomed) == set(names[2:3])
    assert store.versions() == [names[0], names[1], names[3], names[4]]
    assert not list(tmp_path.glob(".v-*.tmp"))


@pytest.mark.parametrize(
    ("users", "items", "user_ids", "item_ids", "problem"),
    [
        (np.ones((3, 4)), np.ones((5, 3)), [1, 2, 3], [1, 2, 3, 4, 5], "width"),
        (np.ones((3, 4)), np.ones((5, 4)), [1, 2], [1, 2, 3, 4, 5], "length"),
        (np.ones((3, 4)), np.ones((5, 4)), [1, 3, 2], [1, 2, 3, 4, 5], "increasing"),
        (np.full((3, 4), np.nan), np.ones((5, 4)), [1, 2, 3], [1, 2, 3, 4, 5], "NaN"),
    ],
)
def test_inconsistent_factors_are_refused(tmp_path, users, items, user_ids, item_ids, problem):
    store = ModelStore(tmp_path)
    with pytest.raises(ArtefactError, match=problem):
        store.write(users, items, np.array(user_ids), np.array(item_ids), {})
    assert store.versions() == []


def test_a_damaged_version_cannot_be_promoted(tmp_path):
    store = ModelStore(tmp_path)
    good = write(store, 1)
    store.promote(good)
    bad = write(store, 2)
    (tmp_path / bad / "factors.npz").write_bytes(b"not a zip file")
    with pytest.raises(ArtefactError):
        store.promote(bad)
    assert store.current() == good
