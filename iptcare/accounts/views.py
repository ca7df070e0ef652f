from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from iptcare.accounts import services
from iptcare.accounts.services import InvitationError


@never_cache
@sensitive_post_parameters()
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None or invitation.status != "open":
        status = invitation.status if invitation else "invalid"
        return render(request, "accounts/invitation_unusable.html", {"status": status}, status=410)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except InvitationError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome. Your password is set and you are logged in.")
            return redirect("home:index")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )
