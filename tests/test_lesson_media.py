"""What lessons play and show: the demo's own clips (built by catalogue/demo/media.py and
served by the site), HLS playlists that repeat a clip for a lesson's length with matching
subtitles, reading lessons rendered from partners' Markdown or HTML through a sanitiser."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalogue.demo import media
from catalogue.models import BodyFormat, Lesson, MediaType
from catalogue.services import reading
from catalogue.services.courses import CourseData, LessonData, create_course
from tests.helpers import make_provider

EXTINF = re.compile(r"#EXTINF:([\d.]+),\n(\S+)")
CUE = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)")


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def test_the_demo_clips_are_built_and_every_file_they_name_exists():
    clips = media.clips()
    assert {c.kind for c in clips.values()} == {"video", "audio"}
    assert {c.language for c in clips.values()} == {"zh", "en"}
    for clip in clips.values():
        assert 20 < clip.duration < 120
        assert abs(sum(s for _n, s in clip.segments) - clip.duration) < 0.01
        for name, _seconds in clip.segments:
            assert (media.MEDIA_DIR / name).read_bytes()[:1] == b"\x47"  # MPEG-TS
        assert len(clip.cues) == len(next(c for c in media.CLIPS if c.slug == clip.slug).sentences)
        starts = [cue.start for cue in clip.cues]
        assert starts == sorted(starts) and clip.cues[-1].end <= clip.duration
    assert (media.MEDIA_DIR / clips[media.WEBM_CLIP].webm).read_bytes()[:4] == b"\x1aE\xdf\xa3"


@pytest.mark.parametrize("seconds", [5, 31, 600, 3 * 3600 + 7])
def test_a_lesson_playlist_repeats_the_clip_for_the_lessons_length(seconds):
    clip = media.clips()["taiji-zh"]
    text = media.lesson_playlist(clip, seconds, "/seg/{name}")
    assert text.startswith("#EXTM3U") and text.rstrip().endswith("#EXT-X-ENDLIST")
    entries = EXTINF.findall(text)
    total = sum(float(length) for length, _url in entries)
    longest = max(s for _n, s in clip.segments)
    assert seconds <= total < seconds + longest + 0.01
    names = [url.removeprefix("/seg/") for _length, url in entries]
    assert names[: len(clip.segments)] == [n for n, _s in clip.segments][: len(names)]
    repeats = text.count("#EXT-X-DISCONTINUITY")
    assert repeats == names.count(clip.segments[0][0]) - 1  # one at each new start of the clip


def test_lesson_subtitles_follow_the_repeats_and_stop_at_the_lessons_end():
    clip = media.clips()["welcome-zh"]
    seconds = int(clip.duration * 2.5)
    text = media.lesson_captions(clip, seconds)
    assert text.startswith("WEBVTT\n")
    times = [(_seconds(*m.groups()[:4]), _seconds(*m.groups()[4:])) for m in CUE.finditer(text)]
    assert len(times) > 2 * len(clip.cues)
    assert all(a < b for a, b in times) and all(a < seconds for a, _b in times)
    assert [a for a, _b in times] == sorted(a for a, _b in times)
    third = times[2 * len(clip.cues)][0]  # the first line of the third time round
    assert third == pytest.approx(2 * clip.duration + clip.cues[0].start, abs=0.002)
    assert clip.cues[0].text in text


def test_the_site_serves_demo_playlists_segments_and_subtitles(client):
    clip = media.clips()["phone-zh"]
    playlist_url, captions_url = media.lesson_urls(clip, 125)
    answer = client.get(playlist_url)
    assert answer.status_code == 200
    assert answer.mimetype == "application/vnd.apple.mpegurl"
    assert "max-age" in answer.headers["Cache-Control"]
    segment = EXTINF.findall(answer.get_data(as_text=True))[0][1]
    data = client.get(segment)
    assert data.status_code == 200 and data.data[:1] == b"\x47"  # an MPEG-TS packet
    part = client.get(segment, headers={"Range": "bytes=0-187"})
    assert part.status_code == 206 and len(part.data) == 188
    vtt = client.get(captions_url)
    assert vtt.status_code == 200 and vtt.mimetype == "text/vtt"
    assert clip.cues[0].text in vtt.get_data(as_text=True)
    for missing in (
        "/demo-media/lessons/no-such-clip/60.m3u8",
        f"/demo-media/lessons/{clip.slug}/0.m3u8",
        f"/demo-media/lessons/{clip.slug}/999999.vtt",
        "/demo-media/../catalogue/db.py",
        "/demo-media/%2e%2e/media.py",
    ):
        assert client.get(missing).status_code == 404, missing


def test_partners_html_and_markdown_are_cleaned_before_they_are_shown():
    dirty = (
        '<h1 onclick="steal()">标题</h1><script>alert(1)</script>'
        '<p style="position:fixed">正文<img src="https://img.example.org/a.png" onerror="x()">'
        '<a href="javascript:alert(1)">坏链接</a><a href="https://ok.example.org">好链接</a></p>'
        "<iframe src='https://evil.example.org'></iframe>"
    )
    html = reading.render(dirty, BodyFormat.HTML)
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe", "style=", "<h1"):
        assert bad not in html, bad
    assert "<h2>标题</h2>" in html and 'src="https://img.example.org/a.png"' in html
    assert 'href="https://ok.example.org" rel="noopener noreferrer nofollow"' in html
    markdown = reading.render("# 第一章\n\n**要点**：先站桩。\n\n<script>x()</script>", "markdown")
    assert "<h2>第一章</h2>" in markdown and "<strong>要点</strong>" in markdown
    assert "<script" not in markdown


def test_reading_time_counts_chinese_characters_and_english_words():
    assert reading.reading_seconds("字" * 600) == 120  # 300 characters a minute
    assert reading.reading_seconds(" ".join(["word"] * 400)) == 120  # 200 words a minute
    assert reading.reading_seconds("短") == 30  # never less than half a minute


def _course(session, lessons):
    provider = make_provider(session).id
    course = create_course(
        session,
        provider,
        CourseData(external_id="m-1", title="示范课", area="elderly", lessons=lessons),
        publish=True,
    )
    session.commit()
    ids = session.scalars(
        select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).all()
    return course.id, ids


def test_a_stream_lesson_gets_hls_js_subtitles_and_a_transcript(client, session):
    clip = media.clips()["taiji-zh"]
    url, captions = media.lesson_urls(clip, 90)
    course, (lesson,) = _course(
        session,
        [LessonData(title="站桩", duration_seconds=90, url=url, captions_url=captions)],
    )
    page = client.get(f"/courses/{course}/lessons/{lesson}").get_data(as_text=True)
    assert f'data-stream="{url}"' in page and "hls.light.min.js" in page
    assert f'<track kind="captions" src="{captions}" srclang="zh"' in page
    assert 'class="transcript"' in page and "<media-playback-rate-button" in page
    assert 'rates="0.75 1 1.25 1.5 2"' in page


def test_a_reading_lesson_is_shown_on_the_site_cleaned_with_its_reading_time(client, session):
    body = "# 读前须知\n\n慢慢读，**不要急**。\n\n<script>alert(1)</script>" + "读" * 590
    course, (lesson,) = _course(
        session, [LessonData(title="第一章", media_type=MediaType.TEXT, body=body)]
    )
    stored = session.get(Lesson, lesson)
    assert stored.body_format == BodyFormat.MARKDOWN
    assert stored.duration_seconds == 120  # estimated from the text: about 600 characters
    page = client.get(f"/courses/{course}/lessons/{lesson}").get_data(as_text=True)
    assert "<h2>读前须知</h2>" in page and "<strong>不要急</strong>" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" not in page
    assert 'class="reading-body"' in page and "<video" not in page
    assert "I stopped at" not in page and "分:秒" not in page  # no typed position for reading


def test_a_lesson_file_that_is_not_a_stream_plays_without_hls_js(client, session):
    course, (lesson,) = _course(
        session,
        [LessonData(title="录像", duration_seconds=60, url="https://cdn.example.org/v/1.webm")],
    )
    page = client.get(f"/courses/{course}/lessons/{lesson}").get_data(as_text=True)
    assert 'src="https://cdn.example.org/v/1.webm"' in page
    assert "hls.light.min.js" not in page and "data-stream" not in page
