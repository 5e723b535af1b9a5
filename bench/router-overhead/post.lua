-- wrk: POST a small chat completion; prints one machine-readable line at the end.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
local stream = os.getenv("BENCH_STREAM") == "1"
local model = os.getenv("BENCH_MODEL") or "bench-model"
wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"What is 2+2? Reply with just the number."}]' ..
    (stream and ',"stream":true' or '') .. ',"max_tokens":16,"top_k":20}'
for k, v in string.gmatch(os.getenv("BENCH_HEADERS") or "", "([^|]+)=([^|]+)") do
  wrk.headers[k] = v
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT p50_us=%d p99_us=%d rps=%.0f errors=%d requests=%d\n",
      latency:percentile(50), latency:percentile(99), summary.requests / (summary.duration / 1e6), errors, summary.requests))
end
