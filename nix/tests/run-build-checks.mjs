// usage: node nix/tests/run-build-checks.mjs EVAL.json DIR CLI-LIB
// Runs the build-time check of every daemon's config file the module renders (the runCommandLocal scripts in
// nix/tests/eval.nix's `configs`), as `nixos-rebuild` would, with this checkout's config checker: each daemon's settings
// are written as TOML, the store paths in the script are pointed at that file and at `java … CheckCommand`, and the
// script must succeed — the checker finds the file valid, and its listen address and secret files equal the module's.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";

const [evalFile, dir, cliLib] = process.argv.slice(2);
const ev = JSON.parse(readFileSync(evalFile, "utf8"));
mkdirSync(dir, { recursive: true });
const key = (k) => /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k);
const val = (v) => typeof v === "string" ? JSON.stringify(v)
  : typeof v === "number" || typeof v === "boolean" ? String(v)
  : Array.isArray(v) ? `[${v.map(val).join(", ")}]`
  : `{ ${Object.entries(v).map(([k, x]) => `${key(k)} = ${val(x)}`).join(", ")} }`;
const toml = (settings) => Object.entries(settings).map(([section, body]) =>
  `[${key(section)}]\n` + Object.entries(body).map(([k, x]) => `${key(k)} = ${val(x)}`).join("\n")).join("\n\n") + "\n";

const checker = `${dir}/sparkd-check`;
// the package's sparkd-check: the tools' flags from jvm/tool.options, as nix/package.nix passes them
const toolOptions = new URL("../../jvm/tool.options", import.meta.url).pathname;
writeFileSync(checker, `#!/bin/sh\nexec java @${toolOptions} -cp '${cliLib}/*' dev.sparkd.core.config.CheckCommand "$@"\n`, { mode: 0o755 });
let failures = 0;
for (const [d, c] of Object.entries(ev.configs)) {
  const file = `${dir}/sparkd-${d}.toml`;
  writeFileSync(file, toml(c.settings));
  const script = c.script
    .replace(/\/nix\/store\/[a-z0-9]{32}-sparkd-[0-9.]+\/bin\/sparkd-check/g, checker)
    .replace(/\/nix\/store\/[a-z0-9]{32}-sparkd-[a-z-]+\.toml/g, file);
  try {
    execFileSync("bash", ["-euo", "pipefail", "-c", script], { env: { ...process.env, out: `${dir}/out-${d}.toml` }, stdio: ["ignore", "pipe", "pipe"] });
    console.log(`ok   build-time check of sparkd-${d}'s config passes (valid; listen and secret files agree with the checker)`);
  } catch (e) {
    failures++;
    console.log(`FAIL build-time check of sparkd-${d}'s config\n  ${String(e.stderr || e.stdout || e.message).trim().split("\n").join("\n  ")}`);
  }
}
process.exit(failures ? 1 : 0);
