"""Write routes (ingest over HTTP). Off unless the server was started with a token.

Clients send ``Authorization: Bearer <token>``. Without a token configured every write answers 403;
with a wrong or missing token, 401.
"""

from __future__ import annotations

import hmac
import json
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request

from cupola.api.context import run, state_of
from cupola.api.errors import ApiError
from cupola.archive import Archive

router = APIRouter(prefix="/api/v1", tags=["write"])


def require_token(request: Request) -> None:
    expected = state_of(request).token
    if not expected:
        raise ApiError(403, "this server is read-only; start it with --token to allow writes")
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), expected.encode()):
        raise ApiError(401, "missing or wrong token; send 'Authorization: Bearer <token>'",
                       headers={"WWW-Authenticate": "Bearer"})


@router.post("/ingest", summary="Ingest images-api JSON (a collection, a list of items or one item)",
             description="Needs the server's token. The body is stored through the same pipeline as "
                         "`cupola ingest`; the answer is the ingest report.")
async def ingest_json(request: Request, no_vectors: bool = False) -> dict[str, Any]:
    require_token(request)
    raw = await request.body()
    try:
        payload = json.loads(raw)
    except ValueError:
        raise ApiError(400, "the body is not JSON; send images-api JSON") from None
    state = state_of(request)

    def work() -> dict[str, Any]:
        from cupola.ingest import ingest

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload.json"
            path.write_text(json.dumps(payload))
            with Archive.open(state.archive_path) as archive:
                report = ingest(archive, [path], kind="nasa_json", options={"no_vectors": no_vectors})
        return {"ok": True, **report.to_dict()}

    return await run(request, work, limit=state.settings["ingest_timeout_s"])
