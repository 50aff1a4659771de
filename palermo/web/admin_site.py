"""The administration pages (organisations, users and roles, reference data), on Django's
admin, with every permission answered by ``palermo.core.access``."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from palermo.analytics.models import Release
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import (
    AccessLog,
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
    """Refuses a role the acting administrator may not grant (access.may_grant)."""

    def clean(self):
        super().clean()
        for form in self.forms:
            role = form.cleaned_data.get("role") if form.has_changed() else None
            if role and not access.may_grant(self.request.membership, self.instance, role):
                form.add_error("role", _("You cannot give yourself a role that opens the "
                                         "records of assisted persons; ask another "
                                         "administrator."))


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 1
    fields = ["organisation", "role", "active"]

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


@admin.register(User, site=admin_site)
class PalermoUserAdmin(PolicyAdmin, UserAdmin):
    """Users are managed by administrators; Django's staff and superuser flags are not used."""

    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role", "memberships__organisation"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    access_kind = "membership"

    def get_queryset(self, request):
        # Users are seen through their memberships: the policy filters those.
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
