"""Forms of the evidence pages. The file input is not a WTForms field: it is streamed, never spooled."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from vendorcheck.models import EvidenceKind
from vendorcheck.questionnaire.model import Questionnaire
from vendorcheck.web.forms import NotInFuture
from vendorcheck.web.labels import label


class EvidenceForm(FlaskForm):
    """What a new piece of evidence is; the document follows in the same request."""

    kind = SelectField("Kind of document", choices=[SelectChoice(k.value, label(k)) for k in EvidenceKind])
    title = StringField(
        "Title",
        validators=[DataRequired("Give the document a title."), Length(max=300)],
        description="How the document should be listed, e.g. “SOC 2 Type II report, period ending June 2026”.",
    )
    question_ids = SelectMultipleField(
        "Questions it answers (optional)",
        choices=[],
        description="The questions this document proves (hold Ctrl or ⌘ to choose several). "
        "When it is left empty, “Valid until” follows the shortest validity those questions allow.",
    )
    issued_on = DateField("Issued on (optional)", validators=[Optional(), NotInFuture()])
    valid_until = DateField(
        "Valid until (optional)",
        validators=[Optional()],
        description="After this date the document no longer counts as proof.",
    )

    def offer_questions(self, library: dict[str, Questionnaire]) -> EvidenceForm:
        """Offer the questions that ask for a document, grouped by questionnaire."""
        self.question_ids.choices = {
            questionnaire.title: [
                SelectChoice(q.id, f"{q.text} ({q.id})") for q in questionnaire.questions if q.evidence is not None
            ]
            for questionnaire in library.values()
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
