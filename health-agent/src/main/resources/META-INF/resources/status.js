// The status page: plain JS, no build step. Reads the agent's own JSON API and redraws every 10 s.
"use strict";
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const bytes = n => n == null ? "–" : n >= 1e12 ? (n / 1e12).toFixed(1) + " TB" : n >= 1e9 ? (n / 1e9).toFixed(1) + " GB" : (n / 1e6).toFixed(0) + " MB";
const dur = ms => { const s = Math.max(0, ms / 1000);
  return s < 90 ? Math.round(s) + "s" : s < 5400 ? Math.round(s / 60) + "m" : s < 172800 ? Math.round(s / 3600) + "h" : Math.round(s / 86400) + "d"; };
const ago = t => dur(Date.now() - Date.parse(t));

// The last 24 hours as a bar: each known stretch of state placed where it happened (hover for when and how long);
// grey where the agent has no record yet (before it first probed the service).
function timeline(segments) {
  const end = Date.now(), start = end - 86400000, pct = t => ((t - start) / 864000);
  const parts = (segments || []).map(s => {
    const from = Math.max(start, Date.parse(s.from)), to = Math.min(end, Date.parse(s.to));
    if (to <= from) return "";
    return `<span class="${esc(s.state)}" data-state="${esc(s.state)}" style="left:${pct(from).toFixed(3)}%;width:${(pct(to) - pct(from)).toFixed(3)}%"
      title="${esc(s.state)} ${esc(new Date(from).toLocaleString())} – ${esc(new Date(to).toLocaleTimeString())} (${dur(to - from)})"></span>`;
  }).join("");
  return `<div class="timeline" role="img" aria-label="state over the last 24 hours" title="grey: no record yet">${parts}</div>
    <div class="axis"><span>24 h ago</span><span>12 h</span><span>now</span></div>`;
}

function service(s) {
  const load = s.load || {}, facts = [];
  if (s.latency_ms != null) facts.push(`${s.latency_ms.toFixed(0)} ms`);
  if (load.queue_depth != null) facts.push(`queue ${load.queue_depth}`);
  if (load.kv_cache_usage != null) facts.push(`KV ${(load.kv_cache_usage * 100).toFixed(0)}%`);
  if (load.slots_total != null) facts.push(`slots ${load.slots_busy}/${load.slots_total}`);
  if (load.loaded_models) facts.push(`loaded: ${load.loaded_models.join(", ") || "none"}`);
  if (load.installed_models != null) facts.push(`${load.installed_models} installed`);
  if (s.handshake && !s.handshake.skipped) facts.push(`handshake ${s.handshake.passed ? "ok" : "failed"}` +
      (s.handshake.ttft_seconds != null ? `, TTFT ${(s.handshake.ttft_seconds * 1000).toFixed(0)} ms` : "") +
      (s.handshake.tokens_per_second != null ? `, ${s.handshake.tokens_per_second.toFixed(0)} tok/s` : ""));
  if (s.uptime_24h != null) facts.push(`${s.uptime_24h}% up 24h`);
  return `<article class="card" data-service="${esc(s.name)}" data-state="${esc(s.state)}">
    <span class="state ${esc(s.state)}">${esc(s.state)}</span>
    <div class="name">${esc(s.name)} <span class="kind">${esc(s.kind)}${s.host ? " · " + esc(s.host) : ""}</span></div>
    <div class="reason">${s.reason ? esc(s.reason) : (s.since ? "since " + ago(s.since) + " ago" : "")}</div>
    <div class="facts">${esc(facts.join(" · "))}</div>${timeline(s.timeline_24h)}</article>`;
}

function host(h) {
  if (!h.ok) return `<article class="card" data-host="${esc(h.name)}" data-state="DOWN"><div class="name">${esc(h.name)}</div>
    <div class="reason">${esc(h.reason)}</div></article>`;
  const g = h.gpu || {}, mem = h.memory_total_bytes ? h.memory_used_bytes / h.memory_total_bytes : null;
  const disks = (h.disks || []).map(d => `<div class="facts">${esc(d.path)}: ${bytes(d.free_bytes)} free of ${bytes(d.size_bytes)}</div>
    <div class="bar${d.warning ? " warn" : ""}"><span style="width:${(100 - d.free_bytes * 100 / d.size_bytes).toFixed(1)}%"></span></div>`).join("");
  const containers = Object.entries(h.containers || {}).map(([n, c]) => `${esc(n)}: ${esc(c.state)}`).join(" · ");
  const state = h.state || "UP", warnings = (h.warnings || []).map(w => `<div class="reason">${esc(w)}</div>`).join("");
  return `<article class="card" data-host="${esc(h.name)}" data-state="${esc(state)}">
    ${state !== "UP" ? `<span class="state ${esc(state)}">${esc(state)}</span>` : ""}
    <div class="name">${esc(h.name)} <span class="kind">${esc(g.name || h.gpu_kind)}</span></div>${warnings}
    <div class="facts">GPU ${g.utilization_ratio != null ? (g.utilization_ratio * 100).toFixed(0) + "%" : "–"} ·
      ${g.temperature_celsius != null ? g.temperature_celsius.toFixed(0) + " °C" : "–"} · ${g.power_watts != null ? g.power_watts.toFixed(0) + " W" : "–"}</div>
    <div class="facts">memory ${bytes(h.memory_used_bytes)} of ${bytes(h.memory_total_bytes)}${h.unified_memory ? " (unified: shared with the GPU)" : ""}</div>
    <div class="bar"><span style="width:${mem == null ? 0 : (mem * 100).toFixed(1)}%"></span></div>${disks}
    ${containers ? `<div class="facts">${containers}</div>` : ""}</article>`;
}

function incidents(list) {
  if (!list.length) return "<p>No incidents in the last 24 hours.</p>";
  return `<table><thead><tr><th>service</th><th>worst</th><th>started</th><th>reasons</th><th>duration</th></tr></thead><tbody>` +
    list.map(i => `<tr data-incident="${i.id}"><td>${esc(i.service)}</td><td><span class="state ${esc(i.worst_state)}">${esc(i.worst_state)}</span></td>
      <td>${ago(i.started_at)} ago</td><td>${esc(i.reasons.join("; "))}</td>
      <td>${i.open ? "<b>open</b>, " : ""}${Math.round(i.duration_seconds)}s</td></tr>`).join("") + "</tbody></table>";
}

async function refresh() {
  try {
    const [svc, inc, hosts] = await Promise.all([fetch("api/v1/services?timeline=true"), fetch("api/v1/incidents?since=24h"),
      fetch("api/v1/hosts")].map(p => p.then(r => r.json())));
    const all = svc.services;
    const bad = all.filter(s => s.state !== "UP");
    document.getElementById("summary").textContent = bad.length === 0 ? `All ${all.length} services up.`
      : `${all.length - bad.length} of ${all.length} services up; ` + bad.map(s => `${s.name} ${s.state}`).join(", ") + ".";
    document.getElementById("services").innerHTML = all.map(service).join("");
    document.getElementById("incidents").innerHTML = incidents(inc);
    document.getElementById("hosts").innerHTML = hosts.map(host).join("");
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById("summary").textContent = "cannot reach the agent: " + e;
  }
}
refresh();
setInterval(refresh, 10000);
