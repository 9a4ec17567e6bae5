// What the invoicing routes answer, for the OpenAPI document (issue 18). Field names are the
// public contract (docs/API.md, "Documents and ledger"); a document is the InvoiceDocument
// the decider recorded (domain/documents.ts), as issued.
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

const KINDS = ['invoice', 'self_billing', 'settlement_statement', 'correction'];
const CORRECTED_KINDS = ['invoice', 'self_billing', 'settlement_statement'];

// --- a document's KSeF state (answered by the KSeF module for each FA(3) document)

export class KsefNotSentDto {
  @ApiProperty({ enum: ['not_sent'] }) status!: 'not_sent';
  @ApiProperty({ example: 'KSeF is not connected for this cluster' }) reason!: string;
}

export class KsefQueuedDto {
  @ApiProperty({ enum: ['queued'] }) status!: 'queued';
  @ApiProperty({ type: String, nullable: true, description: 'what it waits for (a permission, the corrected document, "being sent")' }) waiting!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the earliest next attempt after a failure' }) nextAttemptAt!: string | null;
}

export class KsefSentDto {
  @ApiProperty({ enum: ['sent'] }) status!: 'sent';
  @ApiProperty({ type: String, nullable: true }) sentAt!: string | null;
}

export class KsefAcceptedDto {
  @ApiProperty({ enum: ['accepted'] }) status!: 'accepted';
  @ApiProperty({ example: '5261040828-20260602-0100A1B2C3D4-E5' }) ksefNumber!: string;
  @ApiProperty() acceptedAt!: string;
  @ApiProperty({ description: 'whether the UPO has been fetched (GET .../invoices/{invoiceId}/upo)' }) upo!: boolean;
}

export class KsefRefusedDto {
  @ApiProperty({ enum: ['refused'] }) status!: 'refused';
  @ApiProperty({ description: "KSeF's status code (0: the XML could not be made)" }) code!: number;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: [String] }) details!: string[];
}

export const KSEF_STATE_MODELS = [KsefNotSentDto, KsefQueuedDto, KsefSentDto, KsefAcceptedDto, KsefRefusedDto];
export type KsefStateDto = KsefNotSentDto | KsefQueuedDto | KsefSentDto | KsefAcceptedDto | KsefRefusedDto;

/** The schema of a `ksef` field: one of the five states, told apart by `status`. */
export const KSEF_STATE_SCHEMA = {
  oneOf: KSEF_STATE_MODELS.map((model) => ({ $ref: getSchemaPath(model) })),
  discriminator: { propertyName: 'status' },
  description: "The document's KSeF state",
};

// --- documents

export class DocumentJstUnitDto {
  @ApiProperty() name!: string;
  @ApiProperty() nip!: string;
  @ApiPropertyOptional() address?: string;
}

export class DocumentPartyDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) nip!: string | null;
  @ApiProperty() address!: string;
  @ApiPropertyOptional({ type: DocumentJstUnitDto, nullable: true, description: "the municipality's subordinate unit the invoice concerns" }) jstUnit?: DocumentJstUnitDto | null;
}

export class InvoiceLineDto {
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['energy', 'fee'] }) category!: 'energy' | 'fee';
  @ApiProperty({ type: Number, nullable: true, description: 'energy lines: the quantity in Wh' }) quantityWh!: number | null;
  @ApiProperty({ type: Number, nullable: true }) unitPriceGroszePerMwh!: number | null;
  @ApiProperty() netGrosze!: number;
  @ApiPropertyOptional({ description: "the line's VAT rate when it differs from the document's" }) vatRateBp?: number;
}

export class InvoiceDocumentDto {
  @ApiProperty() invoiceId!: string;
  @ApiProperty({ example: 'FV/2026/000001' }) number!: string;
  @ApiProperty({ example: 'FV' }) series!: string;
  @ApiProperty() sequence!: number;
  @ApiProperty({ enum: KINDS }) kind!: string;
  @ApiProperty() clusterId!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty({ example: '2026-05' }) month!: string;
  @ApiProperty({ example: '2026-06-02' }) issueDate!: string;
  @ApiProperty({ example: '2026-05-31' }) saleDate!: string;
  @ApiProperty({ type: DocumentPartyDto }) seller!: DocumentPartyDto;
  @ApiProperty({ type: DocumentPartyDto }) buyer!: DocumentPartyDto;
  @ApiProperty({ type: [InvoiceLineDto] }) lines!: InvoiceLineDto[];
  @ApiProperty({ example: 2300 }) vatRateBp!: number;
  @ApiProperty() totalNetGrosze!: number;
  @ApiProperty() totalVatGrosze!: number;
  @ApiProperty() totalGrossGrosze!: number;
  @ApiPropertyOptional({ enum: CORRECTED_KINDS, description: 'corrections: the kind corrected' }) correctedKind?: string;
  @ApiPropertyOptional({ description: 'corrections: the number of the original' }) correctedInvoiceNumber?: string;
  @ApiPropertyOptional() correctedInvoiceId?: string;
  @ApiPropertyOptional() correctedIssueDate?: string;
  @ApiPropertyOptional({ description: 'corrections: why' }) reason?: string;
  @ApiPropertyOptional({ type: [InvoiceLineDto], description: 'corrections: the lines before' }) linesBefore?: InvoiceLineDto[];
  @ApiPropertyOptional() totalNetBeforeGrosze?: number;
  @ApiPropertyOptional() totalVatBeforeGrosze?: number;
  @ApiPropertyOptional() totalGrossBeforeGrosze?: number;
  @ApiPropertyOptional({ description: 'corrections of corrections: the document whose figures are the "before"' }) beforeDocumentNumber?: string;
  @ApiPropertyOptional({ description: 'the instant of issue (FA(3) DataWytworzeniaFa)' }) issuedAt?: string;
  @ApiPropertyOptional() dueDate?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: "the seller's account (IBAN)" }) sellerBankAccount?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: "the coordinator's account, where a member pays" }) coordinatorBankAccount?: string | null;
  @ApiPropertyOptional({ enum: ['payer', 'exempt', 'not_taxpayer'], description: "a statement's seller" }) sellerVat?: string;
}

/** POST .../invoices and .../corrections: what was issued (`issued: false` with what a repeat finds). */
export class IssuedDocumentsDto {
  @ApiProperty({ example: '2026-05' }) month!: string;
  @ApiProperty() issued!: boolean;
  @ApiProperty({ type: [InvoiceDocumentDto] }) documents!: InvoiceDocumentDto[];
}

export class PendingCorrectionDto {
  @ApiProperty() memberId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the latest document of the side; null when its original is due' }) document!: string | null;
  @ApiProperty() originalNetGrosze!: number;
  @ApiProperty() recomputedNetGrosze!: number;
  @ApiProperty() differenceNetGrosze!: number;
}

export class PendingCorrectionsDto {
  @ApiProperty() month!: string;
  @ApiProperty({ type: [PendingCorrectionDto] }) pending!: PendingCorrectionDto[];
}

export class MemberDocumentDto {
  @ApiProperty() invoiceId!: string;
  @ApiProperty() number!: string;
  @ApiProperty({ enum: KINDS }) kind!: string;
  @ApiPropertyOptional({ enum: CORRECTED_KINDS }) correctedKind?: string;
  @ApiProperty() issueDate!: string;
  @ApiProperty({ description: 'the gross as the member sees it: positive the member pays, negative it is paid' }) signedGrossGrosze!: number;
}

export class MemberDocumentsDto {
  @ApiProperty() clusterId!: string;
  @ApiProperty() month!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty({ type: [MemberDocumentDto] }) documents!: MemberDocumentDto[];
  @ApiProperty({ description: 'the sum of the signed grosses, corrections included' }) amountDueGrosze!: number;
  @ApiProperty({ type: Number, nullable: true }) closedStatementAmountGrosze!: number | null;
  @ApiProperty({ type: Number, nullable: true }) currentStatementAmountGrosze!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'what corrections still have to move' }) pendingCorrectionGrosze!: number | null;
}

@ApiExtraModels(...KSEF_STATE_MODELS)
export class InvoiceListItemDto {
  @ApiProperty() invoiceId!: string;
  @ApiProperty() number!: string;
  @ApiProperty({ enum: KINDS }) kind!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty() month!: string;
  @ApiProperty() issueDate!: string;
  @ApiProperty() totalNetGrosze!: number;
  @ApiProperty() totalVatGrosze!: number;
  @ApiProperty() totalGrossGrosze!: number;
  @ApiProperty({ description: 'whether the document has an FA(3) form (a settlement statement has none)' }) fa3!: boolean;
  @ApiProperty(KSEF_STATE_SCHEMA) ksef!: KsefStateDto;
  @ApiPropertyOptional({ enum: CORRECTED_KINDS }) correctedKind?: string;
  @ApiPropertyOptional() correctedInvoiceNumber?: string;
}

export class InvoiceListDto {
  @ApiProperty({ type: [InvoiceListItemDto] }) items!: InvoiceListItemDto[];
}

export class SettlementDto {
  @ApiProperty({ enum: ['do_zaplaty', 'do_zwrotu'] }) direction!: string;
  @ApiProperty({ enum: ['member', 'coordinator'] }) payer!: string;
  @ApiProperty({ enum: ['member', 'coordinator'] }) payee!: string;
  @ApiProperty() amountGrosze!: number;
}

/** GET .../invoices/{invoiceId} as JSON: the document, its title, who pays whom, its KSeF state. */
@ApiExtraModels(...KSEF_STATE_MODELS)
export class InvoiceViewDto extends InvoiceDocumentDto {
  @ApiProperty({ example: 'Faktura VAT' }) title!: string;
  @ApiProperty() fa3!: boolean;
  @ApiProperty({ type: SettlementDto }) settlement!: SettlementDto;
  @ApiProperty(KSEF_STATE_SCHEMA) ksef!: KsefStateDto;
}

export class LedgerAccountDto {
  @ApiProperty({ example: 'member_receivable:m1' }) account!: string;
  @ApiProperty() debitGrosze!: number;
  @ApiProperty() creditGrosze!: number;
  @ApiProperty({ description: 'debit minus credit' }) balanceGrosze!: number;
}

export class LedgerDto {
  @ApiProperty({ type: String, nullable: true, description: 'the month asked for; null for every month' }) month!: string | null;
  @ApiProperty({ type: [LedgerAccountDto] }) accounts!: LedgerAccountDto[];
  @ApiProperty() totalDebitGrosze!: number;
  @ApiProperty() totalCreditGrosze!: number;
  @ApiProperty() balanced!: boolean;
  @ApiProperty({ description: 'the number of postings (one per document)' }) postings!: number;
}
