"""Throttling of guessable secrets (passwords, MFA codes, one-time links) with Flask-Limiter.

Only failures count (``deduct_when``): a person who signs in correctly is never slowed down. Storage is in
memory by default (one process) and Redis when VENDORCHECK_RATELIMIT_STORAGE_URI points at one, so limits
hold across several app processes.
"""

from __future__ import annotations

import math
import time

from flask import Flask, Response, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address

from vendorcheck.accounts import normalize_email

limiter = Limiter(key_func=get_remote_address, headers_enabled=False)

PER_ACCOUNT = "5 per 15 minutes"  # the sixth quick wrong password waits
PER_ADDRESS = "30 per 15 minutes"  # one address trying many accounts
PER_LINK_ADDRESS = "20 per hour"  # guessing invitation or reset tokens
# Password guesses against one account share one bucket, whether made at sign-in or at re-authentication.
ACCOUNT_SCOPE = "account"


def init_app(app: Flask) -> None:
    """Attach the limiter to ``app`` (storage from RATELIMIT_STORAGE_URI)."""
    limiter.init_app(app)


def failed(response: Response) -> bool:
    """Count the attempt against the limit only when it failed."""
    return response.status_code in (401, 404, 410)


def submitted_account() -> str:
    """The account a sign-in attempt names, as the throttling key."""
    return "account:" + normalize_email(request.form.get("email", ""))


def minutes_until_reset(limit: RequestLimit) -> int:
    """Whole minutes, at least one, until ``limit`` lets the next attempt through."""
    return max(1, math.ceil((limit.window.reset_time - time.time()) / 60))
