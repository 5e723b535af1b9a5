// usage: node nix/tests/check-eval.mjs EVAL.json EXPECTED-TOML.json
// Asserts on what nix/module.nix produced for nix/example.nix (see nix/tests/eval.nix).
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";

const ev = JSON.parse(readFileSync(process.argv[2], "utf8"));
const expected = JSON.parse(readFileSync(process.argv[3], "utf8"));
let failures = 0;
const check = (what, fn) => {
  try { fn(); console.log(`ok   ${what}`); }
  catch (e) { failures++; console.log(`FAIL ${what}\n  ${String(e.message).split("\n").join("\n  ")}`); }
};

check("settings render to the same values as examples/two-sparks.toml", () => assert.deepStrictEqual(ev.settings, expected));

const daemons = ["router", "health-agent", "model-manager", "mcp-gateway"];
for (const d of daemons) {
  const s = ev.services[`sparkd-${d}`];
  check(`sparkd-${d}.service exists, hardened, reads the checked config`, () => {
    assert.ok(s, "missing");
    const c = s.serviceConfig;
    assert.match(c.ExecStart, new RegExp(`/bin/java .*-jar /nix/store/[^ ]+/share/sparkd/${d}/quarkus-run\\.jar --config /nix/store/[^ ]+-sparkd-checked\\.toml$`));
    assert.match(c.ExecStartPost, new RegExp(`sparkd-wait-ready ${d} `));
    // Migrations as a separate step before the daemon, for this daemon's schema only.
    assert.match(c.ExecStartPre, new RegExp(`^/nix/store/[^ ]+/bin/sparkd-migrate --config /nix/store/[^ ]+-sparkd-checked\\.toml ${d}$`));
    assert.equal(c.User, "sparkd");
    assert.deepEqual(c.StateDirectory, ["sparkd", `sparkd/${d}`]);
    for (const [k, v] of Object.entries({ ProtectSystem: "strict", ProtectHome: true, PrivateTmp: true, NoNewPrivileges: true,
      CapabilityBoundingSet: "", MemoryDenyWriteExecute: false, RestartPreventExitStatus: 2 })) assert.deepEqual(c[k], v, k);
    assert.deepEqual(c.SystemCallFilter, ["@system-service", "~@privileged"]);
    assert.deepEqual(c.RestrictAddressFamilies, ["AF_INET", "AF_INET6", "AF_UNIX"]);
    assert.ok(c.MemoryMax && c.CPUQuota, "MemoryMax/CPUQuota");
    assert.ok(s.requires.includes("postgresql.service") && s.after.includes("postgresql.service"), "ordered after postgresql");
    assert.deepEqual(s.wantedBy, ["sparkd.target"]);
  });
  check(`sparkd-${d}.service gets the secrets with LoadCredential`, () => {
    const c = s.serviceConfig;
    assert.deepEqual([...c.LoadCredential].sort(), [
      "openai-api-key:/var/lib/secrets/sparkd/openai-api-key",
      "sparkd-db-password:/var/lib/secrets/sparkd/db-password",
      "ssh-key:/var/lib/secrets/sparkd/id_ed25519",
    ]);
    assert.deepEqual([...c.BindReadOnlyPaths].sort(), [
      "%d/openai-api-key:/run/credentials/openai-api-key",
      "%d/sparkd-db-password:/run/credentials/sparkd-db-password",
      "%d/ssh-key:/etc/sparkd/ssh/id_ed25519",
    ]);
  });
}
check("mcp-gateway: its MCP servers may write only the declared paths", () =>
  assert.deepEqual(ev.services["sparkd-mcp-gateway"].serviceConfig.ReadWritePaths, ["/srv/notes"]));

check("timers: sparkd-health-check (health-agent --once), sparkd-model-reconcile (reconcile --once)", () => {
  assert.deepEqual(Object.keys(ev.timers).sort(), ["sparkd-health-check", "sparkd-model-reconcile"]);
  assert.match(ev.services["sparkd-health-check"].serviceConfig.ExecStart, /health-agent\/quarkus-run\.jar --once --config /);
  assert.match(ev.services["sparkd-model-reconcile"].serviceConfig.ExecStart, /model-manager\/quarkus-run\.jar reconcile --once --config /);
  assert.equal(ev.services["sparkd-health-check"].serviceConfig.Type, "oneshot");
  assert.deepEqual(ev.timers["sparkd-health-check"].wantedBy, ["timers.target"]);
});

check("PostgreSQL: database and role sparkd, password set from the credential", () => {
  assert.deepEqual(ev.postgresql, { enable: true, ensureDatabases: ["sparkd"], ensureUsers: [{ name: "sparkd", ensureDBOwnership: true }] });
  const p = ev.services["sparkd-db-password"];
  assert.deepEqual(p.serviceConfig.LoadCredential, ["db-password:/var/lib/secrets/sparkd/db-password"]);
  assert.match(p.script, /PASSWORD :'pw'/);
});

check("config checked at build time with sparkd-check", () => {
  assert.equal(ev.configFile, "sparkd-checked.toml");
  assert.match(ev.checkScript, /\/bin\/sparkd-check \/nix\/store\/[^ ]+-sparkd\.toml\n/);
});
check("firewall opens the four daemons' ports", () => assert.deepEqual([...ev.firewall].sort(), [8470, 8471, 8472, 8473]));
check("system user and group sparkd", () => assert.equal(ev.users.user.isSystemUser, true));

if (failures) { console.log(`check-eval: ${failures} failed`); process.exit(1); }
console.log("check-eval: all passed");
