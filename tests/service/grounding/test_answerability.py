"""The answerability verdict: a passage sentence about the question's focus that holds a
filler of the asked-for type, tied to the focus; else a refusal that says what is missing."""

from __future__ import annotations

from datetime import date

import pytest

from service.answers import Passage
from service.grounding.answerability import Thresholds, assess, casing_of, judge_quotes
from service.grounding.question import analyse, with_casing
from tests.service.passages import passage

TODAY = date(2024, 12, 1)


def verdict(question: str, *texts: str, dated: bool = False, published: str | None = None):
    passages = [
        passage(i, f"doc{i}", t, source="Gazette", published=published)
        for i, t in enumerate(texts, 1)
    ]
    read = with_casing(analyse(question, TODAY), casing_of(passages), TODAY)
    return assess(read, passages, Thresholds(min_relevance=0.0), dated)


@pytest.mark.parametrize(
    ("question", "text", "answers"),
    [
        # how many: a number tied to the thing counted
        ("How many people attended the rally in Lyon?",
         "The rally in Lyon drew farmers from across the region, organisers said.", False),
        ("How many people attended the rally in Lyon?",
         "About 3,000 people attended the rally in Lyon, police said.", True),
        ("How many people attended the rally in Lyon?",
         "The rally in Lyon was the third this year, and 40 buses brought people in.", False),
        # where: a place after a place preposition
        ("Where will the trade talks be held?",
         "The trade talks will be held next week, officials said.", False),
        ("Where will the trade talks be held?",
         "The trade talks will be held in Geneva next week, officials said.", True),
        # ... or after a verb of motion, or naming a part of a place
        ("Where did the delegation travel?", "The delegation travelled to Oslo on Monday.",
         True),
        ("Where did the delegation travel?", "The delegation travelled overnight, aides said.",
         False),
        ("Where do the seals breed?", "The seals breed on the shores of Lake Baikal.", True),
        ("Where did the mayor speak?", "The mayor spoke to Anna Berg about the budget.", False),
        # when: a time expression
        ("When did the dock strike end?",
         "The dock strike hurt exports badly, the ministry said.", False),
        ("When did the dock strike end?", "The dock strike ended on March 4, the union said.",
         True),
        # who: a name near the event
        ("Who leaked the budget memo?",
         "The budget memo, which was leaked last week, shows plans to close two plants.", False),
        ("Who leaked the budget memo?",
         "Former aide Tom Reed leaked the budget memo, the paper reported.", True),
        # a statement by the named person, not one about them
        ("What did Holm say about the budget?",
         "Holm met Berg on Monday. Berg said the budget was too small.", False),
        ("What did Holm say about the budget?",
         "Holm met Berg on Monday. “The budget is too small,” Holm said.", True),
        ("What did Holm say about the budget?", "Holm said the harbour would be dredged.", False),
        # an event stated as done, not as a possibility
        ("What did Berg propose to the council?",
         "Berg would have a chance to put proposals to the council next month.", False),
        ("What did Berg propose to the council?", "Berg proposed a new tax to the council.", True),
        # why: a cause
        ("Why did the minister resign?", "The minister resigned on Friday.", False),
        ("Why did the minister resign?",
         "The minister resigned on Friday because of a tax scandal.", True),
        # when: a time relative to the article ('in less than a month', 'next year')
        ("When does the new mayor take office?",
         "The new mayor, who takes office in less than a month, has named no deputy.", True),
        ("When does the new mayor take office?",
         "The new mayor, who takes office soon, has named no deputy.", False),
        # a statement by the holder of a role the question names
        ("What did the harbour spokesman suggest?",
         "Harbour spokesperson Tom Reed spoke on Monday. “A good first step would be to "
         "dredge the channel,” he said.", True),
        ("What did the harbour spokesman suggest?",
         "The talks were chaired by harbour spokesperson Tom Reed. “A good first step would "
         "be to dredge the channel,” Anna Berg said.", False),
        # a capitalised verb opening a sentence is the verb, not a name
        ("Who won the 2021 Harbour Regatta?",
         "The 2021 Harbour Regatta is over! Won by Oslo's Anna Berg, this year's race was "
         "close.", True),
        # a time near the event across the start of the sentence ('Release date. May 3, 2021')
        ("When was the Harbour Atlas released?",
         "Harbour Atlas: Release date. May 3, 2021 ...", True),
        # a date more precise than the question's year is an answer; the year alone is not
        ("What is the date of the 2021 Harbour Regatta?",
         "The 2021 Harbour Regatta was held on July 29, 2021, in Oslo.", True),
        ("What is the date of the 2021 Harbour Regatta?",
         "The 2021 Harbour Regatta was held in Oslo in 2021.", False),
        # the rest of a name that opens with the question's own words
        ("Who was the CEO of Norbank in 2021?",
         "In 2021 Norbank CEO Anna Berg sent an email to staff.", True),
        ("Who was the CEO of Norbank in 2021?", "In 2021 Norbank CEO sent an email to staff.",
         False),
        # a measure of money wants money; a share wants a share
        ("What was Norbank's revenue in 2021?",
         "In 2021, Norbank's revenue grew as it opened 184 branches.", False),
        ("What was Norbank's revenue in 2021?",
         "In 2021, Norbank's revenue was 5 million euros.", True),
        ("What share of the harbour does Norbank own?",
         "Norbank owns about 20% of the harbour.", True),
        ("What share of the harbour does Norbank own?",
         "Norbank owns 14 piers in the harbour.", False),
        # a count of wins is not the winning; a handle is not the verb
        ("Who won the 2021 Harbour Regatta?",
         "As of 2021, the sailor with the most wins at the Harbour Regatta was Anna Berg.",
         False),
        ("Who acquired Norbank?", "See Norbank photos from Acquire (@acquireoslo).", False),
        # a passage's dateline is when it was written, not when the thing happened
        ("When was the Harbour Atlas released?",
         "Jul 7, 2018 ... The Harbour Atlas has been released to wide acclaim.", False),
        ("When was the Harbour Atlas released?",
         "Jul 7, 2018 ... The Harbour Atlas was released on May 3, 2017.", True),
        # a sentence of other years only is about another edition
        ("What is the date of the 2021 Harbour Regatta?",
         "The Harbour Regatta was held on Wednesday, November 18, 2020, in Oslo.", False),
        # a former holder does not answer who holds a role now
        ("Who is the president of Norbank?",
         "Anna Berg, the former president of Norbank, spoke on Monday.", False),
        ("Who is the president of Norbank?",
         "Anna Berg, the president of Norbank, spoke on Monday.", True),
        # another of a series is another thing ('Season 10' for 'the first season')
        ("When did the first season of Harbour Lights premiere?",
         "The tenth and final season of Harbour Lights premiered on February 26, 2023.", False),
        ("When did the first season of Harbour Lights premiere?",
         "The first season of Harbour Lights premiered on September 23, 2013.", True),
        # 'which provinces': a name, but not a people nor who acts in the sentence
        ("Which provinces did Norland annex?",
         "Norland's decision to annex four provinces, Vestby and Ostby, was condemned.", True),
        ("Which provinces did Norland annex?",
         "Since it was the Southlanders who annexed provinces, they must pay.", False),
        # why: an earlier event named by its subject and verb ('after Norland claimed ...')
        ("Why did Holm rule out talks with Berg?",
         "Holm has ruled out talks with Berg after Norland claimed the harbour.", True),
        ("Why did Holm rule out talks with Berg?", "Holm has ruled out talks with Berg.", False),
        # a statement whose speaker opens the sentence ('X, who ..., said')
        ("What did Holm tell the Gazette?",
         "Mayor Anna Holm spoke on Monday. Holm, who takes office next week, has not set out "
         "a plan but told the Gazette that the budget is a priority.", True),
    ],
)  # fmt: skip
def test_a_sentence_answers_only_with_a_filler_of_the_asked_type(
    question: str, text: str, answers: bool
) -> None:
    assert verdict(question, text).answerable is answers


@pytest.mark.parametrize(
    ("question", "text", "reason"),
    [
        ("How many people attended the rally in Lyon?",
         "The rally in Lyon drew farmers from across the region.", "a number of peopl"),
        ("Where will the trade talks be held?", "The trade talks will be held next week.",
         "a place"),
        ("What did Holm say about the budget?", "Berg said the budget was too small. Holm nodded.",
         "a statement by Holm about budget"),
        ("What did Holm say about Oslo?", "Holm said the budget was too small.",
         "no passage mentions Oslo"),
    ],
)  # fmt: skip
def test_a_refusal_says_what_is_missing(question: str, text: str, reason: str) -> None:
    result = verdict(question, text)
    assert not result.answerable
    assert reason in result.reason


def test_lower_case_questions_get_the_same_verdict() -> None:
    text = "“The budget is too small,” Anna Berg said in Oslo."
    assert verdict("what did anna berg say about the budget?", text).answerable
    assert not verdict("what did anna berg say about the harbour?", text).answerable


def test_a_year_in_the_question_must_be_stated_or_be_the_articles_year() -> None:
    text = "The council approved the bridge, the mayor said."
    question = "Did the council approve the bridge in 2021?"
    assert not verdict(question, text).answerable
    assert verdict(question, text, published="2021-03-16").answerable
    assert verdict(question, "In 2021 the council approved the bridge.").answerable
    # applied as a publication-date filter already: the text need not state it
    assert verdict(question, text, dated=True).answerable


def test_quotes_an_answer_cites_are_judged_by_the_same_rules() -> None:
    cited = passage(1, "doc1", "The rally in Lyon drew farmers from across the region.")
    read = analyse("How many people attended the rally in Lyon?", TODAY)
    result = judge_quotes(read, [(cited, cited.chunk.sentences[0])])
    assert not result.answerable
    assert "a number" in result.reason
    counted = passage(1, "doc1", "About 3,000 people attended the rally in Lyon.")
    assert judge_quotes(read, [(counted, counted.chunk.sentences[0])]).answerable


def test_nothing_retrieved_is_a_refusal() -> None:
    passages: list[Passage] = []
    result = assess(analyse("Who won?"), passages, Thresholds())
    assert (result.answerable, result.reason) == (False, "nothing was retrieved")
