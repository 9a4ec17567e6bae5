// Another process that owns an embedded PostgreSQL (the built manager), so a test can kill
// it without warning (SIGKILL) and see what the next start does with the postmaster left
// behind. Usage: node embedded-worker.mjs DATA_DIR PORT. Prints "ready PID"; SIGTERM stops cleanly.
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../../dist/src/database/embedded.js';

const server = await startEmbeddedPostgres({ dataDir: process.argv[2], port: Number(process.argv[3]), logger: pino({ level: 'silent' }) });
process.stdout.write(`ready ${server.pid()}\n`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
setInterval(() => undefined, 60_000);
