// A load generator in its own process (autocannon), so it never shares an event loop with
// the service it measures: argv = a JSON { url, token, paths, rate, seconds }; prints one JSON line.
import autocannon from 'autocannon';

const { url, token, paths, rate, seconds } = JSON.parse(process.argv[2] ?? '{}') as { url: string; token: string; paths: string[]; rate: number; seconds: number };
let next = 0;
const result = await autocannon({
  url,
  connections: 16,
  overallRate: rate,
  duration: seconds,
  headers: { authorization: `Bearer ${token}` },
  requests: [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] ?? '/' }) }],
});
console.log(
  JSON.stringify({
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    rps: result.requests.average,
  }),
);
