// The load generator of the metering benchmark, in its own process as a real client is:
// posts the request bodies (files written beforehand), a few at a time, and exits non-zero
// on the first answer that is not 200. Arguments: base URLs (comma-separated: requests go
// round them in turn), token, concurrency, files...
import { readFile } from 'node:fs/promises';

const [bases, token, concurrency, ...files] = process.argv.slice(2);
const services = bases.split(',');
let next = 0;
await Promise.all(Array.from({ length: Number(concurrency) }, async () => {
  while (next < files.length) {
    const n = next++;
    const body = await readFile(files[n]);
    const res = await fetch(`${services[n % services.length]}/clusters/bench/readings`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    if (res.status !== 200) {
      console.error(`ingest failed: ${res.status} ${await res.text()}`);
      process.exit(1);
    }
  }
}));
