// Operators sign in with Cognito's InitiateAuth (USER_PASSWORD_AUTH) from the browser: the
// same call in AWS (cognito-idp's endpoint) and locally (the emulator's Cognito). The ID token
// is what the API's Cognito authorizer takes; it lives in this tab's sessionStorage only.
import { config } from "../shared/config.js";

const KEY = "livehost.session";

function claims(token) {
  const body = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(body + "=".repeat((4 - (body.length % 4)) % 4)));
}

export function currentSession() {
  const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
  if (!saved) return null;
  if (claims(saved.token).exp * 1000 <= Date.now()) {
    sessionStorage.removeItem(KEY);
    return null;
  }
  return saved;
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

async function cognito(action, body) {
  const { cognito: c } = await config();
  const response = await fetch(c.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${action}`,
    },
    body: JSON.stringify({ ClientId: c.clientId, ...body }),
  });
  const reply = await response.json().catch(() => ({}));
  if (!response.ok) {
    const kind = String(reply.__type || "").split("#").pop();
    const words = {
      NotAuthorizedException: "Wrong email or password.",
      UserNotFoundException: "Wrong email or password.",
      PasswordResetRequiredException: "Your password must be reset: ask an administrator.",
      InvalidPasswordException: reply.message || "That password does not meet the policy.",
    };
    throw new Error(words[kind] || reply.message || `sign-in failed (HTTP ${response.status})`);
  }
  return reply;
}

function keep(result, username) {
  const token = result.AuthenticationResult.IdToken;
  const session = { token, username, exp: claims(token).exp };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

// {session} when signed in; {challenge, cognitoSession} when Cognito asks for a new password.
export async function signIn(username, password) {
  const result = await cognito("InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  if (result.ChallengeName === "NEW_PASSWORD_REQUIRED") {
    return { challenge: result.ChallengeName, cognitoSession: result.Session };
  }
  if (!result.AuthenticationResult) throw new Error(`Cognito asks for ${result.ChallengeName}, which this console cannot answer.`);
  return { session: keep(result, username) };
}

export async function setNewPassword(username, newPassword, cognitoSession) {
  const result = await cognito("RespondToAuthChallenge", {
    ChallengeName: "NEW_PASSWORD_REQUIRED",
    Session: cognitoSession,
    ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
  });
  return { session: keep(result, username) };
}
