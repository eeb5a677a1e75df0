// Values the render host and the speech engine offer. The API lists them (GET /stage/options,
// GET /voices?language=) where it has those routes; until then the console uses the values of
// livehost.models (Expression, Gesture, camera) and free text for voices and scenes.
import { optionsOr } from "../shared/api.js";
import { currentSession } from "./auth.js";

export const FALLBACK = {
  expression: ["neutral", "smile", "serious", "surprised"],
  gesture: ["none", "nod", "tilt"],
  camera: ["wide", "medium", "close"],
  scene: [],
};
export const INSERT_MODES = [["SENTENCE_END", "at the end of the sentence"], ["NOW", "now (next word)"], ["APPEND", "after the segment"]];

let stage;
let voices;

export async function stageOptions() {
  stage ??= optionsOr("/stage/options", currentSession()?.token, FALLBACK).then((o) => ({ ...FALLBACK, ...o }));
  return stage;
}

// Voice ids (strings); [] when the API does not list them (the field is then free text).
export async function voiceOptions() {
  voices ??= optionsOr("/voices", currentSession()?.token, { voices: [] }).then((o) =>
    (o.voices || []).map((v) => (typeof v === "string" ? v : v.voiceId || v.id || v.name)),
  );
  return voices;
}
