"""Fidelity scales as files: the format (`fileformat`) and the scale IPTCare ships."""

from __future__ import annotations

from pathlib import Path

SHIPPED_FILE = Path(__file__).with_name("iptcare-fidelity.json")
SHIPPED_CODE = "iptcare-ipt-fidelity"
