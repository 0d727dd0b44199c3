"""Each web process reads the search index's arrays in the background as it starts, so the
first searches do not wait for them; without an index it does nothing and says so."""

from __future__ import annotations

from search import service
from search.indexer import rebuild
from tests.helpers import make_course
from webapp.db import get_database
from webapp.search_index import warm_in_background


def _cached_arrays() -> int:
    return len(service._ENGINE.segments._arrays._items) + len(service._ENGINE.facets._codes._items)


def test_a_process_warms_its_search_in_the_background(app, session):
    for n in range(3):
        make_course(session, title=f"预热课程 {n}")
    session.commit()
    store = app.extensions["lifelong.search"].store
    rebuild(get_database(app).sessions, store)
    service._ENGINE.segments._arrays._items.clear()
    service._ENGINE.facets._codes._items.clear()
    thread = warm_in_background(app)
    thread.join(30)
    assert not thread.is_alive()
    assert _cached_arrays() > 5  # facet codes, sort columns and lengths of the segment


def test_warming_without_an_index_does_nothing(app):
    store = app.extensions["lifelong.search"].store
    assert service.warm(store) is False
    thread = warm_in_background(app)
    thread.join(10)
    assert not thread.is_alive()


def test_a_new_web_worker_reads_the_index_before_it_takes_requests(app, session):
    """gunicorn's post_worker_init hook returns only once the arrays are read, telling the
    arbiter it is alive meanwhile (so the other worker serves, and no learner waits)."""
    from webapp.server import _post_worker_init

    for n in range(3):
        make_course(session, title=f"新进程课程 {n}")
    session.commit()
    rebuild(get_database(app).sessions, app.extensions["lifelong.search"].store)
    service._ENGINE.segments._arrays._items.clear()
    service._ENGINE.facets._codes._items.clear()

    class Worker:
        wsgi = app
        beats = 0

        def notify(self) -> None:
            self.beats += 1

    worker = Worker()
    _post_worker_init(worker)
    # Read by the time the hook returns (not merely started in the background).
    assert _cached_arrays() > 5
