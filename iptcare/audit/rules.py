"""Who may read the access log: the clinic's administrator (their own clinic's only; the
selectors scope it)."""

from __future__ import annotations

import rules

from iptcare.accounts import rules as roles

rules.add_perm("audit.view_access_log", roles.is_clinic_admin)
