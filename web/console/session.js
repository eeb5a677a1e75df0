// API calls on the operator's behalf; an ended session (expired or refused token) returns the
// operator to the sign-in page with the reason.
import { ApiError, request } from "../shared/api.js";
import { currentSession, signOut } from "./auth.js";

export function toSignIn(reason) {
  signOut();
  sessionStorage.setItem("livehost.signin-reason", reason);
  location.hash = "#/signin";
}

export async function call(path, options = {}) {
  const session = currentSession();
  if (!session) {
    toSignIn("Your session expired. Sign in again.");
    throw new ApiError(401, { message: "signed out" });
  }
  try {
    return await request(path, { ...options, token: session.token });
  } catch (error) {
    if (error instanceof ApiError && error.sessionEnded) {
      toSignIn("Your session expired. Sign in again.");
    }
    throw error;
  }
}
