"""Forms of the evidence pages. The file input is not a WTForms field: it is streamed, never spooled."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from vendorcheck.models import EvidenceKind
from vendorcheck.web.labels import label

QUESTION_IDS = r"^\s*([a-z][a-z0-9_]*(\s*,\s*[a-z][a-z0-9_]*)*)?\s*$"


class EvidenceForm(FlaskForm):
    """What a new piece of evidence is; the document follows in the same request."""

    kind = SelectField("Kind of document", choices=[SelectChoice(k.value, label(k)) for k in EvidenceKind])
    title = StringField(
        "Title",
        validators=[DataRequired("Give the document a title."), Length(max=300)],
        description="How the document should be listed, e.g. “SOC 2 Type II report, period ending June 2026”.",
    )
    question_ids = StringField(
        "Questions it answers (optional)",
        validators=[
            Optional(),
            Length(max=2000),
            Regexp(QUESTION_IDS, message="Use question ids separated by commas."),
        ],
        description="Question ids from the questionnaire, separated by commas, e.g. baa_will_sign.",
    )
    issued_on = DateField("Issued on (optional)", validators=[Optional()])
    valid_until = DateField(
        "Valid until (optional)",
        validators=[Optional()],
        description="After this date the document no longer counts as proof.",
    )

    def question_list(self) -> list[str]:
        """The question ids entered, cleaned."""
        return [q.strip() for q in (self.question_ids.data or "").split(",") if q.strip()]


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
