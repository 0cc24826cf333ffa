"""Time-based one-time passwords (RFC 6238, via pyotp) and recovery codes. Pure: no Flask.

A code is accepted once: the user's last accepted time step is stored, and a code from that step or an
earlier one is refused as a replay. Recovery codes are random, shown once, and stored as SHA-256 hashes
(they carry 50 bits of randomness each, so a slow hash adds nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import time

import pyotp
import qrcode
import qrcode.image.svg

ISSUER = "vendorcheck"
RECOVERY_CODE_COUNT = 10
STEP_SECONDS = 30
VALID_WINDOW = 1  # accept the previous and next step too: phone clocks drift


def new_secret() -> str:
    """A random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(data: str) -> str:
    """An SVG QR code for ``data`` (inline in the page: no script, no external image)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]  # drop the XML declaration, which is not valid inside HTML


def accepted_step(secret: str, code: str, last_step: int | None, now: float | None = None) -> int | None:
    """The time step ``code`` belongs to if it is valid and newer than ``last_step``; None otherwise."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    moment = time.time() if now is None else now
    current = int(moment // STEP_SECONDS)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            if last_step is not None and step <= last_step:
                return None  # already used: a replay
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Fresh recovery codes to show the user once, formatted xxxxx-xxxxx."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def hash_recovery_code(code: str) -> str:
    """The stored form of a recovery code (case, spaces and dashes ignored)."""
    normalized = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalized.encode("ascii", "ignore")).hexdigest()
