"""Property tests (hypothesis) of the XLSForm expression evaluator."""
import datetime as dt
import math
import operator

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from palermo.questionnaires.expressions import (
    ExpressionError,
    compile_expression,
    evaluate,
    string_value,
    truthy,
)
from palermo.questionnaires.expressions_parser import (
    Call,
    Literal,
    Negation,
    Operation,
    Reference,
    unparse,
)

TODAY = dt.date(2024, 5, 1)
NOW = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)


def same(a, b):
    """Equality where NaN equals NaN (the evaluator's results are plain Python values)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def run(text, values=None, current=None):
    return evaluate(text, values or {}, current=current, today=TODAY, now=NOW)


choice_names = st.text(
    alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters="_-"),
    min_size=1, max_size=8)
plain_text = st.text(
    alphabet=st.characters(blacklist_characters="'", blacklist_categories=("Cs",)), max_size=12)
answers = st.one_of(
    st.none(), st.integers(-1000, 1000), st.floats(allow_nan=True, allow_infinity=True),
    plain_text, st.booleans(), st.dates(), st.lists(choice_names, max_size=4),
    st.sampled_from(["", "0", "1", "12.5", "-3", "2024-02-29", "yes", "no", "false"]))


@given(value=answers)
def test_not_not_is_boolean(value):
    values = {"x": value}
    assert run("not(not(${x}))", values) is run("boolean(${x})", values) is truthy(value)


@given(a=st.booleans(), b=st.booleans(), c=st.booleans())
def test_and_or_are_commutative_and_match_python(a, b, c):
    values = {"a": a, "b": b, "c": c}
    assert run("${a} and ${b}", values) is run("${b} and ${a}", values) is (a and b)
    assert run("${a} or ${b}", values) is run("${b} or ${a}", values) is (a or b)
    # `and` binds tighter than `or`, as in Python.
    assert run("${a} or ${b} and ${c}", values) is (a or (b and c))
    assert run("not(${a} and ${b}) = (not(${a}) or not(${b}))", values) is True


integers = st.integers(-(2**40), 2**40)


@given(a=integers, b=integers)
def test_integer_arithmetic_matches_python(a, b):
    values = {"a": a, "b": b}
    assert run("${a} + ${b}", values) == a + b
    assert run("${a} - ${b}", values) == a - b
    assert run("${a} * ${b}", values) == float(a) * float(b)
    assert run(f"{a} - -{abs(b)}") == a + abs(b)
    if b:
        assert run("${a} div ${b}", values) == a / b
        # XPath mod keeps the sign of the dividend (like C and Java, unlike Python's %).
        assert run("${a} mod ${b}", values) == math.fmod(a, b)
        assert run("(${a} - ${a} mod ${b}) div ${b}", values) == int(a / b)
    else:
        assert math.isnan(run("${a} mod ${b}", values))


@given(a=st.integers(-10**6, 10**6), b=st.integers(-10**6, 10**6))
def test_comparisons_match_python_for_numbers_and_numeric_text(a, b):
    for op, fn in (("=", operator.eq), ("!=", operator.ne), ("<", operator.lt),
                   ("<=", operator.le), (">", operator.gt), (">=", operator.ge)):
        expected = fn(a, b)
        assert run(f"${{a}} {op} ${{b}}", {"a": a, "b": b}) is expected
        # The page posts text, the server holds numbers: both give the same answer.
        assert run(f"${{a}} {op} ${{b}}", {"a": str(a), "b": b}) is expected
        assert run(f"${{a}} {op} ${{b}}", {"a": str(a), "b": str(b)}) is expected


@given(a=st.dates(), b=st.dates())
def test_dates_compare_and_subtract_as_dates(a, b):
    values = {"a": a, "b": b.isoformat()}
    assert run("${a} < ${b}", values) is (a < b)
    assert run("${a} = ${b}", values) is (a == b)
    assert run("${b} - ${a}", values) == (b - a).days
    assert run("date(number(${a}))", values) == a
    assert run("format-date(${a}, '%Y-%m-%d')", values) == a.isoformat()


@given(parts=st.lists(st.one_of(plain_text, st.integers(-999, 999), st.booleans()), max_size=6))
def test_concat_length_is_the_sum_of_string_lengths(parts):
    values = {f"p{i}": part for i, part in enumerate(parts)}
    refs = [f"${{p{i}}}" for i in range(len(parts))]
    joined = run(f"concat({', '.join(refs)})", values)
    assert joined == "".join(string_value(p) for p in parts)
    lengths = sum(run(f"string-length({ref})", values) for ref in refs)
    assert run(f"string-length(concat({', '.join(refs)}))", values) == len(joined) == lengths


@given(items=st.lists(choice_names, max_size=8, unique=True), probe=choice_names)
def test_select_functions_on_a_generated_list(items, probe):
    for answer in (items, " ".join(items)):
        values = {"s": answer, "v": probe}
        assert run("count-selected(${s})", values) == len(items)
        assert run("selected(${s}, ${v})", values) is (probe in items)
        for index, item in enumerate(items):
            assert run(f"selected(${{s}}, '{item}')", values) is True
            assert run(f"selected-at(${{s}}, {index})", values) == item
        assert run(f"selected-at(${{s}}, {len(items)})", values) == ""


@given(x=st.floats(-1e12, 1e12, allow_nan=False), digits=st.integers(0, 6))
def test_round_is_within_half_a_unit(x, digits):
    rounded = run(f"round({x!r}, {digits})") if "e" not in repr(x) else None
    assume(rounded is not None)
    assert abs(rounded - x) <= 0.5 * 10**-digits + 1e-9 * max(1.0, abs(x))
    assert run(f"int({x!r})") == float(math.trunc(x))


@given(condition=answers, then=plain_text, otherwise=plain_text)
def test_if_picks_a_branch_by_boolean(condition, then, otherwise):
    values = {"c": condition, "t": then, "o": otherwise}
    assert run("if(${c}, ${t}, ${o})", values) == (then if truthy(condition) else otherwise)


# --- garbage in: only ExpressionError out, and evaluation never raises
TOKENS = ["${a}", "${b}", "${", "}", ".", "..", "(", ")", ",", "'x'", '"', "'", "1", "2.5",
          " ", "+", "-", "*", "div", "mod", "=", "!=", "<", "<=", ">", ">=", "and", "or",
          "selected(", "count-selected(", "if(", "concat(", "date(", "round(", "regex(",
          "format-date(", "substr(", "today()", "not(", "coalesce(", "foo(", "/", "[", "$",
          "true()", "int(", "number(", "selected-at(", "pow(", "max(", "0", "-0", "9" * 400]
garbage = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(TOKENS), max_size=25).map("".join),
)


@settings(max_examples=400)
@given(text=garbage, a=answers, b=answers, current=answers)
def test_garbage_raises_only_expression_error(text, a, b, current):
    try:
        expression = compile_expression(text)
    except ExpressionError as error:
        assert error.position is None or 0 <= error.position <= len(text)
        return
    run(expression.text, {"a": a, "b": b}, current=current)  # must not raise
    assert compile_expression(expression.canonical()).canonical() == expression.canonical()


# --- precedence: minimal brackets mean the same as full brackets
BINARY = ["or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod"]
leaves = st.one_of(
    st.integers(0, 9).map(lambda n: Literal(0, float(n))),
    st.sampled_from(["", "x", "3", "2024-05-01"]).map(lambda s: Literal(0, s)),
    st.sampled_from(["a", "b", "c"]).map(lambda name: Reference(0, name)),
    st.sampled_from(["true", "false"]).map(lambda name: Call(0, name, ())),
)


def _extend(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map(
            lambda t: Operation(0, t[0], ((t[1], t[2]),))),
        children.map(lambda node: Negation(0, node)),
        children.map(lambda node: Call(0, "not", (node,))),
    )


trees = st.recursive(leaves, _extend, max_leaves=10)


def full_brackets(node):
    if isinstance(node, Operation):
        (op, right), = node.rest
        return f"({full_brackets(node.first)} {op} {full_brackets(right)})"
    if isinstance(node, Negation):
        return f"-({full_brackets(node.operand)})"
    if isinstance(node, Call):
        return f"{node.name}({', '.join(full_brackets(arg) for arg in node.args)})"
    return unparse(node)


@settings(max_examples=300)
@given(tree=trees, a=answers, b=answers, c=answers)
def test_minimal_and_full_brackets_evaluate_equal(tree, a, b, c):
    values = {"a": a, "b": b, "c": c}
    minimal, full = unparse(tree), full_brackets(tree)
    assert same(run(minimal, values), run(full, values)), (minimal, full)
    assert compile_expression(minimal).canonical() == compile_expression(full).canonical()


# --- every function on any arguments: evaluation is total
weird_leaves = st.one_of(
    leaves,
    st.sampled_from(["0 div 0", "1 div 0", "-1 div 0", "9" * 400, "-0.5", "'1e3'", "' 7 '",
                     "'2023-02-30'", "'2024-05-01T10:00:00+02:00'", "'%Y%'", "'['", "."]),
)


@st.composite
def function_calls(draw):
    from palermo.questionnaires.expressions_parser import ARITY

    name = draw(st.sampled_from(sorted(ARITY)))
    low, high = ARITY[name]
    count = draw(st.integers(low, min(high if high is not None else low + 3, low + 3)))
    args = [draw(st.one_of(weird_leaves, trees).map(
        lambda a: a if isinstance(a, str) else unparse(a))) for _ in range(count)]
    return f"{name}({', '.join(args)})"


@settings(max_examples=500)
@given(text=function_calls(), a=answers, b=answers, current=answers)
def test_every_function_accepts_any_argument_values(text, a, b, current):
    try:
        expression = compile_expression(text)
    except ExpressionError as error:  # only a literal bad pattern is refused up front
        assert error.message.startswith("invalid regular expression"), text
        return
    result = run(expression.text, {"a": a, "b": b, "c": current}, current=current)
    assert isinstance(result, str | float | bool | dt.date)
    string_value(result)
    truthy(result)
