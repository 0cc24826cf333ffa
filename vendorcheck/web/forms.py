"""Small helpers shared by the blueprints' forms."""

from __future__ import annotations

from flask_wtf import FlaskForm

from vendorcheck.accounts import AccountError


class ActionForm(FlaskForm):
    """A button-only form: the CSRF token is its one field."""


def apply_account_error(form: FlaskForm, error: AccountError, default: str) -> None:
    """Show a service error on the field it concerns (or ``default``), so the form re-renders with it."""
    field = form._fields.get(error.field or default) or form._fields[default]
    field.errors = [*field.errors, str(error)]
