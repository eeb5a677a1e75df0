// Hear a segment before going live: POST /rooms/{id}/preview synthesizes it as the show would
// (the room's voice and engine) and answers a short-lived URL to a WAV file and its speech
// marks. A refusal (bad SSML, a voice the room's language lacks) is shown next to its field.
import { ApiError } from "../shared/api.js";
import { h, showFieldErrors } from "../shared/dom.js";
import { call } from "./session.js";

// A Preview button, the player and what the marks say, for one segment of the editor.
//   roomId(): the saved room's id, or "" before it is created
//   speech(): the segment's {text|ssml, voice, rate, pitch, volume}
//   path(): the segment's path in the form ("segments.1"), where problems are shown
export function previewControl({ form, roomId, speech, path }) {
  const audio = h("audio", { controls: true, preload: "auto", hidden: true });
  const summary = h("p", { class: "status", role: "status" });
  const button = h("button", { type: "button", class: "preview" }, "Preview");
  button.addEventListener("click", async () => {
    const room = roomId();
    const box = form.querySelector(`[data-path='${path()}']`);
    for (const el of box.querySelectorAll(".field-error")) el.textContent = "";
    for (const el of box.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    if (!room) {
      summary.textContent = "Create the room first: a preview speaks in the room's language and voice.";
      return;
    }
    summary.textContent = "Synthesizing…";
    button.disabled = true;
    try {
      const heard = await call(`/rooms/${encodeURIComponent(room)}/preview`, { method: "POST", body: speech() });
      const words = heard.marks.filter((m) => m.type === "word").length;
      const visemes = heard.marks.filter((m) => m.type === "viseme").length;
      audio.dataset.marks = String(heard.marks.length);
      audio.src = heard.audioUrl;
      audio.hidden = false;
      summary.textContent = `${(heard.durationMs / 1000).toFixed(1)} s · ${words} words · ${visemes} visemes (${heard.engine})`;
      await audio.play().catch(() => {});
    } catch (e) {
      summary.textContent = "";
      if (!(e instanceof ApiError)) {
        summary.textContent = e.message;
        return;
      }
      const problems = {};
      for (const [where, messages] of Object.entries(e.fieldErrors())) problems[`${path()}.${where}`] = messages;
      if (!Object.keys(problems).length) problems[path()] = [e.message];
      showFieldErrors(form, problems, summary);
    } finally {
      button.disabled = false;
    }
  });
  return { button, element: h("div", { class: "preview-box" }, h("div", { class: "row" }, button, summary), audio) };
}
