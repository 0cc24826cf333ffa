"""Forms for one's own password, second factor, and re-authentication."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from vendorcheck.accounts.passwords import MAX_LENGTH
from vendorcheck.web.auth.forms import NEW_PASSWORD_HELP


class ChangePasswordForm(FlaskForm):
    """The current password, then the new one twice."""

    current = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    # The rules for a new password live in vendorcheck.accounts.passwords, not here.
    new = PasswordField(
        "New password", validators=[DataRequired(), Length(max=MAX_LENGTH)], description=NEW_PASSWORD_HELP
    )
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("new", message="The two passwords differ.")]
    )
    submit = SubmitField("Change password")


class EnrollForm(FlaskForm):
    """The first code the authenticator app shows, proving it holds the secret."""

    code = StringField("Code shown by the app", validators=[DataRequired(), Length(max=20)])
    submit = SubmitField("Turn on two-step sign-in")


class ReauthForm(FlaskForm):
    """The password and the current second factor again, before a change to how one signs in."""

    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    code = StringField(
        "Code from your authenticator app",
        validators=[Optional(), Length(max=20)],
        description="Six digits, or one of your recovery codes.",
    )
    next = HiddenField()
    submit = SubmitField("Confirm")
