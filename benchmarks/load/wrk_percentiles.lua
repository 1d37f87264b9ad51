-- Print what the benchmark compares: p50/p95/p99 (ms) and requests/s.
done = function(summary, latency, requests)
  io.write(string.format("READY %f %f %f %f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
