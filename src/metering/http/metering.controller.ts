import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiReadProblems, ApiWriteProblems } from '../../common/openapi.js';
import { CompletenessDto, ImportReportDto, PpeReadingsDto } from './metering.responses.js';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { PassThrough, pipeline, type Readable, Transform } from 'node:stream';
import busboy from 'busboy';
import { problem, ProblemException } from '../../common/problem.js';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import { type Principal, Roles } from '../../auth/roles.decorator.js';
import { MeteringService } from '../metering.service.js';
import { parseReadingsBatch, ReadingsBatchDto } from './metering.dto.js';
import { HOURLY_SPLIT_RULES, type HourlySplitRule } from '../domain/hourly-split.js';
import { ImportProfilesService } from '../queries/import-profiles.query.js';
import type { ImportProfile } from '../domain/files/profile.js';
import { isDomainError } from '../../shared/domain-error.js';

/** Files up to this size are accepted; the parse streams, so memory does not grow with it. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
const FORMATS = ['generic', 'tauron', 'enea'] as const;

@ApiTags('metering')
@ApiBearerAuth()
@Controller('clusters/:clusterId')
export class MeteringController {
  constructor(
    @Inject(MeteringService) private readonly metering: MeteringService,
    @Inject(ImportProfilesService) private readonly profiles: ImportProfilesService,
  ) {}

  @Post('readings')
  @HttpCode(200)
  @Roles('coordinator', 'meter-data')
  @ApiBody({ type: ReadingsBatchDto })
  @ApiOkResponse({ type: ImportReportDto, description: 'what the batch recorded' })
  @ApiWriteProblems()
  async recordJson(@Param('clusterId') clusterId: string, @Body() body: unknown) {
    return this.metering.recordJson(clusterId, parseReadingsBatch(body));
  }

  @Post('readings/files')
  @HttpCode(200)
  @Roles('coordinator', 'meter-data')
  @ApiConsumes('text/csv', 'application/octet-stream', 'multipart/form-data')
  @ApiOkResponse({ type: ImportReportDto, description: 'what the file recorded' })
  @ApiWriteProblems()
  @ApiBody({ description: 'the file (UTF-8 with or without BOM, or Windows-1250) as the request body, or as the one file part of a multipart form' })
  @ApiQuery({ name: 'format', description: `${FORMATS.join(', ')}, or profile:NAME for an import profile of the cluster or a built-in one` })
  @ApiQuery({ name: 'profile', required: false, description: 'an import profile by name (the same as format=profile:NAME)' })
  @ApiQuery({ name: 'ppeCode', required: false, description: 'required for tauron and enea files (one PPE per file)' })
  @ApiQuery({ name: 'balancing', required: false, enum: ['before', 'after'], description: 'DSO files: values before (default) or after hourly balancing' })
  @ApiQuery({ name: 'hourlySplit', required: false, enum: HOURLY_SPLIT_RULES, description: 'hours in a quarter-hour agreement: divided evenly (default) or by the cluster profile' })
  async recordFile(
    @Param('clusterId') clusterId: string,
    @Req() request: Request,
    @Query('format') format?: string,
    @Query('ppeCode') ppeCode?: string,
    @Query('balancing') balancing?: string,
    @Query('hourlySplit') hourlySplit?: string,
    @Query('profile') profileName?: string,
  ) {
    const errors = [];
    const named = profileName ?? (format?.startsWith('profile:') ? format.slice('profile:'.length) : undefined);
    let profile: ImportProfile | undefined;
    if (named !== undefined) {
      try {
        profile = await this.profiles.resolve(clusterId, named, profileName !== undefined ? 'profile' : 'format');
      } catch (error) {
        if (!isDomainError(error) || error.code !== 'validation') {
          request.resume();
          throw error;
        }
        errors.push(...error.errors);
      }
      if (profile && profile.ppeColumn === undefined && !ppeCode) errors.push({ field: 'ppeCode', reason: `is required: profile ${profile.name} reads one PPE a file` });
    } else if (!format || !(FORMATS as readonly string[]).includes(format)) {
      errors.push({ field: 'format', reason: `must be one of ${FORMATS.join(', ')}, or profile:NAME (an import profile)` });
    }
    if ((format === 'tauron' || format === 'enea') && !ppeCode) errors.push({ field: 'ppeCode', reason: `is required for ${format} files (one PPE per file)` });
    if (balancing !== undefined && balancing !== 'before' && balancing !== 'after') errors.push({ field: 'balancing', reason: 'must be before or after' });
    if (hourlySplit !== undefined && !(HOURLY_SPLIT_RULES as readonly string[]).includes(hourlySplit)) errors.push({ field: 'hourlySplit', reason: `must be one of ${HOURLY_SPLIT_RULES.join(', ')}` });
    const type = request.headers['content-type'] ?? '';
    const multipart = /^multipart\/form-data/i.test(type);
    if (!multipart && !/^(text\/csv|text\/plain|application\/octet-stream)/.test(type)) {
      errors.push({ field: 'content-type', reason: 'send the file as text/csv, application/octet-stream or one part of multipart/form-data' });
    }
    if (errors.length > 0) {
      request.resume();
      throw ProblemException.validation(errors);
    }
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_FILE_BYTES) {
      request.resume();
      throw new ProblemException(problem(413, `The file is larger than ${String(MAX_FILE_BYTES / 1024 / 1024)} MB`));
    }
    // Count and hash the bytes as they stream into the parser.
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > MAX_FILE_BYTES) return callback(new ProblemException(problem(413, `The file is larger than ${String(MAX_FILE_BYTES / 1024 / 1024)} MB`)));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    const file = multipart ? await filePart(request) : request;
    // pipeline, not pipe: an error of the body (a client gone, a form cut short) reaches the parser
    pipeline(file, meter, () => undefined);
    return this.metering.recordFile(clusterId, meter, {
      format: profile ? 'profile' : (format as (typeof FORMATS)[number]),
      profile,
      ppeCode,
      balancing: (balancing as 'before' | 'after' | undefined) ?? 'before',
      hourlySplit: hourlySplit as HourlySplitRule | undefined,
      digest: () => hash.digest('hex'),
    });
  }

  @Get('metering-points/:ppeCode/readings')
  @Roles('coordinator', 'auditor', 'member', 'admin')
  @ApiOkResponse({ type: PpeReadingsDto })
  @ApiReadProblems()
  @ApiQuery({ name: 'from', description: 'ISO 8601 instant with an offset' })
  @ApiQuery({ name: 'to', description: 'ISO 8601 instant with an offset (exclusive)' })
  async readings(@Param('clusterId') clusterId: string, @Param('ppeCode') ppeCode: string, @CurrentPrincipal() principal: Principal, @Query('from') from?: string, @Query('to') to?: string) {
    return this.metering.readings(clusterId, ppeCode, from, to, principal);
  }

  @Get('completeness')
  @Roles('coordinator', 'auditor', 'admin')
  @ApiOkResponse({ type: CompletenessDto })
  @ApiReadProblems()
  @ApiQuery({ name: 'month', example: '2026-05' })
  async completeness(@Param('clusterId') clusterId: string, @Query('month') month?: string) {
    return this.metering.completeness(clusterId, month);
  }
}

/**
 * The one file part of a multipart upload, as a stream (busboy: nothing is buffered).
 * Other fields are ignored; a second file, or none, is a 400. The stream ends only when
 * the whole form has been read and closed properly: a form that ends early, or a second
 * file part after the first, fails the stream (400) instead of passing a partial file.
 */
function filePart(request: Request): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const refuse = (reason: string) => ProblemException.validation([{ field: 'file', reason }]);
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { files: 1, fields: 20, fileSize: MAX_FILE_BYTES + 1 } });
    } catch (error) {
      request.resume();
      return reject(ProblemException.validation([{ field: 'content-type', reason: (error as Error).message }]));
    }
    const out = new PassThrough();
    out.on('error', () => undefined); // the reader sees it; no listener left means no crash
    let found = false;
    let failure: ProblemException | undefined;
    const fail = (error: ProblemException) => {
      failure ??= error;
      if (found) out.destroy(failure);
      else reject(failure);
      request.unpipe(parser);
      request.resume();
    };
    parser.on('file', (_name, stream) => {
      if (found) return stream.resume();
      found = true;
      stream.on('error', (error) => fail(refuse(`the multipart body could not be read: ${(error as Error).message}`)));
      stream.pipe(out, { end: false });
      resolve(out);
    });
    parser.on('filesLimit', () => fail(refuse('send one file per request')));
    parser.on('error', (error) => fail(refuse(`the multipart body could not be read: ${(error as Error).message}`)));
    parser.on('close', () => {
      if (failure) return;
      if (!found) reject(refuse('the multipart body holds no file part'));
      else out.end();
    });
    request.on('error', (error) => fail(refuse(`the upload was interrupted: ${(error as Error).message}`)));
    request.pipe(parser);
  });
}
