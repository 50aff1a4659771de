"""Table tests of the XLSForm expression evaluator: every operator, every function, the
edge cases form authors meet (unanswered questions, NaN, multi-select lists, dates,
mixed-type comparisons) and syntax errors with their positions."""
import datetime as dt
import math
from decimal import Decimal

import pytest

from palermo.questionnaires import expressions as ex
from palermo.questionnaires.expressions import (
    ExpressionError,
    check,
    compile_expression,
    evaluate,
    references,
    string_value,
    truthy,
)

TODAY = dt.date(2024, 5, 1)
NOW = dt.datetime(2024, 5, 1, 10, 30, 15, 250000, tzinfo=dt.UTC)
NAN = float("nan")
INF = float("inf")

ANSWERS = {
    "age": 17,
    "age_text": "17",
    "height": Decimal("1.75"),
    "weight": 60.5,
    "name": "Amina",
    "blank": "",
    "none": None,
    "multi": ["sexual", "labour", "other"],
    "multi_text": "sexual labour other",
    "multi_empty": [],
    "consent": "yes",
    "dob": dt.date(2000, 2, 29),
    "dob_text": "2000-02-29",
    "arrived": dt.datetime(2024, 4, 30, 12, 0, tzinfo=dt.UTC),
    "flag": True,
    "stored_false": "false",
    "phone": "0612345678",
}


def run(text, *, current=None):
    return evaluate(text, ANSWERS, current=current, today=TODAY, now=NOW)


def same(actual, expected):
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    return actual == expected and type(actual) is type(expected)


CASES = [
    # --- literals, references, current
    ("'text'", "text"),
    ('"double"', "double"),
    ("42", 42.0),
    ("4.5", 4.5),
    (".5", 0.5),
    ("5.", 5.0),
    ("${name}", "Amina"),
    ("${age}", 17.0),
    ("${height}", 1.75),
    ("${blank}", ""),
    ("${none}", ""),
    ("${never_asked}", ""),
    ("${multi}", "sexual labour other"),
    ("${multi_empty}", ""),
    ("${dob}", dt.date(2000, 2, 29)),
    ("${flag}", True),
    # --- arithmetic
    ("1 + 2 * 3", 7.0),
    ("(1 + 2) * 3", 9.0),
    ("10 - 4 - 3", 3.0),
    ("2 * 3 div 4", 1.5),
    ("7 div 2", 3.5),
    ("7 mod 3", 1.0),
    ("-7 mod 3", -1.0),
    ("7 mod -3", 1.0),
    ("5.5 mod 2", 1.5),
    ("-3", -3.0),
    ("- -3", 3.0),
    ("--3", 3.0),
    ("-(2 + 3)", -5.0),
    ("-2 * 3", -6.0),
    ("${age} + 1", 18.0),
    ("${age_text} + 1", 18.0),
    ("${height} * 100", 175.0),
    ("${weight} div 2", 30.25),
    ("${blank} + 1", NAN),
    ("${none} * 2", NAN),
    ("'abc' + 1", NAN),
    ("' 12 ' + 1", 13.0),
    ("'1e3' + 0", NAN),
    ("'Infinity' + 0", NAN),
    ("true() + 1", 2.0),
    ("false() * 5", 0.0),
    ("1 div 0", INF),
    ("-1 div 0", -INF),
    ("0 div 0", NAN),
    ("1 div -0", -INF),
    ("5 mod 0", NAN),
    ("(1 div 0) mod 2", NAN),
    ("5 mod (1 div 0)", 5.0),
    ("(1 div 0) - (1 div 0)", NAN),
    ("${dob} + 1", 11017.0),
    ("${dob_text} + 1", 11017.0),
    ("today() - ${dob}", 8828.0),
    ("${arrived} - 19843", 0.5),
    # --- comparison: numbers, strings, mixed types
    ("${age} = 17", True),
    ("${age} = '17'", True),
    ("${age_text} = 17", True),
    ("'17.0' = '17'", True),
    ("'017' = 17", True),
    ("${age} != 17", False),
    ("${age} < 18", True),
    ("${age_text} >= 17", True),
    ("${age} > 17", False),
    ("${age} <= 16", False),
    ("${name} = 'Amina'", True),
    ("${name} = 'amina'", False),
    ("${name} != 'Boris'", True),
    ("${blank} = ''", True),
    ("${none} = ''", True),
    ("${blank} = 0", False),
    ("${blank} != 0", True),
    ("${blank} < 18", False),
    ("${blank} > 18", False),
    ("${blank} >= 0", False),
    ("'abc' = 1", False),
    ("'abc' != 1", True),
    ("'b' > 'a'", True),
    ("'apple' < 'banana'", True),
    ("'10' < '9'", False),
    ("'abc' < 5", False),
    ("0 div 0 = 0 div 0", False),
    ("0 div 0 != 0 div 0", True),
    ("1 div 0 > 1000000", True),
    ("true() = 'yes'", True),
    ("false() = ''", True),
    ("true() = 0", False),
    ("${flag} = true()", True),
    ("${stored_false} = true()", True),
    ("1 < 2 < 3", True),
    ("3 > 2 > 1", False),
    # --- comparison: dates
    ("${dob} = '2000-02-29'", True),
    ("${dob} = ${dob_text}", True),
    ("${dob} < today()", True),
    ("${dob_text} < today()", True),
    ("'2024-05-02' > today()", True),
    ("today() = '2024-05-01'", True),
    ("today() = date('2024-05-01')", True),
    ("today() != '2024-05-02'", True),
    ("today() = 'tomorrow'", False),
    ("today() = 19844", True),
    ("${arrived} > ${dob}", True),
    ("${arrived} < today()", True),
    ("now() > today()", True),
    ("'2023-02-30' < today()", False),
    # --- and / or / not
    ("true() and false()", False),
    ("true() or false()", True),
    ("false() or false() or true()", True),
    ("true() and true() and false()", False),
    ("1 = 1 or 1 div 0", True),
    ("${age} > 10 and ${consent} = 'yes'", True),
    ("${blank} and true()", False),
    ("'false' and 1", True),
    ("true() or false() and false()", True),
    ("(true() or false()) and false()", False),
    ("not(true())", False),
    ("not(${blank})", True),
    ("not(0)", True),
    ("not(0 div 0)", True),
    ("not('0')", False),
    ("true()", True),
    ("false()", False),
    # --- boolean(), boolean-from-string()
    ("boolean(1)", True),
    ("boolean(0)", False),
    ("boolean(-0.5)", True),
    ("boolean('')", False),
    ("boolean('false')", True),
    ("boolean(${none})", False),
    ("boolean(today())", True),
    ("boolean-from-string('true')", True),
    ("boolean-from-string('1')", True),
    ("boolean-from-string('TRUE')", True),
    ("boolean-from-string(${stored_false})", False),
    ("boolean-from-string('yes')", False),
    # --- select functions
    ("selected(${multi}, 'labour')", True),
    ("selected(${multi}, ' labour ')", True),
    ("selected(${multi}, 'lab')", False),
    ("selected(${multi_text}, 'other')", True),
    ("selected(${multi_empty}, 'other')", False),
    ("selected(${none}, '')", False),
    ("selected(${consent}, 'yes')", True),
    ("count-selected(${multi})", 3.0),
    ("count-selected(${multi_text})", 3.0),
    ("count-selected(${multi_empty})", 0.0),
    ("count-selected(${none})", 0.0),
    ("count-selected('  a   b ')", 2.0),
    ("selected-at(${multi}, 0)", "sexual"),
    ("selected-at(${multi}, 2)", "other"),
    ("selected-at(${multi}, 3)", ""),
    ("selected-at(${multi}, -1)", ""),
    ("selected-at(${multi}, 1.7)", "labour"),
    ("selected-at(${multi}, ${blank})", ""),
    ("selected-at(${multi_empty}, 0)", ""),
    # --- if, coalesce
    ("if(${age} < 18, 'minor', 'adult')", "minor"),
    ("if(${blank}, 'yes', 'no')", "no"),
    ("if(true(), 1, 'x')", 1.0),
    ("if(false(), 1 div 0, today())", TODAY),
    ("coalesce(${blank}, 'fallback')", "fallback"),
    ("coalesce(${none}, ${name})", "Amina"),
    ("coalesce(${age}, 5)", 17.0),
    ("coalesce(${blank}, ${none})", ""),
    ("coalesce(0, 5)", 0.0),
    # --- string functions
    ("string-length(${name})", 5.0),
    ("string-length(${none})", 0.0),
    ("string-length('')", 0.0),
    ("string-length(12.50)", 4.0),
    ("string-length('Ünïcødé')", 7.0),
    ("concat('a', 'b', 'c')", "abc"),
    ("concat(${name}, ' (', ${age}, ')')", "Amina (17)"),
    ("concat(${multi})", "sexual labour other"),
    ("concat()", ""),
    ("concat('x')", "x"),
    ("concat(1 div 0, 0 div 0, -1 div 0)", "InfinityNaN-Infinity"),
    ("concat(true(), false())", "truefalse"),
    ("concat(0.1 + 0.2)", "0.30000000000000004"),
    ("concat(0.0000001)", "0.0000001"),
    ("concat(1000000000000000000000)", "1000000000000000000000"),
    ("concat(-0)", "0"),
    ("concat(today())", "2024-05-01"),
    ("string(5)", "5"),
    ("string(2.50)", "2.5"),
    ("string(${none})", ""),
    ("string(true())", "true"),
    ("string(${dob})", "2000-02-29"),
    ("string()", "own"),
    ("contains(${name}, 'min')", True),
    ("contains(${name}, '')", True),
    ("contains(${name}, 'MIN')", False),
    ("starts-with(${phone}, '06')", True),
    ("starts-with(${phone}, '07')", False),
    ("ends-with(${name}, 'na')", True),
    ("ends-with(${blank}, 'a')", False),
    ("substr('hello', 1)", "ello"),
    ("substr('hello', 1, 3)", "el"),
    ("substr('hello', 0, 100)", "hello"),
    ("substr('hello', -2)", "lo"),
    ("substr('hello', 3, 1)", ""),
    ("substr(${none}, 0, 2)", ""),
    ("substring-before('2024-05-01', '-')", "2024"),
    ("substring-before('abc', 'x')", ""),
    ("substring-after('2024-05-01', '-')", "05-01"),
    ("substring-after('abc', 'x')", ""),
    ("substring-before('abc', '')", ""),
    ("substring-after('abc', '')", "abc"),
    ("substring-after('a-b-c', '-')", "b-c"),
    ("normalize-space('  a   b  ')", "a b"),
    ("normalize-space()", "own"),
    ("join(', ', 'a', 'b', ${name})", "a, b, Amina"),
    ("join('-')", ""),
    # --- regex
    ("regex(${phone}, '^0[0-9]{9}$')", True),
    ("regex(${name}, '^[0-9]+$')", False),
    ("regex(${name}, 'min')", True),
    ("regex(${blank}, '^$')", True),
    ("regex(., '^[A-Z]')", False),
    ("regex('x', concat('[', ''))", False),
    # --- numbers
    ("number('12.5')", 12.5),
    ("number('  -3 ')", -3.0),
    ("number('abc')", NAN),
    ("number(${blank})", NAN),
    ("number(true())", 1.0),
    ("number('1970-01-11')", 10.0),
    ("number('1970-01-01T12:00:00Z')", 0.5),
    ("number(${dob})", 11016.0),
    ("number()", NAN),
    ("int(3.7)", 3.0),
    ("int(-3.7)", -3.0),
    ("int('12.9')", 12.0),
    ("int(${blank})", NAN),
    ("int(1 div 0)", INF),
    ("round(2.5)", 3.0),
    ("round(-2.5)", -2.0),
    ("round(2.4)", 2.0),
    ("round(-0.4)", 0.0),
    ("round(0.49999999999999994)", 0.0),
    ("round(1.2345, 2)", 1.23),
    ("round(1.235, 2)", 1.24),
    ("round(1234.5, -2)", 1200.0),
    ("round(${blank})", NAN),
    ("round(1 div 0)", INF),
    ("round(12345678901234567890, 2)", 12345678901234567890.0),
    ("abs(-2.5)", 2.5),
    ("pow(2, 10)", 1024.0),
    ("pow(-8, 0.5)", NAN),
    ("pow(10, 400)", INF),
    ("pow(-10, 401)", -INF),
    ("pow(0, -1)", INF),
    ("pow(-0, -1)", -INF),
    ("pow(${blank}, 2)", NAN),
    ("max(3, ${age}, 9)", 17.0),
    ("min(3, ${age}, 9)", 3.0),
    ("max(3, ${blank})", NAN),
    # --- dates
    ("today()", TODAY),
    ("now()", NOW),
    ("date('2024-02-29')", dt.date(2024, 2, 29)),
    ("date('2023-02-29')", ""),
    ("date('not a date')", ""),
    ("date(0)", dt.date(1970, 1, 1)),
    ("date(19844)", TODAY),
    ("date('19844')", TODAY),
    ("date(today() + 7)", dt.date(2024, 5, 8)),
    ("date(0.5)", dt.datetime(1970, 1, 1, 12, 0)),
    ("date(${blank})", ""),
    ("date(1 div 0)", ""),
    ("date(100000000)", ""),
    ("date(${dob})", dt.date(2000, 2, 29)),
    ("date('2024-05-01T10:00:00+02:00')",
     dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    ("date-time('2024-05-01T10:00:00Z')", dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)),
    ("decimal-date-time('1970-01-02T06:00:00Z')", 1.25),
    ("decimal-date-time('1970-01-01T03:00:00+03:00')", 0.0),
    ("decimal-date-time('1970-01-03')", 2.0),
    ("decimal-date-time('garbage')", NAN),
    ("format-date(today(), '%Y-%m-%d')", "2024-05-01"),
    ("format-date('2024-03-05', '%e/%n/%y %b %a')", "5/3/24 Mar Tue"),
    ("format-date(${dob}, '%d.%m.%Y')", "29.02.2000"),
    ("format-date(${blank}, '%Y')", ""),
    ("format-date('2024-03-05', '100%% %Q')", "100% %Q"),
    ("format-date-time(now(), '%H:%M:%S.%3 %h')", "10:30:15.250 10"),
    ("format-date-time('2024-03-05T07:08:09', '%Y %H-%M')", "2024 07-08"),
    ("int((today() - ${dob}) div 365.25)", 24.0),
    ("today() - date('2024-04-01')", 30.0),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_table(text, expected):
    actual = run(text, current="own")
    assert same(actual, expected), f"{text} gave {actual!r}, expected {expected!r}"


CURRENT_CASES = [
    (". > 10", 17, True),
    (". > 10", "9", False),
    (". = ''", None, True),
    ("string-length(.) <= 10", "0612345678", True),
    ("regex(., '^[0-9]{10}$')", "061234567", False),
    ("selected(., 'b')", ["a", "b"], True),
    ("count-selected(.) <= 2", ["a", "b", "c"], False),
    (". >= today()", "2024-05-01", True),
    (". >= today()", dt.date(2024, 4, 30), False),
    (". <= ${age}", 17.0, True),
    ("not(selected(., 'none') and count-selected(.) > 1)", "none other", False),
]


@pytest.mark.parametrize(("text", "current", "expected"), CURRENT_CASES)
def test_current_value_in_constraints(text, current, expected):
    assert run(text, current=current) is expected


def test_every_function_is_covered_by_the_table():
    used = {name for text, _ in CASES for name in ex.ARITY if f"{name}(" in text}
    assert used == set(ex.ARITY)


def test_division_by_zero_never_raises_in_python():
    for text in ("1 div 0", "1 mod 0", "0 div 0", "${blank} div ${blank}", "1 div ${none}"):
        result = run(text)
        assert isinstance(result, float)


def test_clock_defaults_to_the_local_date():
    assert evaluate("today()", {}) == dt.date.today()
    assert isinstance(evaluate("now()", {}), dt.datetime)
    assert evaluate("now()", {}, now=NOW) == NOW


def test_same_answers_as_strings_and_as_python_types_agree():
    """The page posts strings; the server holds typed values: both must give one result."""
    typed = {"age": 17, "dob": dt.date(2000, 2, 29), "multi": ["a", "b"], "w": Decimal("2.5")}
    posted = {"age": "17", "dob": "2000-02-29", "multi": "a b", "w": "2.5"}
    for text in ("${age} >= 18", "${age} = 17", "${dob} < today()", "today() - ${dob}",
                 "selected(${multi}, 'b')", "count-selected(${multi})", "${w} * 2",
                 "if(${age} < 18, 'minor', 'adult')", "${w} = 2.5", "${dob} = '2000-02-29'"):
        assert same(evaluate(text, typed, today=TODAY), evaluate(text, posted, today=TODAY)), text


# --- truthy / string_value
@pytest.mark.parametrize(("value", "expected"), [
    ("", False), ("false", True), ("0", True), (0.0, False), (NAN, False), (-1.0, True),
    (True, True), (False, False), (None, False), ([], False), (["a"], True), (0, False),
    (Decimal("0.1"), True), (TODAY, True),
])
def test_truthy(value, expected):
    assert truthy(value) is expected


@pytest.mark.parametrize(("value", "expected"), [
    (3.0, "3"), (-0.0, "0"), (2.5, "2.5"), (1e-7, "0.0000001"), (NAN, "NaN"),
    (INF, "Infinity"), (-INF, "-Infinity"), (True, "true"), (None, ""), (["a", "b"], "a b"),
    (Decimal("1.50"), "1.5"), (7, "7"), (TODAY, "2024-05-01"),
])
def test_string_value(value, expected):
    assert string_value(value) == expected


# --- compiled expressions
def test_compile_once_and_reuse():
    expression = compile_expression("${age} >= ${min_age} and selected(${kinds}, 'a')")
    assert expression.references == frozenset({"age", "min_age", "kinds"})
    assert expression.uses_current is False
    assert expression.is_true({"age": 20, "min_age": 18, "kinds": ["a"]})
    assert not expression.is_true({"age": 16, "min_age": 18, "kinds": ["a"]})
    assert compile_expression(expression.text) is expression  # cached


def test_references_and_current():
    assert references("concat(${a}, ${b}, ${a})") == frozenset({"a", "b"})
    assert references("1 + 1") == frozenset()
    assert references("-(${x.y-z})") == frozenset({"x.y-z"})
    assert compile_expression(". > ${min}").uses_current is True


def test_canonical_text():
    assert compile_expression("(1+2)*${a}  -  -3").canonical() == "(1 + 2) * ${a} - -3"
    assert compile_expression("1 - (2 - 3)").canonical() == "1 - (2 - 3)"
    assert compile_expression("(1 - 2) - 3").canonical() == "1 - 2 - 3"
    assert compile_expression("concat(\"it's\")").canonical() == "concat(\"it's\")"


def test_long_sums_and_chains_do_not_hit_the_recursion_limit():
    text = " + ".join(f"${{q{i}}}" for i in range(2000))
    assert evaluate(text, {f"q{i}": 1 for i in range(2000)}) == 2000.0
    conditions = " and ".join(f"selected(${{s}}, 'c{i}')" for i in range(500))
    assert evaluate(conditions, {"s": [f"c{i}" for i in range(500)]}) is True


# --- syntax errors with positions
ERRORS = [
    ("", 0, "empty"),
    ("   ", 3, "empty"),
    ("1 +", 3, "ends where a value is expected"),
    ("(1 + 2", 6, "expected ')'"),
    ("1 + 2)", 5, "no matching '('"),
    ("1 2", 2, "missing operator"),
    ("${a} ${b}", 5, "missing operator"),
    ("${age > 3", 0, "not closed"),
    ("${}", 0, "empty question reference"),
    ("${a b}", 0, "not a valid question name"),
    ("${1a}", 0, "not a valid question name"),
    ("'open", 0, "no closing '"),
    ('x = "open', 4, 'no closing "'),
    ('${x} = "open', 7, 'no closing "'),
    ("${x} = yes", 7, "put text in quotes ('yes')"),
    ("true", 0, "write true() with brackets"),
    ("${a} and", 8, "ends where a value is expected"),
    ("and ${a}", 0, "'and' needs a value before it"),
    ("${a} == 1", 5, "use = to compare"),
    ("${a} && ${b}", 5, "use 'and'"),
    ("${a} || ${b}", 5, "use 'or'"),
    ("${a} <> 1", 5, "use !="),
    ("${a} ! 1", 5, "use != or not"),
    ("/data/age > 3", 0, "paths such as /data/x"),
    ("../age", 0, "'..' (parent)"),
    ("${a}[1]", 4, "predicates"),
    ("${a} | ${b}", 5, "union"),
    ("@id", 0, "attributes"),
    ("$a", 0, "'$' must start"),
    ("1 # 2", 2, "unexpected character '#'"),
    ("${a} > 1.5e3", 7, "without an exponent"),
    ("concat(1 2)", 9, "expected ',' or ')'"),
    ("concat(1,)", 9, "expected a value"),
    ("foo(1)", 0, "unknown function foo()"),
    ("1 + selectd(., 'a')", 4, "did you mean selected()"),
    ("jr:choice-name(${a}, '${a}')", 0, "unknown function jr:choice-name()"),
    ("selected(${x})", 0, "selected() takes exactly 2 arguments, not 1"),
    ("if(1, 2)", 0, "if() takes exactly 3 arguments, not 2"),
    ("today(1)", 0, "today() takes no arguments, not 1"),
    ("round()", 0, "round() takes 1 to 2 arguments, not 0"),
    ("max()", 0, "max() takes at least 1 argument, not 0"),
    ("regex(., '[0-9')", 9, "invalid regular expression"),
    ("(" * 50 + "1" + ")" * 50, 40, "nested more than 40 levels"),
    ("-" * 60 + "1", 40, "nested more than 40 levels"),
]


@pytest.mark.parametrize(("text", "position", "fragment"), ERRORS, ids=[e[0] for e in ERRORS])
def test_syntax_errors_name_the_position(text, position, fragment):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text)
    error = caught.value
    assert error.expression == text
    assert error.position == position
    assert fragment in error.message
    assert f"(at character {position + 1})" in str(error)
    assert check(text) == [str(error)]


def test_check_reports_every_unknown_function_and_arity_problem():
    problems = check("foo(1) and selected(${x}) or bar()")
    assert problems == [
        "unknown function foo() (at character 1)",
        "selected() takes exactly 2 arguments, not 1 (at character 12)",
        "unknown function bar() (at character 30)",
    ]
    assert check("selected(${x}, 'a')") == []


def test_choice_filter_reads_bare_words_as_choice_columns():
    """XLSForm choice filters name columns of the choices sheet without ${…}."""
    rule = compile_expression("state = ${state} and name != 'other'", choice_filter=True)
    assert rule.references == frozenset({"state", "choice.state", "choice.name"})
    choices = [{"name": "kampala", "state": "central"}, {"name": "gulu", "state": "north"},
               {"name": "other", "state": "central"}]
    kept = [c["name"] for c in choices
            if rule.is_true({"state": "central", **{f"choice.{k}": v for k, v in c.items()}})]
    assert kept == ["kampala"]
    assert check("state = ${state}", choice_filter=True) == []
    assert check("state = ${state}") == [
        "unquoted word 'state': put text in quotes ('state') or refer to a question as "
        "${state} (at character 1)"]
    assert check("selected(${kinds}, name) and foo()", choice_filter=True) == [
        "unknown function foo() (at character 30)"]


def test_expression_error_is_a_value_error_without_position():
    error = ExpressionError("x", None, "bad")
    assert isinstance(error, ValueError)
    assert str(error) == "bad"


def test_evaluate_and_references_raise_for_invalid_text():
    with pytest.raises(ExpressionError):
        evaluate("1 +", {})
    with pytest.raises(ExpressionError):
        references("nope(")


def test_the_evaluator_imports_no_django():
    """The evaluator is pure Python: nothing Django, nothing from another Palermo app."""
    import ast
    from pathlib import Path

    folder = Path(ex.__file__).parent
    for name in ("expressions.py", "expressions_parser.py", "expressions_values.py",
                 "patterns.py"):
        tree = ast.parse((folder / name).read_text())
        modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(m.startswith("django") for m in modules), name
        assert {m for m in modules if m.startswith("palermo")} <= {
            "palermo.questionnaires.expressions_parser",
            "palermo.questionnaires.expressions_values",
            "palermo.questionnaires.patterns"}, name


def test_regex_runs_in_linear_time_whatever_the_pattern():
    """Catastrophic backtracking: Python's re takes minutes on 30 a's; RE2 is linear."""
    import time

    started = time.perf_counter()
    for length in (30, 5_000, 50_000):
        assert evaluate("regex(., '^(a+)+$')", {}, current="a" * length + "!") is False
        assert evaluate("regex(., '^(a|aa)+$')", {}, current="a" * length) is True
    assert time.perf_counter() - started < 2
