import { QueryBus } from '@nestjs/cqrs';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { once } from 'node:events';
import { anchorFromJson, linesOf, readAnchor } from '../domain/anchor.js';
import { headLine } from '../domain/verify-chain.js';
import { exportLine } from '../domain/export-line.js';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import { CLUSTER_READERS, type Principal, Roles } from '../../auth/roles.decorator.js';
import { DomainError } from '../../shared/domain-error.js';
import { ChainHeads, ExportEvents, ReplayMonth, VerifyChains } from '../queries/audit.queries.js';
import { ApiReadProblems, ApiWriteProblems } from '../../common/openapi.js';
import { ReplayResultDto, VerifyResultDto } from './audit.responses.js';

export const MAX_EXPORT_LIMIT = 1_000_000;

/** Resolves when the client takes more, or has gone (then nothing more will drain). */
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AuditController {
  constructor(@Inject(QueryBus) private readonly queryBus: QueryBus) {}

  @Get('audit/events')
  @Roles('admin', 'auditor')
  @ApiProduces('application/x-ndjson')
  @ApiQuery({ name: 'after', required: false, description: 'the globalPosition of the last event already read' })
  @ApiQuery({ name: 'limit', required: false, description: `at most this many events (default and maximum ${String(MAX_EXPORT_LIMIT)})` })
  @ApiResponse({
    status: 200,
    description: 'NDJSON in global order, one line per event: `{ globalPosition, streamId, streamPosition, type, schemaVersion, data, metadata, previousHash, hash }`',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  })
  @ApiReadProblems()
  async events(@CurrentPrincipal() principal: Principal, @Res() res: Response, @Query('after') after?: string, @Query('limit') limitText?: string) {
    const errors = [];
    if (after !== undefined && !/^\d+:\d+$/.test(after) && !/^\d+\/\d+$/.test(after)) errors.push({ field: 'after', reason: 'must be a globalPosition from an earlier export' });
    const limit = limitText === undefined ? MAX_EXPORT_LIMIT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXPORT_LIMIT) errors.push({ field: 'limit', reason: `must be a whole number from 1 to ${String(MAX_EXPORT_LIMIT)}` });
    if (errors.length) throw DomainError.validation(errors);
    res.status(200).type('application/x-ndjson');
    // a client that goes away ends the export: no wait for a drain that never comes
    res.on('error', () => undefined);
    try {
      // written as read, waiting for the client when its buffer is full: memory stays bounded
      const events = await this.queryBus.execute(new ExportEvents(after ?? null, limit, principal.role === 'admin' ? undefined : (principal.clusterId ?? '')));
      for await (const event of events) {
        if (res.destroyed) break;
        if (!res.write(exportLine(event))) await drainedOrClosed(res);
      }
    } catch (error) {
      // the status line is out: cut the stream so the client sees it incomplete, not a 200 that ends well
      if (res.headersSent) return void res.destroy(error as Error);
      throw error;
    }
    if (!res.destroyed) res.end();
  }

  @Get('audit/verify')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Every hash chain recomputed; headsDigest is the SHA-256 over the stream heads (keep it, or GET /audit/heads, as an anchor)' })
  @ApiOkResponse({ type: VerifyResultDto })
  @ApiReadProblems()
  async verify(@CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new VerifyChains(principal.role === 'admin' ? undefined : (principal.clusterId ?? '')));
  }

  @Get('audit/heads')
  @Roles('admin', 'auditor')
  @ApiProduces('text/tab-separated-values')
  @ApiOperation({ summary: 'The head of every stream in scope, `streamId TAB streamPosition TAB hash` a line sorted by stream id: its SHA-256 is headsDigest' })
  @ApiResponse({
    status: 200,
    description: 'The heads file (heads.tsv); the headers repeat headsDigest, intact and through',
    headers: {
      'x-heads-digest': { description: 'SHA-256 (hex) of this body', schema: { type: 'string' } },
      'x-chain-intact': { description: '`true` or `false`', schema: { type: 'string' } },
      'x-through': { description: 'The globalPosition of the last event read (empty: none)', schema: { type: 'string' } },
    },
    content: { 'text/tab-separated-values': { schema: { type: 'string' } } },
  })
  @ApiReadProblems()
  async heads(@CurrentPrincipal() principal: Principal, @Res() res: Response) {
    const verifier = await this.queryBus.execute(new ChainHeads(principal.role === 'admin' ? undefined : (principal.clusterId ?? '')));
    const result = verifier.result();
    res
      .status(200)
      .type('text/tab-separated-values; charset=utf-8')
      .setHeader('x-heads-digest', result.headsDigest)
      .setHeader('x-chain-intact', String(result.intact))
      .setHeader('x-through', result.through ?? '')
      .setHeader('content-disposition', 'attachment; filename="heads.tsv"');
    for (const head of verifier.currentHeads()) if (!res.write(headLine(head))) await once(res, 'drain');
    res.end();
  }

  @Post('audit/verify')
  @HttpCode(200)
  @Roles('admin', 'auditor')
  @ApiConsumes('application/json', 'text/tab-separated-values', 'application/x-ndjson')
  @ApiBody({
    description:
      'an anchor kept earlier: a heads file (GET /audit/heads) or an export (GET /audit/events) as the body, or JSON { heads: [{ streamId, streamPosition, hash }] } or { headsDigest, through } as verify printed them',
  })
  @ApiOperation({ summary: 'Verify, and compare with an anchor: names every stream whose history changed since (rewritten, shorter, missing); new events are growth' })
  @ApiOkResponse({ type: VerifyResultDto, description: 'The verification, with `against`: the comparison with the anchor' })
  @ApiWriteProblems()
  async verifyAgainst(@CurrentPrincipal() principal: Principal, @Req() req: Request) {
    const type = req.headers['content-type'] ?? '';
    let anchor;
    if (/^application\/json/i.test(type)) {
      anchor = anchorFromJson(req.body);
    } else if (/^(text\/tab-separated-values|text\/plain|application\/x-ndjson)/i.test(type)) {
      anchor = await readAnchor(linesOf(req)).catch((error: unknown) => {
        req.resume(); // the rest of a refused body is read and dropped
        throw error;
      });
    } else {
      req.resume();
      throw DomainError.validation([{ field: 'content-type', reason: 'send the anchor as application/json, text/tab-separated-values (a heads file) or application/x-ndjson (an export)' }]);
    }
    return this.queryBus.execute(new VerifyChains(principal.role === 'admin' ? undefined : (principal.clusterId ?? ''), anchor));
  }

  @Get('clusters/:clusterId/settlements/:month/replay')
  @Roles(...CLUSTER_READERS)
  @ApiOkResponse({ type: ReplayResultDto })
  @ApiReadProblems()
  async replay(@Param('clusterId') clusterId: string, @Param('month') month: string) {
    return this.queryBus.execute(new ReplayMonth(clusterId, month));
  }
}
