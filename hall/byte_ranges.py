"""Byte ranges for the files the hall serves itself (a display notice's video): a TV's player asks for the part it
needs — an MP4 whose index sits at the end, a seek, a download resumed after the network dropped — instead of
reading the whole file again. One range per request; several, or a malformed header, get the whole file (allowed by
RFC 9110 §14.2), a range beyond the end gets 416."""

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

# At most 15 digits each: a file of a petabyte, no more; longer numbers are not a range this hall can hold.
_SINGLE_RANGE = re.compile(r"bytes=([0-9]{0,15})-([0-9]{0,15})")
CHUNK = 64 * 1024


class Unsatisfiable(Exception):
    """The range starts beyond the file's end."""


def requested_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The first and last byte asked for, both within the file; None for the whole file. Raises Unsatisfiable."""
    match = _SINGLE_RANGE.fullmatch((header or "").strip())
    if match is None or size == 0:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None
        suffix = int(last)
        if suffix == 0:
            raise Unsatisfiable
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = int(last) if last else None
    if end is not None and end < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return start, size - 1 if end is None else min(end, size - 1)


def _slice(fileobj, start: int, length: int):
    try:
        fileobj.seek(start)
        while length > 0:
            chunk = fileobj.read(min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        fileobj.close()


def ranged_file_response(request, fileobj, *, size: int, content_type: str, validator: str) -> HttpResponse:
    """The file, or the part of it the request's Range asks for. `validator` is the file version's strong ETag: a
    range resumed against another version (If-Range) gets the whole new file."""
    if_range = request.headers.get("If-Range")
    header = request.headers.get("Range") if if_range in (None, validator) else None
    try:
        part = requested_range(header, size)
    except Unsatisfiable:
        fileobj.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if part is None:
        response = FileResponse(fileobj, content_type=content_type)
    else:
        start, end = part
        response = StreamingHttpResponse(_slice(fileobj, start, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = validator
    return response
