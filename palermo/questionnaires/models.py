"""Questionnaires: XLSForm instruments, their versions, responses and invitations.

A **Form** is an instrument (the screening interview, the staff survey …); every upload of its
XLSForm file is a new **FormVersion**, and a **Submission** keeps the version it was made with.
Answers are encrypted as one JSON document: interviews hold names and contacts.

This app sits below ``cases`` (ARCHITECTURE.md): it knows nothing of cases. A submission about
a case is linked from the cases side, which also writes bound answers through to the case.

**Confidential** forms (``palermo_confidential`` in the settings sheet) store no author, no
organisation-user link, no IP address and no time finer than the day with a response;
invitations to respond live in :class:`Invitation`, which has no link to any response.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.core.fields import EncryptedJSONField, EncryptedTextField


class FormKind(models.TextChoices):
    """What an instrument is for; surveys and tests have aggregate results."""
    INTERVIEW = "interview", _("Interview about a case")
    SURVEY = "survey", _("Survey")
    TEST = "test", _("Knowledge test")
    REVIEW = "review", _("Document review")


class Form(models.Model):
    """An instrument. Shipped instruments have no organisation; others belong to the
    organisation whose M&E officer uploaded them."""

    access_kind = "form"
    access_owner = "organisation"
    access_unowned_shared = True  # shipped instruments serve every organisation

    name = models.SlugField(_("form id"), max_length=100, unique=True,
                            help_text=_("The XLSForm form_id (settings sheet)"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=FormKind.choices,
                            default=FormKind.SURVEY)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="forms")
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.title

    def published(self) -> FormVersion | None:
        """The version new responses are made with, if any."""
        return self.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


class VersionStatus(models.TextChoices):
    """A version is uploaded as a draft, published for new responses, then retired."""
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class FormVersion(models.Model):
    """One uploaded XLSForm file of a form: the original file and its parsed definition."""

    access_kind = "form"
    access_owner = "form__organisation"
    access_unowned_shared = True

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version number"))
    version_label = models.CharField(_("version (settings sheet)"), max_length=100, blank=True)
    definition = models.JSONField(help_text=_("The form as parsed from the XLSForm file"))
    source = models.BinaryField(help_text=_("The uploaded XLSForm file"))
    source_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT)
    confidential = models.BooleanField(_("confidential"), default=False)
    threshold = models.PositiveSmallIntegerField(
        _("smallest group shown"), default=5,
        help_text=_("Results of groups smaller than this are not shown"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["definition", "source"])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["form", "number"],
                                               name="form_version_number_unique")]
        ordering = ["form", "-number"]

    def __str__(self) -> str:
        return f"{self.form.name} v{self.number}"


class SubmissionStatus(models.TextChoices):
    """A response is a draft until submitted; then it is corrected only with history."""
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class SubmissionSource(models.TextChoices):
    """Where a response came from."""
    WEB = "web", _("Web form")
    API = "api", _("API")
    ODK = "odk", _("ODK Central export")
    KOBO = "kobo", _("KoboToolbox export")


class Submission(models.Model):
    """A response made with one version of a form. Answers (name → value) are encrypted.

    For a confidential form ``author`` is empty and only the day is kept (``started_on``,
    ``submitted_on``); ``updated_at`` stays empty.
    """

    access_kind = "submission"
    access_owner = "organisation"
    access_author = "author"  # a member reopens their own responses (core/access.py)

    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT,
                                related_name="submissions")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.DRAFT)
    source = models.CharField(max_length=10, choices=SubmissionSource.choices,
                              default=SubmissionSource.WEB)
    language = models.CharField(max_length=40, blank=True)
    answers = EncryptedJSONField(default=dict)
    external_id = models.CharField(
        max_length=100, blank=True,
        help_text=_("instanceID of an imported ODK/Kobo submission (not kept when confidential)"))
    about_case = models.BooleanField(
        default=False, editable=False,
        help_text=_("Linked to a case (an interview): access follows the case"))
    started_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["version", "status"]),
                   models.Index(fields=["author", "status"])]

    def __str__(self) -> str:
        return f"{self.version} response {self.pk}"


class AnswerChange(models.Model):
    """One answer changed after submission: who, when, old → new (values encrypted)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE,
                                   related_name="changes")
    question = models.CharField(max_length=200)
    old_value = EncryptedJSONField(null=True)
    new_value = EncryptedJSONField(null=True)
    reason = EncryptedTextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.question} of response {self.submission_id}"


class Invitation(models.Model):
    """An invitation to answer a (confidential) survey. Deliberately not linked to any
    response: it records only that the invitee responded, so the response rate is known."""

    access_kind = "submission"
    access_owner = "organisation"

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="invitations")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                null=True, blank=True, related_name="+")
    token_digest = models.CharField(max_length=64, unique=True)
    sent_on = models.DateField()
    responded = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["form", "invitee"],
                                               name="one_invitation_per_invitee")]

    def __str__(self) -> str:
        return f"invitation to {self.form_id} sent {self.sent_on}"
