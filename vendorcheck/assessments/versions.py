"""Questionnaire versions: an assessment pins the exact text it asks, found again by the text's content hash.

An assessment is answered and reviewed against the questionnaire as it was sent, never against today's file:
editing a questionnaire afterwards creates a new version and leaves every earlier assessment as it was.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck.models import QuestionnaireVersion
from vendorcheck.questionnaire.loader import build
from vendorcheck.questionnaire.model import Questionnaire

# Built questionnaires by content hash: the content never changes under a hash, so this never goes stale.
_BUILT: dict[str, Questionnaire] = {}


def pin(session: Session, questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The stored version with this exact content, created the first time it is used."""
    found = session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.content_hash == questionnaire.content_hash)
    )
    if found is None:
        found = QuestionnaireVersion(
            questionnaire_key=questionnaire.key,
            version=questionnaire.version,
            title=questionnaire.title,
            content_hash=questionnaire.content_hash,
            content=dict(questionnaire.content),
        )
        session.add(found)
        session.flush()
    return found


def pinned(version: QuestionnaireVersion) -> Questionnaire:
    """The questionnaire exactly as pinned (built from the stored content, never from today's file)."""
    built = _BUILT.get(version.content_hash)
    if built is None:
        built = build(version.content)
        _BUILT[version.content_hash] = built
    return built
