import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiProperty, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiProblems, ApiReadProblems, ApiWriteProblems, ProblemSchema } from '../../common/openapi.js';
import { InvoiceListDto, InvoiceViewDto, IssuedDocumentsDto, LedgerDto, MemberDocumentsDto, PendingCorrectionsDto } from './invoicing.responses.js';
import { IsString, Length } from 'class-validator';
import type { Response } from 'express';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import { CLUSTER_READERS, type Principal, Roles } from '../../auth/roles.decorator.js';
import { notFound } from '../../common/problem.js';
import { DomainError } from '../../shared/domain-error.js';
import { checkMonth } from '../../settlement/settlement.service.js';
import { InvoicingService } from '../invoicing.service.js';
import { documentTitle } from '../domain/print.js';
import { renderInvoicePdf } from './pdf.js';
import { isFa3Document } from '../domain/fa3/render.js';
import { settlementOf, type InvoiceDocument } from '../domain/documents.js';
import { problem, ProblemException } from '../../common/problem.js';
import { KsefReader } from '../../ksef/queries/ksef-reader.js';

/** The JSON of a document: whether it has an FA(3) form, and who pays whom. */
const view = (d: InvoiceDocument) => ({ ...d, title: documentTitle(d), fa3: isFa3Document(d), settlement: settlementOf(d) });

export class CorrectionsDto {
  @ApiProperty({ example: 'Korekta odczytów OSD za maj' }) @IsString() @Length(1, 500) reason!: string;
}

@ApiTags('invoicing')
@ApiBearerAuth()
@Controller('clusters/:clusterId')
export class InvoicingController {
  constructor(@Inject(InvoicingService) private readonly invoicing: InvoicingService, @Inject(KsefReader) private readonly ksef: KsefReader) {}

  @Post('settlements/:month/invoices')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOkResponse({ type: IssuedDocumentsDto, description: 'The month\'s documents: issued now, or (issued: false) those issued before' })
  @ApiWriteProblems()
  @ApiProblems(422)
  async issue(@Param('clusterId') clusterId: string, @Param('month') month: string) {
    checkMonth(month);
    return this.invoicing.issue(clusterId, month);
  }

  @Get('settlements/:month/corrections')
  @Roles(...CLUSTER_READERS)
  @ApiOkResponse({ type: PendingCorrectionsDto })
  @ApiReadProblems()
  async pending(@Param('clusterId') clusterId: string, @Param('month') month: string) {
    checkMonth(month);
    return this.invoicing.pendingCorrections(clusterId, month);
  }

  @Post('settlements/:month/corrections')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOkResponse({ type: IssuedDocumentsDto, description: 'The corrections issued (none when nothing changed)' })
  @ApiWriteProblems()
  @ApiProblems(422)
  async corrections(@Param('clusterId') clusterId: string, @Param('month') month: string, @Body() body: CorrectionsDto) {
    checkMonth(month);
    return this.invoicing.issueCorrections(clusterId, month, body.reason);
  }

  /**
   * A member's month in documents: each with its signed gross (positive the member pays), their
   * sum (the amount due, corrections included), and the statement it must equal.
   */
  @Get('settlements/:month/members/:memberId/documents')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: MemberDocumentsDto })
  @ApiReadProblems()
  async memberDocuments(@Param('clusterId') clusterId: string, @Param('month') month: string, @Param('memberId') memberId: string, @CurrentPrincipal() principal: Principal) {
    checkMonth(month);
    if (principal.role === 'member' && principal.memberId !== memberId) throw notFound('The member was not found');
    return this.invoicing.memberDocuments(clusterId, month, memberId);
  }

  @Get('invoices')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: InvoiceListDto })
  @ApiReadProblems()
  async list(@Param('clusterId') clusterId: string, @CurrentPrincipal() principal: Principal) {
    const documents = (await this.invoicing.documents(clusterId)).filter((d) => principal.role !== 'member' || d.memberId === principal.memberId);
    const ksef = await this.ksef.views(clusterId);
    return {
      items: documents.map((d) => ({
        invoiceId: d.invoiceId, number: d.number, kind: d.kind, memberId: d.memberId, month: d.month, issueDate: d.issueDate,
        totalNetGrosze: d.totalNetGrosze, totalVatGrosze: d.totalVatGrosze, totalGrossGrosze: d.totalGrossGrosze, fa3: isFa3Document(d), ksef: ksef(d),
        ...(d.correctedKind ? { correctedKind: d.correctedKind } : {}),
        ...(d.correctedInvoiceNumber ? { correctedInvoiceNumber: d.correctedInvoiceNumber } : {}),
      })),
    };
  }

  /** JSON; the PDF with Accept: application/pdf or a .pdf suffix; the FA(3) XML with Accept: application/xml or a .xml suffix. */
  @Get('invoices/:invoiceId')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiResponse({
    status: 200,
    description: 'The document: JSON; the PDF with Accept: application/pdf or a .pdf suffix; the FA(3) XML with Accept: application/xml or a .xml suffix',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(InvoiceViewDto) } },
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
      'application/xml': { schema: { type: 'string' } },
    },
  })
  @ApiExtraModels(InvoiceViewDto)
  @ApiReadProblems()
  @ApiResponse({ status: 406, description: 'Accept: application/xml for a settlement statement, which has no FA(3) form', content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemSchema) } } } })
  async get(@Param('clusterId') clusterId: string, @Param('invoiceId') invoiceId: string, @CurrentPrincipal() principal: Principal, @Headers('accept') accept: string | undefined, @Res() res: Response) {
    const suffix = /\.(pdf|xml)$/.exec(invoiceId)?.[1];
    const wanted = suffix ?? (/application\/pdf/.test(accept ?? '') ? 'pdf' : /(application|text)\/xml/.test(accept ?? '') ? 'xml' : 'json');
    const id = suffix ? invoiceId.slice(0, -4) : invoiceId;
    const document = (await this.invoicing.documents(clusterId)).find((d) => d.invoiceId === id || d.number === id);
    if (!document || (principal.role === 'member' && document.memberId !== principal.memberId)) throw notFound('The document was not found');
    if (wanted === 'json') {
      res.json({ ...view(document), ksef: (await this.ksef.views(clusterId))(document) });
      return;
    }
    if (wanted === 'xml') {
      if (!isFa3Document(document)) {
        const detail = `${document.number} is a settlement statement, not an invoice: it has no FA(3) form (JSON and PDF only)`;
        throw suffix ? notFound(detail) : new ProblemException(problem(406, detail));
      }
      res.status(200).type('application/xml; charset=utf-8').setHeader('content-disposition', `inline; filename="${document.number.replace(/\//g, '-')}.xml"`);
      res.end(this.invoicing.xml(document, await this.ksef.correctedKsefNumber(clusterId, document)));
      return;
    }
    const bytes = await renderInvoicePdf(document, await this.ksef.pdfOptions(clusterId, document));
    res.status(200).type('application/pdf').setHeader('content-disposition', `inline; filename="${document.number.replace(/\//g, '-')}.pdf"`);
    res.end(bytes);
  }

  @Get('ledger')
  @Roles(...CLUSTER_READERS)
  @ApiOkResponse({ type: LedgerDto })
  @ApiReadProblems()
  @ApiQuery({ name: 'month', required: false, description: 'one month YYYY-MM; every month when absent' })
  async ledger(@Param('clusterId') clusterId: string, @Query('month') month?: string) {
    if (month !== undefined) checkMonth(month);
    const ledger = await this.invoicing.ledger(clusterId, month);
    if (!ledger.balanced) throw new DomainError('conflict', 'The ledger is not balanced'); // asserted per posting; never expected
    return ledger;
  }
}
