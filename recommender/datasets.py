"""Public interaction datasets in `../shared/data/interactions`, read for evaluation only.

MOOCCubeX (XuetangX enrolments, KGAT format): `train.txt` and `test.txt`, each line a learner
id followed by course ids; test.txt holds one course per learner. MovieLens 100k: `u.data`,
tab-separated user, item, rating, timestamp.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from recommender.evaluation import Split


def _read_lists(path: Path) -> tuple[np.ndarray, np.ndarray]:
    users: list[int] = []
    items: list[int] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        user = int(parts[0])
        users += [user] * (len(parts) - 1)
        items += [int(p) for p in parts[1:]]
    return np.asarray(users, dtype=np.int64), np.asarray(items, dtype=np.int64)


def mooccubex(folder: Path | str) -> Split:
    """The XuetangX split as given: training enrolments and one held-out course per learner."""
    folder = Path(folder)
    train_users, train_items = _read_lists(folder / "train.txt")
    test_users, test_items = _read_lists(folder / "test.txt")
    shape = (
        int(max(train_users.max(), test_users.max())) + 1,
        int(max(train_items.max(), test_items.max())) + 1,
    )
    train = sp.csr_matrix(
        (np.ones(len(train_users), dtype=np.float32), (train_users, train_items)), shape=shape
    )
    train.data[:] = 1.0  # an enrolment listed twice is still one enrolment
    held = sp.csr_matrix(
        (np.ones(len(test_users), dtype=np.float32), (test_users, test_items)), shape=shape
    )
    return Split(train, np.unique(test_users), held)


def movielens_100k(folder: Path | str) -> Split:
    """MovieLens 100k as implicit feedback (every rating is a positive), each user's most
    recent rating held out."""
    users, items, times = movielens_events(folder)
    order = np.lexsort((times, users))
    users, items, times = users[order], items[order], times[order]
    last = np.flatnonzero(np.r_[users[1:] != users[:-1], True])
    shape = (int(users.max()) + 1, int(items.max()) + 1)
    held_mask = np.zeros(len(users), dtype=bool)
    held_mask[last] = True
    train = sp.csr_matrix(
        (np.ones((~held_mask).sum(), dtype=np.float32), (users[~held_mask], items[~held_mask])),
        shape=shape,
    )
    held = sp.csr_matrix(
        (np.ones(held_mask.sum(), dtype=np.float32), (users[held_mask], items[held_mask])),
        shape=shape,
    )
    stamps = sp.csr_matrix(
        (times[~held_mask].astype(np.float64), (users[~held_mask], items[~held_mask])),
        shape=shape,
    )
    return Split(train, np.unique(users[held_mask]), held, times=stamps)


def movielens_events(folder: Path | str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MovieLens 100k ratings as (user ids, item ids, epoch seconds), in file order."""
    data = np.loadtxt(Path(folder) / "u.data", dtype=np.int64)
    return data[:, 0], data[:, 1], data[:, 3]
