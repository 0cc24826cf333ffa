"""Forms of the contract pages. The clause checklist is read from ``clause-<id>`` / ``ref-<id>`` fields (the
catalogue decides how many), beside the WTForms fields."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from vendorcheck.contracts import KIND_WORDS, STEPS, AgreementInput
from vendorcheck.models import AgreementKind, Evidence
from vendorcheck.web.ids import parse_id

KINDS = [SelectChoice(kind.value, KIND_WORDS[kind].capitalize()) for kind in AgreementKind]
WHOLE = NumberRange(min=-(2**31), max=2**31 - 1, message="Give a whole number of reasonable size.")


class AgreementForm(FlaskForm):
    """An agreement's facts; the service checks them again and names the field of each problem."""

    kind = SelectField("Kind", choices=KINDS, default=AgreementKind.BAA.value)
    title = StringField(
        "Title", validators=[Length(max=300)], description="For example: Business associate agreement 2026."
    )
    effective_on = DateField(
        "Effective on", validators=[Optional()], description="A BAA signed ahead may take effect up to a year from now."
    )
    term_months = IntegerField(
        "Term in months (optional)",
        validators=[Optional(), WHOLE],
        description="Leave empty if the agreement runs until terminated.",
    )
    ends_on = DateField(
        "Or: ends on (optional)", validators=[Optional()], description="Only when the term is not a number of months."
    )
    auto_renews = BooleanField("Renews automatically for another term")
    notice_days = IntegerField(
        "Notice period in days (optional)",
        validators=[Optional(), WHOLE],
        description="How long before the end of a term notice must be given to stop it.",
    )
    document_id = SelectField(
        "Signed document",
        choices=[],
        validate_choice=False,
        description="File it first under Upload evidence, as a business associate agreement or a contract.",
    )
    terminated_on = DateField("Terminated on (optional)", validators=[Optional()])
    notes = TextAreaField("Notes (optional)", validators=[Length(max=5000)])

    def offer_documents(self, documents: list[Evidence]) -> AgreementForm:
        """Offer the vendor's BAA and contract documents (and none)."""
        self.document_id.choices = [SelectChoice("", "None filed yet")] + [
            SelectChoice(str(d.id), f"{d.title} (#{d.id})") for d in documents
        ]
        return self

    def to_input(self, clauses: Mapping[str, str]) -> AgreementInput:
        """The form as the service takes it; an unknown document id is passed on for the service to refuse."""
        chosen = (self.document_id.data or "").strip()
        return AgreementInput(
            kind=self.kind.data or "", title=self.title.data or "", effective_on=self.effective_on.data,
            term_months=self.term_months.data, ends_on=self.ends_on.data, auto_renews=bool(self.auto_renews.data),
            notice_days=self.notice_days.data, document_id=(parse_id(chosen) or 0) if chosen else None,
            terminated_on=self.terminated_on.data, notes=self.notes.data or "", clauses=dict(clauses),
        )  # fmt: skip


class StartOffboardingForm(FlaskForm):
    """Why the vendor is being ended, and by when every step should be done."""

    reason = TextAreaField("Why the practice is ending this vendor", validators=[Length(max=2000)])
    due_on = DateField("Every step done by", validators=[Optional()])


class StepForm(FlaskForm):
    """One step done, with a note and (for the certificate) the evidence that proves it."""

    step = SelectField("Step", choices=[SelectChoice(s.key, s.title) for s in STEPS], validate_choice=False)
    note = TextAreaField("Note", validators=[Length(max=2000)])
    evidence_id = SelectField("Certificate or document", choices=[], validate_choice=False)

    def offer_documents(self, documents: list[Evidence]) -> StepForm:
        """Offer the vendor's documents (the certificate of return or destruction among them)."""
        self.evidence_id.choices = [SelectChoice("", "None")] + [
            SelectChoice(str(d.id), f"{d.title} (#{d.id})") for d in documents
        ]
        return self
