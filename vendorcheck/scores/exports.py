"""Scores and comparisons as stable JSON and CSV rows (formats documented in docs/cli.md)."""

from __future__ import annotations

from typing import Any

from vendorcheck.scores.common import FIGURES
from vendorcheck.scores.comparison import Comparison
from vendorcheck.scores.vendor_scores import VendorScore
from vendorcheck.scoring.economics import Economics, readiness


def score_json(entry: VendorScore) -> dict[str, Any]:
    """One vendor's score as ``vendorcheck score --json`` prints it (format ``vendorcheck-score/1``)."""
    found = entry.score
    out: dict[str, Any] = {
        "format": "vendorcheck-score/1",
        "vendor": {"id": entry.vendor.id, "name": entry.vendor.name},
        "status": entry.status,
        "message": entry.message,
        "assessments": [a.id for a in entry.assessments],
    }
    if found is None or found.rating is None:
        return out | {"rating": None}
    return out | {
        "method_version": found.method_version,
        "profile_version": found.profile_version,
        "rating": found.rating.name,
        "do_not_use": found.disqualified,
        "headline": found.headline,
        "rating_basis": found.rating_basis,
        "rating_steps": {
            "inherent": found.rating.inherent,
            "control_strength": found.rating.strength,
            "likelihood": found.rating.likelihood,
            "matrix": found.rating.matrix,
            "held_until_proven": found.rating.held,
            "floored_by_knockout": found.rating.floored,
            "inherent_reasons": list(found.inherent_reasons),
        },
        "claimed": round(found.claimed, 2),
        "proven": round(found.proven, 2),
        "evidence_confidence": round(found.confidence, 2),
        "domains": [
            {
                "domain": d.domain,
                "label": d.label,
                "weight": d.weight,
                "claimed": round(d.claimed, 2),
                "proven": round(d.proven, 2),
                "questions": d.questions,
            }
            for d in found.domains
        ],
        "knockouts": [
            {
                "question": k.question_id,
                "kind": k.kind,
                "answer": k.answer,
                "reason": k.reason,
                "controls": list(k.controls),
            }
            for k in found.knockouts
        ],
        "findings": [
            {
                "question": f.question_id,
                "severity": f.severity,
                "rated": f.rated,
                "answer": f.answer,
                "why": f.why,
                "controls": list(f.controls),
            }
            for f in found.findings
        ],
        "until_proven": [
            {"document": d.label, "kind": d.kind, "questions": list(d.question_ids)} for d in found.until_proven
        ],
        "soc2_problems": list(found.soc2_problems),
        "contradictions": list(found.contradictions),
        "waived_knockouts": [k.question_id for k in found.waived],
        "gaps": [
            {
                "question": g.question_id,
                "points": round(g.points, 2),
                "answer": g.answer,
                "why": g.why,
                "ask": g.ask,
                "controls": list(g.controls),
            }
            for g in found.gaps[:10]
        ],
        "unproven": [
            {"question": g.question_id, "points": round(g.points, 2), "ask": g.ask} for g in found.unproven[:10]
        ],
        "evidence": dict(found.evidence),
        "unanswered": found.unanswered,
        "figures": {qid: entry.figure(qid) for qid, _ in FIGURES if entry.figure(qid)},
    }


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as ``vendorcheck compare --json`` prints it (format ``vendorcheck-comparison/1``)."""
    recommended = comparison.recommended
    return {
        "format": "vendorcheck-comparison/1",
        "profile_version": comparison.profile.version,
        "ranking": [e.vendor.name for e in comparison.entries],
        "recommended": recommended.vendor.name if recommended else None,
        "stable": comparison.stability.holds,
        "flips": [f.sentence for f in comparison.stability.flips],
        "vendors": [
            score_json(e) | {"economics": comparison.economics[e.vendor.id].to_json()} for e in comparison.entries
        ],
        "baseline": _baseline_json(comparison),
    }


def _baseline_json(comparison: Comparison) -> dict[str, Any]:
    """The practice's own figures ("In-house today"), checklist and what they point to."""
    reading = readiness(comparison.baseline, comparison.checklist)
    return {
        "figures": dict(comparison.baseline),
        "checklist": dict(comparison.checklist),
        "verdict": reading.verdict,
        "headline": reading.headline,
    }


# Economics columns of the CSV: (header, the figure's label in vendorcheck.scoring.economics).
ECONOMICS_COLUMNS = (
    ("collections_with_vendor", "Collections with the vendor"),
    ("vendor_fee_per_year", "Vendor fee per year"),
    ("net_per_year_with_vendor", "Net per year with the vendor"),
    ("difference_per_year", "Difference per year"),
    ("difference_first_year", "Difference in the first year"),
    ("difference_per_year_half_gain", "Difference per year (half the claimed gain)"),
    ("one_time_cash_from_ar", "One-time cash from a shorter A/R"),
)


def _economics_cells(found: Economics) -> list[str]:
    """The economics columns of one vendor: amounts to the cent, or "needs your figures" (never a guess)."""
    if not found.complete:
        return ["needs your figures"] * len(ECONOMICS_COLUMNS)
    values = {f.label: f.value for f in found.figures}
    return ["" if values.get(label) is None else f"{values[label]:.2f}" for _, label in ECONOMICS_COLUMNS]


CSV_HEADER = ["rank", "vendor", "status", "rating", "claimed", "proven", "evidence_confidence", "knockouts"]


def comparison_rows(comparison: Comparison) -> list[list[str]]:
    """The comparison as a table: header, then one row per vendor (the CSV export and ``compare --csv``)."""
    domains = comparison.domains
    header = CSV_HEADER + [label for _, label in domains] + [label for _, label in FIGURES]
    header += [name for name, _ in ECONOMICS_COLUMNS] + ["kpis_backed_by_report"]
    rows = [header]
    for position, entry in enumerate(comparison.entries, 1):
        found = entry.score
        if found is None:
            blank = [""] * (len(header) - 5 - len(ECONOMICS_COLUMNS))
            cells = [*_economics_cells(comparison.economics[entry.vendor.id]), ""]
            rows.append([str(position), entry.vendor.name, entry.status, "Not assessed", *blank, *cells])
            continue
        by_domain = {d.domain: d for d in found.domains}
        rows.append(
            [
                str(position),
                entry.vendor.name,
                entry.status,
                entry.rating,
                f"{found.claimed:.1f}",
                f"{found.proven:.1f}",
                f"{found.confidence:.0f}",
                "; ".join(k.question_id for k in found.knockouts),
            ]
            + [f"{by_domain[d].claimed:.1f}" if d in by_domain else "" for d, _ in domains]
            + [entry.figure(qid) for qid, _ in FIGURES]
            + _economics_cells(comparison.economics[entry.vendor.id])
            + ["; ".join(comparison.economics[entry.vendor.id].kpis.backed)]
        )
    return rows
