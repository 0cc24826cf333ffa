"""Forms of the screening views."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from vendorcheck.web.forms import NotInFuture

STATE = Regexp(r"^[A-Za-z]{2}$", message="Use the two-letter USPS code, such as OH.")


class PrincipalForm(FlaskForm):
    """An owner, officer or managing employee."""

    name = StringField(
        "Full name", validators=[DataRequired("Give the person's first and last name."), Length(max=200)]
    )
    title = StringField("Title (optional)", validators=[Optional(), Length(max=200)])
    date_of_birth = DateField(
        "Date of birth (optional)", validators=[Optional(), NotInFuture()],
        description="Tells two people of the same name apart on the exclusion lists.",
    )  # fmt: skip
    state = StringField("State (optional)", validators=[Optional(), STATE])


class RemovePrincipalForm(FlaskForm):
    """Which principal to remove."""

    principal_id = HiddenField(validators=[InputRequired()])


class LocationForm(FlaskForm):
    """Where the company is: corroborates list matches."""

    address = StringField("Street address and city", validators=[Optional(), Length(max=300)])
    state = StringField("State", validators=[Optional(), STATE])


class DecisionForm(FlaskForm):
    """Confirm (with a note) or dismiss (with a reason) a candidate."""

    candidate_id = HiddenField(validators=[InputRequired()])
    decision = RadioField(
        "Decision",
        choices=[
            SelectChoice("confirm", "Confirm: it is this company or person"),
            SelectChoice("dismiss", "Dismiss: not them"),
        ],
        validators=[InputRequired("Choose confirm or dismiss.")],
    )  # fmt: skip
    note = TextAreaField("Why", validators=[DataRequired("Say in a sentence why."), Length(max=2000)])


class ListUploadForm(FlaskForm):
    """Which list the uploaded file is (the file itself is streamed, not a form field)."""

    source = SelectField(
        "List",
        choices=[
            SelectChoice("leie", "OIG LEIE (UPDATED.csv)"),
            SelectChoice("sam", "SAM.gov Exclusions Public Extract V2 (CSV)"),
            SelectChoice("ocr", "HHS OCR breach portal export (CSV)"),
        ],
    )
