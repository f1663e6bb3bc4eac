"""Bodies of GET /healthz and GET /readyz."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from service.backends.base import ProcessState, ProcessStatus


class Health(BaseModel):
    """The process is alive."""

    status: Literal["ok"] = "ok"


class ModelProcessOut(BaseModel):
    """The llamacpp backend's model process."""

    state: ProcessState = Field(description="Where the process is in its life cycle.")
    pid: int | None = Field(description="Its process id, while one runs.")
    restarts: int = Field(description="How many times it was restarted.")
    reason: str | None = Field(description="Why it is not ready, or why it last stopped.")

    @classmethod
    def of(cls, status: ProcessStatus) -> ModelProcessOut:
        return cls(
            state=status.state, pid=status.pid, restarts=status.restarts, reason=status.reason
        )


class Readiness(BaseModel):
    """Whether the service answers, and why not; ``llm`` only with a model process."""

    status: Literal["ready", "not_ready"]
    reason: str = Field(description="Why it is not ready; `ready` once it is.")
    llm: ModelProcessOut | None = Field(
        None, description="The model process, with the llamacpp backend only."
    )
