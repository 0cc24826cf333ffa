"""``vendorcheck score`` and ``vendorcheck compare``: ratings and comparisons on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click

from vendorcheck import scores
from vendorcheck.cells import csv_writer
from vendorcheck.cli.common import JSON_HELP, fail, find_vendor, friendly_errors, instance_session
from vendorcheck.scoring import LEVELS


def _score_lines(entry: scores.VendorScore) -> list[str]:
    found = entry.score
    if found is None or found.rating is None:
        return [f"{entry.vendor.name}: not assessed. {entry.message}"]
    rating = found.rating
    lines = [
        f"{entry.vendor.name}: {rating.name} risk ({entry.message})",
        f"  Claimed {found.claimed:.1f}/100, proven {found.proven:.1f}/100, "
        f"evidence confidence {found.confidence:.0f}%",
        f"  Why {rating.name}: impact {LEVELS[rating.inherent]} ({' '.join(found.inherent_reasons)}); "
        f"controls {LEVELS[rating.strength]} ({found.rating_basis} {found.basis:.1f}) -> likelihood "
        f"{LEVELS[rating.likelihood]}; NIST SP 800-30 matrix -> {LEVELS[rating.matrix]}"
        + (f"; raised to {rating.name} by {len(found.knockouts)} failed knock-out(s)" if rating.floored else ""),
    ]
    lines.append("  Knock-outs: " + ("none" if not found.knockouts else ""))
    lines += [f"    {k.question_id} ({k.answer}): {k.reason} [{', '.join(k.controls)}]" for k in found.knockouts]
    lines.append("  Domains (claimed / proven, weight):")
    lines += [f"    {d.label:<24} {d.claimed:5.1f} / {d.proven:5.1f}  x{d.weight:g}" for d in found.domains]
    lines.append("  Gaps that cost the most:")
    for gap in found.gaps[:5]:
        lines.append(f"    -{gap.points:.2f}  {gap.question_id} ({gap.answer}): {gap.why} [{', '.join(gap.controls)}]")
        lines.append(f"           {gap.ask}")
    lines.append(f"  Method {found.method_version}, scoring profile version {found.profile_version}.")
    return lines


@click.command("score")
@click.argument("vendor")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@friendly_errors
def score_command(vendor: str, as_json: bool) -> None:
    """A vendor's risk rating, claimed and proven scores, knock-outs and the gaps that cost the most."""
    with instance_session() as session:
        found = find_vendor(session, vendor)
        [entry] = scores.score_vendors(session, [found], scores.current_profile(session, found.org_id))
        output = json.dumps(scores.score_json(entry), indent=2, ensure_ascii=False) if as_json else None
        lines = _score_lines(entry)
    click.echo(output if as_json else "\n".join(lines))


@click.command("compare")
@click.argument("vendor_refs", metavar="VENDOR...", nargs=-1, required=True)
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path), help="Write the table to F.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@friendly_errors
def compare_command(vendor_refs: tuple[str, ...], csv_out: Path | None, as_json: bool) -> None:
    """Vendors side by side, best first, with whether the ranking holds when domain weights move by 25%."""
    with instance_session() as session:
        chosen = [find_vendor(session, ref) for ref in vendor_refs]
        if len({v.org_id for v in chosen}) > 1:
            fail("these vendors belong to different organizations; compare vendors of one organization")
        try:
            comparison = scores.compare(session, chosen, scores.current_profile(session, chosen[0].org_id))
        except scores.ScoreError as error:
            fail(str(error))
        rows = scores.comparison_rows(comparison)
        data = scores.comparison_json(comparison)
    if csv_out is not None:
        partial = csv_out.with_name(csv_out.name + ".partial")
        with partial.open("w", newline="", encoding="utf-8") as handle:
            csv_writer(handle).writerows(rows)
        partial.replace(csv_out)
        click.echo(f"Wrote {csv_out} ({len(rows) - 1} vendors).")
    elif as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    if csv_out is None and not as_json:
        for row in rows[1:]:
            click.echo(f"{row[0]}. {row[1]}: {row[3]}" + (f" (claimed {row[4]}, proven {row[5]})" if row[4] else ""))
        click.echo(f"Recommended: {data['recommended'] or 'none yet (every assessed vendor fails a knock-out)'}")
        click.echo("The ranking holds when any domain weight moves by 25%." if data["stable"] else "")
        for flip in data["flips"]:
            click.echo(f"  {flip}")
