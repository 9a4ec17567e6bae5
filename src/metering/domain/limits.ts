// Limits of metering values, the same on every path (JSON batches and every file format):
// one maximum for the whole service, in src/common/limits.ts (why 250 MWh: see there).
export { MAX_WH_PER_VALUE } from '../../common/limits.js';
