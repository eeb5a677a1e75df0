// One room: run control (start, stop gracefully or now), phases, a failed run's cause, and,
// while it runs, the player, stream health, the timeline (polled with ?since=), questions
// with their outcomes, and take-over (say, pause, resume, stage); past runs with their
// replays, and the room's schedule (history.js).
import { clearErrors, field, fmtTime, h, select, showFieldErrors } from "../shared/dom.js";
import { ApiError } from "../shared/api.js";
import { config } from "../shared/config.js";
import { LivePlayer } from "../shared/player.js";
import { renderHistory } from "./history.js";
import { call } from "./session.js";
import { INSERT_MODES, stageOptions, voiceOptions } from "./options.js";

const enc = encodeURIComponent;
const RUNNING = ["PROVISIONING", "WAITING_HOST", "OPENING_CHANNEL", "STARTING_STREAM", "LIVE", "STOPPING"];
// The named errors of livehost.errors, in words an operator can act on.
const ERROR_WORDS = {
  NoCapacity: "no render host could be started (no capacity for the room's instance types)",
  RenderHostLost: "the render host stopped answering and could not be replaced",
  ChannelFailed: "IVS refused to create or start the room's channel",
  StreamFailed: "the render host could not start the stream",
  SpeechThrottled: "the speech engine kept throttling",
  SpeechFailed: "the speech engine refused a segment's text",
  InvalidScript: "the script cannot be played as written",
  RoomAlreadyRunning: "the room was already running",
};
const KIND_WORDS = {
  phase: "phase", segment_started: "segment", segment_finished: "segment done", question: "question",
  answer_started: "answering", answer_finished: "answered", insert_started: "speaking", insert_finished: "spoken",
  say: "operator says", pause: "paused", resume: "resumed", stage: "stage", stream: "stream", rejected: "rejected",
};

export async function renderLive(root, roomId) {
  document.title = `${roomId} · LiveHost console`;
  const cfg = await config();
  const [stage, voices] = await Promise.all([stageOptions(), voiceOptions()]);
  const title = h("h1", { id: "live-title" }, roomId);
  const phase = h("span", { class: "badge", id: "phase", role: "status", "aria-live": "polite" }, "…");
  const current = h("span", { class: "muted" });
  const errorBox = h("div", { role: "alert" });
  const controlStatus = h("p", { class: "status", role: "status" });
  const phases = h("ol", { class: "phases", "aria-label": "The run's phases" });
  const graphLink = h("a", { id: "execution-graph", target: "_blank", rel: "noopener", hidden: true });
  const video = h("video", { controls: true, muted: true, playsinline: true, "aria-label": "The room's live stream" });
  const playerStatus = h("p", { class: "status", role: "status" }, "The player starts when the room is live.");
  const player = new LivePlayer(video, { cues: cfg.cues, onStatus: (s) => (playerStatus.textContent = s) });
  const healthBox = h("div", { class: "health", "aria-label": "Stream health" });
  const timeline = h("ol", { class: "timeline", "aria-label": "Timeline", "aria-live": "off" });
  const questions = h("ul", { class: "questions", "aria-label": "Questions" });
  const history = renderHistory(roomId);
  const viewerLink = h("a", { href: `/viewer/?room=${enc(roomId)}`, target: "_blank", rel: "noopener" }, "Open the viewer page");

  const button = (text, onclick, cls = "") => h("button", { type: "button", class: cls, onclick }, text);
  const act = (what, path, body) => async () => {
    controlStatus.textContent = `${what}…`;
    try {
      await call(`/rooms/${enc(roomId)}${path}`, { method: "POST", body });
      controlStatus.textContent = `${what}: sent.`;
      refresh();
    } catch (e) {
      controlStatus.textContent = `${what}: ${e.message}`;
    }
  };
  const startButton = button("Start", act("Start", "/start"), "primary");
  const stopGraceful = button("Stop after this segment", act("Stop", "/stop", { mode: "graceful" }));
  const stopNow = button("Stop now", act("Stop now", "/stop", { mode: "now" }), "danger");
  const pauseButton = button("Pause script", act("Pause", "/pause"));
  const resumeButton = button("Resume script", act("Resume", "/resume"));

  // take-over: say
  const sayText = h("textarea", { rows: 2, maxlength: 1000 });
  const sayMode = select(INSERT_MODES, "");
  const sayForm = h("form", { "aria-label": "Say" }, field("The presenter says", sayText, { path: "text" }), h("div", { class: "row" }, field("When", sayMode, { path: "mode" }), h("button", { type: "submit", class: "primary" }, "Say")));
  const sayStatus = h("p", { class: "form-error", role: "alert" });
  sayForm.append(sayStatus);
  sayForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(sayForm);
    sayStatus.textContent = "";
    try {
      await call(`/rooms/${enc(roomId)}/say`, { method: "POST", body: { text: sayText.value, mode: sayMode.value } });
      sayText.value = "";
      controlStatus.textContent = "Say: sent.";
    } catch (e) {
      if (e instanceof ApiError) showFieldErrors(sayForm, e.fieldErrors(), sayStatus);
      if (!sayStatus.textContent && !sayForm.querySelector(".field-error:not(:empty)")) sayStatus.textContent = e.message;
    }
  });

  // take-over: stage
  const optional = (values) => select([["", "(keep)"], ...values], "");
  const stageControls = {
    expression: optional(stage.expression),
    gesture: optional(stage.gesture),
    camera: optional(stage.camera),
    scene: stage.scene.length ? optional(stage.scene) : h("input", { placeholder: "(keep)" }),
    voice: voices.length ? optional(voices) : h("input", { placeholder: "(keep)" }),
    rate: h("input", { type: "number", min: 50, max: 200, placeholder: "(keep)" }),
    pitch: h("input", { type: "number", min: -50, max: 50, placeholder: "(keep)" }),
  };
  const stageStatus = h("p", { class: "form-error", role: "alert" });
  const stageForm = h("form", { "aria-label": "Stage" },
    h("div", { class: "row" }, ...Object.entries(stageControls).map(([k, c]) => field(k[0].toUpperCase() + k.slice(1), c, { path: k }))),
    h("button", { type: "submit" }, "Change stage"), stageStatus);
  stageForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(stageForm);
    stageStatus.textContent = "";
    const body = {};
    for (const [k, c] of Object.entries(stageControls)) if (c.value !== "") body[k] = ["rate", "pitch"].includes(k) ? Number(c.value) : c.value;
    try {
      await call(`/rooms/${enc(roomId)}/stage`, { method: "PUT", body });
      controlStatus.textContent = "Stage: sent.";
    } catch (e) {
      if (e instanceof ApiError) showFieldErrors(stageForm, e.fieldErrors(), stageStatus);
      if (!stageStatus.textContent && !stageForm.querySelector(".field-error:not(:empty)")) stageStatus.textContent = e.message;
    }
  });

  root.append(
    h("section", { class: "panel", "aria-labelledby": "live-title" },
      h("div", { class: "row" }, title, phase, current),
      h("p", {}, h("a", { href: `#/edit/${enc(roomId)}` }, "Edit script and knowledge"), " · ", viewerLink),
      errorBox,
      h("div", { class: "row", role: "group", "aria-label": "Run control" }, startButton, stopGraceful, stopNow),
      controlStatus, phases, h("p", {}, graphLink)),
    h("div", { class: "grid" },
      h("section", { class: "panel", "aria-labelledby": "player-title" }, h("h2", { id: "player-title" }, "On air"), video, playerStatus, healthBox),
      h("section", { class: "panel", "aria-labelledby": "takeover-title" }, h("h2", { id: "takeover-title" }, "Take over"),
        h("div", { class: "row", role: "group", "aria-label": "Script" }, pauseButton, resumeButton), sayForm, h("h3", {}, "Stage"), stageForm)),
    h("div", { class: "grid" },
      h("section", { class: "panel", "aria-labelledby": "timeline-title" }, h("h2", { id: "timeline-title" }, "Timeline"), timeline),
      h("section", { class: "panel", "aria-labelledby": "questions-title" }, h("h2", { id: "questions-title" }, "Questions"), questions)),
    history.element,
  );

  // ---- polling ----
  let run = null;
  let lastPhase = null;
  let since = 0;
  const seen = new Set();
  const asked = new Map(); // questionId -> {text, outcome, why, li}
  let timer;
  let stopped = false;

  function plain(room) {
    if (room.phase !== "FAILED") return null;
    // the cause's first line, without JSON or a stack trace around it
    const cause = String(room.cause || "").split("\n")[0].replace(/^\{.*"errorMessage":\s*"([^"]+)".*$/, "$1");
    return h("div", { class: "error-box" },
      h("strong", {}, `The run failed: ${ERROR_WORDS[room.error] || room.error || "an error"}. `),
      cause || "The run's execution graph shows where.");
  }

  function addEntry(entry) {
    const key = `${entry.kind}|${entry.ref}|${entry.at}|${entry.text}`;
    if (seen.has(key)) return;
    seen.add(key);
    const who = entry.by && entry.by !== "system" ? `${entry.by}: ` : "";
    const detail = entry.kind === "stage" && entry.detail ? Object.entries(entry.detail).map(([k, v]) => `${k} ${v}`).join(", ") : "";
    const text = entry.text || (entry.kind.startsWith("segment") ? entry.ref : "") || detail;
    // an operator's pause, resume or stage change is written twice: when asked for (detail.requested)
    // and when the render host applies it (at a sentence's end); the console tells the two apart
    const requested = Boolean(entry.detail?.requested) && entry.kind !== "say";
    const label = requested ? `${entry.kind} asked` : KIND_WORDS[entry.kind] || entry.kind;
    const data = { kind: entry.kind, at: String(entry.at), ...(requested ? { requested: "true" } : {}) };
    const li = h("li", { dataset: data }, h("time", { class: "muted" }, fmtTime(entry.at)), h("span", {}, h("span", { class: "kind" }, label), " ", who, text));
    const after = [...timeline.children].find((c) => Number(c.dataset.at) > entry.at);
    timeline.insertBefore(li, after || null);
    timeline.scrollTop = timeline.scrollHeight;
    if (["question", "rejected", "answer_finished", "answer_started"].includes(entry.kind) && entry.ref) noteQuestion(entry);
  }

  function noteQuestion(entry) {
    const q = asked.get(entry.ref) || { text: "", outcome: "accepted", why: "" };
    if (entry.kind === "question") q.text = entry.text;
    if (entry.kind === "rejected") Object.assign(q, { text: entry.text, outcome: "rejected", why: entry.detail?.message || entry.detail?.reason || "" });
    if (entry.kind === "answer_started" && q.outcome === "accepted") q.outcome = "answering";
    if (entry.kind === "answer_finished") {
      const failure = entry.detail?.failure;
      Object.assign(q, failure ? { outcome: "not answered", why: failure.message || failure.error || "" } : { outcome: "answered", why: entry.text || "" });
    }
    const li = h("li", { dataset: { question: entry.ref } }, `“${q.text}” `, h("span", { class: `outcome ${q.outcome.replace(" ", "-")}` }, q.outcome), q.why ? ` — ${q.why}` : "");
    if (q.li) q.li.replaceWith(li);
    else questions.append(li);
    q.li = li;
    asked.set(entry.ref, q);
  }

  async function refresh() {
    try {
      const room = await call(`/rooms/${enc(roomId)}`);
      title.textContent = room.name;
      if (room.phase !== lastPhase) {
        if (lastPhase !== null || RUNNING.includes(room.phase)) phases.append(h("li", {}, `${fmtTime(Date.now() / 1000)} ${room.phase}`));
        if (lastPhase !== null) history.refresh();
        lastPhase = room.phase;
      }
      phase.textContent = room.phase;
      phase.className = `badge ${room.phase}`;
      current.textContent = room.currentSegment ? `now: ${room.currentSegment}` : "";
      errorBox.replaceChildren(...[plain(room)].filter(Boolean));
      showGraphLink(graphLink, cfg.executionGraphUrl, room);
      const running = RUNNING.includes(room.phase);
      startButton.disabled = running;
      stopGraceful.disabled = stopNow.disabled = !running;
      pauseButton.disabled = resumeButton.disabled = room.phase !== "LIVE";
      for (const form of [sayForm, stageForm]) form.querySelector("button[type=submit]").disabled = room.phase !== "LIVE";
      const s = room.streamHealth;
      healthBox.replaceChildren(
        ...[["fps", s?.fps?.toFixed(0)], ["kbps", s && Math.round(s.bitrateKbps)], ["dropped", s?.droppedFrames], ["reconnects", s?.reconnects]].map(([k, v]) =>
          h("div", {}, h("strong", {}, room.phase === "LIVE" && v !== undefined ? String(v) : "—"), k)),
      );
      if (room.phase === "LIVE" && room.playbackUrl) player.play(room.playbackUrl);
      if (!running && room.phase !== "CREATED") player.stop();
      if (room.run && room.run !== run) {
        run = room.run;
        since = 0;
        seen.clear();
        timeline.replaceChildren();
        questions.replaceChildren();
        asked.clear();
      }
      if (run) {
        // entries can be written a little after their time (an answer is recorded when it
        // ends): ask again from a minute back and drop what was seen
        const { entries } = await call(`/rooms/${enc(roomId)}/timeline?run=${run}&since=${Math.max(0, since - 60)}`);
        for (const entry of entries) {
          addEntry(entry);
          since = Math.max(since, entry.at);
        }
      }
    } catch (e) {
      controlStatus.textContent = e.message;
    }
  }

  const loop = async () => {
    await refresh();
    if (!stopped) timer = setTimeout(loop, 1500);
  };
  loop();
  return () => {
    stopped = true;
    clearTimeout(timer);
    player.stop();
    history.stop();
  };
}

// The run's execution graph: the deployment's config says where (the Step Functions console
// in AWS, the local cloud's graph page locally), as a template of {region} and {executionArn}.
export function executionGraphUrl(template, executionArn) {
  const region = executionArn.split(":")[3] || "";
  return template.replaceAll("{region}", region).replaceAll("{executionArn}", executionArn);
}

function showGraphLink(link, template, room) {
  link.hidden = !(template && room.executionArn);
  if (link.hidden) return;
  link.href = executionGraphUrl(template, room.executionArn);
  link.textContent = `Run ${room.run}'s execution graph`;
}
