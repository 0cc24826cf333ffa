"""Forms of the evidence pages. The file input is not a WTForms field: it is streamed, never spooled."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from vendorcheck.models import EvidenceKind
from vendorcheck.questionnaire.model import SCORED_TYPES, Questionnaire
from vendorcheck.web.forms import NotInFuture
from vendorcheck.web.labels import label

PROVABLE_TYPES = SCORED_TYPES | {"evidence"}  # the answers a document can prove: scored ones


def question_groups(library: Mapping[str, Questionnaire]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every scored question a document can prove, as (“Questionnaire · Section”, [(id, text)]) in order.

    Any scored answer can be proven by a document (issue 17), not only the few that ask for one.
    """
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for questionnaire in library.values():
        for section in questionnaire.sections:
            items = [(q.id, q.text) for q in section.questions if q.weight > 0 and q.type in PROVABLE_TYPES]
            if items:
                groups.append((f"{questionnaire.title} · {section.title}", items))
    return groups


class EvidenceForm(FlaskForm):
    """What a new piece of evidence is; the document follows in the same request."""

    kind = SelectField("Kind of document", choices=[SelectChoice(k.value, label(k)) for k in EvidenceKind])
    title = StringField(
        "Title",
        validators=[DataRequired("Give the document a title."), Length(max=300)],
        description="How the document should be listed, e.g. “SOC 2 Type II report, period ending June 2026”.",
    )
    question_ids = SelectMultipleField(
        "Answers it proves (optional)",
        choices=[],
        description="Tick the answers this document shows to be true. Left empty, it proves what its kind of "
        "document covers (a SOC 2 report the security controls, a BAA the contract clauses); ticking some of "
        "those narrows it to them. When “Valid until” is empty, it follows the shortest validity the ticked "
        "questions allow.",
    )
    issued_on = DateField("Issued on (optional)", validators=[Optional(), NotInFuture()])
    valid_until = DateField(
        "Valid until (optional)",
        validators=[Optional()],
        description="After this date the document no longer counts as proof.",
    )

    def offer_questions(self, library: Mapping[str, Questionnaire]) -> EvidenceForm:
        """Offer every scored question, grouped by questionnaire and section (:func:`question_groups`)."""
        self.question_ids.choices = {
            group: [SelectChoice(qid, text) for qid, text in items] for group, items in question_groups(library)
        }
        return self

    def question_list(self) -> list[str]:
        """The question ids chosen."""
        return list(self.question_ids.data or [])


class NewVersionForm(FlaskForm):
    """A newer file for existing evidence: only the CSRF token travels beside the document."""


class ReviewForm(FlaskForm):
    """Accept the document, or reject it with a reason the vendor reads."""

    decision = RadioField(
        "Decision",
        choices=[
            SelectChoice("accept", "Accept: it proves what it claims"),
            SelectChoice("reject", "Reject: ask for another document"),
        ],
        validators=[DataRequired("Choose accept or reject.")],
    )
    reason = TextAreaField("Reason (required when rejecting)", validators=[Length(max=2000)])
    submit = SubmitField("Record decision")
