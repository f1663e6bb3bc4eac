"""Liveness, readiness and metrics: open even when API keys are on."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from service.api.deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="200 once the index and models are loaded and the store answers, else 503",
    description="With the llamacpp backend, `llm` is the state of its model process "
    "(`starting`, `ready`, `restarting`, `failed`, `stopped`), its `pid`, its `restarts` and "
    "the `reason` it is not ready. The service stays ready while that process restarts: "
    "answers are then extractive, with `degraded: true`.",
    responses={503: {"description": "Not ready, with the reason"}},
)
def readyz(runtime: RuntimeDep) -> JSONResponse:
    ready, reason = runtime.readiness()
    body: dict[str, object] = {"status": "ready" if ready else "not_ready", "reason": reason}
    process = runtime.model_process()
    if process is not None:
        body["llm"] = asdict(process)
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request) -> Response:
    body = request.app.state.metrics.render()
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
