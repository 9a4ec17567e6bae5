// The invoicing routes: thin, each a command through the CommandBus or a query through the
// QueryBus. A document answers as JSON, its PDF or its FA(3) XML.
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import { CLUSTER_READERS, type Principal, Roles } from '../../auth/roles.decorator.js';
import { ApiProblems, ApiReadProblems, ApiWriteProblems, ProblemSchema } from '../../common/openapi.js';
import { notFound, problem, ProblemException } from '../../common/problem.js';
import { checkMonth } from '../../settlement/queries/settlement.service.js';
import { DomainError } from '../../shared/domain-error.js';
import { IssueCorrectionDocuments, IssueMonthDocuments } from '../commands/issue-documents.command.js';
import { type InvoiceDocument, settlementOf } from '../domain/documents.js';
import { isFa3Document, renderFa3 } from '../domain/fa3/render.js';
import type { DocumentKsefState } from '../domain/ksef-state.js';
import { documentTitle } from '../domain/print.js';
import { FindInvoice, ksefOf, ListInvoices } from '../queries/invoices.query.js';
import { CorrectedKsefNumber, DocumentKsefPrintMark, DocumentKsefStates } from '../queries/ksef-state.query.js';
import { Ledger } from '../queries/ledger.query.js';
import { MemberDocuments } from '../queries/member-documents.query.js';
import { PendingCorrections } from '../queries/pending-corrections.query.js';
import { CorrectionsDto } from './invoicing.dto.js';
import { InvoiceListDto, InvoiceViewDto, IssuedDocumentsDto, LedgerDto, MemberDocumentsDto, PendingCorrectionsDto } from './invoicing.responses.js';
import { renderInvoicePdf } from './pdf.js';

/** The JSON of a document: its title, whether it has an FA(3) form, who pays whom, its KSeF state. */
const view = (d: InvoiceDocument, ksef: DocumentKsefState) => ({ ...d, title: documentTitle(d), fa3: isFa3Document(d), settlement: settlementOf(d), ksef });

@ApiTags('invoicing')
@ApiBearerAuth()
@Controller('clusters/:clusterId')
export class InvoicingController {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
  ) {}

  @Post('settlements/:month/invoices')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOkResponse({ type: IssuedDocumentsDto, description: "The month's documents: issued now, or (issued: false) those issued before" })
  @ApiWriteProblems()
  @ApiProblems(422)
  async issue(@Param('clusterId') clusterId: string, @Param('month') month: string) {
    checkMonth(month);
    return this.commandBus.execute(new IssueMonthDocuments(clusterId, month));
  }

  @Get('settlements/:month/corrections')
  @Roles(...CLUSTER_READERS)
  @ApiOkResponse({ type: PendingCorrectionsDto })
  @ApiReadProblems()
  async pending(@Param('clusterId') clusterId: string, @Param('month') month: string) {
    checkMonth(month);
    return this.queryBus.execute(new PendingCorrections(clusterId, month));
  }

  @Post('settlements/:month/corrections')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOkResponse({ type: IssuedDocumentsDto, description: 'The corrections issued (none when nothing changed)' })
  @ApiWriteProblems()
  @ApiProblems(422)
  async corrections(@Param('clusterId') clusterId: string, @Param('month') month: string, @Body() body: CorrectionsDto) {
    checkMonth(month);
    return this.commandBus.execute(new IssueCorrectionDocuments(clusterId, month, body.reason));
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
    return this.queryBus.execute(new MemberDocuments(clusterId, month, memberId));
  }

  @Get('invoices')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: InvoiceListDto })
  @ApiReadProblems()
  async list(@Param('clusterId') clusterId: string, @CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new ListInvoices(clusterId, principal));
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
  @ApiResponse({
    status: 406,
    description: 'Accept: application/xml for a settlement statement, which has no FA(3) form',
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemSchema) } } },
  })
  async get(
    @Param('clusterId') clusterId: string,
    @Param('invoiceId') invoiceId: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('accept') accept: string | undefined,
    @Res() res: Response,
  ) {
    const suffix = /\.(pdf|xml)$/.exec(invoiceId)?.[1];
    const wanted = suffix ?? (/application\/pdf/.test(accept ?? '') ? 'pdf' : /(application|text)\/xml/.test(accept ?? '') ? 'xml' : 'json');
    const id = suffix ? invoiceId.slice(0, -4) : invoiceId;
    const document = await this.queryBus.execute(new FindInvoice(clusterId, id, principal));
    if (!document) throw notFound('The document was not found');
    if (wanted === 'json') {
      res.json(view(document, ksefOf(await this.queryBus.execute(new DocumentKsefStates(clusterId, [document])), document)));
      return;
    }
    if (wanted === 'xml') {
      if (!isFa3Document(document)) {
        const detail = `${document.number} is a settlement statement, not an invoice: it has no FA(3) form (JSON and PDF only)`;
        throw suffix ? notFound(detail) : new ProblemException(problem(406, detail));
      }
      res
        .status(200)
        .type('application/xml; charset=utf-8')
        .setHeader('content-disposition', `inline; filename="${document.number.replace(/\//g, '-')}.xml"`);
      res.end(renderFa3(document, { correctedKsefNumber: await this.queryBus.execute(new CorrectedKsefNumber(clusterId, document)) }));
      return;
    }
    const bytes = await renderInvoicePdf(document, await this.queryBus.execute(new DocumentKsefPrintMark(clusterId, document)));
    res
      .status(200)
      .type('application/pdf')
      .setHeader('content-disposition', `inline; filename="${document.number.replace(/\//g, '-')}.pdf"`);
    res.end(bytes);
  }

  @Get('ledger')
  @Roles(...CLUSTER_READERS)
  @ApiOkResponse({ type: LedgerDto })
  @ApiReadProblems()
  @ApiQuery({ name: 'month', required: false, description: 'one month YYYY-MM; every month when absent' })
  async ledger(@Param('clusterId') clusterId: string, @Query('month') month?: string) {
    if (month !== undefined) checkMonth(month);
    const ledger = await this.queryBus.execute(new Ledger(clusterId, month));
    if (!ledger.balanced) throw new DomainError('conflict', 'The ledger is not balanced'); // asserted per posting; never expected
    return ledger;
  }
}
