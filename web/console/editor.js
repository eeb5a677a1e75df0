// Create or edit a room: the room, its script (segments, loop mode, products) and knowledge.
// Every problem the API reports is shown next to the field it names.
import { ApiError } from "../shared/api.js";
import { clearErrors, field, h, select, showFieldErrors } from "../shared/dom.js";
import { call } from "./session.js";
import { INSERT_MODES, stageOptions, voiceOptions } from "./options.js";
import { parseKnowledge } from "./knowledge.js";
import { previewControl } from "./preview.js";

const enc = encodeURIComponent;

function newSegment(n) {
  return { segmentId: `segment-${n}`, text: "", expression: "neutral", gesture: "none", rate: 100, pitch: 0, volume: 0, pauseAfterMs: 300 };
}

export async function renderEditor(root, roomId) {
  document.title = `${roomId ? "Edit" : "New"} room · LiveHost console`;
  const [stage, voices] = await Promise.all([stageOptions(), voiceOptions()]);
  let room = { roomId: "", name: "", settings: { insertMode: "SENTENCE_END" } };
  let script = { voice: "Joanna", loop: { mode: "once" }, segments: [newSegment(1)], products: [] };
  let knowledge = [];
  let savedEntries = new Set();
  let created = Boolean(roomId);
  if (roomId) {
    try {
      room = await call(`/rooms/${enc(roomId)}`);
      script = await call(`/rooms/${enc(roomId)}/script`).catch((e) => (e.status === 404 ? script : Promise.reject(e)));
      knowledge = await call(`/rooms/${enc(roomId)}/knowledge`);
      savedEntries = new Set(knowledge.map((k) => k.entryId));
    } catch (e) {
      root.append(h("p", { class: "error-box", role: "alert" }, e.message));
      return;
    }
  }

  const form = h("form", { novalidate: true, "aria-labelledby": "editor-title" });
  const formError = h("p", { class: "form-error", role: "alert", id: "save-error" });
  const saved = h("p", { class: "status", role: "status" });

  const voiceControl = (value, attrs) =>
    voices.length ? select([["", "(script's voice)"], ...voices], value, attrs) : h("input", { value: value ?? "", placeholder: "e.g. Joanna", ...attrs });

  // ---- room ----
  const roomIdInput = h("input", { value: room.roomId, disabled: created, pattern: "[a-z0-9][a-z0-9-]{1,38}[a-z0-9]", autocomplete: "off" });
  const nameInput = h("input", { value: room.name });
  const insertMode = select(INSERT_MODES, room.settings?.insertMode);
  const roomPanel = h("section", { class: "panel", "aria-labelledby": "room-title" },
    h("h2", { id: "room-title" }, "Room"),
    h("div", { class: "row" },
      field("Room id", roomIdInput, { path: "roomId", hint: "3–40 characters: a–z, 0–9 and '-'" }),
      field("Name", nameInput, { path: "name" }),
      field("Answers and operator lines play", insertMode, { path: "settings.insertMode" })));

  // ---- script ----
  const scriptVoice = voiceControl(script.voice, {});
  const loopMode = select([["once", "once"], ["times", "a number of times"], ["forever", "forever"]], script.loop?.mode);
  const loopTimes = h("input", { type: "number", min: 1, value: script.loop?.times ?? "" });
  const segmentsBox = h("div", { class: "group", dataset: { path: "segments" } }, h("p", { class: "field-error", role: "alert" }));
  const productsBox = h("div", { class: "group", dataset: { path: "products" } }, h("p", { class: "field-error", role: "alert" }));
  const segmentRows = [];
  const productRows = [];

  function productChoices() {
    return [["", "(none)"], ...productRows.map((p) => p.read().productId).filter(Boolean)];
  }

  function segmentRow(segment) {
    const row = {};
    const box = h("div", { class: "segment group" });
    const kind = select([["text", "Text"], ["ssml", "SSML"]], segment.ssml ? "ssml" : "text");
    const speech = h("textarea", { rows: 3 }, segment.ssml ?? segment.text ?? "");
    const id = h("input", { value: segment.segmentId });
    const voice = voiceControl(segment.voice, {});
    const num = (v, min, max) => h("input", { type: "number", value: v, min, max });
    const rate = num(segment.rate ?? 100, 50, 200);
    const pitch = num(segment.pitch ?? 0, -50, 50);
    const volume = num(segment.volume ?? 0, -20, 10);
    const pause = num(segment.pauseAfterMs ?? 300, 0, 10000);
    const expression = select(stage.expression, segment.expression);
    const gesture = select(stage.gesture, segment.gesture);
    const product = select(productChoices(), segment.productId ?? "");
    product.addEventListener("focus", () => {
      const value = product.value;
      product.replaceChildren(...select(productChoices(), value).children);
    });
    const title = h("h4", {});
    const move = (delta) => () => {
      const i = segmentRows.indexOf(row);
      const j = i + delta;
      if (j < 0 || j >= segmentRows.length) return;
      segmentRows.splice(i, 1);
      segmentRows.splice(j, 0, row);
      layoutSegments();
      box.querySelector(delta < 0 ? "button[data-up]" : "button[data-down]")?.focus();
    };
    Object.assign(row, {
      box,
      read: () => {
        const out = {
          segmentId: id.value.trim(),
          expression: expression.value,
          gesture: gesture.value,
          rate: Number(rate.value),
          pitch: Number(pitch.value),
          volume: Number(volume.value),
          pauseAfterMs: Number(pause.value),
        };
        out[kind.value] = speech.value;
        if (voice.value) out.voice = voice.value;
        if (product.value) out.productId = product.value;
        return out;
      },
      layout: (i) => {
        box.dataset.path = `segments.${i}`;
        title.textContent = `Segment ${i + 1}`;
        const paths = { id: "segmentId", speech: kind.value, voice: "voice", rate: "rate", pitch: "pitch", volume: "volume", pause: "pauseAfterMs", expression: "expression", gesture: "gesture", product: "productId" };
        for (const [name, path] of Object.entries(paths)) row[`${name}Field`].dataset.path = `segments.${i}.${path}`;
        for (const b of box.querySelectorAll("header button")) b.setAttribute("aria-label", `${b.dataset.label} segment ${i + 1}`);
        preview.button.setAttribute("aria-label", `Preview segment ${i + 1}`);
      },
    });
    row.idField = field("Segment id", id);
    row.speechField = field("Speech", speech, { hint: "Text, or SSML in <speak>…</speak>" });
    const preview = previewControl({
      form,
      roomId: () => (created ? roomIdInput.value.trim() : ""),
      path: () => box.dataset.path,
      speech: () => {
        const { [kind.value]: said, rate: r, pitch: p, volume: v } = row.read();
        return { [kind.value]: said, voice: voice.value || scriptVoice.value || undefined, rate: r, pitch: p, volume: v };
      },
    });
    kind.addEventListener("change", () => row.layout(segmentRows.indexOf(row)));
    row.voiceField = field("Voice", voice);
    row.rateField = field("Rate %", rate);
    row.pitchField = field("Pitch %", pitch);
    row.volumeField = field("Volume dB", volume);
    row.pauseField = field("Pause after (ms)", pause);
    row.expressionField = field("Expression", expression);
    row.gestureField = field("Gesture", gesture);
    row.productField = field("Product", product);
    box.append(
      h("header", {}, title,
        h("button", { type: "button", dataset: { up: "1", label: "Move up" }, onclick: move(-1) }, "↑"),
        h("button", { type: "button", dataset: { down: "1", label: "Move down" }, onclick: move(1) }, "↓"),
        h("button", { type: "button", class: "danger", dataset: { label: "Remove" }, onclick: () => { segmentRows.splice(segmentRows.indexOf(row), 1); layoutSegments(); } }, "Remove")),
      h("p", { class: "field-error", role: "alert" }),
      h("div", { class: "row" }, row.idField, field("Kind", kind)),
      row.speechField,
      preview.element,
      h("div", { class: "row" }, row.voiceField, row.rateField, row.pitchField, row.volumeField),
      h("div", { class: "row" }, row.expressionField, row.gestureField, row.productField, row.pauseField),
    );
    return row;
  }

  function layoutSegments() {
    segmentsBox.replaceChildren(segmentsBox.firstChild, ...segmentRows.map((r, i) => (r.layout(i), r.box)));
  }

  function productRow(p) {
    const row = {};
    const id = h("input", { value: p.productId ?? "" });
    const name = h("input", { value: p.name ?? "" });
    const price = h("input", { value: p.price ?? "" });
    const tagline = h("input", { value: p.tagline ?? "" });
    const fields = [field("Product id", id), field("Name", name), field("Price", price), field("Tagline", tagline)];
    row.box = h("div", { class: "list-row" }, ...fields,
      h("button", { type: "button", class: "danger", "aria-label": "Remove product", onclick: () => { productRows.splice(productRows.indexOf(row), 1); layoutProducts(); } }, "Remove"));
    row.read = () => {
      const out = { productId: id.value.trim(), name: name.value.trim() };
      if (price.value.trim()) out.price = price.value.trim();
      if (tagline.value.trim()) out.tagline = tagline.value.trim();
      return out;
    };
    row.layout = (i) => ["productId", "name", "price", "tagline"].forEach((k, j) => (fields[j].dataset.path = `products.${i}.${k}`));
    return row;
  }
  function layoutProducts() {
    productsBox.replaceChildren(productsBox.firstChild, ...productRows.map((r, i) => (r.layout(i), r.box)));
  }

  for (const s of script.segments) segmentRows.push(segmentRow(s));
  for (const p of script.products || []) productRows.push(productRow(p));
  layoutSegments();
  layoutProducts();

  const scriptPanel = h("section", { class: "panel", "aria-labelledby": "script-title" },
    h("h2", { id: "script-title" }, "Script"),
    h("div", { class: "row" },
      field("Voice", scriptVoice, { path: "voice" }),
      field("Loop", loopMode, { path: "loop.mode" }),
      field("Loops", loopTimes, { path: "loop.times", hint: "for 'a number of times'" })),
    h("h3", {}, "Segments"),
    segmentsBox,
    h("button", { type: "button", onclick: () => { segmentRows.push(segmentRow(newSegment(segmentRows.length + 1))); layoutSegments(); segmentRows.at(-1).box.querySelector("input").focus(); } }, "Add segment"),
    h("h3", { style: "margin-top:1rem" }, "Products"),
    productsBox,
    h("button", { type: "button", onclick: () => { productRows.push(productRow({})); layoutProducts(); productRows.at(-1).box.querySelector("input").focus(); } }, "Add product"));

  // ---- knowledge ----
  const knowledgeBox = h("div", { class: "group", dataset: { path: "knowledge" } }, h("p", { class: "field-error", role: "alert" }));
  const knowledgeRows = [];
  function knowledgeRow(k) {
    const row = {};
    const id = h("input", { value: k.entryId ?? "" });
    const title = h("input", { value: k.title ?? "" });
    const text = h("textarea", { rows: 2 }, k.text ?? "");
    const product = h("input", { value: k.productId ?? "" });
    const tags = h("input", { value: (k.tags || []).join(", ") });
    const fields = [field("Entry id", id), field("Title", title), field("Text", text), field("Product id", product), field("Tags (comma separated)", tags)];
    row.box = h("div", { class: "list-row" }, ...fields,
      h("button", { type: "button", class: "danger", "aria-label": "Remove knowledge entry", onclick: () => { knowledgeRows.splice(knowledgeRows.indexOf(row), 1); layoutKnowledge(); } }, "Remove"));
    row.read = () => {
      const out = { entryId: id.value.trim(), title: title.value.trim(), text: text.value.trim(), tags: tags.value.split(",").map((t) => t.trim()).filter(Boolean) };
      if (product.value.trim()) out.productId = product.value.trim();
      return out;
    };
    row.layout = (i) => ["entryId", "title", "text", "productId", "tags"].forEach((key, j) => (fields[j].dataset.path = `knowledge.${i}.${key}`));
    return row;
  }
  function layoutKnowledge() {
    knowledgeBox.replaceChildren(knowledgeBox.firstChild, ...knowledgeRows.map((r, i) => (r.layout(i), r.box)));
  }
  for (const k of knowledge) knowledgeRows.push(knowledgeRow(k));
  layoutKnowledge();
  const importInput = h("input", { type: "file", accept: ".json,.csv,application/json,text/csv" });
  const importStatus = h("p", { class: "status", role: "status" });
  importInput.addEventListener("change", async () => {
    const file = importInput.files[0];
    if (!file) return;
    try {
      const entries = parseKnowledge(file.name, await file.text());
      for (const e of entries) knowledgeRows.push(knowledgeRow(e));
      layoutKnowledge();
      importStatus.textContent = `${entries.length} entries read from ${file.name}: saved with the room.`;
    } catch (e) {
      importStatus.textContent = `${file.name}: ${e.message}`;
    }
    importInput.value = "";
  });
  const knowledgePanel = h("section", { class: "panel", "aria-labelledby": "knowledge-title" },
    h("h2", { id: "knowledge-title" }, "Knowledge"),
    h("p", { class: "hint" }, "Facts the presenter may use to answer viewers. Import a JSON list or a CSV with the columns entryId, title, text, productId, tags (tags separated by ';')."),
    knowledgeBox,
    h("div", { class: "row" },
      h("button", { type: "button", onclick: () => { knowledgeRows.push(knowledgeRow({})); layoutKnowledge(); knowledgeRows.at(-1).box.querySelector("input").focus(); } }, "Add entry"),
      field("Import from a JSON or CSV file", importInput)),
    importStatus);

  // ---- save ----
  const saveButton = h("button", { class: "primary", type: "submit" }, created ? "Save" : "Create room");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    formError.textContent = "";
    saved.textContent = "Saving…";
    saveButton.disabled = true;
    const id = roomIdInput.value.trim();
    try {
      const roomBody = { name: nameInput.value.trim(), settings: { ...(room.settings || {}), insertMode: insertMode.value } };
      if (!created) {
        await call("/rooms", { method: "POST", body: { roomId: id, ...roomBody } });
        created = true;
        roomIdInput.disabled = true;
        saveButton.textContent = "Save";
        history.replaceState(null, "", `#/edit/${enc(id)}`);
      } else {
        await call(`/rooms/${enc(id)}`, { method: "PATCH", body: roomBody });
      }
      const loop = { mode: loopMode.value };
      if (loopMode.value === "times") loop.times = Number(loopTimes.value);
      await call(`/rooms/${enc(id)}/script`, {
        method: "PUT",
        body: { voice: scriptVoice.value || "Joanna", loop, segments: segmentRows.map((r) => r.read()), products: productRows.map((r) => r.read()) },
      });
      const entries = knowledgeRows.map((r) => r.read());
      for (const [i, entry] of entries.entries()) {
        const { entryId, ...content } = entry;
        try {
          await call(`/rooms/${enc(id)}/knowledge/${enc(entryId || "-")}`, { method: "PUT", body: content });
        } catch (e) {
          if (e instanceof ApiError) e.prefix = `knowledge.${i}`;
          throw e;
        }
      }
      const kept = new Set(entries.map((e) => e.entryId));
      for (const gone of [...savedEntries].filter((e) => !kept.has(e))) {
        await call(`/rooms/${enc(id)}/knowledge/${enc(gone)}`, { method: "DELETE" });
      }
      savedEntries = kept;
      saved.textContent = "Saved.";
      saved.append(" ", h("a", { href: `#/room/${enc(id)}` }, "Go to the room's run control"));
    } catch (e) {
      saved.textContent = "";
      if (!(e instanceof ApiError)) {
        formError.textContent = e.message;
      } else {
        const problems = {};
        for (const [path, messages] of Object.entries(e.fieldErrors())) problems[e.prefix ? `${e.prefix}.${path}` : path] = messages;
        if (!Object.keys(problems).length) problems[e.prefix || ""] = [e.message];
        showFieldErrors(form, problems, formError);
        if (formError.textContent) formError.textContent = `${e.message}\n${formError.textContent}`.trim();
      }
    } finally {
      saveButton.disabled = false;
    }
  });

  form.append(
    h("h1", { id: "editor-title" }, roomId ? `Edit ${room.name}` : "New room"),
    roomPanel, scriptPanel, knowledgePanel,
    h("div", { class: "panel" }, formError, h("div", { class: "row" }, saveButton, roomId ? h("a", { href: `#/room/${enc(roomId)}` }, "Run control") : null), saved),
  );
  root.append(form);
}
