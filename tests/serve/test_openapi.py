"""The OpenAPI document is the service's contract: it changes only on purpose.

The snapshot (``openapi.snapshot.json``) was written from the service before it was split
into routers; to change the API on purpose, rewrite it with
``NERKIT_WRITE_OPENAPI_SNAPSHOT=1 pytest tests/serve/test_openapi.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")


def test_the_openapi_document_matches_the_snapshot(make_settings, serve_bundle):
    from serve.app import create_app

    document = create_app(make_settings(serve_bundle)).openapi()
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if os.environ.get("NERKIT_WRITE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(text)
    assert json.loads(text) == json.loads(SNAPSHOT.read_text())
    assert {"/v1/ner", "/v1/ner/batch", "/v1/model", "/admin/reload", "/readyz"} <= set(
        document["paths"]
    )
