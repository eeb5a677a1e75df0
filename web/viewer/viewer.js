// The public viewer page of one room (?room=<roomId>): the player, product cards in sync with
// the speech (the stream's timed metadata, see shared/player.js), and a question box (the
// viewer route, with the deployment's viewer API key).
import { ApiError, request } from "../shared/api.js";
import { config } from "../shared/config.js";
import { h } from "../shared/dom.js";
import { LivePlayer } from "../shared/player.js";
import { followQuestion } from "./question-status.js";
import { RoomChat, chatProblem } from "./chat.js";

const roomId = new URLSearchParams(location.search).get("room") || "";
const video = document.getElementById("video");
const state = document.getElementById("state");
const card = document.getElementById("card");
const sound = document.getElementById("sound");
const form = document.getElementById("ask");
const question = document.getElementById("question");
const questionStatus = document.getElementById("question-status");
const asked = document.getElementById("asked");

const viewerId = sessionStorage.getItem("livehost.viewer") || `viewer-${crypto.randomUUID().slice(0, 8)}`;
sessionStorage.setItem("livehost.viewer", viewerId);

// what the page showed, for people who test it: [{productId, pts, shownAtPts, at}]
window.livehostViewer = { cards: [] };

function showCard(text, timing) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return;
  }
  if (data.type !== "product") return;
  document.getElementById("card-name").textContent = data.name || "";
  document.getElementById("card-tagline").textContent = data.tagline || "";
  document.getElementById("card-price").textContent = data.price || "";
  card.dataset.product = data.productId || "";
  showPicture(data);
  card.hidden = false;
  window.livehostViewer.cards.push({ productId: data.productId, image: data.image, ...timing, at: Date.now() / 1000 });
}

// The card's picture: the cue carries the image material's id only (timed metadata is small);
// the viewer route gives a short-lived link to the picture itself.
async function showPicture(data) {
  const image = document.getElementById("card-image");
  image.hidden = true;
  image.removeAttribute("src");
  image.alt = data.name || "";
  if (!data.image) return;
  try {
    const cfg = await config();
    const link = await request(`/rooms/${encodeURIComponent(roomId)}/materials/${encodeURIComponent(data.image)}/image`, { apiKey: cfg.viewerApiKey });
    if (card.dataset.product !== (data.productId || "")) return; // another card came meanwhile
    image.src = link.url;
    image.hidden = false;
  } catch {
    // no picture (deleted, or the link failed): the card's text stays
  }
}

async function main() {
  const cfg = await config();
  if (!roomId) {
    state.textContent = "No room given: open this page as /viewer/?room=<room id>.";
    return;
  }
  const player = new LivePlayer(video, { cues: cfg.cues, onCue: showCard, onStatus: (s) => (state.textContent = s) });
  window.livehostViewer.player = player;
  sound.addEventListener("click", () => {
    video.muted = !video.muted;
    sound.setAttribute("aria-pressed", String(!video.muted));
    sound.textContent = video.muted ? "Turn sound on" : "Turn sound off";
    video.play().catch(() => {});
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = question.value.trim();
    if (!text) {
      questionStatus.textContent = "Type a question first.";
      question.focus();
      return;
    }
    questionStatus.textContent = "Sending…";
    try {
      const receipt = await request(`/rooms/${encodeURIComponent(roomId)}/questions`, {
        method: "POST",
        apiKey: cfg.viewerApiKey,
        body: { viewerId, text },
      });
      const accepted = receipt.status === "accepted";
      questionStatus.textContent = accepted ? "Sent: the host will answer on air." : `Not taken: ${receipt.message}`;
      const status = h("span", { class: "question-status", dataset: { status: receipt.status } }, accepted ? "accepted, answer coming up" : `not taken: ${receipt.message}`);
      asked.prepend(h("li", { class: receipt.status, dataset: { question: receipt.questionId } }, `“${text}” — `, status));
      if (accepted) followQuestion({ roomId, questionId: receipt.questionId, apiKey: cfg.viewerApiKey, element: status });
      if (accepted) question.value = "";
    } catch (e) {
      const words = {
        404: "This room does not exist.",
        409: "The room is not live right now.",
        429: "Too many questions right now: try again in a moment.",
      };
      questionStatus.textContent = (e instanceof ApiError && words[e.status]) || e.message;
    }
  });
  joinChat(cfg);
  await watch(cfg, player);
}

// The chat beside the player: join with a display name, then send messages or questions.
function joinChat(cfg) {
  const join = document.getElementById("chat-join");
  const send = document.getElementById("chat-send");
  const text = document.getElementById("chat-text");
  const chat = new RoomChat(roomId, cfg.viewerApiKey, {
    list: document.getElementById("chat-log"),
    status: document.getElementById("chat-status"),
  });
  window.livehostViewer.chat = chat;
  join.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await chat.join(document.getElementById("chat-name").value.trim());
      join.hidden = true;
      send.hidden = false;
      text.focus();
    } catch (e) {
      chat.say(chatProblem(e));
    }
  });
  send.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!text.value.trim()) return;
    chat.send(text.value.trim(), { question: document.getElementById("chat-question").checked });
    text.value = "";
  });
}

// The viewer route GET /rooms/{id}/watch says whether the room is live and where it plays.
async function watch(cfg, player) {
  let again = 5000;
  try {
    const room = await request(`/rooms/${encodeURIComponent(roomId)}/watch`, { apiKey: cfg.viewerApiKey });
    document.title = `${room.name} · Live`;
    document.getElementById("ask-title").textContent = `Ask the host of “${room.name}”`;
    if (room.playbackUrl) {
      player.play(room.playbackUrl);
    } else {
      player.stop();
      card.hidden = true;
      state.textContent = room.phase === "ENDED" || room.phase === "FAILED" ? "The show has ended." : "The show has not started yet.";
    }
  } catch (e) {
    state.textContent = e instanceof ApiError && e.status === 404 ? "This room does not exist." : "Reconnecting…";
    if (e instanceof ApiError && e.status === 429) again = 15000;
  }
  setTimeout(() => watch(cfg, player), again);
}

main();
