"""A user pool's signing side for tests: RS256 ID tokens with Cognito's claims, and the JWKS
that verifies them (what the emulator's Cognito serves at ``<pool>/.well-known/jwks.json``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey


def _new_key() -> RSAKey:
    return RSAKey.generate_key(2048, private=True)


@dataclass
class UserPoolKeys:
    issuer: str
    audience: str
    kid: str = "key-1"
    key: RSAKey = field(default_factory=_new_key)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [{**self.key.as_dict(private=False), "kid": self.kid, "alg": "RS256"}]}

    def claims(self, sub: str, now: int, ttl_s: int, token_use: str) -> dict[str, Any]:
        return {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": sub,
            "cognito:groups": ["operators"],
            "token_use": token_use,
            "iat": now,
            "exp": now + ttl_s,
        }

    def sign(self, sub: str, *, now: int, ttl_s: int = 3600, token_use: str = "id") -> str:
        header = {"alg": "RS256", "kid": self.kid}
        return jwt.encode(header, self.claims(sub, now, ttl_s, token_use), self.key)

    def sign_hs256(self, sub: str, *, now: int) -> str:
        """A token signed with a shared secret, as the old local issuer made them."""

        def b64(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

        head = b64(json.dumps({"alg": "HS256", "kid": self.kid}).encode())
        body = b64(json.dumps(self.claims(sub, now, 3600, "id")).encode())
        mac = hmac.new(b"secret", f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{b64(mac)}"
