"""The vendor form: name, status and the profile that sets the vendor's inherent risk, in plain words."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from vendorcheck.models import PhiVolume, VendorStatus
from vendorcheck.web.labels import LABELS

PHI_VOLUMES = [
    SelectChoice(PhiVolume.NONE.value, "None: it never sees patient data"),
    SelectChoice(PhiVolume.LOW.value, "Low: fewer than 1,000 patients"),
    SelectChoice(PhiVolume.MODERATE.value, "Moderate: 1,000 to 50,000 patients"),
    SelectChoice(PhiVolume.HIGH.value, "High: more than 50,000 patients"),
]


class VendorForm(FlaskForm):
    """A vendor as the compliance officer describes it; the service checks it again before storing."""

    name = StringField("Name", validators=[DataRequired("Give the vendor's name."), Length(max=200)])
    status = SelectField(
        "Where it stands",
        choices=[SelectChoice(s.value, LABELS.get(s, s.value.capitalize())) for s in VendorStatus],
        default=VendorStatus.PROSPECT.value,
    )
    website = StringField("Website (optional)", validators=[Optional(), Length(max=500)])
    description = TextAreaField("What they do (optional)", validators=[Optional(), Length(max=5000)])
    services = TextAreaField(
        "Services you would buy (optional)",
        validators=[Optional(), Length(max=5000)],
        description="One per line, for example: Claims submission.",
    )
    phi_volume = SelectField(
        "How many patients' records it will hold or see",
        choices=PHI_VOLUMES,
        default=PhiVolume.NONE.value,
        description="More exposure with the same controls means a higher rating.",
    )
    stores_phi = BooleanField("It keeps patient data on its own systems")
    processes_phi = BooleanField("It works with patient data (for example in your EHR)")
    transmits_phi = BooleanField("It sends patient data on (to payers, clearinghouses)")
    offshore = BooleanField("Some of the work is done outside the United States")
    offshore_countries = StringField("Which countries (optional)", validators=[Optional(), Length(max=300)])
    uses_subcontractors = BooleanField("It passes patient data to subcontractors")
    subcontractors = TextAreaField("Which subcontractors (optional)", validators=[Optional(), Length(max=5000)])

    def values(self) -> dict[str, object]:
        """The form as the vendor service takes it (name, status and profile fields)."""
        return {
            "name": self.name.data or "",
            "status": self.status.data,
            "website": self.website.data or "",
            "description": self.description.data or "",
            "services": [line.strip() for line in (self.services.data or "").splitlines() if line.strip()],
            "phi_volume": self.phi_volume.data,
            "stores_phi": bool(self.stores_phi.data),
            "processes_phi": bool(self.processes_phi.data),
            "transmits_phi": bool(self.transmits_phi.data),
            "offshore": bool(self.offshore.data),
            "offshore_countries": self.offshore_countries.data or "",
            "uses_subcontractors": bool(self.uses_subcontractors.data),
            "subcontractors": self.subcontractors.data or "",
        }
