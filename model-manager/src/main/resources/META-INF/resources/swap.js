// The swap page: plain JS, no build step. Lists each vLLM service's catalog from the daemon's own API, swaps with one
// click after a confirmation, and follows the operation until it is done or rolled back. The admin token is sent as a
// header (never a cookie) and kept in this tab's sessionStorage only.
"use strict";
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const gb = n => (n / 1e9).toFixed(1) + " GB";
const OUTCOME = {succeeded: "done", rolled_back: "rolled back", failed: "failed", refused: "refused", running: "running"};
const following = new Map(); // service -> operation id shown in its card
let services = [];

const token = () => sessionStorage.getItem("sparkd-admin-token");
function askForToken(hint) {
  const form = document.getElementById("token-form");
  form.hidden = false;
  if (hint) document.getElementById("token-hint").textContent = hint;
}
document.getElementById("token-form").addEventListener("submit", e => {
  e.preventDefault();
  const value = document.getElementById("token").value.trim();
  if (value) { sessionStorage.setItem("sparkd-admin-token", value); e.target.hidden = true; }
});

function progress(op) {
  if (!op) return "";
  const bar = op.bytes_total > 0 ? `<div class="bar"><span style="width:${(op.bytes_done * 100 / op.bytes_total).toFixed(1)}%"></span></div>
    <div class="muted">${gb(op.bytes_done)} of ${gb(op.bytes_total)}${op.eta_seconds != null ? ", about " + op.eta_seconds + " s left" : ""}</div>` : "";
  const verdict = op.state === "running" ? `swapping to ${esc(op.subject)}…`
    : op.state === "succeeded" ? `${esc(op.service)} serves ${esc(op.subject)}` : esc(op.error || "");
  const events = (op.events || []).map(e => `<li><time>${esc(new Date(e.at).toLocaleTimeString())}</time> ${esc(e.message)}</li>`).join("");
  return `<div class="progress ${esc(op.state)}" data-operation="${esc(op.id)}" data-state="${esc(op.state)}">
    <span class="badge ${esc(op.state)}">${esc(OUTCOME[op.state] || op.state)}</span> <span class="verdict">${verdict}</span>
    ${bar}<ul class="events">${events}</ul></div>`;
}

function card(s, op) {
  const busy = !!s.running_operation || (op && op.state === "running");
  const rows = s.catalog.map(c => {
    const serving = c.key === s.last_serving;
    return `<tr data-choice="${esc(c.key)}"><td><b>${esc(c.key)}</b>${serving ? ' <span class="badge succeeded">serving</span>' : ""}
      ${c.key === s.desired && !serving ? ' <span class="badge">desired</span>' : ""}</td>
      <td>${esc(c.model)}</td><td class="muted">${esc(c.image)}</td>
      <td><button data-swap="${esc(s.service)}" data-key="${esc(c.key)}" ${busy || serving ? "disabled" : ""}>Swap</button></td></tr>`;
  }).join("");
  return `<article class="card" data-service="${esc(s.service)}"><h2>${esc(s.service)} <small>${esc(s.host || "")}</small></h2>
    <div class="muted">serving ${s.last_serving ? esc(s.last_serving) : "— (not observed yet)"} · should serve ${esc(s.desired)}</div>
    <table><thead><tr><th>model</th><th>id</th><th>image</th><th></th></tr></thead><tbody>${rows}</tbody></table>${progress(op)}</article>`;
}

async function getJson(url) {
  const r = await fetch(url, {headers: {"Accept": "application/json"}});
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

async function refresh() {
  try {
    services = await getJson("api/v1/services");
    const ops = {};
    for (const s of services) {
      const id = s.running_operation || following.get(s.service);
      if (id) { following.set(s.service, id); ops[s.service] = await getJson("api/v1/operations/" + encodeURIComponent(id)).catch(() => null); }
    }
    document.getElementById("services").innerHTML = services.length ? services.map(s => card(s, ops[s.service])).join("")
      : "<p>No vLLM service has a <code>[models.&lt;service&gt;]</code> catalog in this suite's configuration.</p>";
    const all = await getJson("api/v1/operations");
    document.getElementById("operations").innerHTML = all.length ? `<table><thead><tr><th>when</th><th>kind</th><th>service</th><th>model</th><th>outcome</th></tr></thead><tbody>` +
      all.slice(0, 20).map(o => `<tr data-operation="${esc(o.id)}"><td>${esc(new Date(o.started_at).toLocaleTimeString())}</td><td>${esc(o.kind)}</td>
        <td>${esc(o.service)}</td><td>${esc(o.subject)}</td><td><span class="badge ${esc(o.state)}">${esc(OUTCOME[o.state] || o.state)}</span>
        ${o.error ? esc(o.error) : ""}</td></tr>`).join("") + "</tbody></table>" : '<p class="muted">No operations since this daemon started.</p>';
  } catch (e) {
    document.getElementById("services").innerHTML = `<p class="error">cannot reach the model-manager: ${esc(e.message)}</p>`;
  }
}

async function swap(service, key) {
  if (!token()) { askForToken(); return; }
  const r = await fetch(`api/v1/services/${encodeURIComponent(service)}/swap`, {method: "POST",
    headers: {"Content-Type": "application/json", "Authorization": "Bearer " + token()}, body: JSON.stringify({model: key})});
  const body = await r.json().catch(() => ({}));
  if (r.status === 401) { sessionStorage.removeItem("sparkd-admin-token"); askForToken("That token was refused. " + ((body.error && body.error.hint) || "")); return; }
  if (r.status === 202) { following.set(service, body.id); services.forEach(s => { if (s.service === service) s.running_operation = body.id; }); }
  else alertIn(service, (body.error && (body.error.message + (body.error.hint ? " — " + body.error.hint : ""))) || "HTTP " + r.status);
  refresh();
}

function alertIn(service, text) {
  const c = document.querySelector(`[data-service="${CSS.escape(service)}"]`);
  if (c) c.insertAdjacentHTML("beforeend", `<p class="error">${esc(text)}</p>`);
}

document.getElementById("services").addEventListener("click", e => {
  const b = e.target.closest("button[data-swap]");
  if (!b) return;
  const s = services.find(x => x.service === b.dataset.swap), c = s && s.catalog.find(x => x.key === b.dataset.key);
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = `Swap ${b.dataset.swap} to ${b.dataset.key} (${c ? c.model : ""})? `
    + `It stops serving ${s && s.last_serving ? s.last_serving : "its current model"} now; the new model has up to `
    + `${c ? c.load_timeout_seconds : "?"} s to become healthy, or the previous one is started again.`;
  dialog.dataset.service = b.dataset.swap;
  dialog.dataset.key = b.dataset.key;
  dialog.showModal();
});
document.getElementById("confirm").addEventListener("close", e => {
  const d = e.target;
  if (d.returnValue === "swap") swap(d.dataset.service, d.dataset.key);
});

// Every second while a swap runs, every 5 s otherwise.
async function loop() {
  await refresh();
  const busy = services.some(s => s.running_operation);
  setTimeout(loop, busy ? 1000 : 5000);
}
if (!token()) askForToken();
loop();
