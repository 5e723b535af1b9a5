#!/usr/bin/env node
// A minimal stdio MCP server for .ci/check-dashboards: one tool, `echo`, which fails (isError) when text is "fail".
'use strict';
const rl = require('readline').createInterface({ input: process.stdin });
const send = m => process.stdout.write(JSON.stringify(m) + '\n');
rl.on('line', line => {
  let m; try { m = JSON.parse(line); } catch { return; }
  if (m.id === undefined) return; // notifications
  const ok = result => send({ jsonrpc: '2.0', id: m.id, result });
  switch (m.method) {
    case 'initialize': return ok({ protocolVersion: (m.params && m.params.protocolVersion) || '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'echo', version: '1.0.0' } });
    case 'ping': return ok({});
    case 'tools/list': return ok({ tools: [{ name: 'echo', description: 'echoes text', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }] });
    case 'tools/call': { const t = String(((m.params || {}).arguments || {}).text || ''); return ok({ content: [{ type: 'text', text: t }], isError: t === 'fail' }); }
    default: return send({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'method not found' } });
  }
});
