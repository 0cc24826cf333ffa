"""Contract views: the register, a vendor's agreements with the clause checklist, and offboarding. Thin over
:mod:`vendorcheck.contracts`; a refused form re-renders (400) with each message on its field and the input kept.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers.response import Response as BaseResponse

from vendorcheck import contracts
from vendorcheck.contracts.agreements import DOCUMENT_KINDS, check
from vendorcheck.contracts.offboarding import DEFAULT_DAYS
from vendorcheck.models import Agreement, AgreementKind, Evidence, Vendor
from vendorcheck.permissions import Capability
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, get_or_404, requires
from vendorcheck.web.contracts import bp
from vendorcheck.web.contracts.forms import AgreementForm, StartOffboardingForm, StepForm
from vendorcheck.web.ids import parse_id
from vendorcheck.web.pagecache import cached_page


def vendor_context(session: Session, vendor: Vendor, today: date) -> dict[str, Any]:
    """What the vendor page's Agreements section shows: each agreement's register row, and the offboarding."""
    found = contracts.agreements_of(session, [vendor.id]).get(vendor.id, [])
    return {
        "agreement_rows": [contracts.row_of(a, today) for a in found],
        "offboarding": contracts.of_vendor(session, vendor.id),
    }


def _documents(session: Session, vendor: Vendor, kinds: tuple[Any, ...] | None = None) -> list[Evidence]:
    query = select(Evidence).where(Evidence.vendor_id == vendor.id, Evidence.org_id == vendor.org_id)
    query = query.where(Evidence.received())
    if kinds is not None:
        query = query.where(Evidence.kind.in_(kinds))
    return list(session.scalars(query.order_by(Evidence.id)))


def _posted_clauses() -> dict[str, str]:
    """The ticked clauses of the checklist with their references (a reference typed without a tick is kept too,
    under the name ``-untick``, so the service can say so and the page shows it again)."""
    ticked: dict[str, str] = {}
    for clause in contracts.catalogue().clauses:
        reference = request.form.get(f"ref-{clause.id}", "")
        if request.form.get(f"clause-{clause.id}"):
            ticked[clause.id] = reference
    return ticked


def _untick_problems() -> list[tuple[str, str]]:
    """A reference typed for a clause left unticked: said rather than dropped."""
    return [
        (f"clause:{c.id}", f"{c.title}: tick it if the agreement says it, or clear the reference")
        for c in contracts.catalogue().clauses
        if request.form.get(f"ref-{c.id}", "").strip() and not request.form.get(f"clause-{c.id}")
    ]


def _agreement_page(
    vendor: Vendor, form: AgreementForm, agreement: Agreement | None, status: int = 200,
    clause_errors: dict[str, list[str]] | None = None, clauses: dict[str, str] | None = None,
    references: dict[str, str] | None = None,
) -> tuple[str, int]:  # fmt: skip
    kind = AgreementKind(form.kind.data) if form.kind.data in {k.value for k in AgreementKind} else AgreementKind.BAA
    if clauses is None:
        clauses = dict(agreement.clauses or {}) if agreement is not None else {}
    page = render_template(
        "contracts/agreement.html", vendor=vendor, form=form, agreement=agreement,
        catalogue=contracts.catalogue(), kind=kind, clauses=clauses, references=references or clauses,
        clause_errors=clause_errors or {}, general_errors=(clause_errors or {}).get("", []),
        row=contracts.row_of(agreement, date.today()) if agreement is not None else None,
    )  # fmt: skip
    return page, status


def _save(vendor: Vendor, form: AgreementForm, agreement: Agreement | None) -> tuple[str, int] | BaseResponse:
    """Check and store a posted agreement form, or re-render it with every problem on its field."""
    session = database.session()
    clauses = _posted_clauses()
    references = {c.id: request.form.get(f"ref-{c.id}", "") for c in contracts.catalogue().clauses}
    problems = _untick_problems()
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:
        problems.append(("", "The form expired; send it again."))
    if valid and problems:  # not saved: still say what else the service would refuse
        try:
            check(session, vendor, form.to_input(clauses), date.today())
        except contracts.ContractError as error:
            problems += error.problems
    elif valid:
        try:
            data = form.to_input(clauses)
            if agreement is None:
                agreement = contracts.add(session, current_actor(), vendor, data)
                message = f"“{agreement.title}” added to the register."
            else:
                changed = contracts.update(session, current_actor(), agreement, data)
                message = f"Saved: {', '.join(changed)}." if changed else "Nothing changed."
        except contracts.ContractError as error:
            session.rollback()
            problems = error.problems
        else:
            session.commit()
            flash(message, "success")
            return redirect(url_for("contracts.agreement", agreement_id=agreement.id))
    clause_errors: dict[str, list[str]] = {}
    for name, message in problems:
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, message]  # type: ignore[list-item]
        else:
            key = name.removeprefix("clause:") if name.startswith("clause:") else ""
            clause_errors.setdefault(key, []).append(message)
    return _agreement_page(vendor, form, agreement, 400, clause_errors, clauses, references)


@bp.route("/contracts")
@requires(Capability.VENDOR_READ)
@cached_page
def register() -> str:
    """Every agreement of the organization: end and notice dates, and the required clauses missing."""
    today = date.today()
    rows = contracts.register(database.session(), current_user.org_id, today)
    return render_template("contracts/register.html", rows=rows, today=today, soon=today + timedelta(days=60))


@bp.route("/vendors/<int:vendor_id>/agreements/new", methods=["GET", "POST"])
@requires(Capability.VENDOR_EDIT)
def new_agreement(vendor_id: int) -> tuple[str, int] | BaseResponse:
    """Record an agreement with the vendor and tick the clauses it contains."""
    vendor = get_or_404(Vendor, vendor_id)
    form = AgreementForm().offer_documents(_documents(database.session(), vendor, DOCUMENT_KINDS))
    if request.method == "GET":
        return _agreement_page(vendor, form, None)
    return _save(vendor, form, None)


@bp.route("/agreements/<int:agreement_id>")
@requires(Capability.VENDOR_READ)
def agreement(agreement_id: int) -> tuple[str, int]:
    """One agreement: its dates, document and clause checklist (a form for those who may change it)."""
    found = get_or_404(Agreement, agreement_id)
    form = AgreementForm(formdata=None, obj=found)
    form.kind.data = found.kind.value
    form.document_id.data = str(found.document_id) if found.document_id else ""
    form.offer_documents(_documents(database.session(), found.vendor, DOCUMENT_KINDS))
    return _agreement_page(found.vendor, form, found)


@bp.route("/agreements/<int:agreement_id>/edit", methods=["POST"])
@requires(Capability.VENDOR_EDIT)
def save_agreement(agreement_id: int) -> tuple[str, int] | BaseResponse:
    """Change an agreement (audited with what it was before)."""
    found = get_or_404(Agreement, agreement_id)
    form = AgreementForm().offer_documents(_documents(database.session(), found.vendor, DOCUMENT_KINDS))
    return _save(found.vendor, form, found)


def _offboarding_page(vendor: Vendor, status: int = 200, **forms: Any) -> tuple[str, int]:
    session = database.session()
    documents = _documents(session, vendor)
    start_form = forms.get("start_form") or StartOffboardingForm(
        formdata=None, due_on=date.today() + timedelta(days=DEFAULT_DAYS)
    )
    step_form = forms.get("step_form") or StepForm(formdata=None)
    step_form.offer_documents(documents)
    page = render_template(
        "contracts/offboarding.html", vendor=vendor, offboarding=contracts.of_vendor(session, vendor.id),
        steps={s.key: s for s in contracts.STEPS}, start_form=start_form, step_form=step_form,
        failed_step=forms.get("failed_step"), documents={d.id: d for d in documents},
    )  # fmt: skip
    return page, status


@bp.route("/vendors/<int:vendor_id>/offboarding")
@requires(Capability.VENDOR_READ)
def offboarding(vendor_id: int) -> tuple[str, int]:
    """The offboarding checklist of a vendor (or, before it starts, what ending the vendor involves)."""
    return _offboarding_page(get_or_404(Vendor, vendor_id))


@bp.route("/vendors/<int:vendor_id>/offboarding/start", methods=["POST"])
@requires(Capability.VENDOR_EDIT)
def start_offboarding(vendor_id: int) -> tuple[str, int] | BaseResponse:
    """End this vendor: open the checklist; the vendor becomes offboarding."""
    vendor = get_or_404(Vendor, vendor_id)
    form = StartOffboardingForm()
    if form.validate_on_submit():
        session = database.session()
        try:
            contracts.start(session, current_actor(), vendor, form.reason.data or "", form.due_on.data)
        except contracts.ContractError as error:
            session.rollback()
            for name, message in error.problems:
                field = form._fields.get(name, form.reason)
                field.errors = [*field.errors, message]  # type: ignore[list-item]
        else:
            session.commit()
            flash(f"Offboarding of {vendor.name} started.", "success")
            return redirect(url_for("contracts.offboarding", vendor_id=vendor.id))
    if "csrf_token" in form.errors:
        form.reason.errors = [*form.reason.errors, "The form expired; send it again."]
    return _offboarding_page(vendor, 400, start_form=form)


@bp.route("/vendors/<int:vendor_id>/offboarding/steps", methods=["POST"])
@requires(Capability.VENDOR_EDIT)
def complete_step(vendor_id: int) -> tuple[str, int] | BaseResponse:
    """Tick one step of the checklist (with its note and document); the last one ends the vendor."""
    vendor = get_or_404(Vendor, vendor_id)
    session = database.session()
    found = contracts.of_vendor(session, vendor.id)
    if found is None:  # a step posted before the checklist exists: say so on the page that starts it
        start_form = StartOffboardingForm(formdata=None, due_on=date.today() + timedelta(days=DEFAULT_DAYS))
        start_form.reason.errors = ["Start the offboarding first: there is no checklist to tick yet."]
        return _offboarding_page(vendor, 400, start_form=start_form)
    form = StepForm()
    if form.validate_on_submit():
        chosen = (form.evidence_id.data or "").strip()
        evidence_id = (parse_id(chosen) or 0) if chosen else None
        try:
            ended = contracts.complete_step(
                session, current_actor(), found, form.step.data or "", form.note.data or "", evidence_id
            )
        except contracts.ContractError as error:
            session.rollback()
            for name, message in error.problems:
                field = form._fields.get(name, form.note)
                field.errors = [*field.errors, message]  # type: ignore[list-item]
        else:
            session.commit()
            flash(f"{vendor.name} has ended: every step is done." if ended else "Step recorded.", "success")
            return redirect(url_for("contracts.offboarding", vendor_id=vendor.id))
    if "csrf_token" in form.errors:
        form.note.errors = [*form.note.errors, "The form expired; send it again."]
    return _offboarding_page(vendor, 400, step_form=form, failed_step=form.step.data)
