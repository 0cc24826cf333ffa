"""``vendorcheck answers``: a vendor's answers out to XLSX or JSON and back in; ``questionnaires validate``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from sqlalchemy.orm import Session

from vendorcheck import assessments
from vendorcheck.assessments import answers_json, spreadsheet, workbook
from vendorcheck.audit import Actor
from vendorcheck.cli.common import fail, find_vendor, friendly_errors, instance_session
from vendorcheck.models import Assessment, AssessmentStatus, Vendor
from vendorcheck.questionnaire.loader import validate_paths
from vendorcheck.resources import questionnaires_dir

ASSESSMENT = click.option("--assessment", "assessment_id", type=int, help="Which assessment (default: the newest).")


@click.group()
def answers() -> None:
    """Export and import a vendor's answers (XLSX or JSON)."""


def _assessment_of(session: Session, vendor: Vendor, assessment_id: int | None) -> Assessment:
    candidates = [a for a in vendor.assessments if a.status != AssessmentStatus.CANCELLED]
    if assessment_id is not None:
        candidates = [a for a in vendor.assessments if a.id == assessment_id]
    if not candidates:
        raise assessments.AssessmentError(
            f"{vendor.name} has no assessment{'' if assessment_id is None else f' {assessment_id}'}: "
            "create one on the vendor's page"
        )
    return candidates[-1]


@answers.command("export")
@click.argument("vendor")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.xlsx or .json")
@ASSESSMENT
@click.option("--blank", is_flag=True, help="XLSX without the current answers.")
@friendly_errors
def answers_export(vendor: str, out: Path, assessment_id: int | None, blank: bool) -> None:
    """Write a vendor's questionnaire and answers to FILE.xlsx, or its answers to FILE.json."""
    if out.suffix.lower() not in (".xlsx", ".json"):
        fail("--out must end in .xlsx or .json")
    with instance_session() as session:
        sheet = assessments.sheet_of(session, _assessment_of(session, find_vendor(session, vendor), assessment_id))
        if out.suffix.lower() == ".json":
            data = json.dumps(answers_json.export_json(sheet), indent=2, ensure_ascii=False).encode("utf-8")
        else:
            data = workbook.export_xlsx(sheet, with_answers=not blank)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(data)
    partial.replace(out)
    click.echo(f"Wrote {out} (assessment {sheet.assessment.id}, {len(sheet.answers)} answers).")


@answers.command("import")
@click.argument("vendor")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ASSESSMENT
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@friendly_errors
def answers_import(vendor: str, file: Path, assessment_id: int | None, dry_run: bool) -> None:
    """Read FILE.xlsx or FILE.json into a vendor's assessment: every bad cell is listed and nothing applied."""
    with instance_session() as session:
        sheet = assessments.sheet_of(session, _assessment_of(session, find_vendor(session, vendor), assessment_id))
        data = file.read_bytes()
        try:
            reader = answers_json.read_json if file.suffix.lower() == ".json" else spreadsheet.read_xlsx
            entries = reader(sheet, data)
        except spreadsheet.SheetError as error:
            for problem in error.problems:
                click.echo(f"{file}: {problem}", err=True)
            click.echo(f"vendorcheck: error: {len(error.problems)} problem(s); nothing was imported.", err=True)
            sys.exit(1)
        changes = spreadsheet.diff(sheet, entries)
        for change in changes:
            click.echo(f"{change.question_id}: {change.before} -> {change.after}")
        if dry_run or not changes:
            click.echo(f"{len(changes)} change(s){' (dry run: nothing written)' if dry_run else ''}.")
            session.rollback()
            return
        result = assessments.save(session, Actor.cli(), sheet, entries, on_behalf=True)
        if result.errors:
            session.rollback()
            fail("; ".join(f"{k}: {v}" for k, v in result.errors.items()))
        click.echo(f"Imported {len(result.changed)} change(s) into assessment {sheet.assessment.id}.")


@click.group("questionnaires")
def questionnaires_group() -> None:
    """Check the questionnaire files."""


@questionnaires_group.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def questionnaires_validate(paths: tuple[Path, ...]) -> None:
    """Check questionnaire files (default: the shipped library) and list every problem.

    Each problem reads FILE:LINE: QUESTION: FIELD: MESSAGE. Exit status 1 when there is any.
    """
    loaded, problems = validate_paths(list(paths) or [questionnaires_dir()])
    for problem in problems:
        click.echo(str(problem), err=True)
    for questionnaire in loaded.values():
        click.echo(
            f"ok  {questionnaire.key} {questionnaire.version}: {len(questionnaire.questions)} questions, "
            f"{sum(1 for q in questionnaire.questions if q.critical)} critical, hash {questionnaire.content_hash[:12]}"
        )
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
