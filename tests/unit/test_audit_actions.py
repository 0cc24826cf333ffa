"""The audit vocabulary: every action the code records is named in vendorcheck.audit.actions, once."""

import ast
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import vendorcheck
from vendorcheck import demo
from vendorcheck.audit import actions
from vendorcheck.models import AuditEvent

VOCABULARY = {value for name, value in vars(actions).items() if name.isupper() and isinstance(value, str)}
# The calls that take an action as their second argument: audit.record and the services' small wrappers.
RECORDING = {"record", "_event", "_user_event"}


def _recorded_literals() -> dict[str, str]:
    """Every string literal given as the action of a recording call in the package, with where it is."""
    found: dict[str, str] = {}
    root = Path(vendorcheck.__file__).parent
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in RECORDING:
                continue
            for inner in ast.walk(node.args[1]):  # a literal, or either side of `"a" if x else "b"`
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                    found[inner.value] = f"{path.relative_to(root)}:{inner.lineno}"
    return found


def test_every_recorded_action_is_in_the_vocabulary() -> None:
    literals = _recorded_literals()
    assert literals, "the scan found no recording calls: it no longer sees them"
    unknown = {action: where for action, where in literals.items() if action not in VOCABULARY}
    assert not unknown, f"add these to vendorcheck/audit/actions.py (or use its constants): {unknown}"


def test_each_action_has_one_constant_and_aliases_are_never_written() -> None:
    names = [name for name, value in vars(actions).items() if name.isupper() and isinstance(value, str)]
    assert len(VOCABULARY) == len(names), "two constants name the same action"
    assert all(target in VOCABULARY for target in actions.ALIASES.values())
    assert VOCABULARY.isdisjoint(actions.ALIASES)
    assert set(_recorded_literals()).isdisjoint(actions.ALIASES)


def test_the_demo_records_a_new_vendor_under_the_same_name_as_the_cli(dbs: Session, tmp_path: Path) -> None:
    demo.seed(dbs, demo.load_or_create_credentials(tmp_path))
    dbs.flush()
    recorded = set(dbs.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "vendor")))
    assert recorded == {actions.VENDOR_CREATED} == {"vendor.created"}
