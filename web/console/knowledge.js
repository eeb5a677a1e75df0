// Knowledge entries from a file: a JSON list of entries (or {"entries": [...]}), or a CSV whose
// header names the columns entryId, title, text, productId, tags (tags separated by ';').
export function parseKnowledge(name, text) {
  if (/\.json$/i.test(name) || /^\s*[[{]/.test(text)) {
    const data = JSON.parse(text);
    const entries = Array.isArray(data) ? data : data.entries;
    if (!Array.isArray(entries)) throw new Error("expected a JSON list of entries");
    return entries;
  }
  const rows = parseCsv(text).filter((r) => r.some((c) => c.trim()));
  if (rows.length < 2) throw new Error("expected a header row and at least one entry");
  const header = rows[0].map((c) => c.trim());
  for (const need of ["entryId", "title", "text"]) {
    if (!header.includes(need)) throw new Error(`the header has no '${need}' column`);
  }
  return rows.slice(1).map((cells) => {
    const entry = {};
    header.forEach((key, i) => {
      const value = (cells[i] ?? "").trim();
      if (key === "tags") entry.tags = value ? value.split(";").map((t) => t.trim()).filter(Boolean) : [];
      else if (value) entry[key] = value;
    });
    return entry;
  });
}

// RFC 4180: quoted fields may hold commas, newlines and doubled quotes.
function parseCsv(text) {
  const rows = [[]];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { rows.at(-1).push(cell); cell = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      rows.at(-1).push(cell); cell = ""; rows.push([]);
    } else cell += c;
  }
  rows.at(-1).push(cell);
  return rows;
}
