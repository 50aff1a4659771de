"""The access policy: the only place that decides who may see or change what.

Every decision is taken for a **membership** — a user acting for one organisation in one role —
never for a bare user. Models say what kind of object they are with two class attributes:

* ``access_kind``: one of the keys of :data:`RULES` (``"identity"`` for records about an
  assisted person, ``"organisation"``, ``"membership"``, ``"access_log"``, ``"reference"`` …);
* ``access_owner``: the lookup path to the owning organisation (``"organisation"``), for kinds
  whose rules depend on ownership.

The table :data:`RULES` is written out in docs/access.md; ``tests/core/test_access.py`` checks
every cell of it. Views, API endpoints and commands call :func:`visible`, :func:`can`,
:func:`get_visible` and :func:`require` — they hold no rules of their own.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from palermo.core.models import Membership, Role


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    APPROVE = "approve"


class Scope(StrEnum):
    """How far a permission reaches."""

    NONE = "none"
    OWN = "own organisation"
    ALL = "all organisations"


R = Role
OWN, ALL = Scope.OWN, Scope.ALL

# kind -> action -> role -> scope. A missing role means Scope.NONE.
RULES: dict[str, dict[Action, dict[str, Scope]]] = {
    # Records about an assisted person: identities, cases. Need to know: own organisation.
    "identity": {
        Action.VIEW: {R.CASEWORKER: OWN, R.SUPERVISOR: OWN},
        Action.CREATE: {R.CASEWORKER: OWN, R.SUPERVISOR: OWN},
        Action.CHANGE: {R.CASEWORKER: OWN, R.SUPERVISOR: OWN},
        # Eligibility decisions and closures are approved by a supervisor.
        Action.APPROVE: {R.SUPERVISOR: OWN},
    },
    # The directory of organisations: names, types, countries — needed to refer.
    "organisation": {
        Action.VIEW: {r: ALL for r in Role.values},
        Action.CREATE: {R.ADMIN: ALL},
        Action.CHANGE: {R.ADMIN: ALL},
    },
    # Who works where in which role. Approving is confirming another person's grant of a
    # role that needs it (see may_confirm): two people open identities.
    "membership": {
        Action.VIEW: {R.SUPERVISOR: OWN, R.ADMIN: ALL},
        Action.CREATE: {R.ADMIN: ALL},
        Action.CHANGE: {R.ADMIN: ALL},
        Action.APPROVE: {R.SUPERVISOR: OWN, R.ADMIN: ALL},
    },
    # Who opened which record: supervisors audit their own organisation.
    "access_log": {
        Action.VIEW: {R.SUPERVISOR: OWN, R.ADMIN: ALL},
    },
    # Countries, regions, picklists.
    "reference": {
        Action.VIEW: {r: ALL for r in Role.values},
        Action.CHANGE: {R.ADMIN: ALL},
    },
    # Questionnaire definitions (XLSForm versions): instruments everyone may read and fill in.
    # M&E officers upload, publish and retire their organisation's; administrators all.
    "form": {
        Action.VIEW: {r: ALL for r in Role.values},
        Action.CREATE: {R.ME_OFFICER: OWN, R.ADMIN: ALL},
        Action.CHANGE: {R.ME_OFFICER: OWN, R.ADMIN: ALL},
    },
    # Responses to questionnaires that are not about a case (staff survey, awareness surveys,
    # knowledge tests). A response about a case is an identity record and follows the case.
    "submission": {
        Action.VIEW: {R.SUPERVISOR: OWN, R.ME_OFFICER: OWN},
        Action.CREATE: {R.CASEWORKER: OWN, R.SUPERVISOR: OWN, R.ME_OFFICER: OWN,
                        R.ANALYST: OWN, R.ADMIN: OWN},
        Action.CHANGE: {R.SUPERVISOR: OWN, R.ME_OFFICER: OWN},
    },
    # Aggregate results of surveys: counts per choice, groups under the threshold hidden.
    "survey_results": {
        Action.VIEW: {R.SUPERVISOR: OWN, R.ME_OFFICER: OWN, R.ANALYST: ALL, R.ADMIN: ALL},
    },
    # Statistical tables over CaseFact, disclosure-controlled for whoever lacks case access.
    "statistics": {
        Action.VIEW: {R.SUPERVISOR: OWN, R.ME_OFFICER: OWN, R.ANALYST: ALL, R.DONOR: ALL},
    },
    # Unsuppressed counts and utility reports: only those who may open the cases themselves.
    "real_counts": {
        Action.VIEW: {R.SUPERVISOR: OWN},
    },
    # Releases (DP counts, synthetic and k-anonymised microdata, CTDC exports) and their log.
    "release": {
        Action.VIEW: {R.SUPERVISOR: OWN, R.ANALYST: ALL, R.ADMIN: ALL},
        Action.CREATE: {R.SUPERVISOR: OWN, R.ANALYST: ALL},
    },
    # Bulk exchange of identified records: import (HTCDS, the case template) and the
    # identified HTCDS export. Supervisors only; every file is logged.
    "case_exchange": {
        Action.VIEW: {R.SUPERVISOR: OWN},
        Action.CREATE: {R.SUPERVISOR: OWN},
    },
    # Aggregate core indicators sent by organisations without a case system.
    "core_indicators": {
        Action.VIEW: {R.ME_OFFICER: OWN, R.ANALYST: ALL},
        Action.CREATE: {R.SUPERVISOR: OWN, R.ME_OFFICER: OWN},
    },
    # Background jobs (an import, a CTDC export, the full report): whoever starts one follows
    # and may cancel it; supervisors follow and cancel their organisation's. Either way only
    # jobs of a kind of work the member may do themself (see visible_jobs).
    "job": {
        Action.VIEW: {R.SUPERVISOR: OWN},
        Action.CREATE: {R.SUPERVISOR: OWN, R.ME_OFFICER: OWN, R.ANALYST: OWN, R.DONOR: OWN},
        Action.CHANGE: {R.SUPERVISOR: OWN},
    },
    # Programmes: projects (IATI activities) and their money. M&E officers keep their
    # organisation's; a funder's members also read the projects it funds (the model's
    # access_shared: a participation in the funding role); analysts read every portfolio.
    # Caseworkers have no use for it. No record of this kind is about a person.
    "portfolio": {
        Action.VIEW: {R.SUPERVISOR: OWN, R.ME_OFFICER: OWN, R.ANALYST: ALL, R.DONOR: OWN,
                      R.ADMIN: ALL},
        Action.CREATE: {R.ME_OFFICER: OWN},
        Action.CHANGE: {R.ME_OFFICER: OWN},
    },
    # What a portfolio is classified by: funding channels, national action plans, measures.
    "portfolio_setup": {
        Action.VIEW: {R.ME_OFFICER: ALL, R.ANALYST: ALL, R.ADMIN: ALL},
        Action.CREATE: {R.ME_OFFICER: OWN},
        Action.CHANGE: {R.ME_OFFICER: OWN},
    },
    # The shared partner register: M&E officers add partners and aliases; administrators
    # correct it (rename, retype, link to a Palermo organisation).
    "partner": {
        Action.VIEW: {R.ME_OFFICER: ALL, R.ANALYST: ALL, R.ADMIN: ALL},
        Action.CREATE: {R.ME_OFFICER: ALL, R.ADMIN: ALL},
        Action.CHANGE: {R.ADMIN: ALL},
    },
    # Funding-list and IATI imports: the file and its report, until accepted.
    "portfolio_import": {
        Action.VIEW: {R.ME_OFFICER: OWN, R.ADMIN: ALL},
        Action.CREATE: {R.ME_OFFICER: OWN},
    },
    # The resource library (publications, their files and catalogue files): read by every
    # member; M&E officers catalogue their organisation's entries, administrators curate all.
    "library": {
        Action.VIEW: {r: ALL for r in Role.values},
        Action.CREATE: {R.ME_OFFICER: OWN, R.ADMIN: ALL},
        Action.CHANGE: {R.ME_OFFICER: OWN, R.ADMIN: ALL},
    },
    # Lessons learned: shared with every member so they reach the next project (Rec. 28);
    # written and corrected only by the M&E officers of the organisation that learned them.
    "lesson": {
        Action.VIEW: {r: ALL for r in Role.values},
        Action.CREATE: {R.ME_OFFICER: OWN},
        Action.CHANGE: {R.ME_OFFICER: OWN},
    },
}

# Roles whose members open identity records, and administrators, sign in with two factors.
TWO_FACTOR_ROLES = frozenset({R.CASEWORKER, R.SUPERVISOR, R.ADMIN})


def _reaches(role: str, kind: str, action: Action | None = None) -> bool:
    actions = [action] if action else list(RULES[kind])
    return any(RULES[kind][a].get(role, Scope.NONE) is not Scope.NONE for a in actions)


# Roles that work only once a second person confirms them: those that open identity
# records, and those that confirm such grants (an administrator one administrator made
# alone could confirm that administrator's grants). Derived from the table, never listed.
CONFIRMED_ROLES = frozenset(
    role for role in Role.values
    if _reaches(role, "identity") or _reaches(role, "membership", Action.APPROVE))


def scope(membership: Membership | None, action: Action, kind: str) -> Scope:
    """How far *membership* may take *action* on objects of *kind*. A membership that
    awaits confirmation (:func:`awaits_confirmation`) reaches nothing at all."""
    if membership is None or not membership.active or not membership.user.is_active:
        return Scope.NONE
    if awaits_confirmation(membership):
        return Scope.NONE
    try:
        by_role = RULES[kind][action]
    except KeyError:
        return Scope.NONE
    return by_role.get(membership.role, Scope.NONE)


def _kind(model: type[models.Model]) -> str:
    kind = getattr(model, "access_kind", None)
    if kind is None:
        raise LookupError(f"{model._meta.label} declares no access_kind")
    return kind


def owner_id(obj: models.Model) -> int | None:
    """The primary key of the organisation that owns *obj*, or None for unowned kinds."""
    path = getattr(type(obj), "access_owner", None)
    if path is None:
        return None
    *steps, last = path.split("__")
    value = obj
    for part in steps:
        value = getattr(value, part)
        if value is None:
            return None
    # The last step by its column (``organisation_id``): no query for the organisation.
    return getattr(value, type(value)._meta.get_field(last).attname)


def _sharing_rules(model: type[models.Model]) -> list[tuple[str, object]]:
    spec = getattr(model, "access_shared", None)
    if spec is None:
        return []
    return [spec] if isinstance(spec[0], str) else list(spec)


def shared_with(model: type[models.Model], organisation_id: int) -> models.Q | None:
    """The records of *model* another organisation shares with *organisation_id*, as a
    filter, or None if the model is never shared.

    A model may declare ``access_shared = (path_to_receiving_organisation, conditions)``,
    or a tuple of such pairs (shared when any holds): e.g. a case is shared with the
    organisation it was referred to, once the referral is accepted and the person consented
    to sharing with that organisation. *conditions* is a dict of lookups, or a callable
    taking the receiving organisation's id and returning one (for a condition the model
    module cannot build when it is imported, such as a subquery). Sharing grants **view**
    only; changes stay with the owner. A model that declares no sharing is never shared —
    in particular the records that hang off a shared one (a case's notes, events, consents,
    services, follow-ups, screenings, interviews, return): they stay with the organisation
    that owns them (:func:`related`).
    """
    found = None
    for path, conditions in _sharing_rules(model):
        lookups = conditions(organisation_id) if callable(conditions) else conditions
        matching = model._base_manager.filter(**{path: organisation_id}, **lookups)
        # An OR with a subquery keeps the database from using the owner index; most
        # organisations have nothing shared with them, so ask first (one indexed lookup).
        if not matching.exists():
            continue
        rule = models.Q(pk__in=matching.values("pk"))
        found = rule if found is None else found | rule
    return found


def visible(membership: Membership | None, queryset: models.QuerySet,
            action: Action = Action.VIEW) -> models.QuerySet:
    """*queryset* narrowed to what *membership* may take *action* on."""
    reach = scope(membership, action, _kind(queryset.model))
    if reach is Scope.ALL:
        return queryset
    if reach is Scope.OWN:
        owner = getattr(queryset.model, "access_owner", None)
        if owner is None:
            return queryset
        mine = models.Q(**{owner: membership.organisation_id})
        shared = shared_with(queryset.model, membership.organisation_id)
        if action is Action.VIEW and shared is not None:
            mine |= shared
        return queryset.filter(mine)
    return queryset.none()


def can(membership: Membership | None, action: Action, obj_or_model) -> bool:
    """May *membership* take *action* on this object (or, given a model class, on any of its
    kind — e.g. may this member register a person at all)?"""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    reach = scope(membership, action, _kind(model))
    if reach is Scope.NONE:
        return False
    if reach is Scope.ALL or isinstance(obj_or_model, type):
        return True
    owner = owner_id(obj_or_model)
    if owner is None or owner == membership.organisation_id:
        return True
    shared = shared_with(model, membership.organisation_id)
    return (action is Action.VIEW and shared is not None
            and model._base_manager.filter(shared, pk=obj_or_model.pk).exists())


def require(membership: Membership | None, action: Action, obj_or_model) -> None:
    """Raise ``PermissionDenied`` unless :func:`can` allows it."""
    if not can(membership, action, obj_or_model):
        raise PermissionDenied


def get_visible(membership: Membership | None, queryset: models.QuerySet, **lookup):
    """One object *membership* may see, else 403 when the role may not see this kind at all,
    or 404 when the object does not exist or belongs elsewhere (existence is not revealed)."""
    if scope(membership, Action.VIEW, _kind(queryset.model)) is Scope.NONE:
        raise PermissionDenied
    try:
        return visible(membership, queryset).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def may_administer(membership: Membership | None) -> bool:
    """May this member open the administration pages (users, audit log, reference data)?"""
    return (scope(membership, Action.VIEW, "membership") is not Scope.NONE
            or scope(membership, Action.VIEW, "access_log") is not Scope.NONE)


def may_grant(granter: Membership | None, user, role: str) -> bool:
    """May *granter* give *user* this *role*? Administrators manage memberships, but none may
    give themself a role that opens identities: an administrator never sees a person. A
    grant of a role in :data:`CONFIRMED_ROLES` then waits for :func:`may_confirm`."""
    if scope(granter, Action.CREATE, "membership") is Scope.NONE:
        return False
    return not (opens_identities(role) and user is not None and user.pk == granter.user_id)


def may_reset_password(actor: Membership | None) -> bool:
    """May *actor* send someone a password reset link? Administrators (whose reach over
    memberships is all organisations). Nobody sets another person's password."""
    return scope(actor, Action.CHANGE, "membership") is Scope.ALL


def opens_identities(role: str) -> bool:
    """Does this role open identity records at all (``RULES["identity"]``)?"""
    return _reaches(role, "identity")


def awaits_confirmation(membership: Membership) -> bool:
    """Is this active membership's role one that needs a second person's confirmation,
    not (or not in this role) confirmed yet? Until then it reaches nothing."""
    return (membership.active and membership.role in CONFIRMED_ROLES
            and not membership.is_confirmed)


def has_confirming_supervisor(membership: Membership) -> bool:
    """Has *membership*'s organisation an active, confirmed member whose role confirms
    grants for its own organisation (a supervisor), other than the member and the granter —
    someone there who could confirm this grant?"""
    roles = [role for role, reach in RULES["membership"][Action.APPROVE].items()
             if reach is Scope.OWN]
    return Membership.objects.filter(
        organisation_id=membership.organisation_id, role__in=roles, active=True,
        user__is_active=True, confirmed_at__isnull=False, confirmed_role=models.F("role"),
    ).exclude(user_id__in=[u for u in (membership.user_id, membership.granted_by_id) if u]
              ).exists()


def may_confirm(confirmer: Membership | None, membership: Membership) -> bool:
    """May *confirmer* confirm (or refuse) *membership*'s pending grant? Never the member
    themself nor whoever granted it; a supervisor (own reach) for their own organisation's
    roles that open identities; an administrator (reach all) for an administrator's grant,
    and for a role that opens identities only where the organisation has no confirmed
    supervisor to do it (:func:`has_confirming_supervisor`) — the first supervisor of a new
    organisation."""
    if not awaits_confirmation(membership) or not membership.user.is_active:
        return False
    reach = scope(confirmer, Action.APPROVE, "membership")
    if reach is Scope.NONE:
        return False
    if confirmer.user_id in (membership.user_id, membership.granted_by_id):
        return False
    if reach is Scope.OWN:
        return (confirmer.organisation_id == membership.organisation_id
                and opens_identities(membership.role))
    return (not opens_identities(membership.role)
            or not has_confirming_supervisor(membership))


def requires_two_factor(membership: Membership | None) -> bool:
    """Must this member have signed in with a second factor?"""
    return membership is not None and membership.role in TWO_FACTOR_ROLES


def sees_identities(membership: Membership | None) -> bool:
    """Does this member's role ever open identity records?"""
    return scope(membership, Action.VIEW, "identity") is not Scope.NONE


def acting_membership(user, organisation_id: int | None) -> Membership | None:
    """The membership *user* acts with for *organisation_id* (or their first one), or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    memberships = user.memberships_active()
    if organisation_id is not None:
        chosen = memberships.filter(organisation_id=organisation_id).first()
        if chosen is not None:
            return chosen
    return memberships.first()


# ----------------------------------------------------------------------------------------
# Questionnaires: authored records, unowned (shared) instruments, and one kind's reach
# applied to another model. Two optional model attributes, beside access_kind/_owner:
#
# * ``access_author``: the lookup path to the user who made the record. The author may
#   reopen it while acting for the record's organisation in a role that may create its
#   kind (a caseworker's own questionnaire responses), whatever the role's view reach.
# * ``access_unowned_shared = True``: records without an owning organisation are shared
#   with every organisation (the instruments shipped with Palermo).


def reaches(membership: Membership | None, kind: str, *actions: Action) -> bool:
    """Does this member's role take any of *actions* on *kind* at all? (False means 403:
    e.g. a donor opening a questionnaire response, which donors neither see nor make.)"""
    return any(scope(membership, action, kind) is not Scope.NONE for action in actions)


def _authored(membership: Membership | None, model: type[models.Model]) -> models.Q | None:
    author = getattr(model, "access_author", None)
    if (author is None or membership is None
            or scope(membership, Action.CREATE, _kind(model)) is Scope.NONE):
        return None
    return models.Q(**{author: membership.user_id,
                       model.access_owner: membership.organisation_id})


def visible_or_authored(membership: Membership | None, queryset: models.QuerySet,
                        action: Action = Action.VIEW) -> models.QuerySet:
    """:func:`visible`, plus the records the member authored (see ``access_author``)."""
    allowed = visible(membership, queryset, action)
    authored = _authored(membership, queryset.model)
    if authored is None:
        return allowed
    return (allowed | queryset.filter(authored)).distinct()


def can_or_authored(membership: Membership | None, action: Action, obj: models.Model) -> bool:
    """:func:`can`, or *obj* is the member's own (see ``access_author``)."""
    if can(membership, action, obj):
        return True
    authored = _authored(membership, type(obj))
    return (authored is not None and obj.pk is not None
            and type(obj)._base_manager.filter(authored, pk=obj.pk).exists())


def _unowned(model: type[models.Model]) -> models.Q:
    return models.Q(**{f"{model.access_owner}__isnull": True})


def visible_as(membership: Membership | None, queryset: models.QuerySet, kind: str,
               action: Action = Action.VIEW) -> models.QuerySet:
    """*queryset* narrowed by the reach of *kind* rather than the model's own kind: e.g. the
    questionnaire responses counted in survey results ("survey_results") — all
    organisations' for a reach of all, else the member's organisation's (and unowned
    records, where the model shares them)."""
    reach = scope(membership, action, kind)
    if reach is Scope.ALL:
        return queryset
    if reach is Scope.NONE:
        return queryset.none()
    mine = models.Q(**{queryset.model.access_owner: membership.organisation_id})
    if getattr(queryset.model, "access_unowned_shared", False):
        mine |= _unowned(queryset.model)
    return queryset.filter(mine)


def own_or_unowned(membership: Membership | None,
                   queryset: models.QuerySet) -> models.QuerySet:
    """What a member works with, even when their reach is wider: their organisation's
    records and those shared with every organisation (``access_unowned_shared``) — e.g. the
    forms offered to fill in are one's own organisation's and the shipped instruments."""
    allowed = visible(membership, queryset)
    if membership is None:
        return allowed
    return allowed.filter(models.Q(**{queryset.model.access_owner:
                                      membership.organisation_id})
                          | _unowned(queryset.model))


def can_strict(membership: Membership | None, action: Action, obj: models.Model) -> bool:
    """:func:`can`, except that a record without an owning organisation (a shared
    instrument) is changed only by those whose reach is all organisations: an M&E officer
    changes their organisation's forms, an administrator the shared ones."""
    if owner_id(obj) is None:
        return scope(membership, action, _kind(type(obj))) is Scope.ALL
    return can(membership, action, obj)


# ----------------------------------------------------------------------------------------
# Shared records: what another organisation sees of a record shared with it (a referred
# case, its person). One rule for every channel — page, API, export, history:
#
# * a shared record is seen, never changed; what hangs off it (a case's notes, events,
#   consents, services, follow-ups, screenings, interviews, return) is not shared at all —
#   channels list those through :func:`related`, never through the related manager;
# * whether a member sees a person's identity is whether they may view the person
#   (``Person.access_shared`` says when: a sharing consent in force, or the receiver's own
#   record of the person's consent); :func:`visible_pks` answers it for a page of records;
# * the change history of a record is its owner's (:func:`may_read_history`).


def related(membership: Membership | None, obj: models.Model, relation: str,
            action: Action = Action.VIEW) -> models.QuerySet:
    """The records of *obj*'s *relation* (a case's ``notes``, ``consents`` …) that
    *membership* may take *action* on. A record shared with another organisation shares
    none of these: they are owned by its organisation, and only that organisation sees
    them."""
    return visible(membership, getattr(obj, relation).all(), action)


def visible_pks(membership: Membership | None, records) -> set:
    """The primary keys of those *records* (instances of one model; None ignored) that
    *membership* may view — e.g. which persons of a page of cases show their identity.
    Records of the member's own organisation cost no query; the others are asked in one."""
    records = [r for r in records if r is not None]
    if not records:
        return set()
    model = type(records[0])
    reach = scope(membership, Action.VIEW, _kind(model))
    if reach is Scope.NONE:
        return set()
    if reach is Scope.ALL or getattr(model, "access_owner", None) is None:
        return {r.pk for r in records}
    seen = {r.pk for r in records if owner_id(r) == membership.organisation_id}
    others = {r.pk for r in records} - seen
    if others:
        seen |= set(visible(membership, model._base_manager.filter(pk__in=others))
                    .values_list("pk", flat=True))
    return seen


def may_read_history(membership: Membership | None, obj: models.Model) -> bool:
    """May *membership* read how *obj* changed (who, when, old and new values, why)?
    The history of a record is its owning organisation's: an organisation that sees the
    record through sharing sees it as it is now, not how it came to be — unless the model
    declares ``access_history_shared = True`` (a person's identity history, read by whoever
    sees the identity, and only while they do)."""
    if not can(membership, Action.VIEW, obj):
        return False
    if scope(membership, Action.VIEW, _kind(type(obj))) is Scope.ALL:
        return True
    owner = owner_id(obj)
    return (owner is None or owner == membership.organisation_id
            or getattr(type(obj), "access_history_shared", False))


def require_history(membership: Membership | None, obj: models.Model) -> None:
    """Raise ``PermissionDenied`` unless :func:`may_read_history` allows it."""
    if not may_read_history(membership, obj):
        raise PermissionDenied
# Background jobs (``core.Job``). A job is owned by the organisation its starter acted for;
# its ``work_kind`` and ``work_action`` name the rule of the work itself (an import is
# ``case_exchange``/create). Its record, progress and result — the import report, the
# export file — go to those who could have done that work: the starter, and supervisors of
# the organisation.


def _work_allowed(membership: Membership | None) -> models.Q:
    """The jobs whose work *membership* may do (nothing matches when it may do none)."""
    allowed = models.Q(pk__in=[])
    for kind, by_action in RULES.items():
        for action in by_action:
            if scope(membership, action, kind) is not Scope.NONE:
                allowed |= models.Q(work_kind=kind, work_action=action.value)
    return allowed


def visible_jobs(membership: Membership | None, queryset: models.QuerySet,
                 action: Action = Action.VIEW) -> models.QuerySet:
    """The jobs *membership* may follow (*action* view) or cancel (change): started by the
    member while acting for this organisation, or the organisation's for a role whose
    ``job`` rule reaches them — and in both cases of a kind of work the member may do."""
    return visible_or_authored(membership, queryset, action).filter(_work_allowed(membership))


def get_visible_job(membership: Membership | None, queryset: models.QuerySet,
                    action: Action = Action.VIEW, **lookup):
    """One job *membership* may follow (or cancel): 403 for a role that never has jobs,
    404 for a job that does not exist or is not the member's to see."""
    if not reaches(membership, "job", Action.VIEW, Action.CREATE):
        raise PermissionDenied
    try:
        return visible_jobs(membership, queryset, action).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
