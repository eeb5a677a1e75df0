// The room's live chat beside the player, over the IVS Chat messaging WebSocket (the token as
// the subprotocol): the same protocol in AWS and in the local cloud. Messages the viewer marks
// as questions (or that the room counts as questions) are answered on air; the answer comes
// back as a `livehost:answer` event naming the question. A message the review refuses comes
// back to its sender only (ERROR 406), with the reason in a `livehost:notice` addressed to them.
import { ApiError, request } from "../shared/api.js";
import { h } from "../shared/dom.js";

export class RoomChat {
  constructor(roomId, apiKey, { list, status, onEntity } = {}) {
    Object.assign(this, { roomId, apiKey, list, status, onEntity });
    this.userId = sessionStorage.getItem("livehost.viewer") || undefined;
    this.pending = new Map(); // RequestId -> the text sent
    this.socket = null;
  }

  async join(displayName) {
    const grant = await request(`/rooms/${encodeURIComponent(this.roomId)}/chat/token`, {
      method: "POST",
      apiKey: this.apiKey,
      body: { displayName, viewerId: this.userId },
    });
    this.userId = grant.userId;
    this.socket = new WebSocket(grant.endpoint, grant.token);
    this.socket.addEventListener("message", (event) => this.receive(JSON.parse(event.data)));
    this.socket.addEventListener("close", () => this.say("You left the chat."));
    await new Promise((resolve, reject) => {
      this.socket.addEventListener("open", resolve, { once: true });
      this.socket.addEventListener("error", () => reject(new Error("The chat is not reachable.")), { once: true });
    });
    this.say(`You are in the chat as ${displayName}.`);
  }

  send(text, { question = false } = {}) {
    const requestId = crypto.randomUUID();
    this.pending.set(requestId, text);
    const attributes = question ? { question: "true" } : {};
    this.socket.send(JSON.stringify({ Action: "SEND_MESSAGE", RequestId: requestId, Content: text, Attributes: attributes }));
    return requestId;
  }

  receive(entity) {
    this.onEntity?.(entity);
    if (entity.Type === "MESSAGE") {
      this.pending.delete(entity.RequestId);
      const who = entity.Sender?.Attributes?.displayName || entity.Sender?.UserId;
      const asked = entity.Attributes?.questionStatus === "accepted" ? " (asked the host)" : "";
      this.add("message", { message: entity.Id }, h("b", {}, who), `: ${entity.Content}${asked}`);
    } else if (entity.Type === "ERROR") {
      const text = this.pending.get(entity.RequestId);
      this.pending.delete(entity.RequestId);
      const words = entity.ErrorCode === 406 ? "was not delivered to the chat" : entity.ErrorMessage;
      this.add("denied", { message: entity.Id }, `“${text ?? ""}” ${words}`);
    } else if (entity.Type === "EVENT") {
      this.event(entity.EventName, entity.Attributes || {});
    }
  }

  event(name, attributes) {
    if (name === "livehost:answer") {
      this.add("answer", { question: attributes.questionId }, h("b", {}, "Host"), ` answered “${attributes.question}”: ${attributes.answer}`);
    } else if (name === "livehost:product") {
      this.add("product", {}, `Now showing: ${attributes.name || attributes.productId}${attributes.price ? ` · ${attributes.price}` : ""}`);
    } else if (name === "livehost:notice" && attributes.userId === this.userId) {
      this.add("denied", { message: attributes.messageId }, attributes.message);
    } else if (name === "aws:DELETE_MESSAGE") {
      this.list.querySelector(`[data-message="${CSS.escape(attributes.MessageId || "")}"]`)?.remove();
    } else if (name === "aws:DISCONNECT_USER" && attributes.UserId === this.userId) {
      this.say(`You were disconnected: ${attributes.Reason || "by the room's operator"}.`);
    }
  }

  add(kind, dataset, ...children) {
    this.list.append(h("li", { class: kind, dataset }, ...children));
    this.list.scrollTop = this.list.scrollHeight;
  }

  say(text) {
    this.status.textContent = text;
  }
}

export function chatProblem(error) {
  const words = { 404: "This room does not exist.", 409: "The chat opens when the show starts.", 429: "Too many people are joining: try again in a moment." };
  return (error instanceof ApiError && words[error.status]) || error.message;
}
