"""Forms for managing users and the organization's policy."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from vendorcheck.models import Role
from vendorcheck.web.labels import label

ROLE_CHOICES = [SelectChoice(role.value, f"{label(role)} ({role.value})") for role in Role]


class InviteForm(FlaskForm):
    """Who to invite, and as what."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.VIEWER.value)
    submit = SubmitField("Create invitation link")


class RoleForm(FlaskForm):
    """A user's new role."""

    role = SelectField("Role", choices=ROLE_CHOICES)
    submit = SubmitField("Change role")


class PolicyForm(FlaskForm):
    """The organization's sign-in policy."""

    mfa_required = BooleanField("Require two-step sign-in for everyone (always required for admins and auditors)")
    submit = SubmitField("Save")
