// The load generator of the metering benchmark, in its own process as a real client is:
// streams the request bodies (files written beforehand) with keep-alive connections, a few
// at a time, and exits non-zero on the first answer that is not 200. Arguments: base URLs
// (comma-separated: requests go round them in turn), token, concurrency, files...
import { createReadStream, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { pipeline } from 'node:stream/promises';

const [bases = '', token, concurrency, ...files] = process.argv.slice(2);
const services = bases.split(',').map((base) => new URL(base));
const agent = new Agent({ keepAlive: true });

function post(url: URL, file: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: '/clusters/bench/readings',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': statSync(file).size, authorization: `Bearer ${String(token)}` },
      },
      (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (chunk: string) => {
            body += chunk;
          })
          .on('end', () => {
            resolve({ status: res.statusCode ?? 0, body });
          });
      },
    );
    req.on('error', reject);
    pipeline(createReadStream(file), req).catch(reject);
  });
}

let next = 0;
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (next < files.length) {
      const n = next++;
      const service = services[n % services.length];
      const file = files[n];
      if (service === undefined || file === undefined) throw new Error('no service or file for request ' + String(n));
      const { status, body } = await post(service, file);
      if (status !== 200) {
        console.error(`ingest failed: ${String(status)} ${body}`);
        process.exit(1);
      }
    }
  }),
);
agent.destroy();
if (process.env.BENCH_CLIENT_CPU) {
  const usage = process.cpuUsage();
  console.error(`load generator CPU ${((usage.user + usage.system) / 1e6).toFixed(2)} s`);
}
