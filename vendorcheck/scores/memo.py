"""The decision memo: one or two pages, in plain words, for the practice owner choosing among compared vendors.

Built from a :class:`~vendorcheck.scores.Comparison` (and the recorded decision, if any) as data; the web layer
renders it with one HTML template, as a page and, through :mod:`vendorcheck.printing`, as a tagged PDF.
The order follows how an owner decides: the recommendation and why (risk, then money, then operations), the
recorded decision, what it costs and earns, the conditions to put in the contract, the risks accepted by
signing, what is still unproven, why the others rank lower, and a signature block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from vendorcheck.scores.common import EXPLANATIONS
from vendorcheck.scores.comparison import Comparison
from vendorcheck.scores.decisions import RecordedDecision
from vendorcheck.scores.vendor_scores import VendorScore
from vendorcheck.scoring import METHOD_VERSION
from vendorcheck.scoring.economics import KpiProof, readiness

BREACH_NOTICE_QUESTION = "baa_breach_notice_days"
BAA_CONDITION = (
    "The vendor signs the practice's business associate agreement before any patient data is shared (HIPAA 164.308(b))."
)
MAX_CONDITIONS = 8  # the memo stays on one or two pages; the vendor page lists every gap
MAX_RISKS = 5
MAX_WORDED = 3  # shortfalls whose question declares no clause, worded from the question


@dataclass(frozen=True)
class Condition:
    """One condition for the contract or BAA: the clause to write, and the answer that calls for it."""

    clause: str
    because: str = ""
    question_id: str | None = None  # the answer that calls for it (None for the BAA itself)


@dataclass(frozen=True)
class RunnerUp:
    vendor: str
    rating: str
    why: str
    status: str = "final"  # final | provisional | not_assessed (the memo explains the last two in place)


@dataclass
class Memo:
    title: str
    prepared_on: date
    organization: str
    recommended: str | None
    headline: str
    reasons: list[str]
    conditions: list[Condition]
    unproven: list[str]
    runners_up: list[RunnerUp]
    cautions: list[str] = field(default_factory=list)
    footnote: str = ""
    money: list[str] = field(default_factory=list)  # what it will cost and earn (docs/economics.md)
    risks: list[str] = field(default_factory=list)  # what the practice accepts by signing with the pick
    decision: RecordedDecision | None = None
    decision_note: str = ""  # when the recorded decision differs from today's recommendation
    provisional: bool = False


def build_memo(
    comparison: Comparison, organization: str, today: date | None = None, decision: RecordedDecision | None = None
) -> Memo:
    """What the owner needs to decide and sign: the pick and why, the contract conditions, the risks accepted."""
    today = today or date.today()
    best = comparison.recommended
    footnote = (
        f"Prepared by vendorcheck on {today.isoformat()} (scoring method {METHOD_VERSION}, scoring profile version "
        f"{comparison.profile.version}). Ratings use the five levels of NIST SP 800-30, from Very Low to Very High."
    )
    runners = [_runner_up(e, best) for e in comparison.entries if best is None or e.vendor.id != best.vendor.id]
    memo = Memo("Vendor decision memo", today, organization, None, "", [], [], [], runners, [], footnote)
    memo.money = _money(comparison, best)
    memo.decision = decision
    if best is None or best.score is None or best.score.rating is None:
        memo.headline = (
            "No vendor can be recommended yet: every assessed vendor fails at least one must-have control."
            if comparison.assessed
            else "No vendor can be recommended yet: none has submitted its questionnaire."
        )
    else:
        memo.recommended = best.vendor.name
        memo.headline = f"Recommended: {best.vendor.name}"
        memo.reasons = _reasons(comparison, best)
        memo.cautions = _cautions(comparison, best)
        memo.conditions = conditions(best)
        memo.risks = _risks(best, memo.conditions)
        memo.unproven = _unproven(best)
        memo.provisional = best.status == "provisional"
    if decision is not None and decision.vendor != memo.recommended:
        memo.decision_note = (
            f"The recorded decision chose {decision.vendor}, which is not the vendor recommended today: "
            "read the reasons below before signing."
        )
    return memo


def _reasons(comparison: Comparison, best: VendorScore) -> list[str]:
    """Why this vendor, in the order an owner weighs it: risk, then money, then operations."""
    found = best.score
    assert found is not None and found.rating is not None
    reasons = [
        f"Lowest risk of the {len(comparison.entries)} vendors compared: rated {found.rating.name}.",
        f"Its answers score {found.claimed:.0f} out of 100; {found.confidence:.0f}% of that is backed by documents "
        "you have accepted.",
        "It passes every must-have control (signing a BAA, encryption, two-step sign-in, breach notice in time).",
    ]
    exposure = [_plain_reason(r) for r in found.inherent_reasons if not r.endswith("points in all.")]
    if exposure:
        reasons.append(
            "What it would handle for you: it " + "; it ".join(e[:1].lower() + e[1:] for e in exposure) + "."
        )
    if found.until_proven:
        reasons.append(found.headline)
    money = comparison.economics.get(best.vendor.id)
    if money is not None and money.complete:
        difference = next((f.value for f in money.figures if f.label == "Difference per year"), None)
        if difference is not None:
            more = "more" if difference >= 0 else "less"
            reasons.append(
                f"Money: if its claims hold, you keep {_dollars(abs(difference))} a year {more} than billing "
                "in-house (details below)."
            )
    figures = [
        f"{label.lower()} {value}"
        for qid, label in (("clean_claim_rate", "Clean-claim rate"), ("denial_rate", "Denial rate"))
        if (value := best.figure(qid))
    ]
    if days := best.figure("days_in_ar"):
        figures.append(f"{days} in A/R")
    if figures:
        reasons.append("Operations, as it states them: " + ", ".join(figures) + ".")
    return reasons


def _plain_reason(reason: str) -> str:
    """An impact reason without the scoring points it carries ("Keeps patient data on its own systems: +2.")."""
    return re.sub(r"(: \+?\d+ points?|: \+\d+)?\.$", "", reason).strip()


def _cautions(comparison: Comparison, best: VendorScore) -> list[str]:
    cautions = []
    if best.status == "provisional":
        cautions.append(EXPLANATIONS["provisional"] + " Treat this recommendation as provisional until then.")
    if not comparison.stability.holds:
        cautions.append(
            "Close call: the order changes if priorities shift. " + comparison.stability.flips[0].sentence + "."
        )
    elif comparison.margin is not None and comparison.margin < 5:
        cautions.append(f"Close call: only {comparison.margin:.0f} points ahead of the next vendor.")
    return cautions


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
        _kpi_sentence(found.kpis),
    ]


def _kpi_sentence(kpis: KpiProof) -> str:
    """Whether the figures behind these amounts are shown by a report, and what to ask for if not."""
    if kpis.claimed or not kpis.backed:
        return f"{kpis.words} Ask for a sample monthly report (patient details removed) before relying on them."
    return f"{kpis.words} These amounts rest on figures a report shows."


def conditions(entry: VendorScore) -> list[Condition]:
    """The contract and BAA conditions for ``entry``: the BAA itself, the breach notice, then each shortfall's clause.

    A question's ``contract_clause`` (from the questionnaire version the vendor answered) is the text to write;
    a shortfall whose question declares none is worded from the question, as before clauses existed.
    """
    found = entry.score
    assert found is not None
    listed = [Condition(BAA_CONDITION)]
    days = entry.answers.get(BREACH_NOTICE_QUESTION)
    if isinstance(days, int | float):  # however good the answer, the number of days belongs in the BAA
        clause = _clause(entry, BREACH_NOTICE_QUESTION)
        target = min(int(days), 5)  # five days or less is what good contracts say
        listed.append(
            Condition(
                clause
                or f"The vendor tells the practice of a breach within {target} days of finding it "
                "(the law allows 60, and the practice must notify patients within 60 itself).",
                f"They said {days:g} days.",
                BREACH_NOTICE_QUESTION,
            )
        )
    # every shortfall the answers show, worst first: open findings (rated or not), then the costliest gaps
    shortfalls: dict[str, tuple[str, str, str, int]] = {}
    for qid, text, answer, ask, level in [(f.question_id, f.text, f.answer, f.ask, f.level) for f in found.findings] + [
        (g.question_id, g.text, g.answer, g.ask, -1) for g in found.gaps
    ]:
        if qid != BREACH_NOTICE_QUESTION:
            shortfalls.setdefault(qid, (text, answer, ask, level))
    for qid, (text, answer, _, _) in shortfalls.items():
        if (clause := _clause(entry, qid)) and len(listed) < MAX_CONDITIONS:
            listed.append(Condition(clause, f"They answered “{answer}” to: {text}", qid))
    # without a clause, only a finding of medium severity or worse is worth a condition; milder ones are risks
    worded = [(qid, t, a, k) for qid, (t, a, k, level) in shortfalls.items() if level >= 1 and not _clause(entry, qid)]
    for qid, text, answer, ask in worded[: max(0, min(MAX_WORDED, MAX_CONDITIONS - len(listed)))]:
        listed.append(Condition(f"{text} {ask}", f"They answered “{answer}”.", qid))
    return listed


def _clause(entry: VendorScore, question_id: str) -> str | None:
    question = entry.questions.get(question_id)
    return question.contract_clause if question is not None else None


def _risks(entry: VendorScore, listed: list[Condition]) -> list[str]:
    """Open findings the contract conditions do not cover: what the practice accepts by signing."""
    found = entry.score
    assert found is not None
    covered = {c.question_id for c in listed}
    risks = [
        f"Must-have control switched off in your scoring profile: {k.text} They answered “{k.answer}”."
        for k in found.waived
    ]
    for finding in found.findings:
        if not finding.rated or finding.question_id in covered:
            continue
        risks.append(f"{finding.label}: {finding.text} They answered “{finding.answer}”.")
    return risks[:MAX_RISKS]


def _unproven(entry: VendorScore) -> list[str]:
    found = entry.score
    assert found is not None
    needed = [f"{d.label} (it would prove {len(d.question_ids)} answers)." for d in found.until_proven]
    return needed + [f"{g.text} {g.ask}" for g in found.unproven[: max(0, 5 - len(found.until_proven))]]


def _runner_up(entry: VendorScore, best: VendorScore | None) -> RunnerUp:
    found = entry.score
    name = entry.vendor.name
    if found is None:
        return RunnerUp(name, "Not assessed", entry.message, "not_assessed")
    if found.disqualified:
        return RunnerUp(name, f"{entry.rating}, do not use", f"Ruled out: {found.knockouts[0].reason}", entry.status)
    if found.knockouts:
        first = found.knockouts[0]
        more = f" (and {len(found.knockouts) - 1} more)" if len(found.knockouts) > 1 else ""
        return RunnerUp(name, entry.rating, f"Fails a must-have control{more}: {first.reason}", entry.status)
    behind = f"{best.score.claimed - found.claimed:.0f} points behind" if best and best.score else "behind"
    top = f" Biggest gap: {found.gaps[0].text} ({found.gaps[0].answer})." if found.gaps else ""
    return RunnerUp(name, entry.rating, f"Scores {found.claimed:.0f} out of 100, {behind}.{top}", entry.status)
