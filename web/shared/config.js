// The deployment's settings, generated at deploy time (AWS) or by `livehost local up`.
let loaded;

export function config() {
  loaded ??= fetch("/config.json", { cache: "no-store" }).then((r) => {
    if (!r.ok) throw new Error(`config.json: HTTP ${r.status}`);
    return r.json();
  });
  return loaded;
}
