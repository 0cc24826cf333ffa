"""What an answer form showed, so a save writes only what the person changed. Pure: no Flask, no SQLAlchemy.

A section's form re-posts every field, the untouched ones with the values they were rendered with. Two
people (or two tabs) saving the same section would otherwise each write back their stale copy of the
other's changes, and all but the last change would vanish. So each question's form carries a token
``seen`` naming what it showed: a short fingerprint of the answer (value and "not applicable") and one of
the comment. On save (``assessments.save``) a part whose posted fingerprint equals the token was not
touched and is not written; a part the person changed is written, unless it also changed on the server
since the page was rendered, in which case it is refused with the value now stored, the person's input is
kept on the page, and the rest of the section is saved.

The token is only a fingerprint of what the person could already see; a forged one can only make their
own save overwrite or refuse their own change, which the form lets them do anyway.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from vendorcheck.questionnaire.model import Question, Questionnaire

DIGEST_CHARS = 16
HIDDEN = "This question is not asked given your other answers, so it takes no answer; nothing was saved for it."
KEPT = "Your entry is kept below: save again to replace theirs, or clear it to keep theirs."


def _normal(value: Any) -> Any:
    """The value as a fingerprint sees it: browsers send line breaks as CR LF, however they were stored."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def fingerprint(value: Any) -> str:
    """A short digest of a JSON-able value (the answer part or the comment)."""
    data = json.dumps(_normal(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:DIGEST_CHARS]


@dataclass(frozen=True)
class Seen:
    """The fingerprints of an answer and its comment as a form showed them."""

    answer: str
    comment: str

    @classmethod
    def of(cls, value: Any, not_applicable: bool, comment: str | None) -> Seen:
        """What a form shows for this stored state."""
        return cls(fingerprint([value, not_applicable]), fingerprint(comment))

    @property
    def token(self) -> str:
        """The form field's value."""
        return f"{self.answer}.{self.comment}"

    @classmethod
    def parse(cls, token: str | None) -> Seen | None:
        """The token a form sent back; None if absent or malformed (then the save compares with the stored state)."""
        answer, dot, comment = (token or "").partition(".")
        if not dot or len(answer) != DIGEST_CHARS or len(comment) != DIGEST_CHARS:
            return None
        if not all(ch in "0123456789abcdef" for ch in answer + comment):
            return None
        return cls(answer, comment)


@dataclass(frozen=True)
class AnswerState:
    """An answer's parts: stored, posted, or as a save would leave it."""

    value: Any
    not_applicable: bool
    comment: str | None
    EMPTY: ClassVar[AnswerState]

    @property
    def stores_something(self) -> bool:
        """False for the state of a question never answered."""
        return self.value is not None or self.not_applicable or self.comment is not None


AnswerState.EMPTY = AnswerState(None, False, None)


def merge(
    question: Question, now: AnswerState, posted: AnswerState, seen: Seen | None
) -> tuple[AnswerState | None, str]:
    """What to store for one posted answer (None: nothing changes) and the conflict to report ("" if none).

    Without ``seen`` the posted state is stored. With it, each part (answer, comment) the person did not
    change keeps the stored state, and a part they changed that someone else changed meanwhile is refused.
    """
    value, not_applicable, comment = posted.value, posted.not_applicable, posted.comment
    conflicts: list[str] = []
    if seen is not None:
        mine, theirs = fingerprint([value, not_applicable]), fingerprint([now.value, now.not_applicable])
        if mine == seen.answer or (theirs != seen.answer and mine != theirs):
            if mine != seen.answer:
                shown = "not applicable" if now.not_applicable else (question.display(now.value) or "no answer")
                conflicts.append(f"This answer was changed by someone else since you opened this page: now “{shown}”.")
            value, not_applicable = now.value, now.not_applicable
        mine, theirs = fingerprint(comment), fingerprint(now.comment)
        if mine == seen.comment or (theirs != seen.comment and mine != theirs):
            if mine != seen.comment:
                shown = _clip(now.comment) or "no comment"
                conflicts.append(f"The comment was changed by someone else since you opened this page: now “{shown}”.")
            comment = now.comment
    message = " ".join([*conflicts, KEPT]) if conflicts else ""
    change = AnswerState(value, not_applicable, comment)
    return (None if change == now else change), message


def hidden_by_change(
    questionnaires: Sequence[Questionnaire], values: Mapping[str, Any], planned: Mapping[str, AnswerState]
) -> list[str]:
    """The planned changes to questions that the answers, once changed, hide (hidden questions take nothing).

    ``values`` are the stored answers (N/A left out). Dropping one change may show or hide others, so the
    answers are looked at again until no planned change is to a hidden question.
    """
    keep = dict(planned)
    dropped: list[str] = []
    while True:
        after = dict(values)
        for qid, change in keep.items():
            if change.not_applicable or change.value is None:
                after.pop(qid, None)
            else:
                after[qid] = change.value
        shown = {q.id for questionnaire in questionnaires for q in questionnaire.visible(after)}
        hidden = [qid for qid in keep if qid not in shown]
        if not hidden:
            return dropped
        for qid in hidden:
            del keep[qid]
            dropped.append(qid)


def _clip(text: str | None, limit: int = 200) -> str | None:
    return text[:limit] + "…" if text and len(text) > limit else text
