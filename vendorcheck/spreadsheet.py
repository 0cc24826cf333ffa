"""Moved into the assessments package; this name stays only while ``vendorcheck/cli.py`` imports it.

The command-line module is being split into ``vendorcheck/cli/``; once it imports
:mod:`vendorcheck.assessments.spreadsheet` and :mod:`vendorcheck.assessments.answers_json`, delete this file.
"""

from vendorcheck.assessments.answers_json import export_json, read_json
from vendorcheck.assessments.spreadsheet import SheetError, diff, export_xlsx, read_xlsx

__all__ = ["SheetError", "diff", "export_json", "export_xlsx", "read_json", "read_xlsx"]
