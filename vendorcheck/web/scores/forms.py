"""Forms of the scoring pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from vendorcheck.scoring import LEVELS


class DecisionForm(FlaskForm):
    """The owner's choice among the compared vendors."""

    vendors = HiddenField()  # the compared vendor ids, comma-separated
    chosen = SelectField("Vendor chosen", coerce=int, validators=[DataRequired("Choose the vendor.")])
    reason = TextAreaField(
        "Why (one or two sentences)",
        validators=[DataRequired("Say in a sentence why this vendor was chosen."), Length(max=2000)],
    )


class ProfileForm(FlaskForm):
    """The scoring profile; the domain weights are read from ``w-<domain>`` inputs beside these fields."""

    knockouts_off = SelectMultipleField(
        "Knock-out rules switched off (optional)",
        choices=[],
        description="A switched-off rule still shows as a failed control, but no longer raises the rating.",
    )
    knockout_floor = SelectField(
        "A failed knock-out rates the vendor at least",
        choices=[SelectChoice(level, level) for level in LEVELS[1:]],
    )
    rating_basis = SelectField(
        "Rate control strength on",
        choices=[
            SelectChoice("claimed", "Claimed score (answers)"),
            SelectChoice("proven", "Proven score (accepted documents only)"),
        ],
    )
    thresholds = TextAreaField(
        "Threshold overrides (optional)",
        validators=[Optional(), Length(max=5000)],
        description="One per line: question_id: good, poor. For example “denial_rate: 4, 12”.",
    )
    note = StringField("What changed and why", validators=[DataRequired("Say what changed."), Length(max=300)])
