// usage: node nix/tests/check-eval.mjs SCENARIO EVAL.json [EXPECTED-TOML.json]
// Asserts on what nix/module.nix produced (see nix/tests/eval.nix) for one of the configurations .ci/check-nix
// evaluates: example (nix/example.nix), minimal (enable + settings only), router-only (a non-default listen), vm
// (the machine of nix/tests/vm.nix).
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";

const [scenario, evalFile, expectedFile] = process.argv.slice(2);
const ev = JSON.parse(readFileSync(evalFile, "utf8"));
let failures = 0;
const check = (what, fn) => {
  try { fn(); console.log(`ok   ${scenario}: ${what}`); }
  catch (e) { failures++; console.log(`FAIL ${scenario}: ${what}\n  ${String(e.message).split("\n").join("\n  ")}`); }
};
const all = ["health-agent", "mcp-gateway", "model-manager", "router"];
const daemonsOf = () => Object.keys(ev.services).filter(n => all.includes(n.slice(7))).map(n => n.slice(7)).sort();
const creds = (d) => [...(ev.services[`sparkd-${d}`].serviceConfig.LoadCredential || [])].sort();

// --- what holds for every configuration ---------------------------------------------------------------------
for (const d of daemonsOf()) {
  const s = ev.services[`sparkd-${d}`];
  const c = s.serviceConfig;
  check(`sparkd-${d}: own user, own state directory, hardened, its own checked config`, () => {
    assert.equal(c.User, `sparkd-${d}`);
    assert.equal(c.Group, `sparkd-${d}`);
    assert.equal(c.StateDirectory, `sparkd/${d}`, "StateDirectory=sparkd/<daemon> only (not the shared parent)");
    assert.ok(ev.users[`sparkd-${d}`]?.isSystemUser, "system user");
    assert.match(c.ExecStart, new RegExp(`/bin/java .*-jar /nix/store/[^ ]+/share/sparkd/${d}/quarkus-run\\.jar --config /nix/store/[^ ]+-sparkd-${d}-checked\\.toml$`));
    assert.match(c.ExecStartPre, new RegExp(`^/nix/store/[^ ]+/bin/sparkd-migrate --config /nix/store/[^ ]+-sparkd-${d}-checked\\.toml ${d}$`));
    for (const [k, v] of Object.entries({ ProtectSystem: "strict", ProtectHome: true, PrivateTmp: true, NoNewPrivileges: true,
      MemoryDenyWriteExecute: false, RestartPreventExitStatus: 2, UMask: "0077" })) assert.deepEqual(c[k], v, k);
    assert.ok(s.requires.includes("sparkd-db-setup.service") && s.after.includes("postgresql.service"), "ordered after the database setup");
    assert.deepEqual(s.wantedBy, ["sparkd.target"]);
  });
  check(`sparkd-${d}: readiness on the listen address, passed explicitly (no TOML parsing)`, () => {
    const listen = ev.configs[d].settings[{ router: "router", "health-agent": "health", "model-manager": "models", "mcp-gateway": "mcp" }[d]]?.listen;
    const port = listen ? listen.split(":").pop() : { router: 8470, "health-agent": 8471, "model-manager": 8472, "mcp-gateway": 8473 }[d];
    assert.match(c.ExecStartPost, new RegExp(`/bin/sparkd-wait-ready ${d} 127\\.0\\.0\\.1:${port}$`));
  });
  check(`sparkd-${d}: logs in as its own role with a generated password only it loads`, () => {
    const db = ev.configs[d].settings.database;
    assert.equal(db.user, d.replace("-", "_"));
    assert.equal(db.password_file, `/run/credentials/sparkd-${d}.service/db-password`);
    assert.ok(creds(d).includes(`db-password:/var/lib/sparkd-db/${d}.password`));
    assert.ok(!creds(d).some(x => x.startsWith("db-password:") && !x.endsWith(`/${d}.password`)), "no other daemon's password");
  });
  check(`sparkd-${d}: the admin token as a credential, from sparkd-admin-token`, () => {
    assert.equal(ev.configs[d].settings.suite.admin_token_file, `/run/credentials/sparkd-${d}.service/admin-token`);
    assert.ok(creds(d).includes("admin-token:/var/lib/sparkd-admin/admin-token"));
    assert.ok(s.requires.includes("sparkd-admin-token.service"));
  });
  check(`sparkd-${d}: the build checks listen and secret files against the config checker`, () => {
    assert.match(ev.configs[d].script, new RegExp(`sparkd-check --listen ${d} `));
    assert.match(ev.configs[d].script, new RegExp(`sparkd-check --credentials ${d} `));
  });
}
check("the database: roles and schemas made by sparkd-db-setup (as postgres, password on stdin only)", () => {
  const p = ev.services["sparkd-db-setup"];
  assert.equal(p.serviceConfig.User, "postgres");
  assert.equal(p.serviceConfig.StateDirectory, "sparkd-db");
  assert.equal(p.serviceConfig.StateDirectoryMode, "0700");
  assert.match(p.script, /\| psql -X -q -v ON_ERROR_STOP=1 -d "\$db"/);
  assert.doesNotMatch(p.script, /psql[^|\n]*\$pw/, "the password is never an argument");
  assert.match(p.script, /CREATE SCHEMA IF NOT EXISTS %s AUTHORIZATION %s/);
  assert.deepEqual(ev.postgresql.ensureUsers, [], "no shared role");
  for (const d of daemonsOf()) assert.ok(p.requiredBy.includes(`sparkd-${d}.service`));
});
check("the admin token: made once by a dynamic user, root-only, no network", () => {
  const c = ev.services["sparkd-admin-token"].serviceConfig;
  assert.equal(c.DynamicUser, true);
  assert.equal(c.StateDirectory, "sparkd-admin");
  assert.equal(c.StateDirectoryMode, "0700");
  assert.equal(c.PrivateNetwork, true);
  assert.match(ev.services["sparkd-admin-token"].script, /\[ -s "\$f" \] \|\| printf/);
});
if (scenario !== "timers") check("timers are off by default (the daemons do the same work)", () => assert.deepEqual(Object.keys(ev.timers), []));
check("no warnings", () => assert.deepEqual(ev.warnings, []));

// --- per scenario --------------------------------------------------------------------------------------------
if (scenario === "example") {
  const expected = JSON.parse(readFileSync(expectedFile, "utf8"));
  check("settings render to the same values as examples/two-sparks.toml (but [database], the module's)", () => {
    const s = structuredClone(ev.settings);
    assert.equal(s.mcp.run_as, "sparkd-mcp", "the module sets run_as");
    assert.deepEqual(s.database, { url: "postgresql://127.0.0.1:5432/sparkd" }, "the shared file names the local database, no role");
    delete s.database;
    delete expected.database;
    assert.deepEqual(s, expected);
  });
  check("LoadCredential: each unit only what its settings name (cloud key: router + health-agent; SSH: health-agent (telemetry key) + model-manager; HF token: model-manager)", () => {
    assert.deepEqual(creds("router"), ["admin-token:/var/lib/sparkd-admin/admin-token", "db-password:/var/lib/sparkd-db/router.password", "openai-api-key:/var/lib/secrets/sparkd/openai-api-key"]);
    assert.deepEqual(creds("health-agent"), ["admin-token:/var/lib/sparkd-admin/admin-token", "db-password:/var/lib/sparkd-db/health-agent.password",
      "openai-api-key:/var/lib/secrets/sparkd/openai-api-key", "ssh-key:/var/lib/secrets/sparkd/id_ed25519-telemetry"]);
    assert.deepEqual(creds("model-manager"), ["admin-token:/var/lib/sparkd-admin/admin-token", "db-password:/var/lib/sparkd-db/model-manager.password",
      "hf-token:/var/lib/secrets/sparkd/hf-token", "ssh-key:/var/lib/secrets/sparkd/id_ed25519"]);
    assert.deepEqual(creds("mcp-gateway"), ["admin-token:/var/lib/sparkd-admin/admin-token", "db-password:/var/lib/sparkd-db/mcp-gateway.password"]);
    assert.deepEqual([...ev.services["sparkd-model-manager"].serviceConfig.BindReadOnlyPaths], ["%d/hf-token:/run/credentials/hf-token", "%d/ssh-key:/etc/sparkd/ssh/id_ed25519"]);
  });
  check("mcp-gateway: node and util-linux on PATH, servers as sparkd-mcp, optional writable paths created for it", () => {
    const g = ev.services["sparkd-mcp-gateway"];
    assert.ok(g.path.some(p => p.startsWith("nodejs")), "nodejs on PATH: " + g.path);
    assert.ok(g.path.some(p => p.startsWith("util-linux")), "util-linux (setpriv) on PATH");
    assert.deepEqual(g.serviceConfig.ReadWritePaths, ["-/srv/notes"]);
    assert.deepEqual(ev.tmpfiles["/srv/notes"], { d: { mode: "0750", user: "sparkd-mcp", group: "sparkd-mcp" } });
    assert.equal(ev.configs["mcp-gateway"].settings.mcp.run_as, "sparkd-mcp");
    assert.ok(ev.users["sparkd-mcp"]?.isSystemUser);
    assert.deepEqual(g.serviceConfig.CapabilityBoundingSet, ["CAP_SETUID", "CAP_SETGID"]);
    const hidden = g.serviceConfig.InaccessiblePaths;
    for (const p of ["-/var/lib/sparkd/router", "-/var/lib/sparkd-db", "-/var/lib/sparkd-admin", "-/etc/sparkd/ssh", "-/var/lib/secrets/sparkd/id_ed25519", "-/var/lib/secrets/sparkd/openai-api-key", "-/var/lib/secrets/sparkd/hf-token"])
      assert.ok(hidden.includes(p), `${p} inaccessible to the gateway`);
  });
  check("generated scrape config: every daemon at its listen address, the labels of scrape.yml", () =>
    assert.deepEqual(ev.scrapeConfigs[0].static_configs.map(c => [c.targets[0], c.labels.daemon]).sort(),
      [["127.0.0.1:8470", "router"], ["127.0.0.1:8471", "health-agent"], ["127.0.0.1:8472", "model-manager"], ["127.0.0.1:8473", "mcp-gateway"]].sort()));
  check("firewall: only the two LAN-facing daemons' ports", () => assert.deepEqual([...ev.firewall].sort(), [8470, 8471]));
} else if (scenario === "minimal") {
  check("four daemons from enable + settings alone", () => assert.deepEqual(daemonsOf(), all));
  check("nothing extra on the gateway's PATH without node servers", () =>
    assert.deepEqual(ev.services["sparkd-mcp-gateway"].path.filter(p => p.startsWith("nodejs")), []));
  check("firewall closed", () => assert.deepEqual(ev.firewall, []));
} else if (scenario === "router-only") {
  check("only the router runs", () => assert.deepEqual(daemonsOf(), ["router"]));
  check("readiness on the configured port 9000", () =>
    assert.match(ev.services["sparkd-router"].serviceConfig.ExecStartPost, / router 127\.0\.0\.1:9000$/));
  check("firewall opens 9000", () => assert.deepEqual(ev.firewall, [9000]));
  check("generated scrape config scrapes the router on 9000", () =>
    assert.deepEqual(ev.scrapeConfigs[0].static_configs, [{ targets: ["127.0.0.1:9000"], labels: { daemon: "router", daemon_host: "nixos" } }]));
} else if (scenario === "timers") {
  check("the two timers, part of sparkd.target, their one-shots notify on failure", () => {
    assert.deepEqual(Object.keys(ev.timers).sort(), ["sparkd-health-check", "sparkd-model-reconcile"]);
    for (const t of Object.values(ev.timers)) assert.deepEqual(t.partOf, ["sparkd.target"]);
    assert.match(ev.services["sparkd-health-check"].serviceConfig.ExecStart, /health-agent\/quarkus-run\.jar --once --config /);
    assert.deepEqual(ev.services["sparkd-health-check"].onFailure, ["sparkd-notify@%n.service"]);
    assert.ok(ev.services["sparkd-notify@"], "sparkd-notify@");
  });
} else if (scenario === "vm") {
  check("the VM test's machine runs all four daemons", () => assert.deepEqual(daemonsOf(), all));
} else {
  console.log(`unknown scenario ${scenario}`); process.exit(2);
}

if (failures) { console.log(`check-eval ${scenario}: ${failures} failed`); process.exit(1); }
console.log(`check-eval ${scenario}: all passed`);
