"""Questionnaire files: the shipped library validates, and every kind of mistake is reported precisely."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from vendorcheck.cli import cli
from vendorcheck.questionnaire.loader import (
    QuestionnaireError,
    check_text,
    content_hash,
    load_file,
    load_library,
    validate_paths,
)
from vendorcheck.questionnaire.model import AnswerError
from vendorcheck.resources import questionnaires_dir

SCHEMA = questionnaires_dir() / "questionnaire.schema.json"

GOOD = """\
id: tiny
version: "1"
title: Tiny
sections:
  - id: first
    title: First
    questions:
      - id: has_baa
        text: Will you sign our BAA?
        help: The contract HIPAA requires.
        type: yes_no
        domain: contracts
        weight: 5
        controls: ["HIPAA 164.308(b)(1)"]
        critical:
          fail_if: "answer == 'no'"
          reason: No BAA, no patient data.
        severity: critical
      - id: tls
        text: Lowest TLS version?
        help: Older versions are broken.
        type: single_choice
        domain: encryption
        weight: 4
        controls: ["NIST SP 800-52r2"]
        choices:
          - {value: tls_1_3, label: TLS 1.3, score: 1}
          - {value: tls_1_0, label: TLS 1.0, score: 0}
        when: "has_baa == 'yes'"
        severity: high
        proven_by: [soc2_report]
      - id: denial_rate
        text: Denial rate?
        help: Share of claims denied.
        type: percent
        domain: operations
        weight: 3
        controls: ["HFMA MAP"]
        thresholds: {direction: lower_is_better, good: 5, poor: 10}
        severity: low
"""

SHIPPED = {"hipaa-security": 50, "soc2-review": 20, "billing-vendor": 30}


def problems_of(text: str) -> list[str]:
    _, problems = check_text(text, "q.yaml", SCHEMA)
    return [str(p) for p in problems]


def test_the_shipped_library_validates_and_meets_the_counts() -> None:
    library = load_library(questionnaires_dir())
    assert set(SHIPPED) <= set(library)
    for key, minimum in SHIPPED.items():
        questionnaire = library[key]
        assert len(questionnaire.questions) >= minimum, key
        assert all(q.controls for q in questionnaire.questions if q.critical), key
        assert all(q.help for q in questionnaire.questions), key
    billing = library["billing-vendor"]
    numeric = [q for q in billing.questions if q.type in ("number", "percent") and q.weight > 0]
    assert numeric and all(q.thresholds for q in numeric)


def test_a_good_file_loads_with_its_hash() -> None:
    data, problems = check_text(GOOD, "q.yaml", SCHEMA)
    assert problems == []
    assert content_hash(data) == content_hash(dict(reversed(list(data.items()))))


def test_the_cli_validates_the_library_and_fails_on_problems(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["questionnaires", "validate"])
    assert result.exit_code == 0, result.output
    assert "ok  hipaa-security" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("domain: encryption", "domain: crypto"))
    result = runner.invoke(cli, ["questionnaires", "validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:23: tls: domain: 'crypto' is not one of" in result.output


WHEN = "when: \"has_baa == 'yes'\""
CITED = '        controls: ["HIPAA 164.308(b)(1)"]\n'


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("id: tls", "id: has_baa"), "q.yaml:19: has_baa: id: this question id is used twice in the file"),
        (("domain: encryption", "domain: crypto"), "q.yaml:23: tls: domain: 'crypto' is not one of"),
        (("weight: 4", "weight: 9"), "q.yaml:24: tls: weight: 9 is greater than the maximum of 5"),
        (
            ("when: \"has_baa == 'yes'\"", 'when: "denial_rate > 3"'),
            "tls: when: names 'denial_rate', which comes later",
        ),
        ((WHEN, "when: \"nobody == 'yes'\""), "tls: when: names unknown question 'nobody'"),
        ((WHEN, "when: \"tls == 'x'\""), "tls: when: the condition names this question itself"),
        (
            ("when: \"has_baa == 'yes'\"", "when: \"has_baa == 'maybe'\""),
            "tls: when: 'maybe' is not a choice of 'has_baa'",
        ),
        ((WHEN, 'when: "has_baa =="'), "tls: when: "),
        (
            ('        controls: ["HIPAA 164.308(b)(1)"]\n', "        controls: []\n"),
            "has_baa: controls: a critical question must cite",
        ),
        (
            ('controls: ["HFMA MAP"]', 'controls: ["my notes"]'),
            "denial_rate: controls: 'my notes' does not have the expected form",
        ),
        (("good: 5, poor: 10", "good: 10, poor: 5"), "denial_rate: thresholds: lower_is_better needs good below poor"),
        (("        help: Share of claims denied.\n", ""), "q.yaml:32: denial_rate: help: is missing"),
        (("weight: 3", "weight: 3\n        colour: red"), "denial_rate: unknown field(s): colour"),
        (("weight: 5", "weight: 5\n        weight: 4"), "q.yaml:14: has_baa: weight: key given twice"),
        (("    title: First", "    title: [unclosed"), "q.yaml:7: not valid YAML"),
        (("        severity: high\n", ""), "q.yaml:24: tls: severity: a scored question needs a severity"),
        (("severity: low", "severity: dire"), "denial_rate: severity: 'dire' is not one of critical, high"),
        (("proven_by: [soc2_report]", "proven_by: [a_hunch]"), "tls: proven_by: 'a_hunch' is not one of"),
        (("          fail_if", "          kind: fatal\n          fail_if"), "has_baa: kind: 'fatal' is not one of"),
        (("weight: 5", "weight: 5\n        contract_clause: ''"), "has_baa: contract_clause: '' should be non-empty"),
        (
            ("weight: 3", "weight: 0\n        contract_clause: The vendor reports its denial rate."),
            "denial_rate: contract_clause: only a scored question (weight above 0) needs one",
        ),
    ],
)
def test_each_mistake_is_reported_with_file_line_question_and_field(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in GOOD
    problems = problems_of(GOOD.replace(old, new, 1))
    assert any(expected in p for p in problems), problems


def test_a_contract_clause_is_read_with_its_lines_joined() -> None:
    """The memo's contract conditions quote the clause a question declares (folded YAML, one line of text)."""
    folded = "weight: 5\n        contract_clause: >\n          The vendor signs\n          the BAA."
    text = GOOD.replace("weight: 5", folded, 1)
    data, problems = check_text(text, "q.yaml", SCHEMA)
    assert problems == [] and data is not None
    from vendorcheck.questionnaire.loader import build

    questions = {q.id: q for q in build(data).questions}
    assert questions["has_baa"].contract_clause == "The vendor signs the BAA."
    assert questions["tls"].contract_clause is None


def test_the_shipped_library_declares_contract_clauses_where_they_matter() -> None:
    library = load_library(questionnaires_dir())
    questions = [q for key in ("hipaa-security", "billing-vendor") for q in library[key].questions]
    clauses = {q.id for q in questions if q.contract_clause}
    assert 15 <= len(clauses) <= 30
    must = {"baa_breach_notice_days", "contingency_notice_hours", "data_return_on_exit", "data_return_format"}
    assert must | {"termination_notice_days", "baa_flow_down"} <= clauses


def test_a_cycle_is_named_as_such() -> None:
    text = (
        GOOD.replace("when: \"has_baa == 'yes'\"", 'when: "denial_rate > 3"') + "        when: \"tls == 'tls_1_3'\"\n"
    )
    problems = problems_of(text)
    assert any("conditions form a cycle: tls -> denial_rate -> tls" in p for p in problems), problems


def test_an_invalid_file_is_never_loaded(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("type: yes_no", "type: maybe"))
    with pytest.raises(QuestionnaireError, match="has_baa: type"):
        load_file(bad, SCHEMA)
    twin = tmp_path / "twin.yaml"
    (tmp_path / "bad.yaml").unlink()
    (tmp_path / "one.yaml").write_text(GOOD)
    twin.write_text(GOOD.replace("id: tiny", "id: other"))
    _, problems = validate_paths([tmp_path])
    assert any("question id also used in" in str(p) for p in problems)


def test_answers_are_read_by_type(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD)
    questionnaire = load_file(path, SCHEMA)
    baa, tls, denial = questionnaire.questions
    assert baa.parse("Yes") == "yes"
    with pytest.raises(AnswerError, match="Choose one of: Yes, No"):
        baa.parse("perhaps")
    assert denial.parse("4.5%") == 4.5
    assert denial.parse("7") == 7
    with pytest.raises(AnswerError, match="100 or less"):
        denial.parse("140")
    with pytest.raises(AnswerError, match="Enter a number"):
        denial.parse("lots")
    assert denial.compliance(5) == 1.0 and denial.compliance(10) == 0.0 and denial.compliance(7.5) == 0.5
    assert baa.fails("no") and not baa.fails("yes") and not baa.fails(None)
    assert [q.id for q in questionnaire.visible({"has_baa": "no"})] == ["has_baa", "denial_rate"]
    assert [q.id for q in questionnaire.visible({"has_baa": "yes"})] == ["has_baa", "tls", "denial_rate"]
    assert tls.display("tls_1_3") == "TLS 1.3"
    assert tls.compliance("tls_1_0") == 0.0
    assert date.fromisoformat("2026-01-01")
