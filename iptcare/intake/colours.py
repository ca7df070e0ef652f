"""Brand colour checks (WCAG 2.1 contrast), so a clinic's colour never makes text unreadable."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# WCAG 2.1 AA for normal-size text: the header and buttons put white text on this colour.
AA_NORMAL_TEXT = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darker(colour: str, factor: float = 0.75) -> str:
    """The same hue, darker: for hover states and the header's active link."""
    r, g, b = (round(int(colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def validate_primary_colour(value: str) -> None:
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError("Enter a colour as # followed by six hex digits, e.g. #1d4f91.")
    ratio = contrast_ratio(value, "#ffffff")
    if ratio < AA_NORMAL_TEXT:
        raise ValidationError(
            f"White text on {value} has a contrast of {ratio:.1f}:1; it needs at least "
            f"{AA_NORMAL_TEXT}:1 to be readable (WCAG AA). Choose a darker colour."
        )
