import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiReadProblems, ApiWriteProblems } from '../../common/openapi.js';
import { ProblemException } from '../../common/problem.js';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import { type Principal, Roles } from '../../auth/roles.decorator.js';
import { type FieldError, isDomainError } from '../../shared/domain-error.js';
import type { ImportProfile } from '../domain/files/profile.js';
import { HOURLY_SPLIT_RULES, type HourlySplitRule } from '../domain/hourly-split.js';
import { RecordFile } from '../commands/record-file.command.js';
import { RecordReadings } from '../commands/record-readings.command.js';
import { MonthCompleteness } from '../queries/completeness.query.js';
import { ResolveImportProfile } from '../queries/import-profiles.query.js';
import { PpeReadings } from '../queries/ppe-readings.query.js';
import { refuseDeclaredSize, uploadedFile } from './file-upload.js';
import { parseReadingsBatch, ReadingsBatchDto } from './metering.dto.js';
import { CompletenessDto, ImportReportDto, PpeReadingsDto } from './metering.responses.js';

const FORMATS = ['generic', 'tauron', 'enea'] as const;

@ApiTags('metering')
@ApiBearerAuth()
@Controller('clusters/:clusterId')
export class MeteringController {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
  ) {}

  @Post('readings')
  @HttpCode(200)
  @Roles('coordinator', 'meter-data')
  @ApiBody({ type: ReadingsBatchDto })
  @ApiOkResponse({ type: ImportReportDto, description: 'what the batch recorded' })
  @ApiWriteProblems()
  async recordJson(@Param('clusterId') clusterId: string, @Body() body: unknown) {
    return this.commandBus.execute(new RecordReadings(clusterId, parseReadingsBatch(body)));
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
    const errors: FieldError[] = [];
    const named = profileName ?? (format?.startsWith('profile:') ? format.slice('profile:'.length) : undefined);
    let profile: ImportProfile | undefined;
    if (named !== undefined) {
      try {
        profile = await this.queryBus.execute(new ResolveImportProfile(clusterId, named, profileName !== undefined ? 'profile' : 'format'));
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
    refuseDeclaredSize(request);
    const file = await uploadedFile(request, multipart);
    return this.commandBus.execute(
      new RecordFile(clusterId, file.stream, {
        format: profile ? 'profile' : (format as (typeof FORMATS)[number]),
        profile,
        ppeCode,
        balancing: (balancing as 'before' | 'after' | undefined) ?? 'before',
        hourlySplit: hourlySplit as HourlySplitRule | undefined,
        digest: file.digest,
      }),
    );
  }

  @Get('metering-points/:ppeCode/readings')
  @Roles('coordinator', 'auditor', 'member', 'admin')
  @ApiOkResponse({ type: PpeReadingsDto })
  @ApiReadProblems()
  @ApiQuery({ name: 'from', description: 'ISO 8601 instant with an offset' })
  @ApiQuery({ name: 'to', description: 'ISO 8601 instant with an offset (exclusive)' })
  async readings(@Param('clusterId') clusterId: string, @Param('ppeCode') ppeCode: string, @CurrentPrincipal() principal: Principal, @Query('from') from?: string, @Query('to') to?: string) {
    return this.queryBus.execute(new PpeReadings(clusterId, ppeCode, from, to, principal));
  }

  @Get('completeness')
  @Roles('coordinator', 'auditor', 'admin')
  @ApiOkResponse({ type: CompletenessDto })
  @ApiReadProblems()
  @ApiQuery({ name: 'month', example: '2026-05' })
  async completeness(@Param('clusterId') clusterId: string, @Query('month') month?: string) {
    return this.queryBus.execute(new MonthCompleteness(clusterId, month));
  }
}
