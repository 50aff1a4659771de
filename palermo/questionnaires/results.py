"""Results of surveys and tests: counts per choice and numeric summaries, never a small group.

Only aggregates leave this module. For every survey-type form (kinds ``survey`` and
``test``; confidential or not) a group smaller than the version's threshold (default 5) is
never shown:

* nothing at all is shown while the form has fewer responses than the threshold;
* counts from 1 to threshold − 1 are hidden, and so are enough other counts that the hidden
  ones cannot be worked out from the totals shown (complementary suppression by
  :mod:`palermo.disclosure.suppression`, the same method as the statistical tables);
* a select_multiple choice is checked as two rows, chose it / did not, so that "all but two
  chose it" is hidden too;
* groups of the grouping question smaller than the threshold are pooled into one column;
* numeric answers are summarised (count, mean, median) only over at least threshold answers;
  no minimum or maximum is shown, as each is one person's answer.

Responses about a case (interviews) never appear here.
"""

from __future__ import annotations

import io
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import access
from palermo.core.access import Action, Scope
from palermo.core.models import Membership
from palermo.disclosure.suppression import suppress_counts, suppress_table
from palermo.questionnaires import engine
from palermo.questionnaires.models import Form, FormKind, Submission, SubmissionStatus

RESULT_KINDS = (FormKind.SURVEY, FormKind.TEST)
SELECTS = ("select_one", "select_multiple")
NUMBERS = ("integer", "decimal")
POOLED = "__pooled__"
DECLINED_ROW = "__declined__"


@dataclass
class Row:
    name: str
    label: str
    counts: list[int | None]  # one per column; None = hidden


@dataclass
class Summary:
    count: int
    mean: float
    median: float


@dataclass
class QuestionResult:
    name: str
    label: str
    type: str
    answered: list[int | None]  # per column
    rows: list[Row] = field(default_factory=list)  # select questions
    summaries: list[Summary | None] = field(default_factory=list)  # numeric questions


@dataclass
class Results:
    form: Form
    responses: int
    threshold: int
    confidential: bool
    columns: list[str]  # "All" first, then the groups shown
    group_sizes: list[int | None]
    grouped_by: str = ""
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def withheld(self) -> bool:
        """Too few responses to show anything."""
        return self.responses < self.threshold


# ------------------------------------------------------------------ who sees what
def result_forms(membership: Membership | None) -> models.QuerySet[Form]:
    """Survey-type forms whose results this member may see."""
    reach = access.scope(membership, Action.VIEW, "survey_results")
    if reach is Scope.NONE:
        raise PermissionDenied
    forms = Form.objects.filter(kind__in=RESULT_KINDS)
    if reach is Scope.OWN:
        forms = forms.filter(models.Q(organisation__isnull=True)
                             | models.Q(organisation_id=membership.organisation_id))
    return forms.order_by("title")


def get_result_form(membership: Membership | None, pk: int) -> Form:
    """A form whose results this member may see: 403 for a role without results, 404 for
    another organisation's form or an interview."""
    from django.http import Http404

    try:
        return result_forms(membership).get(pk=pk)
    except Form.DoesNotExist as exc:
        raise Http404 from exc


def responses(membership: Membership, form: Form) -> models.QuerySet[Submission]:
    """The submitted responses the member's results count: their organisation's, or every
    organisation's for a reach of all organisations."""
    found = Submission.objects.filter(version__form=form, status=SubmissionStatus.SUBMITTED,
                                      about_case=False)
    if access.scope(membership, Action.VIEW, "survey_results") is not Scope.ALL:
        found = found.filter(organisation_id=membership.organisation_id)
    return found


# ------------------------------------------------------------------ computing
def _definition(form: Form) -> tuple[dict, int, bool]:
    """The questions of the newest version with responses (else the newest), and the
    strictest threshold and confidentiality over the versions answered."""
    versions = list(form.versions.order_by("-number"))
    if not versions:
        raise ValidationError(_("This form has no version."))
    answered = [v for v in versions if v.submissions.exists()] or versions[:1]
    return (answered[0].definition, max(v.threshold for v in answered) or 1,
            any(v.confidential for v in answered))


def groupable(definition: dict) -> list[engine.Question]:
    """Questions results may be grouped by: single choices outside repeats."""
    return [q for q in engine.questions(definition)
            if q.type == "select_one" and not _in_repeat(q, definition)]


def _in_repeat(question: engine.Question, definition: dict) -> bool:
    repeats = {q.name for q in engine.questions(definition) if q.type == "repeat"}
    return bool(set(question.path) & repeats)


def compute(membership: Membership, form: Form, *, group_by: str = "",
            language: str = "") -> Results:
    """Counts per choice and numeric summaries of *form*'s responses, optionally by the
    answer to the single-choice question *group_by*, with small groups hidden."""
    if form not in result_forms(membership):
        raise PermissionDenied
    definition, threshold, confidential = _definition(form)
    answers = [s.answers for s in responses(membership, form).only("answers")]
    by_name = {q.name: q for q in groupable(definition)}
    if group_by and group_by not in by_name:
        raise ValidationError({"group_by": _("Results can be grouped by a single-choice "
                                             "question of the form only.")})
    hide = threshold - 1  # suppression hides counts 1..hide
    result = Results(form=form, responses=len(answers), threshold=threshold,
                     confidential=confidential, columns=[_("All")], group_sizes=[len(answers)],
                     grouped_by=group_by)
    if result.withheld:
        result.group_sizes = [None]
        return result

    keys = [None] * len(answers)
    if group_by:
        grouper = by_name[group_by]
        sizes = {c.name: 0 for c in grouper.choices}
        for a in answers:
            value = a.get(group_by)
            if value in sizes:
                sizes[value] += 1
        shown = [c for c in grouper.choices if sizes[c.name] >= threshold]
        shown_names = {c.name for c in shown}
        keys = [a.get(group_by) if a.get(group_by) in shown_names else POOLED for a in answers]
        group_keys = [c.name for c in shown]
        result.columns += [c.text(language) for c in shown]
        pooled = len(answers) - sum(sizes[k] for k in group_keys)
        if pooled:
            group_keys.append(POOLED)
            result.columns.append(_("Other groups and no answer"))
        safe = suppress_counts({k: (sizes[k] if k != POOLED else pooled) for k in group_keys},
                               total=len(answers), threshold=hide)
        result.group_sizes += [safe.counts[k] for k in group_keys]
    else:
        group_keys = []

    for question in engine.questions(definition):
        if question.name == group_by or _in_repeat(question, definition):
            continue
        if question.type in SELECTS:
            result.questions.append(_select(question, answers, keys, group_keys, hide,
                                            language))
        elif question.type in NUMBERS:
            result.questions.append(_numbers(question, answers, keys, group_keys, threshold,
                                             language))
    return result


def _choice_rows(question: engine.Question, language: str) -> list[tuple[str, str]]:
    rows = [(c.name, c.text(language)) for c in question.choices]
    if question.sensitive:
        rows.append((DECLINED_ROW, _("Declined to answer")))
    return rows


def _chosen(question: engine.Question, value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if value == engine.DECLINED:
        return [DECLINED_ROW]
    return list(value) if isinstance(value, list) else [value]


def _select(question, answers, keys, group_keys, hide, language) -> QuestionResult:
    rows = _choice_rows(question, language)
    index = {name: i for i, (name, _label) in enumerate(rows)}
    columns = group_keys or [None]
    column = {k: i for i, k in enumerate(columns)}
    cells = [[0] * len(columns) for _row in rows]
    answered = [0] * len(columns)
    for a, key in zip(answers, keys, strict=True):
        chosen = [c for c in _chosen(question, a.get(question.name)) if c in index]
        if not chosen:
            continue
        answered[column[key]] += 1
        for choice in chosen:
            cells[index[choice]][column[key]] += 1
    label = question.text(language) or question.name
    out = QuestionResult(question.name, label, question.type, answered=[])
    if question.type == "select_one":
        table = suppress_table(cells, threshold=hide)
        out.answered = [table.total, *table.column_totals] if group_keys else [table.total]
        for (name, text), shown, total in zip(rows, table.cells, table.row_totals,
                                               strict=True):
            out.rows.append(Row(name, text, [total, *shown] if group_keys else [total]))
        return out
    # select_multiple: each choice as "chose it / did not", with the answered totals
    answered_table = suppress_table([answered], threshold=hide)
    out.answered = ([answered_table.total, *answered_table.cells[0]] if group_keys
                    else [answered_table.total])
    for (name, text), counts in zip(rows, cells, strict=True):
        pair = [counts, [n - c for n, c in zip(answered, counts, strict=True)]]
        out.rows.append(Row(name, text, _chose(pair, answered, hide, group_keys)))
    return out


def _chose(pair: list[list[int]], answered: list[int], hide: int,
           group_keys: list) -> list[int | None]:
    """The "chose it" counts of a select_multiple choice, given that the number answering
    (per group and in all) is published: the complement "did not" is protected too."""
    total, others = sum(pair[0]), sum(pair[1])
    overall = suppress_counts({"chose": total, "not": others}, total=total + others,
                              threshold=hide)
    shown_total = overall.counts["chose"] if overall.total is not None else None
    if not group_keys:
        return [shown_total]
    table = suppress_table(pair, threshold=hide)
    if None in table.column_totals or table.total is None or table.row_totals[0] is None:
        # The suppression would hide how many answered, which is published: hide the
        # choice's group counts instead (with two or more groups they stay unrecoverable).
        return [shown_total, *[None] * len(group_keys)]
    return [shown_total, *table.cells[0]]


def _numbers(question, answers, keys, group_keys, threshold, language) -> QuestionResult:
    columns = [None, *group_keys] if group_keys else [None]
    values: dict[Any, list[float]] = {k: [] for k in columns}
    for a, key in zip(answers, keys, strict=True):
        value = a.get(question.name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            values[None].append(value)
            if group_keys:
                values[key].append(value)
    out = QuestionResult(question.name, question.text(language) or question.name,
                         question.type, answered=[])
    for k in columns:
        found = values[k]
        if len(found) < threshold:
            out.answered.append(None if found else 0)
            out.summaries.append(None)
        else:
            out.answered.append(len(found))
            out.summaries.append(Summary(len(found), round(statistics.fmean(found), 2),
                                         statistics.median(found)))
    return out


# ------------------------------------------------------------------ export
def to_xlsx(results: Results) -> bytes:
    """The results as an XLSX workbook: counts as numbers, hidden counts as empty cells
    marked in the next column's note, and a sheet saying how they were protected."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    hidden = _("< %(n)d") % {"n": results.threshold}
    wb = Workbook()
    about = wb.active
    about.title = _("About")
    for row in ([_("Form"), results.form.title], [_("Form id"), results.form.name],
                [_("Responses"), results.responses],
                [_("Smallest group shown"), results.threshold],
                [_("Confidential"), _("yes") if results.confidential else _("no")],
                [_("Exported on"), timezone.localdate()],
                [_("Note"), _("Counts of groups smaller than the threshold, and the counts "
                              "they could be worked out from, are shown as “%(mark)s”.")
                 % {"mark": hidden}]):
        about.append(row)
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 60
    sheet = wb.create_sheet(_("Results"))
    sheet.column_dimensions["A"].width = 50

    def value(v):
        return hidden if v is None else v

    if results.withheld:
        sheet.append([_("Fewer than %(n)d responses: no results are shown.")
                      % {"n": results.threshold}])
    else:
        sheet.append([_("Group size"), *[value(v) for v in results.group_sizes]])
        for q in results.questions:
            sheet.append([])
            sheet.append([q.label, *results.columns])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            sheet.append([_("Answered"), *[value(v) for v in q.answered]])
            for row in q.rows:
                sheet.append([row.label, *[value(v) for v in row.counts]])
            if q.summaries:
                for title, attribute in ((_("Mean"), "mean"), (_("Median"), "median")):
                    sheet.append([title, *[hidden if s is None else getattr(s, attribute)
                                           for s in q.summaries]])
    raw = io.BytesIO()
    wb.save(raw)
    return raw.getvalue()
