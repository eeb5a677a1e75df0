// A viewer's question after it was taken: its status, polled through the viewer route
// GET /rooms/{id}/questions/{questionId} (only that question's public status) until it is
// answered (with the answer), not answered (why) or rejected (why).
import { request } from "../shared/api.js";

const FINAL = new Set(["answered", "not_answered", "rejected"]);
const EVERY_MS = 2000;
const GIVE_UP_MS = 10 * 60 * 1000; // the API forgets a question's status after about as long

export function statusWords(status) {
  switch (status.status) {
    case "accepted":
      return "accepted, answer coming up";
    case "answering":
      return "the host is answering now";
    case "answered":
      return `answered: ${status.answer || ""}`.trim();
    case "not_answered":
      return `not answered: ${status.message || status.reason || ""}`.trim();
    case "rejected":
      return `not taken: ${status.message || status.reason || ""}`.trim();
    default:
      return status.status;
  }
}

// Keep `element` (its text and data-status) up to date with the question's status.
export function followQuestion({ roomId, questionId, apiKey, element }) {
  const path = `/rooms/${encodeURIComponent(roomId)}/questions/${encodeURIComponent(questionId)}`;
  const until = Date.now() + GIVE_UP_MS;
  const poll = async () => {
    try {
      const status = await request(path, { apiKey });
      element.dataset.status = status.status;
      element.textContent = statusWords(status);
      if (FINAL.has(status.status)) return;
    } catch {
      // a missed poll (throttled, offline) is tried again
    }
    if (Date.now() < until) setTimeout(poll, EVERY_MS);
  };
  setTimeout(poll, EVERY_MS);
}
