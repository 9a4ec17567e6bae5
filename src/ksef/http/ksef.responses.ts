// What the KSeF routes answer, for the OpenAPI document (issue 18). Field names are the public
// contract (docs/API.md, "Documents and ledger"); the token is never part of an answer. A
// document's KSeF state is the schema invoicing declares (its documents show it too).
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { KSEF_ENVIRONMENTS } from '../domain/environments.js';
import { KSEF_STATE_MODELS, KSEF_STATE_SCHEMA, type KsefStateDto } from '../../invoicing/http/invoicing.responses.js';

export class SelfInvoicingGrantDto {
  @ApiProperty() granted!: boolean;
  @ApiProperty() recordedAt!: string;
}

/** GET, PUT .../ksef, POST .../ksef/token and .../ksef/disconnection: the connection as shown. */
@ApiExtraModels(SelfInvoicingGrantDto)
export class KsefStatusDto {
  @ApiProperty() connected!: boolean;
  @ApiPropertyOptional({ enum: KSEF_ENVIRONMENTS, description: 'connected only' }) environment?: string;
  @ApiPropertyOptional({ description: 'connected only: the NIP invoices are sent in the context of' }) contextNip?: string;
  @ApiPropertyOptional({ description: 'connected only' }) connectedAt?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'connected only' }) tokenRotatedAt?: string | null;
  @ApiProperty({ description: 'whether the service has KSEF_SECRET_KEY to keep a token encrypted' }) secretKeyConfigured!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(SelfInvoicingGrantDto) }, description: 'per member id: its SelfInvoicing permission as recorded' })
  selfInvoicing!: Record<string, SelfInvoicingGrantDto>;
}

export class SelfInvoicingRecordedDto {
  @ApiProperty() memberId!: string;
  @ApiProperty() granted!: boolean;
}

@ApiExtraModels(...KSEF_STATE_MODELS)
export class KsefDocumentDto {
  @ApiProperty() invoiceId!: string;
  @ApiProperty() number!: string;
  @ApiProperty({ enum: ['invoice', 'self_billing', 'correction'] }) kind!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty(KSEF_STATE_SCHEMA) ksef!: KsefStateDto;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'in the outbox: what it waits for, null when it may go' }) waiting?: string | null;
  @ApiPropertyOptional({ description: 'in the outbox: transient failures since the last progress' }) failures?: number;
}

export class KsefDocumentListDto {
  @ApiProperty({ type: [KsefDocumentDto] }) items!: KsefDocumentDto[];
}

@ApiExtraModels(...KSEF_STATE_MODELS)
export class KsefRetryDto {
  @ApiProperty() invoiceId!: string;
  @ApiProperty(KSEF_STATE_SCHEMA) ksef!: KsefStateDto;
}
