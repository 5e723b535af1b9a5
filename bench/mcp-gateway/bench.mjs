// tools/call latency of server-everything's `echo`: directly (its own Streamable-HTTP mode) vs through the gateway
// (stdio and HTTP upstreams). One client, sequential calls, after a warm-up. Prints p50/p99 and calls/s per mode and,
// given the gateway's pid, the gateway's own CPU time per call (utime+stime from /proc, its whole JVM): a second
// figure beside the wall-clock latencies, which the other tenants of a shared machine disturb more.
// Usage: node bench.mjs <direct-url> <gateway-url> <key> [calls] [gateway-pid]
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

// the SDK comes from the test fixtures (pinned in their package-lock.json)
const require = createRequire(new URL("../../mcp-gateway/src/test/fixtures/package.json", import.meta.url));
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StreamableHTTPClientTransport } = require("@modelcontextprotocol/sdk/client/streamableHttp.js");

const [directUrl, gatewayUrl, key, n = "2000", gatewayPid] = process.argv.slice(2);
// clock ticks of the gateway's user+system CPU (fields 14 and 15 of /proc/<pid>/stat; USER_HZ is 100 on Linux)
const cpuTicks = () => {
  if (!gatewayPid) return NaN;
  const fields = readFileSync(`/proc/${gatewayPid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);
};
const calls = Number(n);
const warmup = Math.min(300, calls);

async function connect(url, headers) {
  const client = new Client({ name: "sparkd-bench", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

async function run(label, url, tool, headers) {
  const client = await connect(url, headers);
  for (let i = 0; i < warmup; i++) await client.callTool({ name: tool, arguments: { message: "warm" } });
  const samples = new Float64Array(calls);
  const ticks0 = cpuTicks();
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    const r = await client.callTool({ name: tool, arguments: { message: "bench " + i } });
    samples[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.isError) throw new Error(label + ": " + JSON.stringify(r));
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuMsPerCall = ((cpuTicks() - ticks0) * 10) / calls;
  await client.close();
  samples.sort();
  const q = (p) => samples[Math.min(calls - 1, Math.floor(p * calls))];
  return { label, p50: q(0.5), p99: q(0.99), rate: calls / seconds, cpu: cpuMsPerCall };
}

const auth = { Authorization: "Bearer " + key };
const rows = [];
// interleave two rounds so drift on a shared machine hits every mode alike
for (let round = 0; round < 2; round++) {
  rows.push(await run("direct (server-everything streamableHttp)", directUrl, "echo", {}));
  rows.push(await run("gateway → stdio upstream", gatewayUrl, "everything__echo", auth));
  rows.push(await run("gateway → HTTP upstream", gatewayUrl, "everything-http__echo", auth));
}
const best = new Map();
for (const r of rows) {
  const b = best.get(r.label);
  if (!b || r.p50 < b.p50) best.set(r.label, r);
}
const direct = best.get("direct (server-everything streamableHttp)");
console.log(`| mode | p50 ms | p99 ms | calls/s | p50 added vs direct | gateway CPU ms/call |`);
console.log(`| --- | ---: | ---: | ---: | ---: | ---: |`);
for (const r of best.values()) {
  const added = r === direct ? "—" : (r.p50 - direct.p50).toFixed(3) + " ms";
  const cpu = r === direct || Number.isNaN(r.cpu) ? "—" : r.cpu.toFixed(3);
  console.log(`| ${r.label} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${r.rate.toFixed(0)} | ${added} | ${cpu} |`);
}
