"""Forms for signing in and changing a password."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from vendorcheck.passwords import MAX_LENGTH, MIN_LENGTH


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    next = HiddenField()
    submit = SubmitField("Sign in")


class ChangePasswordForm(FlaskForm):
    """The current password, then the new one twice."""

    current = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=MAX_LENGTH)],  # the rules live in vendorcheck.passwords
        description=f"At least {MIN_LENGTH} characters. A few unrelated words make a strong password.",
    )
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("new", message="The two passwords differ.")]
    )
    submit = SubmitField("Change password")


class SignOutForm(FlaskForm):
    """An empty form: signing out is a POST with a CSRF token."""
