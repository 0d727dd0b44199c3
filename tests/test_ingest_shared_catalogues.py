"""Every real catalogue in ../shared/data/catalogues goes through the whole ingestion.

Counts and codes below are what these public files hold (see docs/ingestion.md): edX has 7
summaries over 500 characters and one repeated course URL; Coursera has long summaries and
courses with more than 20 skills; Udemy has 6 repeated rows; MIT reuses course numbers across
offerings; icourse163 has 12 "null" titles.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalogue.ingest import service as ingest
from catalogue.models import Area, Course, IndexOutbox, Level, UploadError
from tests.helpers import make_provider
from tests.ingest_helpers import run_file

CASES = {
    "edx/edx_courses.csv": (975, 967, {"TOO_LONG": 7, "DUPLICATE_IN_FILE": 1}),
    "coursera/coursera_courses.csv": (1000, 856, {"TOO_LONG": 81, "TOO_MANY_TAGS": 93}),
    "udemy/udemy_courses.csv": (3678, 3672, {"DUPLICATE_IN_FILE": 6}),
    "mit-ocw/mit.csv": (3264, 2659, {"DUPLICATE_IN_FILE": 605}),
    "icourse163/icourse163_courserating.xlsx": (7250, 7238, {"MISSING_TITLE": 12}),
    "icourse163/icourse163_courserating.csv": (7250, 7238, {"MISSING_TITLE": 12}),
}
OPTIONS = ingest.UploadOptions(default_area=Area.CONTINUING)


def _ingest(engine, provider_id: int, path: Path, upload_dir: Path):
    return run_file(
        engine, provider_id, path.read_bytes(), upload_dir, filename=path.name, options=OPTIONS
    )


def _codes(session, upload) -> dict[str, int]:
    codes = session.scalars(select(UploadError.code).where(UploadError.upload_id == upload.id))
    return dict(Counter(codes))


@pytest.mark.parametrize("name", sorted(CASES))
def test_catalogue_ingests_with_expected_counts_and_round_trips(
    name, engine, session, shared_data, tmp_path
):
    rows, created, codes = CASES[name]
    provider = make_provider(session, name)
    session.commit()
    first = _ingest(engine, provider.id, shared_data / "catalogues" / name, tmp_path)
    assert first.status.value == "applied"
    assert (first.total_rows, first.created, first.rejected) == (rows, created, rows - created)
    assert _codes(session, first) == codes
    assert session.scalar(select(func.count()).select_from(Course)) == created
    assert session.scalar(select(func.count()).select_from(IndexOutbox)) == created
    again = _ingest(engine, provider.id, shared_data / "catalogues" / name, tmp_path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, created)
    assert session.scalar(select(func.count()).select_from(IndexOutbox)) == created


def test_values_are_read_as_the_partner_meant(engine, session, shared_data, tmp_path):
    files = shared_data / "catalogues"
    udemy, edx = make_provider(session, "Udemy"), make_provider(session, "edX")
    session.commit()
    _ingest(engine, udemy.id, files / "udemy/udemy_courses.csv", tmp_path)
    _ingest(engine, edx.id, files / "edx/edx_courses.csv", tmp_path)
    banking = session.scalar(select(Course).where(Course.external_id == "1070968"))
    assert banking.title == "Ultimate Investment Banking Course"
    assert (banking.duration_minutes, banking.lesson_count) == (90, 51)  # 1.5 hours, 51 lectures
    assert (banking.is_free, banking.price_cents, banking.level) == (False, 20000, Level.ALL)
    # Udemy's file has no language column: the language is told from the title, not assumed.
    assert banking.language == "en"
    languages = Counter(
        session.scalars(select(Course.language).where(Course.provider_id == udemy.id))
    )
    assert languages["en"] / sum(languages.values()) >= 0.9 and languages["zh"] < 10
    online = session.scalar(select(Course).where(Course.title == "How to Learn Online"))
    # "2 Weeks" at "2–3 hours per week"; the verified certificate is optional, the course free.
    assert (online.duration_minutes, online.is_free, online.level) == (300, True, Level.BEGINNER)
    assert online.language == "en" and online.area == Area.CONTINUING
    assert online.source_url == "https://www.edx.org/course/how-to-learn-online"


def test_the_xlsx_and_csv_of_one_catalogue_are_the_same_courses(
    engine, session, shared_data, tmp_path
):
    provider = make_provider(session, "中国大学MOOC")
    session.commit()
    folder = shared_data / "catalogues" / "icourse163"
    xlsx = _ingest(engine, provider.id, folder / "icourse163_courserating.xlsx", tmp_path)
    csv_upload = _ingest(engine, provider.id, folder / "icourse163_courserating.csv", tmp_path)
    assert xlsx.created == 7238
    assert (csv_upload.created, csv_upload.updated, csv_upload.unchanged) == (0, 0, 7238)
    # The same course name at different schools stays different courses.
    same_name = session.scalar(
        select(func.count()).select_from(Course).where(Course.title == "形势与政策")
    )
    assert same_name > 1
