// Limits of metering values, the same on every path (JSON batches and every file format):
// one maximum for the whole service, in src/shared/limits.ts (why 250 MWh: see there).
export { MAX_WH_PER_VALUE } from '../../shared/limits.js';
