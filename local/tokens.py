"""Operator tokens as API Gateway's Cognito authorizer checks them: RS256 ID tokens issued by
the user pool (the emulator's Cognito issues them through InitiateAuth, as Cognito does) and
verified against the pool's JWKS (``<issuer>/.well-known/jwks.json``): signature, issuer,
audience (the app client), ``token_use`` and expiry. Used only by the local gateway; the
console signs in with the same InitiateAuth call in AWS and locally."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

Jwks = dict[str, Any]


class TokenMissing(Exception):
    """No bearer token came with the request (401)."""


class TokenRejected(Exception):
    """The token is malformed, forged, expired or for someone else (403)."""


def fetch_jwks(url: str) -> Callable[[], Jwks]:
    """A loader of the JSON Web Key Set at ``url`` (the user pool's public keys)."""

    def load() -> Jwks:
        with urllib.request.urlopen(url, timeout=10) as response:
            keys: Jwks = json.load(response)
            return keys

    return load


class JwksVerifier:
    """Verifies one user pool's ID tokens for one app client. The key set is loaded on first
    use and again when a token names a key it does not have (Cognito rotates keys)."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks: Callable[[], Jwks],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.clock = clock
        self._load = jwks
        self._keys: KeySet | None = None
        self._lock = threading.Lock()

    def verify(self, authorization: str | None) -> dict[str, Any]:
        """The claims of an ``Authorization`` header's token (``Bearer`` optional, as API
        Gateway accepts the bare token too). TokenMissing or TokenRejected otherwise."""
        if not authorization or not authorization.strip():
            raise TokenMissing("Unauthorized")
        token = authorization.strip()
        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        if token.count(".") != 2:
            raise TokenRejected("malformed token")
        try:
            decoded = jwt.decode(token, self._key_set(token), algorithms=["RS256"])
        except (JoseError, ValueError) as exc:
            raise TokenRejected(_why(exc)) from exc
        claims = dict(decoded.claims)
        if claims.get("iss") != self.issuer or claims.get("aud") != self.audience:
            raise TokenRejected("token for another user pool or client")
        if claims.get("token_use") != "id":
            raise TokenRejected("not an ID token")
        if int(claims.get("exp", 0)) <= self.clock():
            raise TokenRejected("token expired")
        return claims

    def _key_set(self, token: str) -> KeySet:
        try:
            header = jws.extract_compact(token.encode()).protected
        except (JoseError, ValueError) as exc:
            raise TokenRejected("malformed token") from exc
        if header.get("alg") != "RS256":
            raise TokenRejected(f"bad signature: {header.get('alg')} is not the pool's RS256")
        with self._lock:
            known = self._keys is not None and any(
                key.kid == header.get("kid") for key in self._keys.keys
            )
            if not known:
                self._keys = KeySet.import_key_set(self._load())  # type: ignore[arg-type]
            assert self._keys is not None
            return self._keys


def _why(exc: Exception) -> str:
    text = str(exc).lower()
    if "signature" in text or "key" in text:
        return "bad signature"
    return "malformed token"


class CognitoOperators:
    """Operators of the local cloud's user pool, signed in as the console signs in: the
    user pool client's USER_PASSWORD_AUTH flow through InitiateAuth (the ID token is what the
    API's Cognito authorizer takes)."""

    def __init__(self, cognito_idp: Any, pool_id: str, client_id: str) -> None:
        self.idp = cognito_idp
        self.pool_id = pool_id
        self.client_id = client_id

    def ensure(self, username: str, password: str, group: str = "operators") -> None:
        """An enabled, confirmed operator with this password, in ``group``."""
        try:
            self.idp.admin_get_user(UserPoolId=self.pool_id, Username=username)
        except self.idp.exceptions.UserNotFoundException:
            self.idp.admin_create_user(
                UserPoolId=self.pool_id,
                Username=username,
                UserAttributes=[
                    {"Name": "email", "Value": username},
                    {"Name": "email_verified", "Value": "true"},
                ],
                MessageAction="SUPPRESS",
            )
        self.idp.admin_set_user_password(
            UserPoolId=self.pool_id, Username=username, Password=password, Permanent=True
        )
        with contextlib.suppress(self.idp.exceptions.GroupExistsException):
            self.idp.create_group(UserPoolId=self.pool_id, GroupName=group)
        self.idp.admin_add_user_to_group(
            UserPoolId=self.pool_id, Username=username, GroupName=group
        )

    def sign_in(self, username: str, password: str) -> str:
        """The operator's ID token."""
        result = self.idp.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        token: str = result["AuthenticationResult"]["IdToken"]
        return token
