// Small DOM helpers: build elements without innerHTML (no injection from API text).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let ids = 0;
export const uid = (prefix) => `${prefix}-${++ids}`;

// A labelled control: <div class=field><label for>…</label><control/><p class=error/></div>
export function field(label, control, { path, hint } = {}) {
  control.id ||= uid("f");
  const error = h("p", { class: "field-error", id: `${control.id}-error`, role: "alert" });
  control.setAttribute("aria-describedby", error.id);
  return h(
    "div",
    { class: "field", dataset: path !== undefined ? { path } : {} },
    h("label", { for: control.id }, label),
    control,
    hint ? h("p", { class: "hint" }, hint) : null,
    error,
  );
}

export function select(options, value, attrs = {}) {
  return h(
    "select",
    attrs,
    options.map((o) => {
      const [v, text] = Array.isArray(o) ? o : [o, o];
      return h("option", { value: v, selected: String(v) === String(value ?? "") }, text);
    }),
  );
}

export function clearErrors(root) {
  for (const el of root.querySelectorAll(".field-error")) el.textContent = "";
  for (const el of root.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

// Put each API problem next to the field whose data-path is the longest prefix of its path;
// the rest go to `fallback`.
export function showFieldErrors(root, problems, fallback) {
  const fields = [...root.querySelectorAll(".field[data-path], .group[data-path]")];
  const left = [];
  for (const [path, messages] of Object.entries(problems)) {
    const target = fields
      .filter((f) => path === f.dataset.path || path.startsWith(`${f.dataset.path}.`))
      .sort((a, b) => b.dataset.path.length - a.dataset.path.length)[0];
    if (!target) {
      left.push(`${path || "script"}: ${messages.join("; ")}`);
      continue;
    }
    const error = target.querySelector(":scope > .field-error");
    error.textContent = messages.join("; ");
    target.querySelector(":scope > input, :scope > select, :scope > textarea")?.setAttribute("aria-invalid", "true");
  }
  fallback.textContent = left.join("\n");
  root.querySelector("[aria-invalid], .field-error:not(:empty)")?.scrollIntoView({ block: "center" });
}

export function fmtTime(unixSeconds) {
  return new Date(unixSeconds * 1000).toLocaleTimeString([], { hour12: false });
}
