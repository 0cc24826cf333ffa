"""Forms for signing in, the second factor, and the one-time links."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from vendorcheck.accounts.passwords import MAX_LENGTH, MIN_LENGTH

NEW_PASSWORD_HELP = f"At least {MIN_LENGTH} characters. A few unrelated words make a strong password."


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    next = HiddenField()
    submit = SubmitField("Sign in")


class VerifyForm(FlaskForm):
    """The code from the authenticator app, or a recovery code."""

    code = StringField(
        "Code from your authenticator app",
        validators=[DataRequired(), Length(max=20)],
        description="Six digits. Lost your phone? Enter one of your recovery codes instead.",
    )
    submit = SubmitField("Verify")


class NewPasswordForm(FlaskForm):
    """A new password, twice (password reset)."""

    password = PasswordField(
        "New password", validators=[DataRequired(), Length(max=MAX_LENGTH)], description=NEW_PASSWORD_HELP
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )
    submit = SubmitField("Set password")


class InvitationForm(NewPasswordForm):
    """Joining an organization: one's name and a password."""

    display_name = StringField("Your name", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Create my account")


class SignOutForm(FlaskForm):
    """An empty form: signing out is a POST with a CSRF token."""
