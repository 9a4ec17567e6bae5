// npm run projections:rebuild -- NAME [NAME...] | --all
// Empties each read model and applies the whole event log to it again.
import { ProjectionRunner } from '../projections/projection-runner.js';
import { fail, withService } from './cli-service.js';

const args = process.argv.slice(2);
if (args.length === 0) fail('usage: npm run projections:rebuild -- NAME [NAME...] | --all');

await withService(async (service) => {
  const runner = service.app.get(ProjectionRunner);
  const known = runner.list().map((p) => p.name);
  const names = args.includes('--all') ? known : args;
  for (const name of names) {
    if (!known.includes(name)) fail(`unknown projection "${name}"; known: ${known.join(', ')}`);
  }
  for (const name of names) {
    const started = Date.now();
    await runner.rebuild(name);
    console.log(`rebuilt ${name} in ${String(Date.now() - started)} ms`);
  }
});
