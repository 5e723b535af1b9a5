// usage: node nix/tests/render-units.mjs EVAL.json DIR
// Writes the systemd units nix/module.nix produced (nix/tests/eval.nix output) as unit files into DIR, the way
// NixOS renders systemd.services (a list value becomes one line per element, booleans true/false, `path` becomes
// PATH, `script` an ExecStart= of a store script), so that `systemd-analyze security --offline` can score them.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";

const [evalFile, dir] = process.argv.slice(2);
const ev = JSON.parse(readFileSync(evalFile, "utf8"));
mkdirSync(dir, { recursive: true });
const value = (v) => typeof v === "boolean" ? (v ? "true" : "false") : String(v);
const lines = (section) => Object.entries(section).flatMap(([k, v]) =>
  Array.isArray(v) ? (v.length ? v.map(x => `${k}=${value(x)}`) : [`${k}=`]) : [`${k}=${value(v)}`]);
const unitKeys = { after: "After", before: "Before", wants: "Wants", requires: "Requires", partOf: "PartOf", onFailure: "OnFailure" };
const installKeys = { wantedBy: "WantedBy", requiredBy: "RequiredBy" };

function render(name, u, kind) {
  const unit = { Description: u.description || name };
  for (const [k, key] of Object.entries(unitKeys)) if (u[k]?.length) unit[key] = u[k];
  Object.assign(unit, u.unitConfig || {});
  const body = { ...(kind === "service" ? u.serviceConfig : u.timerConfig) };
  if (kind === "service") {
    const env = Object.entries(u.environment || {}).map(([k, v]) => `"${k}=${v}"`);
    env.push(`"PATH=${[...(u.path || []), "coreutils", "findutils", "gnugrep", "gnused", "systemd"].map(p => `/nix/store/00000000000000000000000000000000-${p}/bin`).join(":")}"`);
    body.Environment = env;
    if (u.script !== undefined && !body.ExecStart) body.ExecStart = `/nix/store/00000000000000000000000000000000-unit-script-${name}/bin/${name}-start${u.scriptArgs ? " " + u.scriptArgs : ""}`;
  }
  const install = {};
  for (const [k, key] of Object.entries(installKeys)) if (u[k]?.length) install[key] = u[k];
  return [`[Unit]`, ...lines(unit), ``, `[${kind === "service" ? "Service" : "Timer"}]`, ...lines(body), ``,
    ...(Object.keys(install).length ? [`[Install]`, ...lines(install)] : [])].join("\n") + "\n";
}
for (const [n, u] of Object.entries(ev.services)) writeFileSync(`${dir}/${n}.service`, render(n, u, "service"));
for (const [n, u] of Object.entries(ev.timers || {})) writeFileSync(`${dir}/${n}.timer`, render(n, u, "timer"));
console.log(Object.keys(ev.services).map(n => `${n}.service`).join("\n"));
