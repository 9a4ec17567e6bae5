// The JSON readings batch. The classes describe it for OpenAPI; the body itself is checked
// by a compiled JSON Schema (ajv): a batch holds up to 200,000 readings, and per-object
// decorator validation cost more than everything else in recording them.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Ajv, type ErrorObject } from 'ajv';
import type { FieldError } from '../../shared/domain-error.js';
import { ProblemException } from '../../common/problem.js';
import { INSTANT_ACCEPTED, parseInstant } from '../../shared/instant.js';
import { MAX_WH_PER_VALUE } from '../../shared/limits.js';

/** One maximum on every path: src/shared/limits.ts. */
const MAX_WH = MAX_WH_PER_VALUE;
export const MAX_READINGS_PER_BATCH = 200_000;
/** Values in one batch, objects and series together. */
export const MAX_VALUES_PER_BATCH = 1_000_000;
const QUALITIES = ['measured', 'estimated', 'substituted'] as const;
const INTERVAL_MINUTES = [15, 60, 1440];
/** A heat meter may report a whole month: its length in minutes (28 days to 31 days and an hour). */
const MONTH_MINUTES = { minimum: 28 * 1440, maximum: 31 * 1440 + 60 };
/** An instant with an explicit offset: a local time without one is ambiguous on DST days. */
export const INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export class ReadingDto {
  @ApiProperty({ example: 'PL0037580000000001' }) ppeCode!: string;
  @ApiProperty({ example: '2026-05-01T00:00:00+02:00', description: 'ISO 8601 instant with an offset' }) intervalStart!: string;
  @ApiProperty({ description: '15 or 60; heat also 1440 or a whole Warsaw month in minutes (e.g. 44640 for May)', example: 15 }) intervalMinutes!: number;
  @ApiProperty({ description: 'energy drawn from the grid (pobór), Wh', minimum: 0, maximum: MAX_WH }) importWh!: number;
  @ApiProperty({ description: 'energy fed into the grid (oddanie), Wh', minimum: 0, maximum: MAX_WH }) exportWh!: number;
  @ApiPropertyOptional({ enum: QUALITIES, default: 'measured' }) quality?: (typeof QUALITIES)[number];
}

/**
 * Consecutive intervals of one PPE: value j covers intervalStart + j × intervalMinutes
 * (quarter-hours and hours in absolute time; days, for heat, day after Warsaw day).
 */
export class SeriesDto {
  @ApiProperty({ example: 'PL0037580000000001' }) ppeCode!: string;
  @ApiProperty({ example: '2026-05-01T00:00:00+02:00', description: 'ISO 8601 instant with an offset: the start of the first value' }) intervalStart!: string;
  @ApiProperty({ enum: INTERVAL_MINUTES }) intervalMinutes!: number;
  @ApiProperty({ type: [Number], description: 'energy drawn from the grid (pobór), Wh, one per interval' }) importWh!: number[];
  @ApiProperty({ type: [Number], description: 'energy fed into the grid (oddanie), Wh, as many as importWh' }) exportWh!: number[];
  @ApiPropertyOptional({ enum: QUALITIES, default: 'measured', description: 'of every value of the series' }) quality?: (typeof QUALITIES)[number];
}

export class ReadingsBatchDto {
  @ApiProperty({ example: 'osd-api', minLength: 1, maxLength: 200 }) source!: string;
  @ApiPropertyOptional({ type: [ReadingDto], maxItems: MAX_READINGS_PER_BATCH, description: 'one object per interval' }) readings?: ReadingDto[];
  @ApiPropertyOptional({ type: [SeriesDto], description: 'or profiles: consecutive intervals of a PPE as arrays (the compact form: about a tenth of the bytes)' }) series?: SeriesDto[];
}

const whValue = { type: 'integer', minimum: 0, maximum: MAX_WH };
/** A reading object and a series share their shape; they differ in what intervalMinutes and the values may be. */
const entry = (intervalMinutes: object, wh: object) => ({
  type: 'object',
  required: ['ppeCode', 'intervalStart', 'intervalMinutes', 'importWh', 'exportWh'],
  additionalProperties: false,
  properties: {
    ppeCode: { type: 'string', minLength: 1, maxLength: 64 },
    intervalStart: { type: 'string', format: 'instant' },
    intervalMinutes,
    importWh: wh,
    exportWh: wh,
    quality: { enum: QUALITIES },
  },
});
const schema = {
  type: 'object',
  required: ['source'],
  additionalProperties: false,
  properties: {
    source: { type: 'string', minLength: 1, maxLength: 200 },
    readings: {
      type: 'array',
      maxItems: MAX_READINGS_PER_BATCH,
      items: entry({ anyOf: [{ enum: INTERVAL_MINUTES }, { type: 'integer', ...MONTH_MINUTES }] }, whValue),
    },
    // a heat month's length varies: a series of months is not consecutive by fixed minutes
    series: {
      type: 'array',
      maxItems: MAX_READINGS_PER_BATCH,
      items: entry({ enum: INTERVAL_MINUTES }, { type: 'array', minItems: 1, maxItems: MAX_VALUES_PER_BATCH, items: whValue }),
    },
  },
};

// instants on the calendar (src/shared/instant.ts): a pattern alone let 2026-02-30 roll into March
const ajv = new Ajv({ allErrors: true, verbose: true });
ajv.addFormat('instant', { type: 'string', validate: (text: string) => typeof parseInstant(text) === 'number' });
const validate = ajv.compile<ReadingsBatchDto>(schema);

/** ajv's "/readings/3/importWh" as "readings[3].importWh", with the reason in words. */
function fieldError(error: ErrorObject): FieldError {
  let field = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
  const join = (name: string) => (field ? `${field}.${name}` : name);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      field = join(String(params.missingProperty));
      return { field, reason: 'is required' };
    case 'additionalProperty':
    case 'additionalProperties':
      return { field: join(String(params.additionalProperty)), reason: 'is not a field of this request' };
    case 'enum':
      return { field, reason: `must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'format': {
      const reason = typeof error.data === 'string' ? parseInstant(error.data) : undefined;
      return { field, reason: typeof reason === 'string' ? reason : `must be ${INSTANT_ACCEPTED}` };
    }
    case 'maximum':
    case 'minimum':
      return { field, reason: `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}` };
    default:
      return { field: field || 'body', reason: error.message ?? 'is not valid' };
  }
}

/** What the schema cannot say: something to record, series of equal lengths, a bounded total. */
function batchErrors(batch: ReadingsBatchDto): FieldError[] {
  const errors: FieldError[] = [];
  let values = batch.readings?.length ?? 0;
  batch.series?.forEach((series, i) => {
    values += series.importWh.length;
    if (series.exportWh.length !== series.importWh.length)
      errors.push({ field: `series[${String(i)}].exportWh`, reason: `must hold as many values as importWh (${String(series.importWh.length)}), not ${String(series.exportWh.length)}` });
  });
  if (values === 0) errors.push({ field: 'readings', reason: 'the batch holds no readings: give readings, series, or both' });
  if (values > MAX_VALUES_PER_BATCH) errors.push({ field: 'series', reason: `a batch holds at most ${String(MAX_VALUES_PER_BATCH)} values, this one ${String(values)}` });
  return errors;
}

/** The body as a batch, or a 400 naming every bad field (the first 100). */
export function parseReadingsBatch(body: unknown): ReadingsBatchDto {
  const errors: FieldError[] = [];
  if (validate(body)) {
    errors.push(...batchErrors(body));
    if (errors.length === 0) return body;
  }
  for (const error of errors.length > 0 ? [] : (validate.errors ?? [])) {
    // anyOf reports each branch; the one line that matters says what intervalMinutes may be
    if (error.schemaPath.includes('/intervalMinutes/anyOf/')) continue;
    if (error.keyword === 'anyOf' && error.instancePath.endsWith('/intervalMinutes')) {
      errors.push({
        field: fieldError(error).field,
        reason: `must be one of ${INTERVAL_MINUTES.join(', ')}, or a whole month (${String(MONTH_MINUTES.minimum)} to ${String(MONTH_MINUTES.maximum)}) for heat`,
      });
      continue;
    }
    errors.push(fieldError(error));
  }
  throw ProblemException.validation(
    errors.slice(0, 100),
    `The batch was rejected: ${String(errors.length)} bad ${errors.length === 1 ? 'field' : 'fields'}${errors.length > 100 ? ' (first 100 listed)' : ''}; nothing was recorded`,
  );
}
