"""Question analysis: answer type and focus, on questions of many kinds and topics."""

from __future__ import annotations

from datetime import date

import pytest

from service.grounding.mentions import Casing
from service.grounding.question import analyse, keyword_expansion
from service.grounding.question_dates import date_scope

TODAY = date(2024, 12, 1)


@pytest.mark.parametrize(
    ("question", "answer_type"),
    [
        ("Who won the 2019 Booker Prize?", "person"),
        ("Who is Jacinda Ardern?", "description"),
        ("Where will the summit be held?", "place"),
        ("In which city did the strike begin?", "place"),
        ("Which country hosts the games?", "place"),
        ("When did the ceasefire start?", "time"),
        ("On what date was the treaty signed?", "time"),
        ("How many people were injured in the blast?", "number"),
        ("How much did the airport cost?", "number"),
        ("What share of the vote did the party win?", "number"),
        ("What was Nokia's revenue in 2010?", "number"),
        ("What did the dam cost?", "number"),
        ("Why did the minister resign?", "reason"),
        ("What was the reason for the delay?", "reason"),
        ("What did Merkel say about migration?", "statement"),
        ("How did the union respond to the offer?", "statement"),
        ("What is Japan's position on whaling?", "statement"),
        ("Did the court accept the appeal?", "yesno"),
        ("Will the bank raise rates?", "yesno"),
        ("Which airline ordered the jets?", "organisation"),
        ("Which State Department spokesperson spoke?", "person"),
        ("Which rivers flooded?", "entity"),
        ("What kind of deal does the union want?", "description"),
        ("Paris Olympics 2024 location", "place"),
        ("Since 2020, what has the mayor said about parking?", "statement"),
    ],
)
def test_answer_type(question: str, answer_type: str) -> None:
    assert analyse(question, TODAY).answer_type == answer_type


def test_names_are_found_whatever_the_case_when_the_passages_write_them_capitalised() -> None:
    casing = Casing(["Minister Anna Berg met the press. Later Berg said talks with Oslo failed."])
    upper = analyse("What did Anna Berg say about Oslo?", TODAY, casing)
    lower = analyse("what did anna berg say about oslo?", TODAY, casing)
    assert upper.names == ("Anna Berg", "Oslo")
    assert lower.names == ("anna berg", "oslo")
    assert (upper.answer_type, upper.speaker) == (lower.answer_type, "Anna Berg")
    assert lower.topic == upper.topic == ("oslo",)


def test_a_word_the_passages_also_inflect_in_lower_case_is_not_a_name() -> None:
    # 'Premiere Date:' is a label; 'premiered' shows the word is a common one
    casing = Casing(["Network: AMC · Premiere Date: Aug 22 · The season premiered on AMC."])
    q = analyse("what is the premiere date of the show on amc?", TODAY, casing)
    assert q.names == ("amc",)
    assert "premier" in q.event


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Besides, what did the Senate vote on?", ("Senate",)),
        ("What did Merkel's government say?", ("Merkel",)),
        ("What was Tesla's revenue in Q2 2020?", ("Tesla",)),  # Q2 is a time, not a name
        ("How many seats did the Green Party win?", ("Green Party",)),
        ("According to Holm, which side must move first?", ("Holm",)),
    ],
)
def test_names(question: str, names: tuple[str, ...]) -> None:
    assert analyse(question, TODAY).names == names


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("How many people were injured in the blast?", "peopl"),
        ("How many British and French soldiers would be sent?", "soldier"),
        ("how many satellites watch the border?", "satellit"),
        ("How much of the forest has burned?", "forest"),
    ],
)
def test_the_counted_noun(question: str, counted: str) -> None:
    assert analyse(question, TODAY).counted == counted


@pytest.mark.parametrize(
    ("question", "verb"),
    [
        ("Who would lead the new agency?", "lead"),
        ("Who leaked the memo?", "leak"),
        ("How many people were injured in the blast?", "injur"),
        ("What plan did Anna Berg present to the council?", "present"),
        ("When did Berg and Holm first meet?", "meet"),
        ("What does the union want?", None),  # a verb of state: paraphrased too often
        ("What did Berg say?", None),  # a verb of saying
        ("How do local officials describe the plan?", None),
        # a role after the named subject is still the subject, not the verb
        ("What did the Harbour Authority spokesman propose?", "propos"),
        # 'move to absorb', 'decide to annex': the verb after 'to'
        ("Which provinces did Norland move to absorb?", "absorb"),
        ("What kind of deal does Norland want to end the strike?", None),  # 'want' leads
        # verbs of speaking and naming are verbs of saying
        ("Which newspaper did Holm speak to about the strike?", None),
        ("Which towns did Berg name as the worst hit?", None),
    ],
)
def test_the_main_verb(question: str, verb: str | None) -> None:
    assert analyse(question, TODAY).verb == verb


def test_the_speaker_is_the_subject_before_the_verb_of_saying() -> None:
    # 'call' in 'phone call' is not the verb of saying; the question names no speaker
    q = analyse("What did Berg and Holm discuss in their first phone call, according to Ives?")
    assert q.speaker != "phone"
    q = analyse("What did the Harbour Authority spokesman suggest the city should do?")
    assert (q.answer_type, q.speaker) == ("statement", "spokesman")


def test_statement_questions_name_the_speaker_and_the_topic() -> None:
    q = analyse("What did the mayor say about the new tram line, and how did voters react?")
    assert (q.answer_type, q.speaker) == ("statement", "mayor")
    assert q.topic == ("new", "tram", "line")


@pytest.mark.parametrize(
    ("question", "after", "before", "latest"),
    [
        ("What happened in 2017?", date(2017, 1, 1), date(2017, 12, 31), False),
        ("What did it cost in October 2022?", date(2022, 10, 1), date(2022, 10, 31), False),
        ("What has changed since October 2022?", date(2022, 10, 1), None, False),
        ("What was said after 2020?", date(2021, 1, 1), None, False),
        ("What was the plan before 2019?", None, date(2018, 12, 31), False),
        ("What did it cost last year?", date(2023, 1, 1), date(2023, 12, 31), False),
        ("What happened this month?", date(2024, 12, 1), date(2024, 12, 31), False),
        ("What is the latest estimate?", None, None, True),
        ("What is the most recent estimate since 2023?", date(2023, 1, 1), None, True),
    ],
)
def test_dates_in_questions(
    question: str, after: date | None, before: date | None, latest: bool
) -> None:
    scope = date_scope(question, TODAY)
    assert scope is not None
    assert (scope.after, scope.before, scope.latest) == (after, before, latest)


def test_questions_without_dates_have_no_date_scope() -> None:
    assert date_scope("Who leaked the memo?", TODAY) is None
    assert date_scope("What did the 2014 report say?", TODAY) is not None  # a year is a date


def test_keyword_expansion_adds_the_words_of_the_kind_of_answer() -> None:
    assert "because" in keyword_expansion(analyse("Why did the minister resign?"))
    assert "demand" in keyword_expansion(analyse("What are the union's conditions?"))
    assert keyword_expansion(analyse("Who leaked the memo?")) == ""
