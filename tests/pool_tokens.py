"""Tokens the emulator's Cognito would sign but never hands out: an expired ID token (signed
with the emulator's own pool key, so only its expiry is wrong) and a forged one (the pool's key
id, another key)."""

from __future__ import annotations

import json
import time
from base64 import urlsafe_b64decode
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey
from moto.utilities.utils import load_resource


def claims_of(token: str) -> dict[str, Any]:
    body = token.split(".")[1]
    claims: dict[str, Any] = json.loads(urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return claims


def expired_copy(token: str, seconds_ago: int = 60) -> str:
    """``token`` with ``exp`` in the past, signed again with the emulator's pool key."""
    claims = claims_of(token) | {"exp": int(time.time()) - seconds_ago}
    key = RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    return jwt.encode({"alg": "RS256", "kid": "dummy"}, claims, key)


def forged_copy(token: str) -> str:
    """``token`` signed by another key that claims the pool's key id."""
    return jwt.encode(
        {"alg": "RS256", "kid": "dummy"}, claims_of(token), RSAKey.generate_key(2048, private=True)
    )
