"""Forms of the scoring pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

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
    """The scoring profile; domain weights (``w-<domain>``) and thresholds (``t-<question>-good|poor``) are read
    from inputs beside these fields, one per domain and per question, which a fixed form cannot declare."""

    knockouts_off = SelectMultipleField(
        "Knock-out rules switched off (optional)",
        choices=[],
        description="Tick a rule to switch it off: it still shows as a failed control but no longer raises the rating. "
        "Rules the law requires cannot be switched off and are not listed.",
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
    note = StringField("What changed and why", validators=[DataRequired("Say what changed."), Length(max=300)])
