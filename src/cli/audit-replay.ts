// npm run audit:replay -- --cluster ID --month YYYY-MM: the month from the events alone,
// compared with the live projection (and the closed statement); exit 1 on any difference.
import { parseArgs } from 'node:util';
import { AuditService } from '../audit/queries/audit.service.js';
import { fail, withService } from './cli-service.js';

const { values } = parseArgs({ options: { cluster: { type: 'string' }, month: { type: 'string' } } });
if (!values.cluster || !values.month) fail('usage: npm run audit:replay -- --cluster ID --month YYYY-MM');
const { cluster, month } = values;
const result = await withService((service) => service.app.get(AuditService).replay(cluster, month));
console.log(JSON.stringify(result, null, 2));
process.exit(result.identical ? 0 : 1);
