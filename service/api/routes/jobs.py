"""Upload jobs: list, progress, cancel. ``service.jobs`` holds the logic."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool

from service.api.deps import KeyCheckedRoute, RuntimeDep
from service.api.errors import ERRORS
from service.api.job_schemas import JobList, JobOut
from service.api.schemas import ErrorResponse
from service.jobs import JobManager

router = APIRouter(prefix="/v1", tags=["documents"], route_class=KeyCheckedRoute)

JOB_ERRORS: dict[int | str, dict[str, object]] = {
    **ERRORS,
    404: {"model": ErrorResponse, "description": "No job with that id"},
}
CANCEL_ERRORS: dict[int | str, dict[str, object]] = {
    **JOB_ERRORS,
    409: {"model": ErrorResponse, "description": "The job has already ended"},
}
JobId = Annotated[str, Path(max_length=64, description="The job's id.")]


def get_jobs(runtime: RuntimeDep) -> JobManager:
    return runtime.jobs


JobsDep = Annotated[JobManager, Depends(get_jobs)]


@router.get("/jobs", response_model=JobList, summary="Upload jobs, oldest first", responses=ERRORS)
async def list_jobs(jobs: JobsDep) -> JobList:
    return JobList(jobs=[JobOut.of(j) for j in await run_in_threadpool(jobs.all)])


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    summary="An upload job: state, progress, counts, errors",
    responses=JOB_ERRORS,
)
async def get_job(job_id: JobId, jobs: JobsDep) -> JobOut:
    return JobOut.of(await run_in_threadpool(jobs.get, job_id))


@router.delete(
    "/jobs/{job_id}",
    response_model=JobOut,
    status_code=202,
    summary="Cancel an upload job: it stops and puts back every document it touched",
    responses=CANCEL_ERRORS,
)
async def cancel_job(job_id: JobId, jobs: JobsDep) -> JobOut:
    return JobOut.of(await run_in_threadpool(jobs.cancel, job_id))


@router.post(
    "/jobs/{job_id}/cancel",
    response_model=JobOut,
    status_code=202,
    summary="Cancel an upload job (the same as DELETE /v1/jobs/{job_id})",
    responses=CANCEL_ERRORS,
)
async def cancel_job_by_post(job_id: JobId, jobs: JobsDep) -> JobOut:
    return await cancel_job(job_id, jobs)
