// A chat viewer built on the npm amazon-ivs-chat-messaging SDK, as a web page would use it,
// run under node (its WebSocket: node --experimental-websocket). Usage:
//   node chat_sdk_viewer.cjs <apiUrl> <apiKey> <roomId> <question>
// It joins the room's chat (the token from the viewer route), waits for another viewer's
// message, asks <question> marked as a question, and waits for the answer event naming it.
// Prints one line per thing it saw ("@ " and JSON: the SDK logs on stdout too); exits 0 once
// it saw the answer.
const { ChatRoom, SendMessageRequest } = require("amazon-ivs-chat-messaging");

const [apiUrl, apiKey, roomId, question] = process.argv.slice(2);
const say = (line) => process.stdout.write(`@ ${JSON.stringify(line)}\n`);

async function grant() {
  const response = await fetch(`${apiUrl}/rooms/${roomId}/chat/token`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify({ displayName: "Node", viewerId: "sdk-viewer" }),
  });
  if (!response.ok) throw new Error(`chat token: HTTP ${response.status}`);
  return response.json();
}

async function main() {
  const first = await grant();
  let asked = null;
  const room = new ChatRoom({
    regionOrUrl: first.endpoint,
    tokenProvider: async () => {
      const g = await grant();
      return { token: g.token, sessionExpirationTime: new Date(g.sessionExpirationTime), tokenExpirationTime: new Date(g.tokenExpirationTime) };
    },
  });
  room.logLevel = "error"; // the SDK logs every state change at debug
  const done = new Promise((resolve) => {
    room.addListener("connect", () => say({ type: "connected" }));
    room.addListener("message", async (message) => {
      say({ type: "message", id: message.id, content: message.content, userId: message.sender.userId, attributes: message.attributes || {} });
      if (message.sender.userId !== "sdk-viewer" && asked === null) {
        asked = "sending";
        const sent = await room.sendMessage(new SendMessageRequest(question, { question: "true" }));
        asked = sent.id;
        say({ type: "sent", id: sent.id, attributes: sent.attributes || {} });
      }
    });
    room.addListener("event", (event) => {
      say({ type: "event", name: event.eventName, attributes: event.attributes || {} });
      if (event.eventName === "livehost:answer" && event.attributes?.messageId === asked) resolve();
    });
  });
  room.connect();
  await done;
  room.disconnect();
}

const timer = setTimeout(() => {
  say({ type: "timeout" });
  process.exit(2);
}, 90_000);
main().then(
  () => {
    clearTimeout(timer);
    process.exit(0);
  },
  (error) => {
    say({ type: "error", message: String(error) });
    process.exit(1);
  },
);
