// The REST API: the pages' only backend. Every error body is {message, errors?}; `errors` has
// one "where: what" line per problem (e.g. "body.segments.0.rate: Input should be ...").
import { config } from "./config.js";

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.errors = body?.errors || [];
  }

  // Is this the gateway refusing the session (missing, expired or bad token)?
  get sessionEnded() {
    return this.status === 401 || (this.status === 403 && /token|signature|Unauthorized|expired/i.test(this.message));
  }

  // {path: message} for the problems that name a field, path without "body." ("segments.0.text").
  fieldErrors() {
    const out = {};
    for (const line of this.errors) {
      const at = line.indexOf(": ");
      if (at < 0) continue;
      const where = line.slice(0, at).replace(/^body\.?/, "");
      (out[where] ??= []).push(line.slice(at + 2));
    }
    return out;
  }
}

export async function request(path, { method = "GET", body, token, apiKey } = {}) {
  const { apiBase } = await config();
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  if (apiKey) headers["x-api-key"] = apiKey;
  const response = await fetch(apiBase + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { message: text };
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

// Options a route lists, or `fallback` when the API has no such route yet (404/403).
export async function optionsOr(path, token, fallback) {
  try {
    return await request(path, { token });
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return fallback;
    throw error;
  }
}
