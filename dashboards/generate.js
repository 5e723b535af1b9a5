#!/usr/bin/env node
// Generates dashboards/grafana/*.json (Grafana classic dashboard JSON for file provisioning).
// Edit here, run `node dashboards/generate.js`, commit both. Every metric name must be in docs/metrics.md
// (.ci/check-dashboards checks that, and that every query returns data against the demo).
'use strict';
const fs = require('fs'), path = require('path');
const DS = { type: 'prometheus', uid: '${datasource}' };
let nextId = 1;
function panel(type, title, gridPos, targets, extra = {}) {
  return Object.assign({
    id: nextId++, type, title, datasource: DS, gridPos,
    targets: targets.map((t, i) => ({ datasource: DS, refId: String.fromCharCode(65 + i), expr: t[0], legendFormat: t[1] || '', ...(t[2] || {}) })),
    fieldConfig: { defaults: extra.defaults || {}, overrides: [] },
    options: extra.options || {},
  }, extra.description ? { description: extra.description } : {});
}
const ts = (title, pos, targets, unit, more = {}) => panel('timeseries', title, pos, targets, { defaults: { unit: unit || 'short', ...(more.defaults || {}) }, description: more.description });
// Every stat states its thresholds: Grafana's default (green, red from 80) would colour bytes, dollars and counts by accident.
const steps = (...s) => ({ mode: 'absolute', steps: s.map(([color, value]) => ({ color, value })) });
const NEUTRAL = steps(['green', null]);
const stat = (title, pos, targets, unit, more = {}) => panel('stat', title, pos, targets, { defaults: { unit: unit || 'short', thresholds: NEUTRAL, color: { mode: 'thresholds' }, ...(more.defaults || {}) }, options: { reduceOptions: { calcs: ['lastNotNull'] } }, description: more.description });
// Counters are drawn as per-hour rates: the value of a point does not change with the zoom level (an increase over
// $__rate_interval would, because the interval follows the step).
const perHour = (expr) => `${expr} * 3600`;
// p50/p95/p99 of a histogram, one line per `by` value; the buckets are fixed (docs/metrics.md#latency-buckets).
const quantiles = (metric, sel, by) => ['0.5', '0.95', '0.99'].map(q => [
  `histogram_quantile(${q}, sum by (le, ${by}) (rate(${metric}_bucket{${sel}}[$__rate_interval])))`, `{{${by}}} p${q.slice(2).padEnd(2, '0')}`]);
const heatmap = (title, pos, metric, sel, description) => ({ id: nextId++, type: 'heatmap', title, datasource: DS, gridPos: pos, description,
  targets: [{ datasource: DS, refId: 'A', expr: `sum by (le) (increase(${metric}_bucket{${sel}}[$__rate_interval]))`, legendFormat: '{{le}}', format: 'heatmap' }],
  fieldConfig: { defaults: { unit: 's' }, overrides: [] },
  options: { calculate: false, yAxis: { unit: 's' }, cellGap: 1, color: { mode: 'scheme', scheme: 'Oranges', steps: 64 }, tooltip: { mode: 'single', yHistogram: true } } });
const row = (title, y) => ({ id: nextId++, type: 'row', title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
const text = (title, pos, content) => ({ id: nextId++, type: 'text', title, gridPos: pos, options: { mode: 'markdown', content } });
const g = (x, y, w, h) => ({ x, y, w, h });
const STATE_MAP = [{ type: 'value', options: { 0: { text: 'DOWN', color: 'red' }, 1: { text: 'LOADING', color: 'blue' }, 2: { text: 'DEGRADED', color: 'yellow' }, 3: { text: 'UP', color: 'green' } } }];
// One number per service: UP=3, DEGRADED=2, LOADING=1, DOWN=0 (the state gauge is 1 for the current state).
const stateExpr = sel => `max by (service) (sparkd_health_service_state{${sel}state="UP"} * 3 + ignoring(state) sparkd_health_service_state{${sel}state="DEGRADED"} * 2 + ignoring(state) sparkd_health_service_state{${sel}state="LOADING"})`;
const stateTimeline = (title, pos, sel) => panel('state-timeline', title, pos, [[stateExpr(sel), '{{service}}']],
  { defaults: { mappings: STATE_MAP, color: { mode: 'thresholds' }, thresholds: { mode: 'absolute', steps: [{ color: 'red', value: null }, { color: 'blue', value: 1 }, { color: 'yellow', value: 2 }, { color: 'green', value: 3 }] } }, options: { showValue: 'auto', mergeValues: true } });

function variable(name, label, query, multi = true) {
  return { name, label, type: 'query', datasource: DS, query: { query, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 },
    definition: query, refresh: 2, includeAll: true, allValue: '.*', multi, current: { text: 'All', value: '$__all' }, sort: 1, hide: 0, regex: '', options: [] };
}
function dashboard(uid, title, description, vars, panels) {
  nextId = 1;
  const ps = panels();
  return {
    id: null, uid, title, description, tags: ['sparkd'], timezone: 'browser', editable: true, graphTooltip: 1,
    schemaVersion: 39, version: 1, refresh: '30s', time: { from: 'now-6h', to: 'now' },
    links: [{ type: 'dashboards', tags: ['sparkd'], asDropdown: true, title: 'sparkd', includeVars: true, keepTime: true }],
    annotations: { list: [{ builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true, hide: true, name: 'Annotations & Alerts', type: 'dashboard', iconColor: 'rgba(0, 211, 255, 1)' }] },
    templating: { list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1, regex: '', options: [] }, ...vars] },
    panels: ps,
  };
}
const S = 'service=~"$service", ', H = 'host=~"$host"';
const R = '$__rate_interval';

const fleet = dashboard('sparkd-fleet', 'sparkd / Fleet', 'Every model server and Spark the health-agent watches',
  [variable('service', 'Service', 'label_values(sparkd_health_service_state, service)'), variable('host', 'Host', 'label_values(sparkd_health_telemetry_success, host)')], () => [
  row('Services', 0),
  stat('Services answering', g(0, 1, 4, 4), [[`sum(sparkd_health_probe_success{${S.slice(0, -2)}})`]], 'none'),
  stat('Services DOWN', g(4, 1, 4, 4), [[`sum(sparkd_health_service_state{${S}state="DOWN"})`]], 'none', { defaults: { thresholds: steps(['green', null], ['red', 1]) } }),
  stat('Incidents opened (range)', g(8, 1, 4, 4), [[`sum(increase(sparkd_health_incidents_opened_total{${S.slice(0, -2)}}[$__range]))`]], 'none', { defaults: { thresholds: steps(['green', null], ['orange', 1]) } }),
  stateTimeline('Service state', g(12, 1, 12, 8), S),
  ts('Incidents opened (per hour)', g(0, 5, 12, 4), [[perHour(`sum by (service) (rate(sparkd_health_incidents_opened_total{${S.slice(0, -2)}}[${R}]))`), '{{service}}']]),
  ts('Probe time (last probe)', g(0, 9, 8, 7), [[`sparkd_health_probe_duration_seconds{${S.slice(0, -2)}}`, '{{service}}']], 's'),
  ts('Probe latency by kind (p50 / p95 / p99)', g(8, 9, 8, 7), quantiles('sparkd_health_probe_latency_seconds', S.slice(0, -2), 'kind'), 's',
    { description: 'Every probe\'s main request, from the probe-latency histogram; a rising p99 warns before a probe times out.' }),
  ts('Probes by outcome', g(16, 9, 8, 7), [[`sum by (service, outcome) (rate(sparkd_health_probes_total{${S.slice(0, -2)}}[${R}]))`, '{{service}} {{outcome}}']], 'ops'),
  row('Inference handshake', 16),
  ts('Handshake time to first token', g(0, 17, 8, 7), [[`sparkd_health_handshake_ttft_seconds{${S.slice(0, -2)}}`, '{{service}}']], 's'),
  ts('Handshake tokens per second', g(8, 17, 8, 7), [[`sparkd_health_handshake_tokens_per_second{${S.slice(0, -2)}}`, '{{service}}']], 'short'),
  ts('Handshakes by outcome (per hour)', g(16, 17, 8, 7), [[perHour(`sum by (service, outcome) (rate(sparkd_health_handshakes_total{${S.slice(0, -2)}}[${R}]))`), '{{service}} {{outcome}}']], 'none'),
  ts('Queue depth / running requests', g(0, 24, 12, 7), [[`sparkd_health_queue_depth{${S.slice(0, -2)}}`, '{{service}} waiting'], [`sparkd_health_requests_running{${S.slice(0, -2)}}`, '{{service}} running']], 'none'),
  ts('vLLM KV-cache use', g(12, 24, 12, 7), [[`sparkd_health_kv_cache_usage_ratio{${S.slice(0, -2)}}`, '{{service}}']], 'percentunit'),
  row('GPU and host', 31),
  ts('GPU utilisation', g(0, 32, 8, 7), [[`sparkd_health_gpu_utilization_ratio{${H}}`, '{{host}}']], 'percentunit'),
  ts('GPU temperature', g(8, 32, 8, 7), [[`sparkd_health_gpu_temperature_celsius{${H}}`, '{{host}}']], 'celsius'),
  ts('GPU power', g(16, 32, 8, 7), [[`sparkd_health_gpu_power_watts{${H}}`, '{{host}}']], 'watt'),
  ts('Memory used (unified on GB10: GPU + host)', g(0, 39, 12, 7), [[`sparkd_health_host_memory_used_bytes{${H}} / sparkd_health_host_memory_total_bytes{${H}}`, '{{host}}']], 'percentunit',
    { description: 'MemTotal - MemAvailable over MemTotal. On a GB10 (sparkd_health_gpu_unified_memory = 1) the GPU allocates from this pool; nvidia-smi reports no GPU memory there.' }),
  ts('GPU process memory', g(12, 39, 12, 7), [[`sparkd_health_gpu_process_memory_bytes{${H}}`, '{{host}}'], [`sparkd_health_host_memory_available_bytes{${H}}`, '{{host}} available']], 'bytes'),
  ts('Models directory free space', g(0, 46, 12, 7), [[`sparkd_health_disk_free_bytes{${H}} / sparkd_health_disk_size_bytes{${H}}`, '{{host}} {{path}}']], 'percentunit'),
  stat('SSH telemetry', g(12, 46, 12, 7), [[`sparkd_health_telemetry_success{${H}}`, '{{host}}']], 'none', { defaults: { thresholds: steps(['red', null], ['green', 1]), mappings: [{ type: 'value', options: { 0: { text: 'failing', color: 'red' }, 1: { text: 'ok', color: 'green' } } }] } }),
]);

const models = dashboard('sparkd-models', 'sparkd / Models', 'model-manager: drift, operations, pulls, vLLM swaps',
  [variable('service', 'Service', 'label_values(sparkd_models_drift, service)'), variable('host', 'Host', 'label_values(sparkd_models_disk_free_bytes, host)')], () => [
  stat('Drift (changes pending)', g(0, 0, 8, 5), [[`sparkd_models_drift{${S.slice(0, -2)}}`, '{{service}}']], 'none', { defaults: { thresholds: steps(['green', null], ['orange', 1]) } }),
  panel('table', 'Active vLLM model', g(8, 0, 8, 5), [[`sparkd_models_vllm_active{${S.slice(0, -2)}} == 1`, '{{service}}: {{model}}', { format: 'table', instant: true }]], { defaults: {} }),
  stat('Models disk free', g(16, 0, 8, 5), [[`sparkd_models_disk_free_bytes{${H}}`, '{{host}} free']], 'bytes',
    { defaults: { thresholds: steps(['red', null], ['orange', 50 * 2 ** 30], ['green', 100 * 2 ** 30]) }, description: 'Red under 50 GiB (the default min_free_disk, below which pulls are refused), orange under 100 GiB.' }),
  ts('Drift over time', g(0, 5, 12, 7), [[`sparkd_models_drift{${S.slice(0, -2)}}`, '{{service}}']], 'none'),
  ts('Operations by kind and outcome (per hour)', g(12, 5, 12, 7), [[perHour(`sum by (kind, outcome) (rate(sparkd_models_operations_total[${R}]))`), '{{kind}} {{outcome}}']], 'none'),
  ts('Pulls by outcome (per hour)', g(0, 12, 12, 7), [[perHour(`sum by (service, outcome) (rate(sparkd_models_pulls_total{${S.slice(0, -2)}}[${R}]))`), '{{service}} {{outcome}}']], 'none'),
  ts('Pull throughput', g(12, 12, 12, 7), [[`sum by (service) (rate(sparkd_models_pull_bytes_total{${S.slice(0, -2)}}[${R}]))`, '{{service}}']], 'Bps'),
  ts('Swaps by outcome (per hour)', g(0, 19, 8, 7), [[perHour(`sum by (service, outcome) (rate(sparkd_models_swap_duration_seconds_count{${S.slice(0, -2)}}[${R}]))`), '{{service}} {{outcome}}']], 'none'),
  ts('Swap duration (mean / longest)', g(8, 19, 8, 7), [
    [`sum by (service) (rate(sparkd_models_swap_duration_seconds_sum{${S.slice(0, -2)}}[${R}])) / sum by (service) (rate(sparkd_models_swap_duration_seconds_count{${S.slice(0, -2)}}[${R}]))`, '{{service}} mean'],
    [`max by (service) (sparkd_models_swap_duration_seconds_max{${S.slice(0, -2)}})`, '{{service}} longest (recent)']], 's'),
  ts('Disk warning (>= 80 % used)', g(16, 19, 8, 7), [[`sparkd_models_disk_warning{${H}}`, '{{host}}']], 'none'),
]);

const RT = 'route=~"$route"';
const router = dashboard('sparkd-router', 'sparkd / Router', 'router: requests, errors, latency and TTFT, overhead, tokens, cost and budget, fallbacks, targets',
  [variable('route', 'Route', 'label_values(sparkd_router_requests_total, route)'),
   variable('service', 'Target', 'label_values(sparkd_health_service_state, service)')], () => [
  stat('Router daemon scraped', g(0, 0, 6, 5), [['up{job="sparkd", daemon="router"}', '{{instance}}']], 'none', { defaults: { thresholds: steps(['red', null], ['green', 1]), mappings: [{ type: 'value', options: { 0: { text: 'down', color: 'red' }, 1: { text: 'up', color: 'green' } } }] } }),
  stat('Budget used (of limit)', g(6, 0, 6, 5), [['max by (provider, period) (sparkd_router_budget_spent_usd) / max by (provider, period) (sparkd_router_budget_limit_usd)', '{{provider}} {{period}}']], 'percentunit',
    { defaults: { min: 0, max: 1, thresholds: steps(['green', null], ['orange', 0.75], ['red', 0.9]) }, description: 'Spent over the configured limit per period; red from 90 %, where SparkdBudgetNearlySpent fires.' }),
  stat('Ledger entries waiting', g(12, 0, 6, 5), [['sparkd_router_ledger_pending', 'pending']], 'none', { defaults: { thresholds: steps(['green', null], ['orange', 1000], ['red', 10000]) } }),
  stat('Router overhead (p50)', g(18, 0, 6, 5), [['histogram_quantile(0.5, sum by (le) (rate(sparkd_router_overhead_seconds_bucket[$__range])))', 'overhead p50']], 's',
    { defaults: { thresholds: steps(['green', null], ['orange', 0.001], ['red', 0.005]) }, description: 'Median time the router itself adds to a non-streaming first attempt, over the dashboard range.' }),
  ts('Requests by outcome', g(0, 5, 12, 7), [[`sum by (route, outcome) (rate(sparkd_router_requests_total{${RT}}[${R}]))`, '{{route}} {{outcome}}']], 'reqps'),
  ts('Error ratio (as SparkdRouterErrorRate)', g(12, 5, 12, 7), [[`(sum by (route) (rate(sparkd_router_requests_total{${RT}, outcome=~"upstream_error|stream_error|no_backend"}[${R}])) or 0 * sum by (route) (rate(sparkd_router_requests_total{${RT}}[${R}]))) / sum by (route) (rate(sparkd_router_requests_total{${RT}}[${R}]))`, '{{route}}']], 'percentunit',
    { defaults: { min: 0, max: 1, custom: { thresholdsStyle: { mode: 'line' } }, thresholds: steps(['green', null], ['red', 0.05]) }, description: 'Upstream errors, stream errors and no-backend answers over all requests — the ratio the alert uses (it fires above 5 % with at least 20 requests in 10 minutes).' }),
  ts('Request duration (p50 / p95 / p99)', g(0, 12, 12, 7), quantiles('sparkd_router_request_duration_seconds', RT, 'route'), 's'),
  ts('Time to first token (p50 / p95 / p99)', g(12, 12, 12, 7), quantiles('sparkd_router_ttft_seconds', RT, 'route'), 's'),
  heatmap('Time to first token (heatmap)', g(0, 41, 12, 8), 'sparkd_router_ttft_seconds', RT,
    'Streamed requests per first-token bucket: a band that moves up is a backend getting slower (or a model loading).'),
  ts('Time per output token by backend (p50 / p95)', g(12, 41, 12, 8), ['0.5', '0.95'].map(q => [
    `histogram_quantile(${q}, sum by (le, target) (rate(sparkd_router_time_per_output_token_seconds_bucket{${RT}}[${R}])))`, `{{target}} p${q.slice(2).padEnd(2, '0')}`]), 's'),
  ts('Requests by backend', g(0, 49, 12, 7), [[`sum by (target, outcome) (rate(sparkd_router_requests_total{${RT}}[${R}]))`, '{{target}} {{outcome}}']], 'reqps'),
  ts('Request duration by backend (p95)', g(12, 49, 12, 7), [[`histogram_quantile(0.95, sum by (le, target) (rate(sparkd_router_request_duration_seconds_bucket{${RT}}[${R}])))`, '{{target}} p95']], 's'),
  ts('Tokens per hour by provider', g(0, 19, 12, 7), [[perHour('sum by (provider, direction) (rate(sparkd_router_tokens_total[' + R + ']))'), '{{provider}} {{direction}}']], 'none'),
  ts('Cost per hour (USD)', g(12, 19, 12, 7), [[perHour('sum by (provider) (rate(sparkd_router_cost_usd_total[' + R + ']))'), '{{provider}}']], 'currencyUSD'),
  ts('Fallbacks (per hour)', g(0, 26, 12, 7), [[perHour(`sum by (route, from, to, reason) (rate(sparkd_router_fallbacks_total{${RT}}[${R}]))`), '{{route}}: {{from}} → {{to}} ({{reason}})']], 'none'),
  ts('Targets: reachable, breaker, in flight', g(12, 26, 12, 7), [
    ['sparkd_router_target_up', '{{target}} up'],
    ['sparkd_router_target_state', '{{target}} breaker (0 closed, 2 open)'],
    ['sparkd_router_target_in_flight', '{{target}} in flight']], 'none'),
  stateTimeline('Target state (health-agent)', g(0, 33, 24, 8), S),
]);

const SV = 'server=~"$server"';
// One number per upstream, like the service state above: failed=0 (red), stopped=1, restarting=2, starting=3, ready=4.
const MCP_STATE_MAP = [{ type: 'value', options: { 0: { text: 'failed', color: 'red' }, 1: { text: 'stopped', color: 'text' }, 2: { text: 'restarting', color: 'orange' }, 3: { text: 'starting', color: 'blue' }, 4: { text: 'ready', color: 'green' } } }];
const mcpStateExpr = sel => `max by (server) (sparkd_mcp_upstream_state{${sel}, state="ready"} * 4 + ignoring(state) sparkd_mcp_upstream_state{${sel}, state="starting"} * 3 + ignoring(state) sparkd_mcp_upstream_state{${sel}, state="restarting"} * 2 + ignoring(state) sparkd_mcp_upstream_state{${sel}, state="stopped"})`;
const mcp = dashboard('sparkd-mcp', 'sparkd / MCP', 'mcp-gateway: tool calls, errors, latency, upstream MCP servers',
  [variable('server', 'MCP server', 'label_values(sparkd_mcp_upstream_state, server)')], () => [
  stat('Open sessions', g(0, 0, 6, 5), [['sparkd_mcp_sessions', 'sessions']], 'none'),
  stat('Tools offered', g(6, 0, 6, 5), [[`sum(sparkd_mcp_upstream_tools{${SV}})`]], 'none'),
  panel('state-timeline', 'Upstream state', g(12, 0, 12, 8), [[mcpStateExpr(SV), '{{server}}']], { defaults: { mappings: MCP_STATE_MAP, color: { mode: 'thresholds' }, thresholds: steps(['red', null], ['text', 1], ['orange', 2], ['blue', 3], ['green', 4]) }, options: { showValue: 'auto', mergeValues: true } }),
  ts('Tool calls by outcome', g(0, 8, 12, 7), [[`sum by (server, outcome) (rate(sparkd_mcp_tool_calls_total{${SV}}[${R}]))`, '{{server}} {{outcome}}']], 'ops'),
  ts('Failed tool calls', g(12, 8, 12, 7), [[`sum by (server, outcome) (rate(sparkd_mcp_tool_calls_total{${SV}, outcome!="ok"}[${R}]))`, '{{server}} {{outcome}}']], 'ops'),
  ts('Tool call latency (p50 / p95 / p99)', g(0, 15, 12, 7), ['0.5', '0.95', '0.99'].map(q => [
    `histogram_quantile(${q}, sum by (le, server) (rate(sparkd_mcp_tool_call_duration_seconds_bucket{${SV}}[${R}])))`, `{{server}} p${q.slice(2).padEnd(2, '0')}`]), 's'),
  ts('Longest call (recent window)', g(12, 15, 12, 7), [[`max by (server) (sparkd_mcp_tool_call_duration_seconds_max{${SV}})`, '{{server}}']], 's'),
  ts('Calls by tool (per hour)', g(0, 22, 12, 7), [[perHour(`sum by (server, tool) (rate(sparkd_mcp_tool_calls_total{${SV}}[${R}]))`), '{{server}}/{{tool}}']], 'none'),
  ts('Upstream restarts (per hour)', g(12, 22, 12, 7), [[perHour(`sum by (server) (rate(sparkd_mcp_upstream_restarts_total{${SV}}[${R}]))`), '{{server}}']], 'none'),
]);

const out = path.join(__dirname, 'grafana');
for (const [f, d] of [['fleet.json', fleet], ['models.json', models], ['router.json', router], ['mcp.json', mcp]])
  fs.writeFileSync(path.join(out, f), JSON.stringify(d, null, 2) + '\n');
