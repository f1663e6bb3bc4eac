"""Documents: list, get (with full text), delete, and upload (a file or a JSON article).

Routes only translate HTTP; ``service.documents`` holds the logic. Status codes of an
upload: 201 when an article was added, else 200; 413 for a file over NEWSQA_MAX_FILE_BYTES;
415 for an unsupported file extension or a body that is neither multipart nor JSON; 422 for
anything else wrong with the input (the message names the file or field and the problem).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from service.api.deps import ComponentsDep, KeyCheckedRoute, RuntimeDep
from service.api.document_schemas import (
    MAX_PAGE,
    DeleteResponse,
    DocumentDetail,
    DocumentIn,
    DocumentList,
    DocumentSummary,
    IngestResultOut,
    UploadResponse,
    upload_request_body,
)
from service.api.errors import ERRORS, error
from service.api.fields import Identifier
from service.api.job_schemas import JobOut
from service.api.schemas import ErrorResponse
from service.documents import (
    DocumentService,
    IngestResult,
    UnsupportedFileType,
    UploadTooLarge,
)
from service.jobs import Job

router = APIRouter(prefix="/v1", tags=["documents"], route_class=KeyCheckedRoute)

NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "No document with that id"},
}
UPLOAD_ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorResponse, "description": "Malformed multipart body"},
    413: {"model": ErrorResponse, "description": "File over NEWSQA_MAX_FILE_BYTES"},
    415: {
        "model": ErrorResponse,
        "description": "Unsupported file extension, or a body neither multipart nor JSON",
    },
    422: {
        "model": ErrorResponse,
        "description": "Bad document (empty, binary, not text, invalid JSON, no text, bad "
        "date or id): the message names the file or field and the problem",
    },
}
UPLOAD_MEDIA = (
    "send a multipart/form-data upload with the file in the field 'file', or a JSON article "
    "with Content-Type: application/json"
)
FILE_REQUIRED = (
    "Field required: a file with a name (e.g. article.txt) in the multipart field 'file'"
)


DocId = Annotated[Identifier, Path(description="The document's id.")]


def get_documents(parts: ComponentsDep, runtime: RuntimeDep) -> DocumentService:
    return DocumentService(parts, runtime.jobs)


DocumentsDep = Annotated[DocumentService, Depends(get_documents)]


@router.get(
    "/documents",
    response_model=DocumentList,
    summary="List indexed documents, sorted by id",
    responses=ERRORS,
)
async def list_documents(
    documents: DocumentsDep,
    offset: Annotated[int, Query(ge=0, description="Documents to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size.")] = 50,
) -> DocumentList:
    page = await run_in_threadpool(documents.page, offset, limit)
    return DocumentList(
        documents=[DocumentSummary.of(r) for r in page.documents],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentDetail,
    summary="One document with its full original text (quotes are text[start:end])",
    responses={**ERRORS, **NOT_FOUND},
)
async def get_document(doc_id: DocId, documents: DocumentsDep) -> DocumentDetail:
    return DocumentDetail.of(await run_in_threadpool(documents.get, doc_id))


@router.delete(
    "/documents/{doc_id}",
    response_model=DeleteResponse,
    summary="Remove a document and its chunks",
    responses={**ERRORS, **NOT_FOUND},
)
async def delete_document(doc_id: DocId, documents: DocumentsDep) -> DeleteResponse:
    await run_in_threadpool(documents.delete, doc_id)
    return DeleteResponse(doc_id=doc_id, deleted=True)


@router.post(
    "/documents",
    response_model=UploadResponse,
    status_code=201,
    summary="Add or replace documents: a file upload or one JSON article",
    description="A multipart upload (field `file`) of a .txt .md .html .htm .json or .jsonl "
    "file, read by the same rules as `python -m ingest`, or a JSON body holding one article. "
    "The whole upload is validated before anything is written: a bad record is a 422 naming "
    "the record and the field, and nothing is written. One article is written at once: 201 "
    "when it was added, 200 when updated or unchanged (`UploadResponse`). A .json/.jsonl file "
    "of several articles (at most NEWSQA_MAX_UPLOAD_RECORDS) becomes a background job, all "
    "or none: 202 with the job (`JobOut`, also at the `Location` header's "
    "`/v1/jobs/{job_id}`); poll it for progress, DELETE it to cancel.",
    responses={
        **ERRORS,
        **UPLOAD_ERRORS,
        200: {"model": UploadResponse},
        202: {"model": JobOut, "description": "A file of several articles: the job"},
        409: {"model": ErrorResponse, "description": "A running upload job writes that id"},
    },
    openapi_extra={"requestBody": upload_request_body()},
)
async def upload_document(request: Request, documents: DocumentsDep) -> JSONResponse:
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    try:
        if media == "multipart/form-data":
            results = await _upload_file(request, documents)
        elif media == "application/json" or media.endswith("+json"):
            try:
                body = DocumentIn.model_validate_json(await request.body())
            except ValidationError as e:
                raise RequestValidationError(e.errors(include_url=False)) from None
            results = await run_in_threadpool(documents.add_record, body.to_record())
        else:
            got = f"got Content-Type {media!r}" if media else "got no Content-Type"
            return error(415, "unsupported_media_type", f"{UPLOAD_MEDIA}; {got}")
    except UnsupportedFileType as e:
        return error(415, "unsupported_media_type", f"{e.where}: {e.reason}")
    except UploadTooLarge as e:
        return error(413, "too_large", f"{e.where}: {e.reason}")
    if isinstance(results, Job):
        job = JobOut.of(results)
        return JSONResponse(
            job.model_dump(mode="json"),
            status_code=202,
            headers={"Location": f"/v1/jobs/{job.job_id}"},
        )
    reply = UploadResponse(
        results=[
            IngestResultOut(doc_id=r.doc_id, status=r.status, chunks=r.chunks) for r in results
        ]
    )
    added = any(r.status == "added" for r in results)
    return JSONResponse(reply.model_dump(), status_code=201 if added else 200)


async def _upload_file(request: Request, documents: DocumentService) -> list[IngestResult] | Job:
    """The file of a multipart upload, read in full (the middleware bounds its size)."""
    async with request.form(max_files=1, max_fields=10) as form:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise RequestValidationError(
                [
                    {
                        "type": "missing",
                        "loc": ("body", "file"),
                        "msg": FILE_REQUIRED,
                    }
                ]
            )
        data = await file.read()
        filename = file.filename
    return await run_in_threadpool(documents.add_file, filename, data)
