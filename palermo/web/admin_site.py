"""The administration pages (organisations, users and roles, reference data), on Django's
admin, with every permission answered by ``palermo.core.access``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UsernameField
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from palermo.analytics.models import Release
from palermo.core import access, grants, passwords
from palermo.core.access import Action
from palermo.core.models import (
    AccessLog,
    AccountEvent,
    Country,
    Membership,
    Organisation,
    PicklistValue,
    Region,
    User,
)
from palermo.programmes.models import Partner, PartnerAlias, PortfolioImport


class PalermoAdminSite(admin.AdminSite):
    site_header = _("Palermo administration")
    site_title = _("Palermo administration")
    index_title = _("Organisations, users and reference data")
    site_url = "/"

    def has_permission(self, request) -> bool:
        return access.may_administer(getattr(request, "membership", None))


admin_site = PalermoAdminSite(name="admin")


class PolicyAdmin(admin.ModelAdmin):
    """Permissions from the access policy; the queryset filtered through it."""

    def get_queryset(self, request):
        return access.visible(request.membership, super().get_queryset(request))

    def has_module_permission(self, request):
        return access.can(request.membership, Action.VIEW, self.model)

    def has_view_permission(self, request, obj=None):
        return access.can(request.membership, Action.VIEW, obj or self.model)

    def has_add_permission(self, request):
        return access.can(request.membership, Action.CREATE, self.model)

    def has_change_permission(self, request, obj=None):
        return access.can(request.membership, Action.CHANGE, obj or self.model)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: records keep their history


class MembershipFormSet(BaseInlineFormSet):
    """Refuses a role the acting administrator may not grant (access.may_grant), and moving
    a membership to another organisation (deactivate it and add a line instead). Saving goes
    through ``grants.grant_membership`` (see ``PalermoUserAdmin.save_formset``)."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            role = form.cleaned_data.get("role")
            if role and not access.may_grant(self.request.membership, self.instance, role):
                form.add_error("role", _("You cannot give yourself a role that opens the "
                                         "records of assisted persons; ask another "
                                         "administrator."))
            if form.instance.pk and "organisation" in form.changed_data:
                form.add_error("organisation", _(
                    "A membership stays in its organisation: untick “active” here and add "
                    "a line for the other organisation."))


def confirmation_status(membership: Membership) -> str:
    """What a membership's confirmation stands at, for the administration pages."""
    if membership.pk is None or membership.role not in access.CONFIRMED_ROLES:
        return "—"
    if membership.is_confirmed:
        return _("Confirmed by %(who)s on %(when)s") % {
            "who": membership.confirmed_by or _("the command line or an upgrade"),
            "when": f"{membership.confirmed_at:%Y-%m-%d}"}
    if not membership.active:
        return _("Not confirmed")
    return _("Awaits confirmation by %(who)s") % {"who": grants.who_confirms(membership)}


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    formset = MembershipFormSet
    extra = 1
    fields = ["organisation", "role", "active", "confirmation"]
    readonly_fields = ["confirmation"]

    @admin.display(description=_("confirmation"))
    def confirmation(self, obj):
        return confirmation_status(obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request
        return formset

    def get_queryset(self, request):
        return access.visible(request.membership, super().get_queryset(request))

    def has_add_permission(self, request, obj=None):
        return access.can(request.membership, Action.CREATE, Membership)

    def has_change_permission(self, request, obj=None):
        return access.can(request.membership, Action.CHANGE, Membership)

    def has_view_permission(self, request, obj=None):
        return access.can(request.membership, Action.VIEW, Membership)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History pages to read. simple-history's version form saves a POST without asking the
    change permission (SIMPLE_HISTORY_REVERT_DISABLED only hides its button), so POSTs to it
    are refused here; corrections go through the change form."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(PolicyAdmin, ReadOnlyHistoryAdmin):
    list_display = ["name", "short_name", "type", "country", "parent",
                    "is_referral_mechanism", "active"]
    list_filter = ["type", "is_referral_mechanism", "active"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["country", "parent"]


class AccountForm(UserChangeForm):
    """A user's account without their password: nobody sets another person's password."""

    password = None


class InvitationForm(forms.ModelForm):
    """A new user: no password (they choose it with the invitation link sent to them)."""

    email = forms.EmailField(label=_("e-mail address"), help_text=_(
        "The invitation to choose a password is sent here."))

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]
        field_classes = {"username": UsernameField}


@admin.register(User, site=admin_site)
class PalermoUserAdmin(PolicyAdmin, UserAdmin):
    """Users are managed by administrators; Django's staff and superuser flags are not used.
    Passwords are never set here: a new user is invited, others are sent a reset link."""

    inlines = [MembershipInline]
    form = AccountForm
    add_form = InvitationForm
    add_form_template = "admin/change_form.html"
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role", "memberships__organisation"]
    fieldsets = [
        (None, {"fields": ["username", "sign_in"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["username", "first_name", "last_name", "email"]})]
    readonly_fields = ["sign_in", "password_state", "last_login", "date_joined"]
    actions = ["send_reset_links"]

    access_kind = "membership"

    @admin.display(description=_("password"))
    def password_state(self, obj):
        return (_("Set by the user.") if obj.has_usable_password()
                else _("Not chosen yet (invited)."))

    @admin.display(description=_("password"))
    def sign_in(self, obj):
        return format_html('{} <a href="{}">{}</a>', self.password_state(obj),
                           reverse("admin:core_user_send_reset", args=[obj.pk]),
                           _("Send a password reset link"))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or access.may_reset_password(request.membership):
            return fieldsets
        return [(name, {**options, "fields": ["password_state" if f == "sign_in" else f
                                              for f in options["fields"]]})
                for name, options in fieldsets]

    def get_urls(self):
        return [path("<id>/send-reset/", self.admin_site.admin_view(self.send_reset_view),
                     name="core_user_send_reset")] + super().get_urls()

    def user_change_password(self, request, id, form_url=""):
        """Django's page to set someone's password: closed (send a reset link instead)."""
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if change:
            changed = {"email"} & set(form.changed_data)
            if "is_active" in form.changed_data and obj.is_active:
                changed.add("is_active")
            grants.account_changed(request.membership, obj, changed)

    def save_formset(self, request, form, formset, change):
        """Memberships are granted through ``grants.grant_membership``, which records the
        grant and asks for its confirmation."""
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for line in formset.forms:
            if not line.has_changed() or not line.cleaned_data:
                continue
            existed = line.instance.pk is not None
            data = line.cleaned_data
            membership = grants.grant_membership(
                request.membership, form.instance, data["organisation"], data["role"],
                active=data.get("active", False))
            if existed:
                formset.changed_objects.append((membership, line.changed_data))
            else:
                formset.new_objects.append(membership)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            passwords.send_reset(request.membership, form.instance, request=request,
                                 invitation=True)
            self.message_user(request, _("An invitation to choose a password was sent to "
                                         "%(email)s.") % {"email": form.instance.email})

    def send_reset_view(self, request, id):
        """Confirm (GET) and send (POST) a password reset link to one user."""
        if not access.may_reset_password(request.membership):
            raise PermissionDenied
        user = self.get_object(request, id)
        if user is None:
            raise Http404
        if request.method == "POST":
            self._send_resets(request, [user])
            return redirect("admin:core_user_change", user.pk)
        return TemplateResponse(request, "admin/core/user/send_reset.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "original": user,
            "title": _("Send a password reset link")})

    @admin.action(description=_("Send a password reset link"))
    def send_reset_links(self, request, queryset):
        if not access.may_reset_password(request.membership):
            raise PermissionDenied
        self._send_resets(request, list(queryset))

    def _send_resets(self, request, users) -> None:
        for user in users:
            try:
                passwords.send_reset(request.membership, user, request=request)
            except passwords.NoAddress as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                self.message_user(request, _(
                    "A password reset link was sent to %(username)s. Their two-factor "
                    "devices are removed when they choose the new password.")
                    % {"username": user.get_username()})

    def get_queryset(self, request):
        # Users are seen through their memberships: the policy filters those. Whoever sees
        # every organisation's also sees users without one yet (just invited).
        if access.scope(request.membership, Action.VIEW, "membership") is access.Scope.ALL:
            return User.objects.all()
        seen = access.visible(request.membership, Membership.objects.all())
        return User.objects.filter(memberships__in=seen).distinct()

    def has_module_permission(self, request):
        return access.can(request.membership, Action.VIEW, Membership)

    def has_view_permission(self, request, obj=None):
        return access.can(request.membership, Action.VIEW, Membership)

    def has_add_permission(self, request):
        return access.can(request.membership, Action.CREATE, Membership)

    def has_change_permission(self, request, obj=None):
        return access.can(request.membership, Action.CHANGE, Membership)


class ConfirmationFilter(admin.SimpleListFilter):
    title = _("confirmation")
    parameter_name = "confirmation"

    def lookups(self, request, model_admin):
        return [("awaiting", _("Awaits confirmation")), ("confirmed", _("Confirmed"))]

    def queryset(self, request, queryset):
        awaiting = grants.awaiting(queryset)
        if self.value() == "awaiting":
            return awaiting
        if self.value() == "confirmed":
            return queryset.exclude(pk__in=awaiting.values("pk"))
        return queryset


@admin.register(Membership, site=admin_site)
class MembershipAdmin(PolicyAdmin):
    """Grants to confirm or refuse (the roles themselves are changed on the user's page)."""

    list_display = ["user", "organisation", "role", "active", "confirmation", "granted_by",
                    "granted_at"]
    list_filter = [ConfirmationFilter, "role", "organisation"]
    actions = ["confirm_grants", "refuse_grants"]

    @admin.display(description=_("confirmation"))
    def confirmation(self, obj):
        return confirmation_status(obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Confirm the selected grants"))
    def confirm_grants(self, request, queryset):
        self._decide(request, queryset, grants.confirm, _("%(n)d grant(s) confirmed."))

    @admin.action(description=_("Refuse the selected grants"))
    def refuse_grants(self, request, queryset):
        self._decide(request, queryset, grants.refuse, _("%(n)d grant(s) refused."))

    def _decide(self, request, queryset, decide, done: str) -> None:
        decided, refused = 0, []
        for membership in queryset:
            try:
                decide(request.membership, membership)
                decided += 1
            except PermissionDenied:
                refused.append(str(membership))
        if decided:
            self.message_user(request, done % {"n": decided})
        if refused:
            self.message_user(request, _(
                "Not yours to decide (your own grant or membership, another organisation's, "
                "or not awaiting confirmation): %(list)s") % {"list": "; ".join(refused)},
                messages.ERROR)


@admin.register(AccountEvent, site=admin_site)
class AccountEventAdmin(PolicyAdmin):
    """Grants, confirmations, refusals and password resets: read-only."""

    list_display = ["at", "kind", "subject", "organisation", "role", "actor", "actor_role",
                    "channel", "detail"]
    list_filter = ["kind", "channel", "organisation"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessLog, site=admin_site)
class AccessLogAdmin(PolicyAdmin):
    list_display = ["at", "user", "organisation", "role", "action", "record_type", "record_id",
                    "owner", "channel", "detail"]
    list_filter = ["action", "channel", "record_type", "organisation"]
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Release, site=admin_site)
class ReleaseAdmin(PolicyAdmin):
    """The release log: read-only, like the access log."""

    list_display = ["created", "user", "actor", "organisation", "spec", "method", "channel",
                    "epsilon", "row_count", "suppressed", "sha256"]
    list_filter = ["method", "channel", "suppressed", "organisation"]
    date_hierarchy = "created"
    exclude = ["cells"]  # the true counts of hidden cells: for the audit, never displayed

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Country, site=admin_site)
class CountryAdmin(PolicyAdmin):
    list_display = ["code", "alpha2", "name", "origin_region", "destination_region"]
    list_filter = ["origin_region", "destination_region"]
    search_fields = ["name", "code", "alpha2"]


@admin.register(Region, site=admin_site)
class RegionAdmin(PolicyAdmin):
    list_display = ["name", "scheme", "order"]
    list_filter = ["scheme"]


@admin.register(PicklistValue, site=admin_site)
class PicklistValueAdmin(PolicyAdmin):
    list_display = ["field", "value", "label", "order"]
    list_filter = ["field"]
    search_fields = ["field", "value", "label"]



class PartnerAliasInline(admin.TabularInline):
    model = PartnerAlias
    fields = ["name"]
    extra = 1

    def has_add_permission(self, request, obj=None):
        return access.can(request.membership, Action.CREATE, PartnerAlias)

    def has_change_permission(self, request, obj=None):
        return access.can(request.membership, Action.CHANGE, PartnerAlias)

    def has_view_permission(self, request, obj=None):
        return access.can(request.membership, Action.VIEW, PartnerAlias)

    def has_delete_permission(self, request, obj=None):
        return access.can(request.membership, Action.CHANGE, PartnerAlias)  # a wrong alias


@admin.register(Partner, site=admin_site)
class PartnerAdmin(PolicyAdmin, ReadOnlyHistoryAdmin):
    """The partner register: administrators correct names, types, IATI identifiers and the
    Palermo organisation an entry is (docs/programmes.md)."""

    list_display = ["name", "acronym", "type", "iati_ref", "organisation", "several"]
    list_filter = ["type", "several"]
    search_fields = ["name", "acronym", "aliases__name", "iati_ref"]
    inlines = [PartnerAliasInline]


@admin.register(PortfolioImport, site=admin_site)
class PortfolioImportAdmin(PolicyAdmin):
    """Funding-list and IATI imports: who imported which file when, and the result (read
    only; the reports are read on the import pages)."""

    list_display = ["created_at", "organisation", "user", "kind", "filename", "status",
                    "channel", "finished_at"]
    list_filter = ["kind", "status", "channel", "organisation"]
    fields = ["created_at", "organisation", "user", "kind", "filename", "sha256", "status",
              "channel", "finished_at"]
    readonly_fields = fields
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False
