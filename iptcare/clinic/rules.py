"""Who may change the clinic's own records.

- An administrator keeps the supervision links of their own clinic's staff; nobody else
  does (a supervisor does not choose their supervisees, nor another clinic's people).
"""

from __future__ import annotations

import rules

from iptcare.accounts import rules as roles
from iptcare.accounts.models import User


@rules.predicate
def is_staff_of_the_same_clinic(user: object, person: User) -> bool:
    return (
        isinstance(user, User)
        and user.clinic_id is not None
        and person.clinic_id == user.clinic_id
        and not person.is_client
    )


rules.add_perm("clinic.change_supervision", roles.is_clinic_admin & is_staff_of_the_same_clinic)
