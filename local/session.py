"""``livehost login``: an operator signs in to a deployed stack's user pool (the app client's
USER_PASSWORD_AUTH flow, as the console does) and the session is kept in
``~/.livehost/sessions/`` (``$LIVEHOST_HOME``), readable by the user alone. Commands that call
the stack's API take its ID token from there, refreshed with the refresh token when it
expires."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from local.stack import Stack

EARLY_S = 60  # refresh a token this long before it expires


class SignInFailed(Exception):
    """Cognito refused the sign-in; the message says why and what to do."""


class NotSignedIn(Exception):
    """No usable session for the stack: run ``livehost login``."""


class OperatorSession(BaseModel):
    stack: str
    region: str
    endpoint: str | None  # the local cloud's, or None for AWS
    api_url: str
    client_id: str
    username: str
    id_token: str
    refresh_token: str
    expires_at: float


def sessions_dir() -> Path:
    return Path(os.environ.get("LIVEHOST_HOME") or Path.home() / ".livehost") / "sessions"


def session_path(stack: str, region: str) -> Path:
    return sessions_dir() / f"{stack}@{region}.json"


def login(
    stack: Stack, username: str, password: str, new_password: str | None = None
) -> OperatorSession:
    """Sign in; a first sign-in with a temporary password sets ``new_password``. Saves the
    session and returns it."""
    idp = stack.client("cognito-idp")
    client_id = stack.outputs["UserPoolClientId"]
    try:
        reply = idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        if reply.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            if not new_password:
                raise SignInFailed(
                    "this is the first sign-in with a temporary password: "
                    "pass --new-password (or set LIVEHOST_NEW_PASSWORD) to choose your own"
                )
            reply = idp.respond_to_auth_challenge(
                ClientId=client_id,
                ChallengeName="NEW_PASSWORD_REQUIRED",
                Session=reply["Session"],
                ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": new_password},
            )
        elif "ChallengeName" in reply:
            raise SignInFailed(
                f"the user pool asks for {reply['ChallengeName']}, which the CLI does not answer"
            )
    except (idp.exceptions.NotAuthorizedException, idp.exceptions.UserNotFoundException) as exc:
        raise SignInFailed(
            f"{username} cannot sign in: {exc.response['Error']['Message']}"
        ) from exc
    except idp.exceptions.InvalidPasswordException as exc:
        raise SignInFailed(
            f"the new password is refused: {exc.response['Error']['Message']}"
        ) from exc
    result = reply["AuthenticationResult"]
    session = OperatorSession(
        stack=stack.name,
        region=stack.region,
        endpoint=stack.endpoint,
        api_url=stack.outputs["ApiUrl"].rstrip("/"),
        client_id=client_id,
        username=username,
        id_token=result["IdToken"],
        refresh_token=result["RefreshToken"],
        expires_at=time.time() + int(result["ExpiresIn"]),
    )
    save(session)
    return session


def save(session: OperatorSession) -> Path:
    path = session_path(session.stack, session.region)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(session.model_dump_json(indent=2))
    return path


def current(stack: Stack, idp: Any | None = None) -> OperatorSession:
    """The stack's session with a valid ID token (refreshed if needed); NotSignedIn if none."""
    path = session_path(stack.name, stack.region)
    if not path.exists():
        raise NotSignedIn(
            f"not signed in to stack {stack.name!r}: run livehost login --stack {stack.name}"
        )
    session = OperatorSession.model_validate_json(path.read_text())
    if session.endpoint != stack.endpoint or session.client_id != stack.outputs["UserPoolClientId"]:
        raise NotSignedIn(
            f"the saved session is for another deployment of {stack.name!r}: run livehost login again"
        )
    if session.expires_at - EARLY_S > time.time():
        return session
    idp = idp or stack.client("cognito-idp")
    try:
        reply = idp.initiate_auth(
            ClientId=session.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": session.refresh_token},
        )
    except idp.exceptions.NotAuthorizedException as exc:
        raise NotSignedIn(
            f"the session has ended ({exc.response['Error']['Message']}): run livehost login"
        ) from exc
    result = reply["AuthenticationResult"]
    session = session.model_copy(
        update={"id_token": result["IdToken"], "expires_at": time.time() + int(result["ExpiresIn"])}
    )
    save(session)
    return session
