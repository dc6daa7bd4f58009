"""API keys: ``NERKIT_API_KEY`` for prediction, ``NERKIT_ADMIN_KEY`` for administration.

A key travels in ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``. The checks are
FastAPI dependencies that read headers only; the prediction and admin routes read their
bodies themselves after the dependencies ran, so a missing or wrong key is answered 401
before a byte of the body is read. Keys are compared with :func:`hmac.compare_digest`
and never logged.

Who may do what:

* prediction routes: the predict key or the admin key; open when neither is set;
* admin routes: the admin key (the predict key gets 403); when no admin key is set, the
  predict key; open when neither is set.
"""

from __future__ import annotations

import hmac
import logging

from fastapi import HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPBearer
from pydantic import SecretStr

from serve.settings import ADMIN_KEY_ENV, API_KEY_ENV, Settings

log = logging.getLogger("serve.security")

API_KEY_HEADER = "X-API-Key"
# Declared for the OpenAPI document (and Swagger's "Authorize"); the check itself is ours.
api_key_scheme = APIKeyHeader(name=API_KEY_HEADER, auto_error=False)
bearer_scheme = HTTPBearer(auto_error=False)


def presented_key(request: Request) -> str | None:
    """The key a request carries, from ``X-API-Key`` or ``Authorization: Bearer``."""
    key = request.headers.get(API_KEY_HEADER)
    if key:
        return key
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def matches(presented: str | None, expected: SecretStr | None) -> bool:
    """Constant-time comparison; False when either side is missing."""
    if presented is None or expected is None:
        return False
    return hmac.compare_digest(
        presented.encode("utf-8", "surrogateescape"),
        expected.get_secret_value().encode("utf-8", "surrogateescape"),
    )


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def check_predict(settings: Settings, request: Request) -> None:
    """Raise 401 unless the request may call the prediction routes."""
    if settings.api_key is None and settings.admin_key is None:
        return
    key = presented_key(request)
    # Both comparisons always run: the time taken does not tell which key was tried.
    ok = [matches(key, settings.api_key), matches(key, settings.admin_key)]
    if not any(ok):
        raise _unauthorized(
            f"missing or wrong API key (send it in {API_KEY_HEADER} or Authorization: Bearer)"
        )


def check_admin(settings: Settings, request: Request) -> None:
    """Raise 401 (no or wrong key) or 403 (the predict key) unless the request may administer."""
    if settings.admin_key is None:
        if settings.api_key is None:
            return
        if not matches(presented_key(request), settings.api_key):
            raise _unauthorized(f"missing or wrong API key (send it in {API_KEY_HEADER})")
        return
    key = presented_key(request)
    is_admin = matches(key, settings.admin_key)
    is_predict = matches(key, settings.api_key)
    if is_admin:
        return
    if is_predict:
        raise HTTPException(status_code=403, detail="this key may predict but not administer")
    raise _unauthorized(f"missing or wrong admin key (send it in {API_KEY_HEADER})")


def require_predict(
    request: Request,
    _key: str | None = Security(api_key_scheme),
    _bearer: object = Security(bearer_scheme),
) -> None:
    """Dependency of the prediction routes (headers only; the settings are the app's)."""
    check_predict(request.app.state.settings, request)


def require_admin(
    request: Request,
    _key: str | None = Security(api_key_scheme),
    _bearer: object = Security(bearer_scheme),
) -> None:
    """Dependency of the admin routes (headers only)."""
    check_admin(request.app.state.settings, request)


def log_exposure(settings: Settings) -> None:
    """Say loudly at start-up which routes anyone can call (never the keys themselves)."""
    if settings.open:
        banner = "!" * 78
        log.warning(
            "\n%s\nNO API KEYS ARE SET: this service answers ANYONE who can reach it, admin "
            "routes included.\nSet %s (prediction) and %s (admin) in the environment to "
            "protect it.\n%s",
            banner,
            API_KEY_ENV,
            ADMIN_KEY_ENV,
            banner,
        )
    elif settings.admin_key is None:
        log.warning(
            "%s is not set: the prediction key also administers (reloads models)", ADMIN_KEY_ENV
        )
    elif settings.api_key is None:
        log.warning(
            "%s is not set: the prediction routes take the admin key only",
            API_KEY_ENV,
        )
