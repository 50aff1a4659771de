"""Members of the bench's scratch database, granted and confirmed like anyone's."""

from __future__ import annotations


def scratch_member(username: str, organisation, role: str):
    """A member of *role* on the bench's scratch database, granted and confirmed through
    the two-person path like anyone's: the command line grants, and a scratch administrator
    (the database's first, or the one an earlier run made) confirms."""
    from palermo.core import access, grants
    from palermo.core.models import AccessLog, Membership, Organisation, Role, User

    cli = AccessLog.Channel.CLI
    headquarters, _ = Organisation.objects.get_or_create(
        name="Bench headquarters", defaults={"type": "InternationalOrganisation"})
    admin = Membership.objects.filter(user__username="bench-admin").first()
    if admin is None:
        admin = grants.grant_membership(None, User.objects.create_user("bench-admin"),
                                        headquarters, Role.ADMIN, channel=cli)
    user = User.objects.create_user(username)
    membership = grants.grant_membership(None, user, organisation, role, channel=cli)
    if access.awaits_confirmation(membership):
        membership = grants.confirm(admin, membership, channel=cli)
    return membership
