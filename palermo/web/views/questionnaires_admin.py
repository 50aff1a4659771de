"""Managing forms: upload (every problem listed by sheet, row and column), preview,
publish, retire, the list of versions and the XLSForm / XForm downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.core import access
from palermo.core.access import Action
from palermo.questionnaires import services
from palermo.questionnaires.loader import FormRejected, to_xform
from palermo.questionnaires.models import Form
from palermo.web.views.questionnaires import fill

MAX_UPLOAD = 10 * 1024 * 1024


def _managed_version(request, pk: int):
    """A version this member may manage: 403 for roles that upload no forms, 404 for a
    version of a form they may not change."""
    access.require(request.membership, Action.CREATE, Form)
    version = services.get_version(request.membership, pk)
    if not services.may_change_form(request.membership, version.form):
        from django.http import Http404
        raise Http404
    return version


@login_required
def form_manage(request):
    """The forms this member manages, with their versions, and the upload form."""
    access.require(request.membership, Action.CREATE, Form)
    problems = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = [_("Choose an XLSForm file (.xlsx or .xls).")]
        elif upload.size > MAX_UPLOAD:
            problems = [_("The file is larger than 10 MB.")]
        else:
            try:
                version = services.upload(request.membership, upload.read(), upload.name,
                                          shared=bool(request.POST.get("shared")))
            except FormRejected as exc:
                return render(request, "web/questionnaires/manage.html", {
                    "forms": services.managed_forms(request.membership),
                    "rejected": exc.problems, "filename": upload.name,
                    "may_share": _may_share(request)}, status=422)
            messages.success(request, _("Version %(n)s of “%(title)s” uploaded as a draft. "
                                        "Preview it, then publish it.") % {
                                            "n": version.number, "title": version.form.title})
            return redirect("web:form_version", pk=version.pk)
    return render(request, "web/questionnaires/manage.html", {
        "forms": services.managed_forms(request.membership), "problems": problems,
        "may_share": _may_share(request)}, status=422 if problems else 200)


def _may_share(request) -> bool:
    return services.may_share_forms(request.membership)


@login_required
def form_version(request, pk: int):
    """One version: its settings, status and the actions on it."""
    version = _managed_version(request, pk)
    return render(request, "web/questionnaires/version.html", {
        "version": version, "versions": version.form.versions.all(),
        "responses": version.submissions.count()})


@login_required
def form_preview(request, pk: int):
    """The rendered form, live, as respondents will see it; nothing is saved."""
    version = _managed_version(request, pk)
    return fill(request, version=version, submission=None, mode="preview")


@login_required
@require_POST
def form_publish(request, pk: int):
    """Publish a version: new responses use it; the one published before retires."""
    version = _managed_version(request, pk)
    services.publish(request.membership, version)
    messages.success(request, _("Version %(n)s is published; new responses use it.") % {
        "n": version.number})
    return redirect("web:form_version", pk=pk)


@login_required
@require_POST
def form_retire(request, pk: int):
    """Retire a version: no new responses; those made with it keep it."""
    version = _managed_version(request, pk)
    services.retire(request.membership, version)
    messages.success(request, _("Version %(n)s is retired; its responses keep it.") % {
        "n": version.number})
    return redirect("web:form_version", pk=pk)


@login_required
def form_download(request, pk: int, fmt: str):
    """The original XLSForm file, or the XForm XML for ODK Collect / KoboCollect."""
    version = services.get_version(request.membership, pk)
    if fmt not in ("xlsform", "xform"):
        raise PermissionDenied
    name = f"{slugify(version.form.name)}-v{version.number}"
    if fmt == "xform":
        response = HttpResponse(to_xform(version), content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{name}.xml"'
        return response
    extension = (version.source_name.rsplit(".", 1)[-1] if "." in version.source_name
                 else "xlsx")
    response = HttpResponse(bytes(version.source), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response
