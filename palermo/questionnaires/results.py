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
* groups of the grouping question smaller than the threshold are pooled into one column,
  and while that pool is itself too small the smallest group shown joins it, so every
  column shown holds at least threshold responses;
* a grouped table is published only when its "All" column is hidden exactly where the
  ungrouped results hide it: otherwise comparing two groupings could reveal a hidden count
  (the group columns of that question are then left empty);
* numeric answers are summarised (count, mean, median) only over at least threshold answers;
  when a group's summary is hidden, so are enough other groups' that the hidden groups
  together hold at least threshold answers (else "All" minus the groups shown would give
  the small group's count and mean); no minimum or maximum is shown, as each is one
  person's answer;
* the threshold is never below :data:`MIN_THRESHOLD`, whatever the settings sheet says.

Responses about a case (interviews) never appear here.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import access, spreadsheets
from palermo.core.access import Action
from palermo.core.models import Membership
from palermo.disclosure.suppression import suppress_counts, suppress_table
from palermo.questionnaires import engine
from palermo.questionnaires.loader import MIN_THRESHOLD
from palermo.questionnaires.models import Form, FormKind, Submission, SubmissionStatus

RESULT_KINDS = (FormKind.SURVEY, FormKind.TEST)
SELECTS = ("select_one", "select_multiple")
NUMBERS = ("integer", "decimal")
POOLED = "__pooled__"
DECLINED_ROW = "__declined__"


@dataclass
class Row:
    """One choice of a question: its counts, one per column (None = hidden)."""
    name: str
    label: str
    counts: list[int | None]  # one per column; None = hidden


@dataclass
class Summary:
    """Count, mean and median of a numeric answer over one column."""
    count: int
    mean: float
    median: float


@dataclass
class QuestionResult:
    """What is shown of one question: answered per column, and its rows or summaries."""
    name: str
    label: str
    type: str
    answered: list[int | None]  # per column
    rows: list[Row] = field(default_factory=list)  # select questions
    summaries: list[Summary | None] = field(default_factory=list)  # numeric questions


@dataclass
class Results:
    """The results of a form as shown: columns, group sizes and one entry per question."""
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
    if not access.reaches(membership, "survey_results", Action.VIEW):
        raise PermissionDenied
    return access.visible_as(membership, Form.objects.filter(kind__in=RESULT_KINDS),
                             "survey_results").order_by("title")


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
    return access.visible_as(membership, Submission.objects.filter(
        version__form=form, status=SubmissionStatus.SUBMITTED, about_case=False),
        "survey_results")


# ------------------------------------------------------------------ computing
def result_definition(form: Form) -> tuple[dict, int, bool]:
    """The questions of the newest version with responses (else the newest), and the
    strictest threshold (never below :data:`MIN_THRESHOLD`) and confidentiality over the
    versions answered."""
    versions = list(form.versions.order_by("-number"))
    if not versions:
        raise ValidationError(_("This form has no version."))
    answered = [v for v in versions if v.submissions.exists()] or versions[:1]
    return (answered[0].definition, max(MIN_THRESHOLD, *(v.threshold for v in answered)),
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
    definition, threshold, confidential = result_definition(form)
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

    keys: list[Any] = [None] * len(answers)
    group_keys: list[str] = []
    if group_by:
        keys, group_keys, labels = _columns(by_name[group_by], answers, threshold, language)
        result.columns += labels
        result.group_sizes += [keys.count(k) for k in group_keys]

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


def _columns(grouper: engine.Question, answers: list[dict], threshold: int,
             language: str) -> tuple[list[Any], list[str], list[str]]:
    """The column key of every response, the column keys and their labels when grouping by
    *grouper*. Groups under the threshold (and those who did not answer) are pooled; while
    the pool is under the threshold the smallest group shown joins it, so that no column —
    and no difference between "All" and the columns shown — is a small group."""
    sizes = {c.name: 0 for c in grouper.choices}
    for a in answers:
        if a.get(grouper.name) in sizes:
            sizes[a.get(grouper.name)] += 1
    shown = sorted((c for c in grouper.choices if sizes[c.name] >= threshold),
                   key=lambda c: sizes[c.name])
    pooled = len(answers) - sum(sizes[c.name] for c in shown)
    while 0 < pooled < threshold and shown:
        pooled += sizes[shown.pop(0).name]
    if not shown:
        raise ValidationError({"group_by": _("No answer to this question is shared by "
                                             "enough responses to show groups.")})
    names = {c.name for c in shown}
    order = [c for c in grouper.choices if c.name in names]  # the form's order
    keys = [a.get(grouper.name) if a.get(grouper.name) in names else POOLED
            for a in answers]
    group_keys = [c.name for c in order]
    labels = [c.text(language) for c in order]
    if pooled:
        group_keys.append(POOLED)
        labels.append(_("Other groups and no answer"))
    return keys, group_keys, labels


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
    empty: list[int | None] = [None] * len(group_keys)
    if question.type == "select_one":
        overall = suppress_table([[sum(row)] for row in cells], threshold=hide)
        table = suppress_table(cells, threshold=hide) if group_keys else None
        if table is not None and (table.row_totals, table.total) != (overall.row_totals,
                                                                      overall.total):
            # This grouping hides other "All" counts than the ungrouped results: published
            # side by side, the two could reveal a hidden count. Show "All" only.
            table = None
        out.answered = [overall.total, *(table.column_totals if table else empty)]
        for i, (name, text) in enumerate(rows):
            out.rows.append(Row(name, text, [overall.row_totals[i],
                                             *(table.cells[i] if table else empty)]))
        return out
    # select_multiple: each choice as "chose it / did not", with the answered totals
    overall_answered = suppress_table([[sum(answered)]], threshold=hide).total
    answered_table = suppress_table([answered], threshold=hide) if group_keys else None
    if answered_table is not None and answered_table.total != overall_answered:
        answered_table = None  # as for select_one: never two versions of "All"
    out.answered = [overall_answered, *(answered_table.cells[0] if answered_table
                                        else empty)]
    for (name, text), counts in zip(rows, cells, strict=True):
        pair = [counts, [n - c for n, c in zip(answered, counts, strict=True)]]
        shown = _chose(pair, hide, group_keys)
        out.rows.append(Row(name, text, shown if answered_table or not group_keys
                            else [shown[0], *empty]))
    return out


def _chose(pair: list[list[int]], hide: int, group_keys: list) -> list[int | None]:
    """The "chose it" counts of a select_multiple choice, given that the number answering
    (per group and in all) is published: the complement "did not" is protected too."""
    total, others = sum(pair[0]), sum(pair[1])
    overall = suppress_counts({"chose": total, "not": others}, total=total + others,
                              threshold=hide)
    shown_total = overall.counts["chose"] if overall.total is not None else None
    if not group_keys:
        return [shown_total]
    table = suppress_table(pair, threshold=hide)
    if (None in table.column_totals or table.total is None or table.row_totals[0] is None
            or shown_total is None):
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
    hidden = _hidden_summaries({k: len(values[k]) for k in group_keys}, threshold)
    if len(values[None]) < threshold:
        hidden |= {None}
    for k in columns:
        found = values[k]
        if k in hidden:
            out.answered.append(None if found else 0)
            out.summaries.append(None)
        else:
            out.answered.append(len(found))
            out.summaries.append(Summary(len(found), round(statistics.fmean(found), 2),
                                         statistics.median(found)) if found else None)
    return out


def _hidden_summaries(counts: dict[str, int], threshold: int) -> set[str]:
    """The groups whose numeric summary is hidden: those with 1 to threshold − 1 answers,
    and then the smallest others until the hidden ones together hold at least threshold
    answers — the count and sum of the hidden groups taken together follow from "All" and
    the groups shown, so together they must not be a small group."""
    hidden = {k for k, n in counts.items() if 0 < n < threshold}
    others = sorted((k for k in counts if k not in hidden and counts[k]), key=counts.get)
    while hidden and sum(counts[k] for k in hidden) < threshold and others:
        hidden.add(others.pop(0))
    return hidden


# ------------------------------------------------------------------ export
def to_xlsx(results: Results) -> bytes:
    """The results as an XLSX workbook: counts as numbers, hidden counts as empty cells
    marked in the next column's note, and a sheet saying how they were protected."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    hidden = _("< %(n)d") % {"n": results.threshold}
    wb = spreadsheets.Workbook()
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
    return wb.to_bytes()
