// An open-loop load generator in its own process: requests sent at a steady rate (one every
// 1/rate s, whatever the answers), each one's latency counted from when it was due, not
// from when it went out (no coordinated omission: a stalled service cannot slow the
// arrivals and hide its own queue). autocannon's rate, beside it, is a quota a second that
// each connection sends back to back when the second starts: bursts, not a steady rate.
// argv = a JSON { url, token, paths, rate, seconds }; prints one JSON line.
import { Agent, request } from 'node:http';
import * as hdr from 'hdr-histogram-js';

const { url, token, paths, rate, seconds } = JSON.parse(process.argv[2] ?? '{}') as { url: string; token: string; paths: string[]; rate: number; seconds: number };
const target = new URL(url);
// fifo: every socket stays in use at this rate; lifo (the default) leaves some idle past the
// server's keep-alive timeout (5 s), and reusing one just as the server closes it is a reset
const agent = new Agent({ keepAlive: true, maxSockets: 64, scheduling: 'fifo' });
const latencyUs = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
const total = Math.round(rate * seconds);
let errors = 0;
let timeouts = 0;
let non2xx = 0;
let done = 0;

function send(index: number, dueMs: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ agent, host: target.hostname, port: target.port, path: paths[index % paths.length] ?? '/', headers: { authorization: `Bearer ${token}` }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => {
        if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx++;
        latencyUs.recordValue(Math.max(1, Math.round((performance.now() - dueMs) * 1000)));
        resolve();
      });
    });
    let timedOut = false;
    req.on('error', () => {
      if (timedOut) timeouts++;
      else errors++;
      resolve();
    });
    req.on('timeout', () => {
      timedOut = true;
      req.destroy(new Error('timeout'));
    });
    req.end();
  });
}

const start = performance.now() + 100;
const inFlight: Promise<void>[] = [];
// bounded: total requests, each sent once when due (a late timer sends every request already due)
for (let next = 0; next < total;) {
  const now = performance.now();
  while (next < total && start + (next * 1000) / rate <= now) {
    inFlight.push(
      send(next, start + (next * 1000) / rate).then(() => {
        done++;
      }),
    );
    next++;
  }
  if (next < total) await new Promise((r) => setTimeout(r, Math.max(0, start + (next * 1000) / rate - performance.now())));
}
await Promise.all(inFlight);
agent.destroy();
const ms = (us: number) => Math.round(us / 100) / 10;
console.log(
  JSON.stringify({
    requests: done,
    p50Ms: ms(latencyUs.getValueAtPercentile(50)),
    p99Ms: ms(latencyUs.getValueAtPercentile(99)),
    maxMs: ms(latencyUs.maxValue),
    errors,
    timeouts,
    non2xx,
    rps: Math.round(done / seconds),
  }),
);
