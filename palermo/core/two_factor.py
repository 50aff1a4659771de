"""TOTP two-factor sign-in (django-otp): enrolment and verification."""

from __future__ import annotations

import base64
import io

import segno
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice


def pending_device(user) -> tuple[TOTPDevice, bool]:
    """The user's confirmed TOTP device, or an unconfirmed one to enrol (``is_new`` True)."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return confirmed, False
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False,
                                                 defaults={"name": "Authenticator app"})
    return device, True


def setup_uri(device: TOTPDevice) -> dict[str, str]:
    """What the enrolment page shows: a QR code (inline SVG) and the secret to type in."""
    uri = device.config_url
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True,
                                    title="Two-factor QR code")
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return {"qr_svg": buffer.getvalue().decode("utf-8"), "secret": secret, "uri": uri}


def confirm_device(request, device: TOTPDevice, code: str) -> bool:
    """Confirm a new device with its first code, and count this sign-in as verified."""
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def verify(request, code: str) -> bool:
    """Check a code against the user's confirmed devices; marks the session verified."""
    device = match_token(request.user, code)
    if device is None:
        return False
    otp_login(request, device)
    return True


def remove_devices(user) -> int:
    """Remove every two-factor device of *user* (a password reset does: whoever sets the
    new password enrols again). Returns how many were removed."""
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    return removed
