"""A local token issuer standing in for the operators' Cognito user pool: HS256 JWTs with
the claims API Gateway's Cognito authorizer hands to the function (``iss``, ``aud``, ``exp``,
``sub``, ``cognito:groups``, ``token_use``). Used only by the local gateway."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any


class TokenMissing(Exception):
    """No bearer token came with the request (401)."""


class TokenRejected(Exception):
    """The token is malformed, forged, expired or for someone else (403)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenIssuer:
    """Issues and verifies operator tokens for one local user pool."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        secret: bytes | None = None,
        ttl_s: int = 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.secret = secret or secrets.token_bytes(32)
        self.ttl_s = ttl_s
        self.clock = clock

    def issue(
        self, sub: str, groups: Sequence[str] = ("operators",), ttl_s: int | None = None
    ) -> str:
        """A signed ID token for operator ``sub``."""
        now = int(self.clock())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": sub,
            "cognito:username": sub,
            "cognito:groups": list(groups),
            "token_use": "id",
            "iat": now,
            "exp": now + (self.ttl_s if ttl_s is None else ttl_s),
        }
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{header}.{payload}.{self._sign(f'{header}.{payload}')}"

    def verify(self, authorization: str | None) -> dict[str, Any]:
        """The claims of an ``Authorization`` header's token (``Bearer`` optional, as API
        Gateway accepts the bare token too). TokenMissing or TokenRejected otherwise."""
        if not authorization or not authorization.strip():
            raise TokenMissing("Unauthorized")
        token = authorization.strip()
        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        parts = token.split(".")
        if len(parts) != 3:
            raise TokenRejected("malformed token")
        header, payload, signature = parts
        if not hmac.compare_digest(signature, self._sign(f"{header}.{payload}")):
            raise TokenRejected("bad signature")
        try:
            claims = json.loads(_unb64(payload))
        except ValueError as exc:
            raise TokenRejected("malformed token") from exc
        if claims.get("iss") != self.issuer or claims.get("aud") != self.audience:
            raise TokenRejected("token for another user pool or client")
        if int(claims.get("exp", 0)) <= self.clock():
            raise TokenRejected("token expired")
        return claims

    def _sign(self, signed: str) -> str:
        return _b64(hmac.new(self.secret, signed.encode(), hashlib.sha256).digest())
