"""The demo's playable media: a few short narrated clips with subtitles, made by this project.

`python -m catalogue.demo.media build` (a developer's command; needs Debian's espeak-ng and
ffmpeg) speaks each clip's sentences with espeak-ng, writes the subtitles (WebVTT) from the
exact length of each spoken sentence, and encodes the clip as HLS (4-second MPEG-TS segments,
H.264 and AAC); one clip is also encoded as a single WebM file. The results and a manifest
live in `catalogue/demo/media/` and are committed (a few hundred kilobytes in all).

A demo lesson of any length plays one of the clips over and over: `lesson_playlist()` writes an
HLS playlist that repeats the clip's segments (a discontinuity at each repeat) until the
lesson's length, and `lesson_captions()` repeats the subtitles to match. So the lesson's
stated length is what the player plays, and finishing it counts, with one clip on disk.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MEDIA_DIR = Path(__file__).resolve().parent / "media"
MANIFEST = MEDIA_DIR / "manifest.json"
SEGMENT_SECONDS = 4
PAUSE_SECONDS = 0.6  # silence after each sentence
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
# One clip is also encoded as a single WebM file: lessons that link a media file play so.
WEBM_CLIP = "welcome-zh"


@dataclass(frozen=True)
class ClipText:
    """What one clip says."""

    slug: str
    kind: str  # "video" or "audio"
    language: str  # "zh" or "en"
    title: str
    sentences: tuple[str, ...]


CLIPS: tuple[ClipText, ...] = (
    ClipText(
        "welcome-zh",
        "video",
        "zh",
        "欢迎来到终身学习平台",
        (
            "欢迎来到终身学习平台的示范课。",
            "这一讲告诉您怎样使用课程播放器。",
            "点击播放按钮开始学习，再点一次就会暂停。",
            "觉得太快，可以把播放速度调成零点七五倍；想快一点，可以调到一点五倍或者两倍。",
            "打开字幕，每句话都会显示在画面下方，右边的文字稿也可以搜索。",
            "下次回来，播放器会从您上次停下的地方继续。",
            "看到一半有想法，就在下面记一条笔记吧。",
        ),
    ),
    ClipText(
        "taiji-zh",
        "video",
        "zh",
        "太极拳：呼吸与站桩",
        (
            "太极拳讲究松、静、慢。",
            "请您两脚分开，与肩同宽，膝盖微微弯曲。",
            "双手慢慢抬到胸前，好像抱着一个大球。",
            "用鼻子慢慢吸气，数到四；再慢慢呼气，也数到四。",
            "肩膀放松，不要耸肩，眼睛平视前方。",
            "每天站桩五分钟，身体会越来越轻松。",
            "如果感到头晕，请马上坐下休息。",
        ),
    ),
    ClipText(
        "phone-zh",
        "video",
        "zh",
        "智能手机：用微信发语音",
        (
            "今天我们学习用微信给家人发语音消息。",
            "先打开微信，点开要联系的人。",
            "点一下输入框左边的小喇叭图标。",
            "按住“按住说话”不要松手，对着手机说话。",
            "说完松开手指，语音就发出去了。",
            "如果想取消，按住的时候把手指往上滑就可以。",
            "多练习几次，您一定能学会。",
        ),
    ),
    ClipText(
        "welcome-en",
        "video",
        "en",
        "Welcome to lifelong learning",
        (
            "Welcome to the lifelong learning platform.",
            "This short lesson shows you how the course player works.",
            "Press play to start, and press it again to pause.",
            "You can slow the lesson down to three quarters of its speed, or speed it up.",
            "Turn on the captions to read along, and search the transcript beside the video.",
            "When you come back, the player starts where you stopped.",
            "Take a note at any moment, and it remembers the time.",
        ),
    ),
    ClipText(
        "health-zh",
        "audio",
        "zh",
        "养生小课堂：睡个好觉",
        (
            "欢迎收听养生小课堂。",
            "今天我们聊一聊怎样睡个好觉。",
            "每天尽量在同一时间上床，同一时间起床。",
            "睡前一小时，把手机和电视关掉。",
            "晚饭不要吃得太饱，也不要喝浓茶和咖啡。",
            "睡不着的时候，可以慢慢深呼吸，数一数自己的呼吸。",
            "坚持一段时间，睡眠就会慢慢变好。",
        ),
    ),
    ClipText(
        "study-en",
        "audio",
        "en",
        "Study tips: a little every day",
        (
            "Welcome to this short audio lesson on study habits.",
            "Learning a little every day works better than learning a lot once a week.",
            "Choose a fixed time, for example after breakfast.",
            "Start with ten minutes, and stop while it is still enjoyable.",
            "Write down one thing you learned, in your own words.",
            "Review your notes at the end of the week.",
            "Small steps add up to real progress.",
        ),
    ),
)


# -- reading the committed media (run time) ----------------------------------------------


@dataclass(frozen=True)
class Cue:
    """One subtitle: from, to (seconds) and the words."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Clip:
    """A built clip as the manifest describes it."""

    slug: str
    kind: str
    language: str
    title: str
    duration: float
    segments: tuple[tuple[str, float], ...]  # (file name, seconds) in order
    cues: tuple[Cue, ...]
    webm: str | None


@cache
def clips() -> dict[str, Clip]:
    """The built clips by slug (empty when the media were never built)."""
    if not MANIFEST.exists():
        return {}
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return {
        item["slug"]: Clip(
            slug=item["slug"],
            kind=item["kind"],
            language=item["language"],
            title=item["title"],
            duration=item["duration"],
            segments=tuple((name, seconds) for name, seconds in item["segments"]),
            cues=tuple(Cue(*cue) for cue in item["cues"]),
            webm=item.get("webm"),
        )
        for item in data["clips"]
    }


def clip_for(kind: str, language: str, seed: int) -> Clip | None:
    """A clip of that kind, in that language where there is one, picked by `seed`."""
    known = [c for c in clips().values() if c.kind == kind]
    matching = [c for c in known if c.language == language] or known
    return matching[seed % len(matching)] if matching else None


# Where the site serves the demo's media (webapp/views/lessons.py registers these paths).
URL_PREFIX = "/demo-media"


def lesson_urls(clip: Clip, seconds: int) -> tuple[str, str]:
    """The playlist and subtitle addresses of a demo lesson of `seconds` playing `clip`."""
    base = f"{URL_PREFIX}/lessons/{clip.slug}/{seconds}"
    return f"{base}.m3u8", f"{base}.vtt"


def _repeats(clip: Clip, seconds: int) -> int:
    return max(1, math.ceil(seconds / clip.duration))


def lesson_playlist(clip: Clip, seconds: int, segment_url: str) -> str:
    """An HLS VOD playlist that plays `clip` over and over for `seconds` (whole segments, so it
    may run a few seconds longer). `segment_url` is formatted with `name=` for each segment."""
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{math.ceil(max(s for _n, s in clip.segments))}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
    ]
    total = 0.0
    for repeat in range(_repeats(clip, seconds)):
        if repeat:
            lines.append("#EXT-X-DISCONTINUITY")
        for name, length in clip.segments:
            lines += [f"#EXTINF:{length:.3f},", segment_url.format(name=name)]
            total += length
            if total >= seconds:
                break
        if total >= seconds:
            break
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def _clock(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def captions(cues: list[Cue] | tuple[Cue, ...]) -> str:
    """WebVTT text of the cues."""
    lines = ["WEBVTT", ""]
    for n, cue in enumerate(cues, start=1):
        lines += [str(n), f"{_clock(cue.start)} --> {_clock(cue.end)}", cue.text, ""]
    return "\n".join(lines)


def lesson_cues(clip: Clip, seconds: int) -> list[Cue]:
    """The clip's subtitles repeated as `lesson_playlist` repeats the clip."""
    out = []
    for repeat in range(_repeats(clip, seconds)):
        offset = repeat * clip.duration
        for cue in clip.cues:
            if offset + cue.start >= seconds:
                return out
            out.append(Cue(offset + cue.start, offset + cue.end, cue.text))
    return out


def lesson_captions(clip: Clip, seconds: int) -> str:
    """WebVTT subtitles for a demo lesson of `seconds` playing `clip`."""
    return captions(lesson_cues(clip, seconds))


# -- building (a developer's command) ------------------------------------------------------


def _run(*command: str) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _speak(text: str, language: str, out: Path) -> None:
    voice = "cmn" if language == "zh" else "en-us"
    _run("espeak-ng", "-v", voice, "-s", "150" if language == "zh" else "155", "-w", str(out), text)


def _narrate(clip: ClipText, work: Path) -> tuple[Path, list[Cue]]:
    """One WAV of all sentences with a pause after each, and the cue of each sentence."""
    frames, cues, rate, at = [], [], 22050, 0.0
    for n, sentence in enumerate(clip.sentences):
        part = work / f"{clip.slug}-{n}.wav"
        _speak(sentence, clip.language, part)
        with wave.open(str(part)) as spoken:
            rate = spoken.getframerate()
            data = spoken.readframes(spoken.getnframes())
        length = len(data) / 2 / rate
        cues.append(Cue(round(at, 3), round(at + length, 3), sentence))
        frames.append(data + b"\0\0" * int(PAUSE_SECONDS * rate))
        at += length + PAUSE_SECONDS
    narration = work / f"{clip.slug}.wav"
    with wave.open(str(narration), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(frames))
    return narration, cues


_COLOURS = {"welcome": "0x1f5f8b", "taiji": "0x2e7d4f", "phone": "0x8b4a1f", "health": "0x5b3c88"}


_NOTE = {
    "zh": "示范片段 · 课时多长就循环播放多久",
    "en": "A demo clip · it repeats for as long as the lesson",
}


def _video_filter(clip: ClipText, duration: float) -> str:
    """A title card with a bar that grows with the time (so a seek shows on screen)."""
    title = clip.title.replace(":", r"\:").replace("：", r"\：")
    return (
        f"[0:v]drawtext=fontfile={FONT}:text='{title}':fontcolor=white:fontsize=34:"
        "x=(w-text_w)/2:y=(h-text_h)/2-30,"
        f"drawtext=fontfile={FONT}:text='{_NOTE[clip.language]}':fontcolor=white@0.8:"
        "fontsize=18:x=(w-text_w)/2:y=(h/2)+30[card];"
        f"color=c=white:s=560x10:r=10:d={duration:.3f}[bar];"
        f"[card][bar]overlay=x='40-560+560*t/{duration:.3f}':y=310:shortest=1[v]"
    )


def build_clip(clip: ClipText, out_dir: Path, work: Path) -> dict:
    """Speak, subtitle and encode one clip; returns its manifest entry."""
    narration, cues = _narrate(clip, work)
    with wave.open(str(narration)) as spoken:
        duration = spoken.getnframes() / spoken.getframerate()
    colour = _COLOURS.get(clip.slug.split("-")[0], "0x33475b")
    hls_dir = out_dir / clip.slug
    shutil.rmtree(hls_dir, ignore_errors=True)
    hls_dir.mkdir(parents=True)
    picture = ["-f", "lavfi", "-i", f"color=c={colour}:s=640x360:r=10:d={duration:.3f}"]
    if clip.kind == "video":
        inputs = [*picture, "-i", str(narration)]
        video = [
            "-filter_complex", _video_filter(clip, duration), "-map", "[v]", "-map", "1:a",
            "-c:v", "libx264", "-preset", "veryslow",
            "-tune", "stillimage", "-crf", "32", "-pix_fmt", "yuv420p", "-profile:v", "main",
            "-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT_SECONDS})",
        ]  # fmt: skip
    else:
        inputs, video = ["-i", str(narration)], ["-vn"]
    _run(
        "ffmpeg", "-y", "-loglevel", "error", *inputs, *video,
        "-c:a", "aac", "-b:a", "32k", "-ac", "1", "-ar", "22050", "-shortest",
        "-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_playlist_type", "vod",
        "-hls_segment_filename", str(hls_dir / "%02d.ts"), str(hls_dir / "clip.m3u8"),
    )  # fmt: skip
    segments = _segments(hls_dir / "clip.m3u8")
    webm = None
    if clip.slug == WEBM_CLIP:
        webm = f"{clip.slug}.webm"
        _run(
            "ffmpeg", "-y", "-loglevel", "error", *picture, "-i", str(narration),
            "-filter_complex", _video_filter(clip, duration), "-map", "[v]", "-map", "1:a",
            "-c:v", "libvpx-vp9", "-crf", "45", "-b:v", "0",
            "-row-mt", "1", "-c:a", "libopus", "-b:a", "24k", "-ac", "1", "-shortest",
            str(out_dir / webm),
        )  # fmt: skip
    (out_dir / f"{clip.slug}.vtt").write_text(captions(cues), encoding="utf-8")
    return {
        "slug": clip.slug,
        "kind": clip.kind,
        "language": clip.language,
        "title": clip.title,
        "duration": round(sum(seconds for _name, seconds in segments), 3),
        "segments": [[f"{clip.slug}/{name}", seconds] for name, seconds in segments],
        "cues": [[c.start, c.end, c.text] for c in cues],
        "webm": webm,
    }


def _segments(playlist: Path) -> list[tuple[str, float]]:
    found, length = [], None
    for line in playlist.read_text().splitlines():
        match = re.match(r"#EXTINF:([\d.]+)", line)
        if match:
            length = float(match.group(1))
        elif line and not line.startswith("#") and length is not None:
            found.append((line, length))
            length = None
    return found


def build(out_dir: Path = MEDIA_DIR) -> None:
    """Build every clip into `out_dir` and write the manifest."""
    for tool in ("espeak-ng", "ffmpeg"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed: apt-get install espeak-ng ffmpeg")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        entries = [build_clip(clip, out_dir, Path(work)) for clip in CLIPS]
    manifest = {"segment_seconds": SEGMENT_SECONDS, "clips": entries}
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    clips.cache_clear()


if __name__ == "__main__":
    if sys.argv[1:] != ["build"]:
        raise SystemExit("usage: python -m catalogue.demo.media build")
    build()
