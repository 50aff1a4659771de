"""Pre/post knowledge test template for trainings (000 Rec. 25 and Annex B II.N.3 L286:
"pre- and post-programme knowledge tests (training projects)"). The same items are answered
before and after the training; ``score`` is computed by the form (one point per correct
answer), so pre and post scores compare by ``test_round``. Copy the file and change the
items for another training: keep the calculate row's pattern."""

from tools.instruments.dsl import flat, group, note, q

FORM = {
    "form_id": "knowledge_test",
    "form_title": "Knowledge test (pre/post training)",
    "version": "2025.1",
    "palermo_kind": "test",
    "description": "Template of a pre/post training test on identifying victims of "
                   "trafficking: five items scored by a calculation, pre and post rounds.",
    "sources": "000 Rec. 25, Annex B II.N.3 L286 (pre- and post-tests of training "
               "projects); the items paraphrase the Palermo Protocol art. 3.",
}

# (name, question, list, correct choice)
ITEMS = [
    ("q1_elements", "Which three elements define trafficking in adults?", "q1", "amp"),
    ("q2_child", "For a child, which elements are enough?", "q2", "act_purpose"),
    ("q3_consent", "If a victim first agreed to the job, can it still be trafficking?",
     "tf", "true"),
    ("q4_border", "Trafficking always involves crossing a border.", "tf", "false"),
    ("q5_first", "What comes first when you meet a possible victim?", "q5", "safety"),
]
SCORE = " + ".join(f"if(${{{n}}} = '{right}', 1, 0)" for n, _, _, right in ITEMS)

SURVEY = flat(
    group("participant", "Participant", [
        q("select_one round", "test_round", "Test", required=True),
        q("select_one profession", "profession", "Your profession"),
    ]),
    group("items", "Questions", [
        q(f"select_one {lst}", name, label, required=True) for name, label, lst, _ in ITEMS
    ]),
    q("calculate", "score", calculation=SCORE),
    note("score_note", "Your score: ${score} out of 5."),
)

CHOICES = {
    "round": [("pre", "Before the training"), ("post", "After the training")],
    "profession": [("police", "Police"), ("border", "Border guard"),
                   ("social", "Social worker"), ("health", "Health worker"),
                   ("legal", "Lawyer, prosecutor or judge"), ("ngo", "NGO staff"),
                   ("other", "Other")],
    "q1": [("amp", "Act, means and purpose of exploitation"),
           ("border_money", "Crossing a border and payment"),
           ("force_only", "Use of force only")],
    "q2": [("act_purpose", "Act and purpose"), ("all", "Act, means and purpose"),
           ("means", "Means only")],
    "tf": [("true", "True"), ("false", "False")],
    "q5": [("safety", "The person's safety and immediate needs"),
           ("statement", "Taking a statement for the police"),
           ("documents", "Checking their documents")],
}
