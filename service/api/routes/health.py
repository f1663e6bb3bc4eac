"""Liveness, readiness and metrics: open even when API keys are on."""

from __future__ import annotations

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
    responses={503: {"description": "Not ready, with the reason"}},
)
def readyz(runtime: RuntimeDep) -> JSONResponse:
    ready, reason = runtime.readiness()
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "reason": reason},
        status_code=200 if ready else 503,
    )


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request) -> Response:
    body = request.app.state.metrics.render()
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
