"""The auditor's view: the organization's events, filtered, with the chain's status; CSV export."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, abort, current_app, render_template, request, stream_with_context, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from vendorcheck import audit, signing
from vendorcheck.audit import actions, trail
from vendorcheck.models import User, Vendor
from vendorcheck.permissions import Capability
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, requires
from vendorcheck.web.auditing import bp

PAGE_SIZE = 200


class FilterForm(FlaskForm):
    """Filters in the query string (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    vendor = SelectField("Vendor", coerce=int, validators=[Optional()])
    user = SelectField("User", coerce=int, validators=[Optional()])
    action = SelectField("Action", validators=[Optional()])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])


def _filter_form() -> FilterForm:
    dbs = database.session()
    org_id = current_user.org_id
    form = FilterForm(request.args)
    vendors = dbs.scalars(select(Vendor).where(Vendor.org_id == org_id).order_by(Vendor.name))
    users = dbs.scalars(select(User).where(User.org_id == org_id).order_by(User.email))
    form.vendor.choices = [SelectChoice(0, "All vendors"), *(SelectChoice(v.id, v.name) for v in vendors)]
    form.user.choices = [SelectChoice(0, "Everyone"), *(SelectChoice(u.id, u.email) for u in users)]
    form.action.choices = [SelectChoice("", "All actions"), *(SelectChoice(a) for a in trail.actions(dbs, org_id))]
    return form


def _event_filter(form: FilterForm) -> trail.EventFilter:
    return trail.EventFilter(
        vendor_id=form.vendor.data or None,
        user_id=form.user.data or None,
        action=form.action.data or None,
        since=form.since.data,
        until=form.until.data,
    )


@bp.route("/")
@requires(Capability.AUDIT_READ)
def index() -> tuple[str, int]:
    """Events of this organization, newest first, and whether its chain verifies (nothing of other chains'
    shows: their sizes, numbers and problems are theirs)."""
    form = _filter_form()
    valid = form.validate() if request.args else True
    dbs = database.session()
    org_id = current_user.org_id
    after = trail.Cursor.parse(request.args.get("before"))
    found, following = trail.events(dbs, org_id, _event_filter(form), PAGE_SIZE, after) if valid else ([], None)
    # The next page keeps every filter: the same query string with the cursor moved on.
    next_args = {k: v for k, v in request.args.items() if k != "before"}
    older = url_for("audit.index", **next_args, before=following.token()) if following else None
    settings = current_app.config["VENDORCHECK_SETTINGS"]
    keys = signing.verification_keys(settings.home)
    report = audit.verify_chain(dbs, audit.chain_of(org_id), keys)
    # Entries from before per-organization chains are verified in the shared legacy chain: only its verdict shows.
    legacy = audit.verify_chain(dbs, audit.LEGACY_CHAIN, keys) if trail.has_legacy(dbs, org_id) else None
    vendors = {choice.value: choice.label for choice in form.vendor.choices}
    users = {str(choice.value): choice.label for choice in form.user.choices if choice.value}
    return render_template(
        "audit/index.html",
        form=form,
        events=found,
        report=report,
        legacy=legacy,
        legacy_chain=audit.LEGACY_CHAIN,
        page_size=PAGE_SIZE,
        older=older,
        first_page=url_for("audit.index", **next_args) if after else None,
        latest=audit.latest_checkpoint(dbs, audit.chain_of(org_id)),
        vendors=vendors,
        users=users,
        key_ids=list(keys),
        checkpoint_minutes=settings.checkpoint_minutes,
    ), (200 if valid else 400)


@bp.route("/signing-key.pem")
@requires(Capability.AUDIT_READ)
def signing_key() -> Response:
    """The public key that signs checkpoints and packets: what `vendorcheck packet verify --key` pins."""
    try:
        signer = signing.load_signer(current_app.config["VENDORCHECK_SETTINGS"].home)
    except signing.SigningKeyError:
        abort(404)
    return Response(
        signing.public_pem(signer.public_key),
        mimetype="application/x-pem-file",
        headers={"Content-Disposition": f'attachment; filename="vendorcheck-signing-key-{signer.key_id}.pem"'},
    )


@bp.route("/export.csv")
@requires(Capability.AUDIT_READ)
def export_csv() -> Response | tuple[str, int]:
    """The filtered events as CSV (streamed); the export itself is an audit event."""
    form = _filter_form()
    if request.args and not form.validate():
        return index()
    event_filter = _event_filter(form)
    dbs = database.session()
    audit.record(
        dbs,
        actions.AUDIT_EXPORT,
        current_actor(),
        org_id=current_user.org_id,
        details={k: str(v) for k, v in vars(event_filter).items() if v},
    )
    dbs.commit()
    org_id = current_user.org_id

    def rows() -> Iterator[str]:
        with database.read_session() as reader:
            yield from trail.csv_rows(reader, org_id, event_filter)

    return Response(
        stream_with_context(rows()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="vendorcheck-audit-trail.csv"'},
    )
