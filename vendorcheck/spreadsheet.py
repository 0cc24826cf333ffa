"""Moved to :mod:`vendorcheck.assessments.spreadsheet`; this name stays only while ``vendorcheck/cli.py`` imports it.

The command-line module is being split into ``vendorcheck/cli/``; once it imports the spreadsheet from the
assessments package, delete this file. It is the very same module object (not a copy), so there is one
``SheetError`` and one set of limits.
"""

import sys

from vendorcheck.assessments import spreadsheet as _moved

sys.modules[__name__] = _moved
