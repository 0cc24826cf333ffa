"""The decision memo: one page, in plain words, for the practice owner choosing among compared vendors.

Built from a :class:`~vendorcheck.scores.Comparison`; rendered as HTML by the web layer and as PDF here (fpdf2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from vendorcheck.scores.comparison import Comparison
from vendorcheck.scores.vendor_scores import VendorScore
from vendorcheck.scoring import METHOD_VERSION
from vendorcheck.scoring.economics import readiness

if TYPE_CHECKING:
    from fpdf import FPDF

BREACH_NOTICE_QUESTION = "baa_breach_notice_days"


@dataclass
class Memo:
    title: str
    prepared_on: date
    organization: str
    recommended: str | None
    headline: str
    reasons: list[str]
    conditions: list[str]
    unproven: list[str]
    runners_up: list[tuple[str, str, str]]  # (vendor, rating, why not first)
    cautions: list[str] = field(default_factory=list)
    footnote: str = ""
    money: list[str] = field(default_factory=list)  # what it will cost and earn (docs/economics.md)


def build_memo(comparison: Comparison, organization: str, today: date | None = None) -> Memo:
    """What the owner needs to decide: the pick and why, what to write into the contract, what is unproven."""
    today = today or date.today()
    best = comparison.recommended
    compared = len(comparison.entries)
    profile = comparison.profile
    footnote = (
        f"Scores by vendorcheck scoring method {METHOD_VERSION}, scoring profile version {profile.version}, "
        f"on {today.isoformat()}. Ratings use NIST SP 800-30's five levels; the method is in docs/scoring.md."
    )
    runners = [_runner_up(e, best) for e in comparison.entries if best is None or e.vendor.id != best.vendor.id]
    if best is None or best.score is None or best.score.rating is None:
        headline = (
            "No vendor can be recommended yet: every assessed vendor fails at least one must-have control."
            if comparison.assessed
            else "No vendor can be recommended yet: none has submitted its questionnaire."
        )
        money = _money(comparison, None)
        return Memo(
            "Vendor decision memo", today, organization, None, headline, [], [], [], runners, [], footnote, money
        )
    found = best.score
    rating = found.rating
    assert rating is not None
    reasons = [
        f"Lowest risk of the {compared} vendors compared: rated {rating.name}.",
        f"Its answers score {found.claimed:.0f} out of 100; {found.confidence:.0f}% of that is backed by documents "
        "you have accepted.",
        "It passes every must-have control (signing a BAA, encryption, two-step sign-in, breach notice in time).",
    ]
    reasons += [f"Why the rating: {' '.join(found.inherent_reasons)}"]
    if found.until_proven:
        reasons.append(found.headline)
    cautions = []
    if best.status != "final":
        cautions.append("The review of its answers is not finished: treat this as provisional until it is.")
    if not comparison.stability.holds:
        cautions.append(
            "Close call: the order changes if priorities shift. " + comparison.stability.flips[0].sentence + "."
        )
    elif comparison.margin is not None and comparison.margin < 5:
        cautions.append(f"Close call: only {comparison.margin:.1f} points ahead of the next vendor.")
    return Memo(
        "Vendor decision memo",
        today,
        organization,
        best.vendor.name,
        f"Recommended: {best.vendor.name}",
        reasons,
        _conditions(best),
        [f"{d.label} (proves {len(d.question_ids)} answers)." for d in found.until_proven]
        + [f"{g.text} {g.ask}" for g in found.unproven[: max(0, 5 - len(found.until_proven))]],
        runners,
        cautions,
        footnote,
        _money(comparison, best),
    )


def _dollars(value: float | None) -> str:
    if value is None:
        return "needs your figures"
    return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"


def _money(comparison: Comparison, best: VendorScore | None) -> list[str]:
    """What outsourcing to ``best`` would cost and earn against billing in-house, in sentences; never a guess."""
    lines = [f"Your billing today: {readiness(comparison.baseline, comparison.checklist).headline}"]
    if best is None:
        return lines
    found = comparison.economics[best.vendor.id]
    if not found.complete:
        return [*lines, "What it will cost and earn needs these figures: " + "; ".join(found.missing) + "."]
    v = {f.label: f.value for f in found.figures}
    collections = comparison.baseline.get("annual_collections")
    return [
        *lines,
        f"If its claims hold, you would collect {_dollars(v['Collections with the vendor'])} a year "
        f"(today {_dollars(collections)}) and pay it {_dollars(v['Vendor fee per year'])} a year.",
        f"That leaves you {_dollars(v['Difference per year'])} a year more than billing in-house "
        f"({_dollars(v['Difference in the first year'])} in the first year, after the setup fee); "
        f"at half its claimed improvement, {_dollars(v['Difference per year (half the claimed gain)'])}.",
        f"A shorter A/R frees {_dollars(v['One-time cash from a shorter A/R'])} of cash once.",
        "Its collection and denial rates are its own claims: ask for a sample monthly report before relying on them.",
    ]


def _conditions(entry: VendorScore) -> list[str]:
    found = entry.score
    assert found is not None
    conditions = ["Sign the Business Associate Agreement before any patient data is shared (HIPAA 164.308(b))."]
    days = entry.answers.get(BREACH_NOTICE_QUESTION)
    if isinstance(days, int | float):
        target = min(int(days), 5)  # five days or less is what good contracts say
        conditions.append(
            f"Write into the BAA that they tell you of a breach within {target} days of finding it "
            f"(they said {days:g}; the law allows 60, and you must notify patients within 60 yourself)."
        )
    for gap in found.gaps[:4]:
        if gap.question_id != BREACH_NOTICE_QUESTION:
            conditions.append(f"{gap.text} They answered “{gap.answer}”. {gap.ask}")
    return conditions


def _runner_up(entry: VendorScore, best: VendorScore | None) -> tuple[str, str, str]:
    found = entry.score
    if found is None:
        return entry.vendor.name, "Not assessed", entry.message
    if found.disqualified:
        first = found.knockouts[0]
        return entry.vendor.name, f"{entry.rating}, do not use", f"Ruled out: {first.reason}"
    if found.knockouts:
        first = found.knockouts[0]
        more = f" (and {len(found.knockouts) - 1} more)" if len(found.knockouts) > 1 else ""
        return entry.vendor.name, entry.rating, f"Fails a must-have control{more}: {first.reason}"
    behind = f"{best.score.claimed - found.claimed:.0f} points behind" if best and best.score else "behind"
    top = f" Biggest gap: {found.gaps[0].text} ({found.gaps[0].answer})." if found.gaps else ""
    return entry.vendor.name, entry.rating, f"Scores {found.claimed:.0f} out of 100, {behind}.{top}"


# PDF


def memo_pdf(memo: Memo) -> bytes:
    """The memo as a one- or two-page A4 PDF with the core fonts (no external files)."""
    from fpdf import FPDF  # here, not at the top: app processes that never print a memo do not carry fpdf2

    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(memo.prepared_on.year, memo.prepared_on.month, memo.prepared_on.day, tzinfo=UTC))
    pdf.set_title(memo.title)
    pdf.set_author("vendorcheck")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _latin(memo.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(0, 6, _latin(f"{memo.organization} - {memo.prepared_on.isoformat()}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, _latin(memo.headline), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    _bullets(pdf, memo.reasons)
    if memo.money:
        _heading(pdf, "What it will cost and earn")
        _bullets(pdf, memo.money)
    if memo.cautions:
        _heading(pdf, "Before you decide")
        _bullets(pdf, memo.cautions)
    if memo.conditions:
        _heading(pdf, "Write these into the contract and BAA")
        _bullets(pdf, memo.conditions, numbered=True)
    if memo.unproven:
        _heading(pdf, "Still unproven: ask for these documents")
        _bullets(pdf, memo.unproven)
    if memo.runners_up:
        _heading(pdf, "The other vendors")
        _bullets(pdf, [f"{name} ({rating}): {why}" for name, rating, why in memo.runners_up])
    pdf.ln(3)
    pdf.set_font("Helvetica", "I", 8)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(0, 4, _latin(memo.footnote), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, _latin(text), new_x="LMARGIN", new_y="NEXT")


def _bullets(pdf: FPDF, items: list[str], numbered: bool = False) -> None:
    pdf.set_font("Helvetica", "", 10)
    for number, item in enumerate(items, 1):
        mark = f"{number}." if numbered else "-"
        pdf.cell(6, 5, mark)
        pdf.multi_cell(0, 5, _latin(item), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.8)


def _latin(text: str) -> str:
    """The core PDF fonts are Latin-1: swap the typographic characters we use for plain ones."""
    swaps = {"“": '"', "”": '"', "’": "'", "‘": "'", "–": "-", "—": "-", "…": "...", "≥": ">=", "≤": "<=", "×": "x"}
    for old, new in swaps.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")
