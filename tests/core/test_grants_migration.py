"""Migration core/0003: memberships from before the two-person rule keep working."""

from __future__ import annotations

from django.db.migrations.executor import MigrationExecutor

from tests.cases.conftest import scratch_database  # noqa: F401  (the fixture)


def test_existing_memberships_count_as_confirmed(db, scratch_database):  # noqa: F811
    executor = MigrationExecutor(scratch_database)
    before = [("core", "0002_reference_data")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    alias = scratch_database.alias
    org = apps.get_model("core", "Organisation").objects.using(alias).create(
        name="Old NGO", type="NGO")
    user = apps.get_model("core", "User").objects.using(alias).create(username="old")
    old = apps.get_model("core", "Membership").objects.using(alias).create(
        user=user, organisation=org, role="caseworker")
    executor = MigrationExecutor(scratch_database)
    after = [("core", "0003_membership_confirmation")]
    executor.migrate(after)
    Membership = executor.loader.project_state(after).apps.get_model("core", "Membership")
    migrated = Membership.objects.using(alias).get(pk=old.pk)
    assert migrated.confirmed_role == "caseworker"
    assert migrated.confirmed_at == migrated.created == migrated.granted_at
    assert migrated.confirmed_by_id is None and migrated.granted_by_id is None
