"""Forms of the assessor's assessment pages (answers themselves are read by ``web.answering``)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, EmailField, HiddenField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from vendorcheck.assessments import LINK_LIFETIME, MAX_LINK_DAYS


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewAssessmentForm(FlaskForm):
    questionnaires = MultiCheckboxField(
        "Questionnaires to send", validators=[DataRequired("Choose at least one questionnaire.")]
    )
    title = StringField(
        "Title (optional)",
        validators=[Optional(), Length(max=300)],
        description="Defaults to the questionnaires' names.",
    )
    due_date = DateField("Due date (optional)", validators=[Optional()])
    contact_name = StringField("Vendor contact's name (optional)", validators=[Optional(), Length(max=200)])
    contact_email = EmailField(
        "Vendor contact's email (optional)",
        validators=[
            Optional(),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address such as name@vendor.example."),
            Length(max=254),
        ],
        description="Who will answer. The link is shown to you once; send it to them yourself.",
    )


class LinkForm(FlaskForm):
    days = IntegerField(
        "Link valid for (days)",
        default=LINK_LIFETIME.days,
        validators=[NumberRange(1, MAX_LINK_DAYS, f"Between 1 and {MAX_LINK_DAYS} days.")],
    )


class ReviewAnswerForm(FlaskForm):
    """Accept, ask to clarify or override one answer; the corrected value is read by type in the view."""

    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])


class CancelForm(FlaskForm):
    reason = StringField("Reason", validators=[DataRequired("Give a reason for cancelling."), Length(max=500)])


class ImportForm(FlaskForm):
    sheet = FileField("Filled spreadsheet (.xlsx) or JSON file")


class ApplyImportForm(FlaskForm):
    payload = HiddenField(validators=[DataRequired()])
