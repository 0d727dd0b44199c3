"""The words of the mails the jobs worker writes (the notification digest, learning
reminders), in the account's language.

The jobs do not import webapp, so these mails are composed here. Their strings are English
msgids translated in the site's own catalogue: the extraction command in docs/development.md
reads this file besides webapp/, and the worker loads the compiled catalogue from the folder
the site hands it (JobContext.translations_dir) with the standard library's gettext. Without
a catalogue (or for English) the msgids are the text.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from catalogue.services.mail_links import MailLinks

Translate = Callable[[str], str]
# The notification kinds a digest names (catalogue/services/notifications.py); any other kind
# is listed with a general line, so a kind added later is never left out of the mail.
REPLY, UPLOAD_DONE, COLUMN_COURSE = "reply", "upload_done", "column_course"
FEEDBACK_REPLY, REVIEW_DECIDED = "feedback_reply", "review_decided"
DESK_REPLY = "desk_reply"
GROUP_NOTICE, GROUP_ASSIGNMENT = "group_notice", "group_assignment"
GOAL_BEHIND = "goal_behind"
CREDIT_RECOGNITION = "credit_recognition"
PERSONAL_DATA_READY = "personal_data_ready"


@cache
def _catalogue(folder: str, language: str) -> gettext.NullTranslations:
    return gettext.translation("messages", folder, languages=[language], fallback=True)


def translator(folder: Path | None, language: str) -> Translate:
    """The gettext function of `language` ("zh", "en") from the compiled catalogue in
    `folder` (webapp/translations); the English msgids when there is none."""
    if folder is None or language == "en":
        return gettext.NullTranslations().gettext
    return _catalogue(str(folder), language).gettext


@dataclass(frozen=True)
class Mail:
    """A composed plain-text mail."""

    subject: str
    body: str


@dataclass(frozen=True)
class DigestItem:
    """One notification as the digest lists it."""

    id: int
    kind: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ReminderCourse:
    """A course the learner started and left."""

    course_id: int
    title: str


def _body(paragraphs: Sequence[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def notification_text(_: Translate, kind: str, data: dict[str, Any]) -> str:
    """One notification in words (the same words as the notifications page)."""
    if kind == REPLY:
        return _("%(name)s replied to your comment on “%(course)s”") % {
            "name": data.get("author", ""),
            "course": data.get("course_title", ""),
        }
    if kind == UPLOAD_DONE:
        values = {
            "file": data.get("filename", ""),
            "created": data.get("created", 0),
            "updated": data.get("updated", 0),
            "rejected": data.get("rejected", 0),
        }
        if data.get("status") == "applied":
            text = (
                _(
                    "Your upload “%(file)s” was applied: %(created)s new, %(updated)s updated, "
                    "%(rejected)s rows with problems."
                )
                % values
            )
            if data.get("waiting"):
                text += " " + _("%(count)s courses wait for an editor's review.") % {
                    "count": data["waiting"]
                }
            return text
        if data.get("status") == "rejected":
            return _("Your upload “%(file)s” was not applied: %(rejected)s rows have problems.") % (
                values
            )
        return _("Your upload “%(file)s” could not be processed.") % values
    if kind == COLUMN_COURSE:
        values = {"column": data.get("column_title", ""), "course": data.get("course_title", "")}
        if data.get("more"):
            return _("New courses in the column “%(column)s”, the latest “%(course)s”") % values
        return _("New in the column “%(column)s”: “%(course)s”") % values
    if kind == FEEDBACK_REPLY:
        return _("%(provider)s answered your feedback on “%(course)s”") % {
            "provider": data.get("provider", ""),
            "course": data.get("course_title", ""),
        }
    if kind == REVIEW_DECIDED:
        values = {"course": data.get("course_title", ""), "reason": data.get("reason") or ""}
        if data.get("approved"):
            return _("“%(course)s” was approved by the editors and is live.") % values
        return _("“%(course)s” was not approved: %(reason)s") % values
    if kind == DESK_REPLY:
        return _("Support replied to your question: “%(excerpt)s”") % {
            "excerpt": data.get("excerpt", "")
        }
    if kind == GROUP_NOTICE:
        return _("A notice in your group “%(group)s”: “%(excerpt)s”") % {
            "group": data.get("group_name", ""),
            "excerpt": data.get("excerpt", ""),
        }
    if kind == GROUP_ASSIGNMENT:
        return _("Your group “%(group)s” assigned the course “%(course)s”") % {
            "group": data.get("group_name", ""),
            "course": data.get("course_title", ""),
        }
    if kind == GOAL_BEHIND:
        return _(
            "Your week is behind your goal: %(done)s of %(target)s minutes so far. "
            "A short lesson today helps."
        ) % {"done": data.get("done_minutes", 0), "target": data.get("weekly_minutes", 0)}
    if kind == CREDIT_RECOGNITION:
        values = {"title": data.get("title", ""), "credits": data.get("credits", "")}
        if data.get("accepted"):
            return _("Your outcome “%(title)s” was recognised: %(credits)s credits.") % values
        return _("Your outcome “%(title)s” was not recognised. See the reason.") % values
    if kind == PERSONAL_DATA_READY:
        return _("The copy of your personal data is ready to download. The link works for 7 days.")
    return _("You have a new notification.")


DIGEST_ITEMS = 20


def digest_mail(
    _: Translate, name: str, user_id: int, items: Sequence[DigestItem], links: MailLinks
) -> Mail:
    """The daily digest: each unread notification not mailed before, with its link (at most
    DIGEST_ITEMS; the rest are counted), and the link that stops the digest."""
    shown = items[:DIGEST_ITEMS]
    lines = [
        f"• {notification_text(_, item.kind, item.data)}\n  {links.notification(item.id)}"
        for item in shown
    ]
    paragraphs = [
        _("Hello %(name)s,") % {"name": name},
        _("Here is what is new for you on the learning site:"),
        *lines,
    ]
    if len(items) > len(shown):
        paragraphs.append(
            _("And %(count)s more: %(link)s")
            % {"count": len(items) - len(shown), "link": links.notifications()}
        )
    else:
        paragraphs.append(_("All your notifications: %(link)s") % {"link": links.notifications()})
    paragraphs += [
        _(
            "We send this mail at most once a day, only when there is something new you have "
            "not read. To stop it, open this link (no need to log in):"
        ),
        links.stop(user_id, "digest"),
    ]
    subject = _("%(count)s new notifications for you") % {"count": len(items)}
    return Mail(subject, _body(paragraphs))


def reminder_mail(
    _: Translate,
    name: str,
    user_id: int,
    period: str,
    courses: Sequence[ReminderCourse],
    links: MailLinks,
) -> Mail:
    """A learning reminder: the courses the learner started and left, each with its link, and
    the link that stops the reminders."""
    lines = [f"• {course.title}\n  {links.course(course.course_id)}" for course in courses]
    often = (
        _("You asked for a reminder at most once a day.")
        if period == "daily"
        else _("You asked for a reminder at most once a week.")
    )
    paragraphs = [
        _("Hello %(name)s,") % {"name": name},
        _("You started these courses and have not been back for a few days. Continue here:"),
        *lines,
        often
        + " "
        + _("To change how often, go to your account: %(link)s") % {"link": links.account()},
        _("To stop these reminders, open this link (no need to log in):"),
        links.stop(user_id, "reminders"),
    ]
    return Mail(_("Continue where you left off"), _body(paragraphs))
