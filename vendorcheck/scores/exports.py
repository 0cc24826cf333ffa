"""Scores and comparisons as stable JSON and CSV rows (formats documented in docs/cli.md)."""

from __future__ import annotations

from typing import Any

from vendorcheck.scores.common import FIGURES
from vendorcheck.scores.comparison import Comparison
from vendorcheck.scores.vendor_scores import VendorScore


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
        "vendors": [score_json(e) for e in comparison.entries],
    }


CSV_HEADER = ["rank", "vendor", "status", "rating", "claimed", "proven", "evidence_confidence", "knockouts"]


def comparison_rows(comparison: Comparison) -> list[list[str]]:
    """The comparison as a table: header, then one row per vendor (the CSV export and ``compare --csv``)."""
    domains = comparison.domains
    header = CSV_HEADER + [label for _, label in domains] + [label for _, label in FIGURES]
    rows = [header]
    for position, entry in enumerate(comparison.entries, 1):
        found = entry.score
        if found is None:
            rows.append([str(position), entry.vendor.name, entry.status, "Not assessed"] + [""] * (len(header) - 4))
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
        )
    return rows
