"""The practice's own billing against industry benchmarks, and what each vendor would cost and earn. Pure.

Every figure is a :class:`Figure`: its value (or ``None`` with what is missing, never a made-up number), the
inputs it was computed from and the formula in words, so a page can show how it was reached. The formulas and
hand-computed examples are in ``docs/economics.md``; ``tests/unit/test_economics.py`` reproduces them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# The baseline's figures: (key, label, unit, low, high). Every typed value is parsed within these bounds.
PERCENT, USD, DAYS, COUNT = "%", "USD", "days", "claims"
BASELINE_FIELDS: tuple[tuple[str, str, str, float, float], ...] = (
    ("annual_collections", "Annual collections (payments received, last 12 months)", USD, 0, 1_000_000_000),
    ("annual_charges", "Annual charges billed (optional, for reference)", USD, 0, 10_000_000_000),
    ("monthly_claims", "Claims submitted per month", COUNT, 0, 1_000_000),
    ("clean_claim_rate", "Clean-claim rate (accepted on first submission)", PERCENT, 0, 100),
    ("denial_rate", "Denial rate", PERCENT, 0, 100),
    ("denials_never_reworked", "Share of denials never reworked or appealed", PERCENT, 0, 100),
    ("days_in_ar", "Days in A/R", DAYS, 0, 365),
    ("ar_over_90", "A/R older than 90 days", PERCENT, 0, 100),
    ("net_collection_rate", "Net collection rate", PERCENT, 0.1, 100),
    ("staff_cost", "Billing staff cost per year (wages and benefits)", USD, 0, 100_000_000),
    ("software_cost", "Billing software and clearinghouse cost per year", USD, 0, 100_000_000),
    ("kept_costs", "Billing costs you would keep if you outsourced, per year", USD, 0, 100_000_000),
)
FIELD_LABELS = {key: label for key, label, *_ in BASELINE_FIELDS}

# The readiness checklist: (key, question, the answer that points towards outsourcing).
CHECKLIST: tuple[tuple[str, str, str], ...] = (
    ("claims_followed", "Is every claim followed through until it is paid?", "no"),
    ("denials_appealed", "Are denials analysed and appealed on time?", "no"),
    ("payments_reconciled", "Are payments reconciled against what payers should have paid?", "no"),
    ("reports_consistent", "Do you get consistent monthly billing reports?", "no"),
    ("billing_disrupts", "Do billing tasks take staff away from patient-facing work?", "yes"),
    ("handles_growth", "Could your billing staff handle growth (more providers, more patients)?", "no"),
    ("staff_experienced", "Are your billing staff experienced (several years of medical billing)?", "no"),
)
ANSWERS = ("yes", "sometimes", "no")
LOW_VOLUME = 100  # claims a month; below this, minimum fees weigh heavily and one part-time biller usually copes


@dataclass(frozen=True)
class Benchmark:
    """An industry rule of thumb a figure is read against."""

    key: str
    label: str
    good: float
    higher_is_better: bool
    text: str

    def met(self, value: float) -> bool:
        return value >= self.good if self.higher_is_better else value <= self.good


# Rules of thumb (docs/economics.md names the sources): not law, not guarantees.
BENCHMARKS = (
    Benchmark("clean_claim_rate", "Clean-claim rate", 95, True, "95% or more"),
    Benchmark("denial_rate", "Denial rate", 10, False, "under 5–10%"),
    Benchmark("days_in_ar", "Days in A/R", 40, False, "30–40 days"),
    Benchmark("ar_over_90", "A/R older than 90 days", 10, False, "under 10%"),
    Benchmark("net_collection_rate", "Net collection rate", 95, True, "95% or more"),
)
FEE_RANGE = (4.0, 10.0)  # percent of collections typically charged


@dataclass(frozen=True)
class Figure:
    """One computed amount with how it was reached; ``value`` is None when an input is missing."""

    label: str
    value: float | None
    formula: str
    inputs: dict[str, float] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "value": self.value,
            "formula": self.formula,
            "inputs": dict(self.inputs),
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class KpiProof:
    """Which of a vendor's performance figures a document backs: its answers are claims until a report shows them.

    Each holds question ids of :data:`BENCHMARKS` the vendor answered: ``backed`` by an accepted, unexpired
    document naming them (a sample monthly report), ``waiting`` on the review of one, ``claimed`` with none.
    """

    backed: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()
    claimed: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        """One plain sentence for the comparison and the memo."""
        if not (self.backed or self.waiting or self.claimed):
            return "No performance figures given."
        if not (self.backed or self.waiting):
            return "Performance figures are claims: no report shows them yet."
        parts = []
        if self.backed:
            parts.append(f"shown by an accepted report: {_labels(self.backed)}")
        if self.waiting:
            parts.append(f"a report awaits review for: {_labels(self.waiting)}")
        if self.claimed:
            parts.append(f"claims only: {_labels(self.claimed)}")
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."

    def to_json(self) -> dict[str, list[str]]:
        return {"backed": list(self.backed), "waiting": list(self.waiting), "claimed": list(self.claimed)}


def _labels(keys: tuple[str, ...]) -> str:
    names = {b.key: b.label[0].lower() + b.label[1:] if b.label[1].islower() else b.label for b in BENCHMARKS}
    return ", ".join(names.get(k, k) for k in keys)


def kpi_proof(answered: Mapping[str, object], evidence: Mapping[str, str]) -> KpiProof:
    """The backing of each answered performance figure, from the states of the documents that speak for it."""
    backed, waiting, claimed = [], [], []
    for benchmark in BENCHMARKS:
        if answered.get(benchmark.key) is None:
            continue
        state = evidence.get(benchmark.key, "missing")
        (backed if state == "accepted" else waiting if state == "pending" else claimed).append(benchmark.key)
    return KpiProof(tuple(backed), tuple(waiting), tuple(claimed))


@dataclass(frozen=True)
class Economics:
    """What one vendor would cost and earn against billing in-house, as stated and at half the claimed gain."""

    figures: tuple[Figure, ...]
    missing: tuple[str, ...]  # labels of the figures still needed ("needs your figures")
    kpis: KpiProof = KpiProof()  # which of the vendor's figures behind these amounts a report backs

    @property
    def complete(self) -> bool:
        return not self.missing

    def get(self, key: str) -> Figure:
        return next(f for f in self.figures if f.label == key)

    def to_json(self) -> dict[str, object]:
        return {
            "complete": self.complete,
            "missing": list(self.missing),
            "figures": [f.to_json() for f in self.figures],
            "kpis": self.kpis.to_json(),
        }


def _money(value: float) -> float:
    return round(value, 2)


def economics(baseline: Mapping[str, float | None], vendor: Mapping[str, float | None]) -> Economics:
    """The vendor's figures (``net_collection_rate``, ``denial_rate``, ``days_in_ar``, ``collection_rate_percent``,
    ``monthly_cost_estimate``, ``setup_fee``) against the practice's ``baseline`` (keys of BASELINE_FIELDS).

    Formulas (docs/economics.md): collectible = collections / in-house NCR; vendor collections = collectible x
    vendor NCR; annual fee = max(fee % x vendor collections, 12 x monthly); net = collections - costs on each side.
    """
    b = {k: v for k, v in baseline.items() if v is not None}
    v = {k: x for k, x in vendor.items() if x is not None}
    missing = [FIELD_LABELS[k] for k in ("annual_collections", "net_collection_rate") if k not in b]
    missing += [FIELD_LABELS[k] for k in ("staff_cost", "software_cost", "kept_costs") if k not in b]
    if "net_collection_rate" not in v:
        missing.append("The vendor's net collection rate")
    if "collection_rate_percent" not in v and "monthly_cost_estimate" not in v:
        missing.append("The vendor's fee (percentage of collections or monthly cost)")
    figures: list[Figure] = []
    if missing:
        return Economics((), tuple(missing))
    collections, ncr_in = b["annual_collections"], b["net_collection_rate"]
    collectible = collections / (ncr_in / 100)
    figures.append(
        Figure(
            "Collectible per year",
            _money(collectible),
            "annual collections ÷ (in-house net collection rate ÷ 100)",
            {"annual_collections": collections, "net_collection_rate": ncr_in},
        )
    )
    in_house_cost = b["staff_cost"] + b["software_cost"]
    net_in = collections - in_house_cost
    figures.append(
        Figure(
            "In-house net per year",
            _money(net_in),
            "annual collections − billing staff cost − software and clearinghouse cost",
            {"annual_collections": collections, "staff_cost": b["staff_cost"], "software_cost": b["software_cost"]},
        )
    )
    for share, suffix in ((1.0, ""), (0.5, " (half the claimed gain)")):
        figures.extend(_vendor_side(collections, collectible, b, v, share, suffix, net_in))
    figures.append(_cash_release(collections, b, v))
    return Economics(tuple(figures), ())


def _vendor_side(
    collections: float,
    collectible: float,
    b: Mapping[str, float],
    v: Mapping[str, float],
    share: float,
    suffix: str,
    net_in: float,
) -> list[Figure]:
    """Collections, fee, net and difference with ``share`` of the vendor's claimed improvement."""
    claimed = collectible * v["net_collection_rate"] / 100
    expected = collections + (claimed - collections) * share
    formula = "collectible × (vendor net collection rate ÷ 100)"
    if share != 1.0:
        formula = (
            f"annual collections + {share:g} × (collectible × vendor net collection rate ÷ 100 − annual collections)"
        )
    out = [
        Figure(
            f"Collections with the vendor{suffix}",
            _money(expected),
            formula,
            {"collectible": _money(collectible), "vendor_net_collection_rate": v["net_collection_rate"]},
        )
    ]
    percent_fee = expected * v.get("collection_rate_percent", 0) / 100
    monthly_floor = 12 * v.get("monthly_cost_estimate", 0)
    fee = max(percent_fee, monthly_floor)
    out.append(
        Figure(
            f"Vendor fee per year{suffix}",
            _money(fee),
            "the larger of (fee % ÷ 100 × collections with the vendor) and (12 × monthly cost)",
            {
                "collection_rate_percent": v.get("collection_rate_percent", 0),
                "monthly_cost_estimate": v.get("monthly_cost_estimate", 0),
            },
        )
    )
    net_vendor = expected - fee - b["kept_costs"]
    out.append(
        Figure(
            f"Net per year with the vendor{suffix}",
            _money(net_vendor),
            "collections with the vendor − vendor fee − costs you keep",
            {"kept_costs": b["kept_costs"]},
        )
    )
    out.append(
        Figure(
            f"Difference per year{suffix}",
            _money(net_vendor - net_in),
            "net with the vendor − in-house net (positive: the vendor leaves you more)",
        )
    )
    setup = v.get("setup_fee", 0)
    out.append(
        Figure(
            f"Difference in the first year{suffix}",
            _money(net_vendor - net_in - setup),
            "difference per year − setup fee",
            {"setup_fee": setup},
        )
    )
    return out


def _cash_release(collections: float, b: Mapping[str, float], v: Mapping[str, float]) -> Figure:
    """The one-time cash freed (or tied up) by a shorter (or longer) A/R."""
    label = "One-time cash from a shorter A/R"
    formula = "annual collections ÷ 365 × (in-house days in A/R − vendor days in A/R); half: the same × 0.5"
    lacking = [n for n, src in (("Days in A/R (yours)", b), ("Days in A/R (vendor)", v)) if "days_in_ar" not in src]
    if lacking:
        return Figure(label, None, formula, missing=tuple(lacking))
    days = b["days_in_ar"] - v["days_in_ar"]
    return Figure(
        label,
        _money(collections / 365 * days),
        formula,
        {"annual_collections": collections, "in_house_days": b["days_in_ar"], "vendor_days": v["days_in_ar"]},
    )


def denial_leakage(baseline: Mapping[str, float | None]) -> Figure:
    """Money on denied claims never reworked, per year, in-house."""
    label = "Denied and never reworked, per year"
    formula = "collectible × denial rate ÷ 100 × share never reworked ÷ 100"
    keys = ("annual_collections", "net_collection_rate", "denial_rate", "denials_never_reworked")
    lacking = tuple(FIELD_LABELS[k] for k in keys if baseline.get(k) is None)
    if lacking:
        return Figure(label, None, formula, missing=lacking)
    collectible = baseline["annual_collections"] / (baseline["net_collection_rate"] / 100)  # type: ignore[operator]
    value = collectible * baseline["denial_rate"] / 100 * baseline["denials_never_reworked"] / 100  # type: ignore[operator]
    return Figure(label, _money(value), formula, {k: baseline[k] for k in keys})  # type: ignore[misc]


@dataclass(frozen=True)
class Reading:
    """Whether outsourcing looks worth evaluating, in plain words, with the reasons."""

    verdict: str  # needs_figures | worth_evaluating | fix_first | not_right_move
    headline: str
    against_benchmarks: tuple[str, ...]  # figures that miss a benchmark
    checklist_problems: tuple[str, ...]
    reasons_to_stay: tuple[str, ...]


def readiness(baseline: Mapping[str, float | None], answers: Mapping[str, str]) -> Reading:
    """Read the figures against BENCHMARKS and the checklist answers; say what it points to."""
    misses = []
    for mark in BENCHMARKS:
        value = baseline.get(mark.key)
        if value is not None and not mark.met(value):
            misses.append(
                f"{mark.label} is {value:g}{'%' if mark.key != 'days_in_ar' else ' days'} (benchmark: {mark.text})."
            )
    problems = [question for key, question, bad in CHECKLIST if answers.get(key) == bad and key != "staff_experienced"]
    problems += [f"Only sometimes: {q}" for key, q, _ in CHECKLIST if answers.get(key) == "sometimes"]
    stay = []
    claims = baseline.get("monthly_claims")
    if claims is not None and claims < LOW_VOLUME:
        stay.append(f"Claim volume is low ({claims:g} a month): minimum fees weigh heavily at this size.")
    if answers.get("staff_experienced") == "yes":
        stay.append("Your billing staff are experienced.")
    steady = [answers.get(k) for k in ("claims_followed", "payments_reconciled", "reports_consistent")]
    if steady == ["yes", "yes", "yes"]:
        stay.append("Follow-up, reconciliation and reporting are already consistent.")
    answered = any(baseline.get(m.key) is not None for m in BENCHMARKS) or any(answers.get(k) for k, *_ in CHECKLIST)
    if not answered:
        return Reading(
            "needs_figures", "Needs your figures: record your billing figures and answer the checklist.", (), (), ()
        )
    trouble = len(misses) + len(problems)
    if trouble >= 2 and len(stay) < 2:
        verdict, headline = (
            "worth_evaluating",
            ("Outsourcing looks worth evaluating: your billing misses benchmarks or leaves work undone."),
        )
    elif trouble == 0 or (trouble == 1 and stay):
        verdict, headline = (
            "not_right_move",
            ("Outsourcing is probably not the right move now: your billing holds up against the benchmarks."),
        )
    else:
        verdict, headline = (
            "fix_first",
            ("Borderline: try fixing the gaps below in-house first, and evaluate vendors if they persist."),
        )
    return Reading(verdict, headline, tuple(misses), tuple(problems), tuple(stay))
