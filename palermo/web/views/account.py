"""Account pages: two-factor sign-in, organisation switcher, personal API tokens, one's own
password, and the page a password reset link opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.core import passwords
from palermo.core.middleware import SESSION_KEY
from palermo.core.models import ApiToken
from palermo.core.two_factor import confirm_device, pending_device, setup_uri, verify
from palermo.web.forms import ApiTokenForm, TokenCodeForm


def _next_url(request, default: str = "web:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@login_required
def two_factor(request):
    """Set up an authenticator app (first time) or enter its code (every sign-in)."""
    device, is_new = pending_device(request.user)
    form = TokenCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if (confirm_device(request, device, code) if is_new else verify(request, code)):
            messages.success(request, _("Two-factor sign-in confirmed."))
            return redirect(_next_url(request))
        form.add_error("code", _("That code is not valid. Check your device's clock and try "
                                 "again with the current code."))
    context = {"form": form, "is_new": is_new, "next": _next_url(request, "")}
    if is_new:
        context.update(setup_uri(device))
    return render(request, "web/two_factor.html", context)


@login_required
@require_POST
def switch_organisation(request):
    """Act for another organisation the user belongs to."""
    wanted = request.POST.get("organisation", "")
    if not wanted.isdigit():
        raise Http404
    membership = request.user.memberships_active().filter(organisation_id=int(wanted)).first()
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = membership.organisation_id
    messages.info(request, _("You are now acting for %(org)s as %(role)s.") % {
        "org": membership.organisation, "role": membership.get_role_display()})
    return redirect("web:home")


@login_required
def tokens(request):
    """List, create and revoke the API tokens of the acting membership."""
    if request.membership is None:
        raise Http404
    form = ApiTokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = ApiToken.issue(request.membership, form.cleaned_data["name"])
        form = ApiTokenForm()
    own = ApiToken.objects.filter(membership__user=request.user).select_related(
        "membership__organisation")
    return render(request, "web/tokens.html", {"form": form, "raw": raw, "tokens": own})


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = ApiToken.objects.filter(pk=pk, membership__user=request.user).first()
    if token is None:
        raise Http404
    token.revoke()
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("web:tokens")


class ResetPasswordForm(SetPasswordForm):
    """The new password chosen with a reset link; the user's two-factor devices go with the
    old one (``passwords.complete_reset``)."""

    def save(self, commit: bool = True):
        user = super().save(commit=commit)
        passwords.complete_reset(user)
        return user


class PasswordChange(auth_views.PasswordChangeView):
    """Change one's own password (the current one is asked). Nobody changes another's."""

    template_name = "web/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


password_change = PasswordChange.as_view()
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=ResetPasswordForm, template_name="web/password_reset_confirm.html",
    success_url=reverse_lazy("web:password_reset_complete"))
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="web/password_reset_complete.html")
