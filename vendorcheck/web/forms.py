"""Small helpers shared by the blueprints' forms."""

from __future__ import annotations

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

from vendorcheck.accounts import AccountError


class ActionForm(FlaskForm):
    """A button-only form: the CSRF token is its one field."""


def apply_account_error(form: FlaskForm, error: AccountError, default: str) -> None:
    """Show a service error on the field it concerns (or ``default``), so the form re-renders with it."""
    field = form._fields.get(error.field or default) or form._fields[default]
    field.errors = [*field.errors, str(error)]


class NotInFuture:
    """A date that has already happened (a document's issue date): not after today.

    A day of slack covers a vendor whose calendar is ahead of the server's. Far-future dates are also what
    overflowed the validity arithmetic (9999-12-31 plus a year).
    """

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data is not None and field.data > date.today() + timedelta(days=1):
            raise ValidationError("This date is after today: enter the date the document was issued.")
