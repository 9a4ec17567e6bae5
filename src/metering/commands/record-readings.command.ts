// Recording a JSON batch of readings (objects and series): every reading checked against
// the registry, then the recorder appends what is new or corrected, all or nothing.
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DateTime } from 'luxon';
import type { FieldError } from '../../shared/domain-error.js';
import { normalisePpeCode } from '../../shared/ppe-code.js';
import { QUALITY_CODES } from '../domain/meter-stream.js';
import { type ReadingError, ReadingsBatch } from '../domain/readings-batch.js';
import type { ReadingsBatchDto } from '../http/metering.dto.js';
import { MeteringRegistry } from '../queries/metering-registry.js';
import { type ImportReport, MeteringRecorder } from './readings-recorder.js';

/** A batch as parseReadingsBatch checked it; `now`: the time the checks take as the present. */
export class RecordReadings extends Command<ImportReport> {
  constructor(
    readonly clusterId: string,
    readonly body: ReadingsBatchDto,
    readonly now = new Date(),
  ) {
    super();
  }
}

@CommandHandler(RecordReadings)
export class RecordReadingsHandler implements ICommandHandler<RecordReadings> {
  constructor(
    @Inject(MeteringRegistry) private readonly registry: MeteringRegistry,
    @Inject(MeteringRecorder) private readonly recorder: MeteringRecorder,
  ) {}

  async execute({ clusterId, body, now }: RecordReadings): Promise<ImportReport> {
    const batch = new ReadingsBatch(await this.registry.of(clusterId), now.getTime(), 'entry');
    // A batch repeats a few PPE codes and instants many times: each is read once.
    const codes = new Map<string, string>();
    const code = (raw: string) => {
      let ppeCode = codes.get(raw);
      if (ppeCode === undefined) codes.set(raw, (ppeCode = normalisePpeCode(raw)));
      return ppeCode;
    };
    const instants = new Map<string, number>();
    const readings = body.readings ?? [];
    readings.forEach((r, i) => {
      let startMs = instants.get(r.intervalStart);
      if (startMs === undefined) instants.set(r.intervalStart, (startMs = Date.parse(r.intervalStart)));
      batch.add(i + 1, code(r.ppeCode), startMs, r.intervalMinutes, r.importWh, r.exportWh, QUALITY_CODES[r.quality ?? 'measured']);
    });
    // A series' values are numbered on after the readings: entry n is value n - first of its series.
    const series = body.series ?? [];
    const firsts: number[] = [];
    let entry = readings.length;
    for (const s of series) {
      firsts.push(entry + 1);
      const ppeCode = code(s.ppeCode);
      const startMs = Date.parse(s.intervalStart);
      const quality = QUALITY_CODES[s.quality ?? 'measured'];
      // quarter-hours and hours follow each other in absolute time (an autumn day has 100
      // quarter-hours); days follow the Warsaw calendar (a 23- or 25-hour day is one day)
      const startOf =
        s.intervalMinutes === 1440 ? (j: number) => DateTime.fromMillis(startMs, { zone: 'Europe/Warsaw' }).plus({ days: j }).toMillis() : (j: number) => startMs + j * s.intervalMinutes * 60_000;
      // a series gives as many export values as import values (parseReadingsBatch checks it)
      s.importWh.forEach((importWh, j) => {
        batch.add(++entry, ppeCode, startOf(j), s.intervalMinutes, importWh, s.exportWh[j] ?? Number.NaN, quality);
      });
    }
    const describe = (error: ReadingError): FieldError => {
      if (error.line <= readings.length) return { field: `readings[${String(error.line - 1)}].${error.field}`, reason: error.reason };
      let i = firsts.length - 1;
      while ((firsts[i] ?? 0) > error.line) i--;
      // an interval's fault is its value's; the PPE's, the series'
      const values = error.field === 'exportWh' ? 'exportWh' : 'importWh';
      return { field: error.field === 'ppeCode' ? `series[${String(i)}].ppeCode` : `series[${String(i)}].${values}[${String(error.line - (firsts[i] ?? 0))}]`, reason: error.reason };
    };
    await this.recorder.splitHours(clusterId, batch, 'even');
    return this.recorder.record(clusterId, batch, { source: body.source, fileSha256: null, describe, linesRead: entry, what: 'The batch', hourlySplit: 'even' });
  }
}
