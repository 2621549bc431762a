"""Imports over HTTP: managers upload the same CSV or XLSX files the command reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from store.auth.deps import Manager
from store.config import get_settings
from store.db import SessionDep
from store.imports import service as imports_service
from store.imports.errors import UnusableFile
from store.imports.schemas import ImportKind, ImportReportRead
from store.premises import service as premises_service

router = APIRouter(prefix="/imports", tags=["imports"])


@router.post("/{kind}", response_model=ImportReportRead)
def import_file(
    kind: ImportKind,
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or GB18030) or XLSX; columns in docs/import.md")],
    session: SessionDep,
    who: Manager,
    skip_bad: Annotated[bool, Form(description="Import the good rows, report the bad ones")] = False,
    dry_run: Annotated[bool, Form(description="Check and report, writing nothing")] = False,
    create_entrances: Annotated[
        bool, Form(description="footfall: create the entrances the file names that the store lacks")
    ] = False,
) -> ImportReportRead:
    """Import a file of history into the caller's store; bad rows without skip_bad → 400, nothing imported."""
    upload = file.file  # spooled to disk by the server past 1 MiB: read as a stream, never whole
    limit = get_settings().max_upload_bytes  # the body cap refuses larger uploads first; this names the file
    upload.seek(0, 2)
    if upload.tell() > limit:
        raise UnusableFile(f"the file is larger than {limit // 2**20} MiB: import it with the command")
    upload.seek(0)
    own_code = premises_service.get_store(session, who.store_id).code
    report = imports_service.run_import(
        session,
        kind.value,
        upload,  # type: ignore[arg-type]
        file.filename or "upload.csv",
        store_id=who.store_id,
        skip_bad=skip_bad,
        dry_run=dry_run,
        imported_by=who.label,
        restrict_store_code=own_code,
        create_entrances=create_entrances,
    )
    return ImportReportRead.model_validate(report.as_dict())
