// npm run audit:verify [-- --cluster ID]: recomputes every hash chain; exit 1 on a broken link.
import { parseArgs } from 'node:util';
import { AuditService } from '../audit/audit.service.js';
import { withService } from './cli-service.js';

const { values } = parseArgs({ options: { cluster: { type: 'string' } } });
const result = await withService((service) => service.app.get(AuditService).verify(values.cluster));
console.log(JSON.stringify(result, null, 2));
process.exit(result.intact ? 0 : 1);
