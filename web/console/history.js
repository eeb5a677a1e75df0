// A room's past runs with their replays, and its schedule (PUT/GET/DELETE /rooms/{id}/schedule).
// A replay's playlist is the API's (it needs the operator's token); its pieces are presigned
// S3 URLs, fetched without the token (S3 refuses a second way of signing).
import { clearErrors, field, fmtTime, h, showFieldErrors } from "../shared/dom.js";
import { ApiError } from "../shared/api.js";
import { config } from "../shared/config.js";
import { currentSession } from "./auth.js";
import { call } from "./session.js";
import Hls from "/vendor/hls.mjs";

const enc = encodeURIComponent;
const duration = (s) => (s == null ? "—" : s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(1)} s`);

export function renderHistory(roomId) {
  const rows = h("tbody");
  // the replay's player joins the page when a replay is played (the live player is the page's video)
  const video = h("video", { controls: true, playsinline: true, "aria-label": "Replay" });
  const replayStatus = h("p", { class: "status", role: "status" });
  let hls = null;

  async function playReplay(run) {
    const apiBase = new URL((await config()).apiBase, location.href).href;
    const token = currentSession()?.token;
    if (hls) hls.destroy();
    if (!video.isConnected) replayStatus.before(video);
    replayStatus.textContent = `Replay of run ${run.run}…`;
    hls = new Hls({
      xhrSetup: (xhr, url) => {
        if (url.startsWith(apiBase) && token) xhr.setRequestHeader("authorization", `Bearer ${token}`);
      },
    });
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      replayStatus.textContent = `Replay of run ${run.run} (${duration(run.replay.durationS)})`;
      video.play().catch(() => {});
    });
    hls.on(Hls.Events.ERROR, (_, d) => {
      if (d.fatal) replayStatus.textContent = `The replay could not be played: ${d.details}`;
    });
    hls.loadSource(apiBase.replace(/\/$/, "") + run.replay.url);
    hls.attachMedia(video);
  }

  function row(run) {
    const outcome = run.outcome === "FAILED" ? `failed: ${run.error || ""}` : run.outcome.toLowerCase();
    const replay = run.replay.status === "READY"
      ? h("span", {},
        run.replay.thumbnailUrl ? h("img", { src: run.replay.thumbnailUrl, alt: `run ${run.run}'s last moments`, width: 96, class: "thumb" }) : "",
        h("button", { type: "button", onclick: () => playReplay(run) }, `Play run ${run.run} (${duration(run.replay.durationS)})`))
      : h("span", { class: "muted" }, run.replay.status.toLowerCase());
    return h("tr", { dataset: { run: String(run.run) } },
      h("td", {}, String(run.run)), h("td", {}, fmtTime(run.startedAt)), h("td", {}, duration(run.durationS)),
      h("td", {}, outcome), h("td", {}, replay));
  }

  async function refreshRuns() {
    try {
      const { runs } = await call(`/rooms/${enc(roomId)}/runs`);
      rows.replaceChildren(...runs.slice().reverse().map(row));
    } catch (e) {
      replayStatus.textContent = e.message;
    }
  }

  // ---- the schedule ----
  const expression = h("input", { placeholder: "cron(0 20 ? * FRI *), rate(1 day) or at(2026-12-24T18:00:00)", size: 40 });
  const timezone = h("input", { value: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" });
  const durationS = h("input", { type: "number", min: 10, placeholder: "(the script decides)" });
  const current = h("p", { class: "status", role: "status" });
  const formError = h("p", { class: "form-error", role: "alert" });
  const removeButton = h("button", { type: "button", class: "danger", onclick: remove }, "Delete schedule");
  const form = h("form", { "aria-label": "Schedule" },
    h("div", { class: "row" }, field("Schedule expression", expression, { path: "expression" }), field("Time zone", timezone, { path: "timezone" }),
      field("Show length (s)", durationS, { path: "durationS" })),
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, "Save schedule"), removeButton), formError);

  function show(schedule) {
    removeButton.disabled = !schedule;
    if (!schedule) return (current.textContent = "No schedule: the room starts when an operator starts it.");
    const end = schedule.durationS ? `, ${duration(schedule.durationS)} each` : schedule.endAt ? `, until ${schedule.endAt}` : "";
    current.textContent = `Runs ${schedule.expression} (${schedule.timezone})${end}.`;
  }

  async function refreshSchedule() {
    try {
      show(await call(`/rooms/${enc(roomId)}/schedule`));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) show(null);
      else current.textContent = e.message;
    }
  }

  async function remove() {
    try {
      await call(`/rooms/${enc(roomId)}/schedule`, { method: "DELETE" });
      show(null);
    } catch (e) {
      formError.textContent = e.message;
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    formError.textContent = "";
    const body = { expression: expression.value.trim(), timezone: timezone.value.trim() || "UTC" };
    if (durationS.value !== "") body.durationS = Number(durationS.value);
    try {
      show(await call(`/rooms/${enc(roomId)}/schedule`, { method: "PUT", body }));
    } catch (e) {
      if (e instanceof ApiError) showFieldErrors(form, e.fieldErrors(), formError);
      if (!formError.textContent && !form.querySelector(".field-error:not(:empty)")) formError.textContent = e.message;
    }
  });

  const element = h("div", { class: "grid" },
    h("section", { class: "panel", "aria-labelledby": "runs-title" }, h("h2", { id: "runs-title" }, "Runs and replays"),
      h("table", { class: "runs" },
        h("thead", {}, h("tr", {}, ...["Run", "Started", "Length", "Outcome", "Replay"].map((t) => h("th", {}, t)))), rows),
      replayStatus),
    h("section", { class: "panel", "aria-labelledby": "schedule-title" }, h("h2", { id: "schedule-title" }, "Schedule"), current, form),
  );
  refreshRuns();
  refreshSchedule();
  return {
    element,
    refresh: () => Promise.all([refreshRuns(), refreshSchedule()]),
    stop: () => hls && hls.destroy(),
  };
}
