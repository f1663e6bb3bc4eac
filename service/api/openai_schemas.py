"""Bodies of the OpenAI-compatible endpoints (``/v1/chat/completions``, ``/v1/models``).

Requests accept the fields OpenAI clients send and ignore the ones newsqa has no use for;
unknown fields are allowed too, since clients send many. Replies parse with the official
``openai`` client's models and carry newsqa's structured citations as extra fields.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from service.api.fields import FreeText, Name
from service.api.schemas import CitationOut, ConflictOut, DateScopeOut, FiltersIn
from service.limits import MAX_TOP_K

MODEL_NAME = "newsqa"
Role = Literal["system", "developer", "user", "assistant", "tool", "function"]
AnswerMode = Literal["openai", "llamacpp", "extractive"]


class Lenient(BaseModel):
    """Unknown fields are accepted and ignored: OpenAI clients send many."""

    model_config = ConfigDict(extra="allow")


class ContentPart(Lenient):
    """One part of a message's content; only text parts are supported."""

    type: Name = Field(description="The part's kind; only `text` is supported.")
    text: FreeText | None = Field(None, description="The text of a `text` part.")


class ChatMessage(Lenient):
    """One message of the conversation."""

    role: Role = Field(
        description="`user` and `assistant` messages form the conversation; `system` and "
        "`developer` messages are ignored (newsqa keeps its own rules); `tool` and "
        "`function` messages are dropped from the history."
    )
    content: FreeText | list[ContentPart] | None = Field(
        None, description="The text, or a list of `{type: text, text}` parts joined in order."
    )
    name: Name | None = Field(None, description="Accepted and ignored.")


class StreamOptions(Lenient):
    """Options of a streamed reply."""

    include_usage: bool = Field(
        False, description="Send one more chunk, before `[DONE]`, with `usage` and no choices."
    )


class ChatCompletionRequest(Lenient):
    """An OpenAI chat completion request; the last user message is the question."""

    model: Name = Field(description=f"Must be `{MODEL_NAME}`.")
    messages: list[ChatMessage] = Field(
        max_length=500,
        description="The conversation. The last user message is the question (it must be "
        "the last message apart from system messages); earlier user and assistant messages "
        "are the history a follow-up is understood from.",
    )
    stream: bool | None = Field(
        False, description="Stream the reply as `chat.completion.chunk` Server-Sent Events."
    )
    stream_options: StreamOptions | None = Field(None, description="Options of a streamed reply.")
    n: int | None = Field(None, ge=1, description="Number of choices; only 1 is supported.")
    temperature: float | None = Field(None, description="Accepted and ignored.")
    top_p: float | None = Field(None, description="Accepted and ignored.")
    max_tokens: int | None = Field(None, description="Accepted and ignored.")
    max_completion_tokens: int | None = Field(None, description="Accepted and ignored.")
    stop: FreeText | list[FreeText] | None = Field(None, description="Accepted and ignored.")
    seed: int | None = Field(None, description="Accepted and ignored.")
    presence_penalty: float | None = Field(None, description="Accepted and ignored.")
    frequency_penalty: float | None = Field(None, description="Accepted and ignored.")
    user: FreeText | None = Field(None, description="Accepted and ignored.")
    filters: FiltersIn | None = Field(
        None, description="newsqa extension (`extra_body`): restrict the articles used."
    )
    mode: Literal["auto", "llm", "extractive"] = Field(
        "auto",
        description="newsqa extension (`extra_body`): `auto`: the configured backend; `llm`: "
        "insist on the LLM (degrades to extractive when it fails); `extractive`: no LLM.",
    )
    strict: bool = Field(
        False,
        description="newsqa extension (`extra_body`): remove answer sentences no source supports.",
    )
    top_k: int | None = Field(
        None,
        ge=1,
        le=MAX_TOP_K,
        description="newsqa extension (`extra_body`): passages given to the answer backend.",
    )


class Usage(BaseModel):
    """Rough token counts: whitespace-separated words, not a tokenizer's tokens."""

    prompt_tokens: int = Field(description="Words in the request's messages.")
    completion_tokens: int = Field(description="Words in the reply's content.")
    total_tokens: int = Field(description="The sum of both.")


class AssistantMessage(BaseModel):
    """The reply."""

    role: Literal["assistant"] = Field("assistant", description="Always `assistant`.")
    content: str = Field(
        description="The answer with [n] markers and a `Sources:` list (one line per "
        "citation), or the refusal message alone."
    )


class Choice(BaseModel):
    """The one choice of a reply."""

    index: int = Field(0, description="Always 0.")
    message: AssistantMessage = Field(description="The reply.")
    finish_reason: Literal["stop"] = Field("stop", description="Always `stop`.")
    logprobs: None = Field(None, description="Always null.")


class NewsqaFields(BaseModel):
    """newsqa's extra top-level fields, beside OpenAI's."""

    citations: list[CitationOut] = Field(
        default_factory=list, description="One entry per [n] marker: the exact quote cited."
    )
    answerable: bool = Field(description="False when the corpus does not hold the answer.")
    degraded: bool = Field(description="True when the LLM failed and extractive answered.")
    mode: AnswerMode = Field(description="The backend that produced the answer.")
    standalone_question: str | None = Field(
        None, description="A follow-up rewritten as a stand-alone question, when it was."
    )
    refusal_reason: str | None = Field(None, description="Why the question was refused.")
    conflicts: list[ConflictOut] = Field(
        default_factory=list, description="Where the cited sources disagree, side by side."
    )
    date_scope: DateScopeOut | None = Field(
        None, description="How dates named in the question were used."
    )


class ChatCompletion(NewsqaFields):
    """A `chat.completion` with newsqa's citations."""

    id: str = Field(description="`chatcmpl-` and a random hex string.")
    object: Literal["chat.completion"] = Field(
        "chat.completion", description="Always `chat.completion`."
    )
    created: int = Field(description="Unix time of the reply.")
    model: str = Field(MODEL_NAME, description=f"Always `{MODEL_NAME}`.")
    choices: list[Choice] = Field(description="Exactly one choice.")
    usage: Usage = Field(description="Rough token counts.")


class Delta(BaseModel):
    """What a chunk adds to the reply."""

    role: Literal["assistant"] | None = Field(None, description="In the first chunk only.")
    content: str | None = Field(None, description="The next piece of the content.")


class ChunkChoice(BaseModel):
    """The one choice of a chunk."""

    index: int = Field(0, description="Always 0.")
    delta: Delta = Field(description="What this chunk adds.")
    finish_reason: Literal["stop"] | None = Field(
        None, description="`stop` in the last chunk of the choice, else null."
    )


class ChatCompletionChunk(BaseModel):
    """One `chat.completion.chunk` of a streamed reply. The chunk with `finish_reason:
    stop` also carries `citations`, `answerable`, `degraded`, `mode`,
    `standalone_question`, `refusal_reason`, `conflicts` and `date_scope`."""

    id: str = Field(description="The same in every chunk of a reply.")
    object: Literal["chat.completion.chunk"] = Field(
        "chat.completion.chunk", description="Always `chat.completion.chunk`."
    )
    created: int = Field(description="Unix time of the reply.")
    model: str = Field(MODEL_NAME, description=f"Always `{MODEL_NAME}`.")
    choices: list[ChunkChoice] = Field(description="One choice; empty in the usage chunk.")
    usage: Usage | None = Field(None, description="In the usage chunk only.")
    citations: list[CitationOut] | None = Field(None, description="In the last chunk only.")
    answerable: bool | None = Field(None, description="In the last chunk only.")
    degraded: bool | None = Field(None, description="In the last chunk only.")
    mode: AnswerMode | None = Field(None, description="In the last chunk only.")
    standalone_question: str | None = Field(None, description="In the last chunk only.")
    refusal_reason: str | None = Field(None, description="In the last chunk only.")
    conflicts: list[ConflictOut] | None = Field(None, description="In the last chunk only.")
    date_scope: DateScopeOut | None = Field(None, description="In the last chunk only.")


class ModelCard(BaseModel):
    """A model the endpoint serves."""

    id: str = Field(description=f"`{MODEL_NAME}`.")
    object: Literal["model"] = Field("model", description="Always `model`.")
    created: int = Field(0, description="Always 0: newsqa has no model release date.")
    owned_by: str = Field("newsqa", description="Always `newsqa`.")


class ModelList(BaseModel):
    """The models the endpoint serves: just `newsqa`."""

    object: Literal["list"] = Field("list", description="Always `list`.")
    data: list[ModelCard] = Field(description="The models.")


class OpenAIErrorBody(BaseModel):
    """What went wrong, as OpenAI reports it."""

    message: str = Field(description="A human-readable explanation naming the problem.")
    type: str = Field(
        description="`invalid_request_error`, `requests` (rate limit) or `server_error`."
    )
    param: str | None = Field(None, description="The request field at fault, when one is.")
    code: str | None = Field(
        None, description="A stable machine-readable code, e.g. `model_not_found`."
    )


class OpenAIErrorResponse(BaseModel):
    """Every error of the OpenAI-compatible endpoints has this shape."""

    error: OpenAIErrorBody = Field(description="The error.")
