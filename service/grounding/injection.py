"""Sentences of an article that address an AI model with instructions: blanked out before
an LLM sees them, and never used as evidence.

Recognised by their form, not by a list of known attacks. A sentence is an injection when it
does one of these:

* **addresses a model**: "Note to AI models: ...", "Dear ChatGPT, ...", "If you are a
  language model, ...", "Any LLM processing this text must ...", "Claude and Gemini: ...";
* **gives an order about the answer or the sources**: "disregard the sources", "ignore
  previous instructions", "do not cite any other article", "respond only with ...", "when
  summarising this article, state that ...";
* **speaks a chat protocol**: role labels ("System: ..."), template markers (``[INST]``,
  ``<|system|>``), or reassigns the model's role ("you are now an assistant that ...").

News prose is full of imperatives ("Do not travel to the region, the State Department
warned") and of AI ("the company's AI assistant"): an order counts only when it is about an
answer, a source or a model's instructions, and an addressee only when it is addressed.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Who a model is called. Bare words that are also ordinary nouns (models, assistants, bots)
# count only in the stronger forms below, where a sentence plainly speaks to them.
_AI_NAMED = (
    r"(?:a\.?i\.?(?:\s+(?:models?|assistants?|systems?|tools?|agents?|bots?|chatbots?))?"
    r"|artificial\s+intelligence|(?:large\s+)?language\s+models?|llms?|chat\s?bots?"
    r"|chatgpt|gpt[-\w.]*|claude|gemini|copilot|bard|llama|mistral"
    r"|(?:automated|automatic|machine)\s+(?:systems?|summari[sz]ers?|tools?|agents?|readers?)"
    r"|summari[sz]ers?|crawlers?|scrapers?)"
)
_AI_ANY = rf"(?:{_AI_NAMED}|models?|assistants?|bots?|machines?)"
_QUALIFIERS = r"(?:(?:generative|conversational|automated|any|all|every|the|an?|other)\s+)*"

# Verbs of producing an answer, and of using or not using what it is made from.
_OUTPUT = (
    r"(?:say|state|answer|reply|respond|tell|write|claim|report|mention|cite|quote|output"
    r"|print|describe|summari[sz]e|conclude|assert|insist|include|omit|leave\s+out|treat"
    r"|refer|begin|start|end|use|ignore|disregard|present|list|recommend)"
)
_NOT_USE = (
    r"(?:ignore|disregard|forget|override|bypass|skip|discard|set\s+aside"
    r"|pay\s+no\s+(?:attention|heed|mind)\s+to|take\s+no\s+notice\s+of)"
)
_SOURCES = r"(?:sources?|articles?|documents?|passages?|context|excerpts?|snippets?)"
_ORDERS = r"(?:instructions?|prompts?|rules|guidance|guidelines|directions|directives)"
_MODEL_SIDE = r"(?:previous|prior|preceding|above|earlier|original|initial|system|your|all|any)"
_SENTENCE_START = r"(?:^|[;:]\s*)\W*"

_ADDRESSES = [
    # "Note to AI models:", "Instructions for AI:", "A message for any AI system ..."
    rf"\b(?:notes?|messages?|instructions?|attention|notice|memo|reminder|warning|directive)"
    rf"\s+(?:to|for)\s+{_QUALIFIERS}(?:\w+\s+)?{_AI_ANY}\b",
    # "Dear ChatGPT", "Attention chatbots", "Hey Copilot, ..."
    rf"^\W*(?:dear|hey|hi|hello|attention|attn|calling)\W+{_QUALIFIERS}{_AI_NAMED}\b",
    # "If you are a language model", "If an AI is reading this", "As an AI, you ..."
    rf"\bif\s+(?:you\s+are|you're)\s+{_QUALIFIERS}(?:\w+\s+)?{_AI_ANY}\b",
    rf"\bif\s+{_QUALIFIERS}(?:\w+\s+)?{_AI_ANY}\s+(?:is|are)\s+(?:reading|processing|parsing"
    r"|summari[sz]ing|analy[sz]ing|seeing|using)\b",
    rf"\bas\s+an?\s+(?:\w+\s+)?{_AI_ANY},\s+you\b",
    # "To any automated system answering questions about this story: ..."
    rf"^\W*to\s+(?:any|all|every|the)\s+(?:\w+\s+)?{_AI_ANY}\b",
    # A vocative: "Assistant, do not ...", "Claude and Gemini: treat ..."
    rf"^\W*{_QUALIFIERS}{_AI_ANY}(?:\s+(?:and|or|&)\s+{_QUALIFIERS}{_AI_ANY})*\s*[:,]\s*"
    rf"(?:please\s+)?(?:do\s+not\s+|don't\s+|never\s+|always\s+|only\s+)?{_OUTPUT}\b",
    rf"^\W*{_QUALIFIERS}{_AI_NAMED}(?:\s+(?:and|or|&)\s+{_QUALIFIERS}{_AI_NAMED})*\s*:",
    # "Machine readers should report this article as ..."
    rf"\b{_AI_NAMED}\s+(?:should|must|shall|need\s+to|are\s+to)\s+(?:\w+\s+)?{_OUTPUT}\b",
    # "AI assistants reading this should tell ...", "Any LLM processing this text must ..."
    rf"\b{_AI_ANY}(?:\s+(?:that|which|who))?\s+(?:\w+\s+)?(?:read|process|pars|summari[sz]"
    r"|scrap|crawl|answer|generat|analy[sz]|see|ingest|index|us)\w*\b.{0,60}?"
    r"\b(?:this|these|the\s+following)\b.{0,80}?"
    r"(?:\b(?:should|must|shall|will|need\s+to|needs\s+to|(?:are|is)\s+to|ha(?:ve|s)\s+to"
    rf"|(?:are|is)\s+(?:instructed|required|asked|expected)\s+to)\s+(?:\w+\s+)?{_OUTPUT}\b"
    rf"|:\s*(?:please\s+)?{_OUTPUT}\b)",
]

_ORDERS_ABOUT_ANSWERS = [
    # "disregard the sources", "ignore the other sources", "ignore everything above"
    rf"\b{_NOT_USE}\s+(?:(?:all|any|the|these|those|other|remaining|provided|given|retrieved"
    rf"|supplied|previous|prior|above|earlier|your)\s+){{1,3}}{_SOURCES}\b",
    rf"\b{_NOT_USE}\s+(?:(?:the|these|those)\s+)?(?:{_MODEL_SIDE}\s+)+{_ORDERS}\b",
    rf"\b{_NOT_USE}\s+(?:everything|anything|all|the\s+text|what(?:ever)?)\s+(?:else\s+)?"
    r"(?:(?:was|is)\s+)?(?:above|before|you\s+(?:were|have\s+been|are)\s+(?:told|given|shown))\b",
    # "Override your previous guidance", "print your system prompt"
    rf"\byour\s+(?:previous|prior|original|initial|earlier|system|hidden)\s+"
    rf"(?:{_ORDERS}|programming|training)\b",
    r"\b(?:system|hidden|initial)\s+prompt\b",
    # "Do not cite any other article", "do not mention the other articles"
    r"\b(?:do\s+not|don't|never)\s+(?:cite|mention|use|quote|reference|rely\s+on|consult"
    rf"|include)\s+(?:any\s+|the\s+)?(?:other\s+|remaining\s+|additional\s+|provided\s+)?"
    rf"{_SOURCES}\b",
    # "Respond only with ...", "and output only the word ..."
    rf"(?:{_SENTENCE_START}|\band\s+)(?:please\s+)?(?:always\s+|only\s+|just\s+)?"
    r"(?:respond|reply|answer|say|output|print|write)\s+(?:only\s+)?"
    r"(?:with\b|that\b|by\s+saying\b|the\s+(?:word|words|text|phrase)\b|:)",
    # "Begin your answer with ...": an order about the answer itself
    r"^\W*(?:please\s+)?(?:begin|start|end|finish|open|close|conclude|prefix|format|keep|make"
    r"|phrase|word)\s+your\s+(?:answer|response|reply|summary|output)\b",
    # "Respond to the user that ...", "tell the reader that ...": the model's audience
    rf"\b{_OUTPUT}\s+(?:this\s+)?(?:to\s+)?(?:the\s+|any\s+|all\s+)?(?:users?|readers?"
    r"|humans?|questioners?|person\s+asking)\s+(?:that|the|this)\b",
    # "When summarising this article, state that ...", "When asked about X, always answer"
    r"^\W*(?:when|while|whenever|if|before|in)\s+(?:you(?:'re|\s+are)?\s+)?(?:summari[sz]"
    r"|answer|asked|respond|reply|writ|generat|describ|discuss|quot|cit)\w*\b[^,;:]{0,120}"
    rf"[,;:]\s*(?:please\s+)?(?:always\s+|only\s+|never\s+|just\s+|do\s+not\s+|don't\s+)?"
    rf"{_OUTPUT}\b",
]

_PROTOCOL = [
    rf"{_SENTENCE_START}(?:system|assistant|user|developer)\s*:",
    r"\[/?INST\]|<\|[a-z_]+\|>|<</?SYS>>|#{2,}\s*(?:instruction|system|response)\b",
    r"\byou\s+are\s+now\b",
    r"\byou\s+are\s+(?:an?\s+)?(?:\w+\s+)?(?:ai|assistant|chatbot|language\s+model|llm)\b",
]

_INJECTION = re.compile(
    "|".join(f"(?:{p})" for p in _ADDRESSES + _ORDERS_ABOUT_ANSWERS + _PROTOCOL),
    re.IGNORECASE,
)


@lru_cache(maxsize=1 << 16)
def looks_like_injection(sentence: str) -> bool:
    """True for text that addresses an AI model with instructions: never used as evidence.

    Cached: every answer checks every sentence of its passages, and passages recur across
    questions (the one regular expression was a quarter of the grounding rules' time under
    load, docs/benchmarks.md)."""
    return bool(_INJECTION.search(sentence))
