// The operator console: a hash-routed single page over the REST API.
//   #/signin          sign in (Cognito)
//   #/rooms           rooms: phase, current segment, stream health
//   #/new             a new room (room, script, products, knowledge)
//   #/edit/<roomId>   edit a room
//   #/room/<roomId>   run control, live view, take-over
import { h } from "../shared/dom.js";
import { currentSession, setNewPassword, signIn, signOut } from "./auth.js";
import { call, toSignIn } from "./session.js";
import { renderEditor } from "./editor.js";
import { renderLive } from "./live.js";

const main = document.getElementById("main");
let leave = () => {};

function shell() {
  const session = currentSession();
  const nav = document.getElementById("nav");
  const who = document.getElementById("who");
  nav.replaceChildren(
    ...(session ? [h("a", { href: "#/rooms" }, "Rooms"), " ", h("a", { href: "#/new" }, "New room")] : []),
  );
  who.replaceChildren(
    ...(session
      ? [session.username, " ", h("button", { class: "link", type: "button", onclick: () => { signOut(); location.hash = "#/signin"; } }, "Sign out")]
      : []),
  );
}

async function route() {
  leave();
  leave = () => {};
  const [, page = "rooms", arg] = location.hash.match(/^#\/([^/]*)\/?(.*)$/) || [];
  const hadSession = Boolean(sessionStorage.getItem("livehost.session"));
  if (page !== "signin" && !currentSession()) {
    if (hadSession) toSignIn("Your session expired. Sign in again.");
    else location.hash = "#/signin";
    return;
  }
  shell();
  main.replaceChildren();
  const pages = {
    signin: renderSignIn,
    rooms: renderRooms,
    new: (root) => renderEditor(root, null),
    edit: (root) => renderEditor(root, decodeURIComponent(arg)),
    room: (root) => renderLive(root, decodeURIComponent(arg)),
  };
  const render = pages[page] || renderRooms;
  const stop = await render(main);
  if (typeof stop === "function") leave = stop;
  main.focus({ preventScroll: true });
}

function renderSignIn(root) {
  document.title = "Sign in · LiveHost console";
  const reason = sessionStorage.getItem("livehost.signin-reason");
  sessionStorage.removeItem("livehost.signin-reason");
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const newPassword = h("input", { type: "password", autocomplete: "new-password", minlength: 12 });
  const newField = h("div", { class: "field", hidden: true }, h("label", { for: "new-password" }, "New password (12+ characters, upper and lower case, a digit)"), newPassword);
  newPassword.id = "new-password";
  const error = h("p", { class: "form-error", role: "alert" });
  const button = h("button", { class: "primary", type: "submit" }, "Sign in");
  let challenge = null;
  const form = h(
    "form",
    {
      class: "panel signin",
      "aria-labelledby": "signin-title",
      onsubmit: async (event) => {
        event.preventDefault();
        error.textContent = "";
        button.disabled = true;
        try {
          const result = challenge
            ? await setNewPassword(email.value, newPassword.value, challenge)
            : await signIn(email.value, password.value);
          if (result.challenge) {
            challenge = result.cognitoSession;
            newField.hidden = false;
            newPassword.required = true;
            newPassword.focus();
            error.textContent = "Choose a new password to finish signing in.";
          } else {
            location.hash = "#/rooms";
          }
        } catch (e) {
          error.textContent = e.message;
        } finally {
          button.disabled = false;
        }
      },
    },
    h("h1", { id: "signin-title" }, "Sign in"),
    reason ? h("p", { class: "notice bad", role: "status" }, reason) : null,
    h("div", { class: "field" }, h("label", { for: "email" }, "Email"), Object.assign(email, { id: "email" })),
    h("div", { class: "field" }, h("label", { for: "password" }, "Password"), Object.assign(password, { id: "password" })),
    newField,
    error,
    button,
  );
  root.append(form);
  email.focus();
}

function health(room) {
  const s = room.streamHealth;
  if (!s || room.phase !== "LIVE") return "—";
  return `${s.fps.toFixed(0)} fps · ${Math.round(s.bitrateKbps)} kbps · ${s.droppedFrames} dropped · ${s.reconnects} reconnects`;
}

function renderRooms(root) {
  document.title = "Rooms · LiveHost console";
  const body = h("tbody");
  const status = h("p", { class: "status", role: "status" });
  root.append(
    h("section", { class: "panel", "aria-labelledby": "rooms-title" },
      h("div", { class: "row" }, h("h1", { id: "rooms-title", style: "flex:1" }, "Rooms"), h("a", { href: "#/new", class: "button primary" }, "Create a room")),
      h("table", { class: "stack" },
        h("thead", {}, h("tr", {}, ["Room", "Phase", "Current segment", "Stream health", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
        body),
      status),
  );
  let timer;
  const load = async () => {
    try {
      const { rooms } = await call("/rooms");
      body.replaceChildren(
        ...rooms.map((room) =>
          h("tr", { dataset: { room: room.roomId } },
            h("td", { "data-label": "Room" }, h("a", { href: `#/room/${encodeURIComponent(room.roomId)}` }, room.name), h("div", { class: "muted" }, room.roomId)),
            h("td", { "data-label": "Phase" }, h("span", { class: `badge ${room.phase}` }, room.phase)),
            h("td", { "data-label": "Current segment" }, room.currentSegment || "—"),
            h("td", { "data-label": "Stream health" }, health(room)),
            h("td", { "data-label": "Actions" },
              h("a", { href: `#/edit/${encodeURIComponent(room.roomId)}` }, "Edit"), " ",
              h("button", {
                type: "button", class: "danger", "aria-label": `Delete room ${room.roomId}`,
                onclick: async () => {
                  if (!confirm(`Delete room ${room.roomId}? Its script and knowledge go too.`)) return;
                  try { await call(`/rooms/${encodeURIComponent(room.roomId)}`, { method: "DELETE" }); load(); }
                  catch (e) { status.textContent = e.message; }
                },
              }, "Delete"))),
        ),
      );
      if (!rooms.length) body.append(h("tr", {}, h("td", { colspan: 5 }, "No rooms yet: create one.")));
    } catch (e) {
      status.textContent = e.message;
    }
    timer = setTimeout(load, 3000);
  };
  load();
  return () => clearTimeout(timer);
}

window.addEventListener("hashchange", route);
route();
