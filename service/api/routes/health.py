"""Liveness, readiness and metrics: open even when API keys are on."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from service.api.deps import RuntimeDep
from service.api.health_schemas import Health, ModelProcessOut, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is alive")
def healthz() -> Health:
    return Health()


@router.get(
    "/readyz",
    summary="200 once the index and models are loaded and the store answers, else 503",
    description="With the llamacpp backend, `llm` is the state of its model process "
    "(`starting`, `ready`, `restarting`, `failed`, `stopped`), its `pid`, its `restarts` and "
    "the `reason` it is not ready. The service stays ready while that process restarts: "
    "answers are then extractive, with `degraded: true`.",
    response_model=Readiness,
    # Unset fields are left out: no `llm` key without a model process, while the process's
    # `reason`, set to null when it has none, is still sent.
    response_model_exclude_unset=True,
    responses={503: {"model": Readiness, "description": "Not ready, with the reason"}},
)
def readyz(runtime: RuntimeDep, response: Response) -> Readiness:
    ready, reason = runtime.readiness()
    body = Readiness(status="ready" if ready else "not_ready", reason=reason)
    process = runtime.model_process()
    if process is not None:
        body.llm = ModelProcessOut.of(process)
    response.status_code = 200 if ready else 503
    return body


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request) -> Response:
    body = request.app.state.metrics.render()
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
