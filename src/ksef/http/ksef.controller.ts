// The coordinator's KSeF settings and the outbox, over HTTP. The token goes in, never out.
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import { notFound } from '../../common/problem.js';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiReadProblems, ApiWriteProblems, ApiXmlResponse } from '../../common/openapi.js';
import { KsefDocumentListDto, KsefRetryDto, KsefStatusDto, SelfInvoicingRecordedDto } from './ksef.responses.js';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CLUSTER_READERS, type Principal, Roles } from '../../auth/roles.decorator.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { InvoiceDocuments } from '../../invoicing/queries/documents.reader.js';
import { isFa3Document } from '../../invoicing/domain/fa3/render.js';
import { KSEF_ENVIRONMENTS, type KsefEnvironment } from '../domain/environments.js';
import { heldBecause, viewOf } from '../domain/outbox.js';
import { KsefCommands } from '../commands/ksef-commands.js';
import { KsefReader } from '../queries/ksef-reader.js';

const TOKEN = /^\S+$/;

export class ConnectKsefDto {
  @ApiProperty({ enum: KSEF_ENVIRONMENTS }) @IsIn([...KSEF_ENVIRONMENTS]) environment!: KsefEnvironment;
  @ApiPropertyOptional({ description: "the coordinator's NIP (the default)" }) @IsOptional() @IsString() @Length(10, 13) contextNip?: string;
  @ApiProperty({ description: 'the KSeF token, kept encrypted; never shown again', writeOnly: true })
  @IsString()
  @Length(16, 2000)
  @Matches(TOKEN, { message: 'must have no white space' })
  token!: string;
}

export class RotateKsefTokenDto {
  @ApiProperty({ writeOnly: true }) @IsString() @Length(16, 2000) @Matches(TOKEN, { message: 'must have no white space' }) token!: string;
}

export class SelfInvoicingDto {
  @ApiProperty({ description: 'the member granted the coordinator SelfInvoicing in KSeF' }) @IsBoolean() granted!: boolean;
}

@ApiTags('ksef')
@ApiBearerAuth()
@Controller('clusters/:clusterId')
export class KsefController {
  constructor(
    @Inject(KsefCommands) private readonly commands: KsefCommands,
    @Inject(KsefReader) private readonly reader: KsefReader,
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(InvoiceDocuments) private readonly invoicing: InvoiceDocuments,
  ) {}

  private async status(clusterId: string) {
    const state = await this.reader.state(clusterId);
    return { ...KsefReader.connectionView(state), secretKeyConfigured: this.commands.secrets.available, selfInvoicing: state.selfInvoicing };
  }

  @Get('ksef')
  @Roles(...CLUSTER_READERS)
  @ApiOkResponse({ type: KsefStatusDto })
  @ApiReadProblems()
  async get(@Param('clusterId') clusterId: string) {
    await this.clusters.state(clusterId);
    return this.status(clusterId);
  }

  @Put('ksef')
  @Roles('coordinator')
  @ApiOkResponse({ type: KsefStatusDto, description: 'Connected: the connection as shown (never the token)' })
  @ApiWriteProblems()
  async connect(@Param('clusterId') clusterId: string, @Body() body: ConnectKsefDto) {
    await this.commands.connect(clusterId, body);
    return this.status(clusterId);
  }

  @Post('ksef/token')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOkResponse({ type: KsefStatusDto, description: 'The token replaced: the connection as shown' })
  @ApiWriteProblems()
  async rotate(@Param('clusterId') clusterId: string, @Body() body: RotateKsefTokenDto) {
    await this.commands.rotateToken(clusterId, body.token);
    return this.status(clusterId);
  }

  /** Stops sending: documents issued from now on stay not sent; what is in flight stays recorded. */
  @Post('ksef/disconnection')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOkResponse({ type: KsefStatusDto, description: 'Disconnected: the connection as shown' })
  @ApiWriteProblems()
  async disconnect(@Param('clusterId') clusterId: string) {
    await this.commands.disconnect(clusterId);
    return this.status(clusterId);
  }

  @Put('ksef/self-invoicing/:memberId')
  @Roles('coordinator')
  @ApiOkResponse({ type: SelfInvoicingRecordedDto })
  @ApiWriteProblems()
  async selfInvoicing(@Param('clusterId') clusterId: string, @Param('memberId') memberId: string, @Body() body: SelfInvoicingDto) {
    await this.commands.recordSelfInvoicing(clusterId, memberId, body.granted);
    return { memberId, granted: body.granted };
  }

  /** The outbox: every FA(3) document with its KSeF state. */
  @Get('ksef/documents')
  @Roles(...CLUSTER_READERS)
  @ApiOkResponse({ type: KsefDocumentListDto })
  @ApiReadProblems()
  async documents(@Param('clusterId') clusterId: string) {
    await this.clusters.state(clusterId);
    const [state, documents] = await Promise.all([this.reader.state(clusterId), this.invoicing.documents(clusterId)]);
    return {
      items: documents.filter(isFa3Document).map((d) => {
        const queued = state.documents[d.invoiceId];
        return {
          invoiceId: d.invoiceId,
          number: d.number,
          kind: d.kind,
          memberId: d.memberId,
          ksef: viewOf(state, d.invoiceId, true),
          ...(queued ? { waiting: heldBecause(state, queued), failures: queued.failures } : {}),
        };
      }),
    };
  }

  @Post('invoices/:invoiceId/ksef/retry')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOkResponse({ type: KsefRetryDto, description: 'The refused document queued again: its KSeF state' })
  @ApiWriteProblems()
  async retry(@Param('clusterId') clusterId: string, @Param('invoiceId') invoiceId: string) {
    await this.commands.retry(clusterId, invoiceId);
    const state = await this.reader.state(clusterId);
    return { invoiceId, ksef: viewOf(state, invoiceId, true) };
  }

  /** The UPO (Urzędowe Poświadczenie Odbioru) KSeF gave for an accepted document, as XML. */
  @Get('invoices/:invoiceId/upo')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiXmlResponse('The UPO XML KSeF gave for the accepted document (404 until then)')
  @ApiReadProblems()
  async upo(@Param('clusterId') clusterId: string, @Param('invoiceId') invoiceId: string, @CurrentPrincipal() principal: Principal, @Res() res: Response) {
    const document = (await this.invoicing.documents(clusterId)).find((d) => d.invoiceId === invoiceId || d.number === invoiceId);
    if (!document || (principal.role === 'member' && document.memberId !== principal.memberId)) throw notFound('The document was not found');
    const upo = await this.reader.upo(clusterId, document.invoiceId);
    if (!upo) throw notFound(`${document.number} has no UPO: KSeF has not accepted it yet`);
    res
      .status(200)
      .type('application/xml; charset=utf-8')
      .setHeader('content-disposition', `attachment; filename="UPO-${document.number.replace(/\//g, '-')}.xml"`);
    res.end(upo);
  }
}
