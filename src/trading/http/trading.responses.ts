// What the trading routes answer, for the OpenAPI document (issue 18). Field names are the public contract.
import { ApiProperty } from '@nestjs/swagger';

export class ContractWindowDto {
  @ApiProperty({ example: '06:00' }) from!: string;
  @ApiProperty({ example: '22:00' }) to!: string;
  @ApiProperty({ description: 'Monday to Friday only, Polish public holidays excluded' }) workingDaysOnly!: boolean;
}

export class ContractDto {
  @ApiProperty() contractId!: string;
  @ApiProperty() sellerMemberId!: string;
  @ApiProperty() buyerMemberId!: string;
  @ApiProperty({ description: 'volume per settlement interval, Wh' }) whPerInterval!: number;
  @ApiProperty() priceGroszePerMwh!: number;
  @ApiProperty({ example: '2026-05-01' }) validFrom!: string;
  @ApiProperty({ example: '2026-12-31', description: 'last day of delivery, inclusive' }) validTo!: string;
  @ApiProperty({ type: ContractWindowDto, nullable: true }) window!: ContractWindowDto | null;
  @ApiProperty() signedAt!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) terminatedFrom!: string | null;
}

export class SignedContractDto extends ContractDto {
  @ApiProperty() streamVersion!: number;
}

export class TerminatedContractDto {
  @ApiProperty() contractId!: string;
  @ApiProperty({ example: '2026-09-01' }) terminatedFrom!: string;
  @ApiProperty() streamVersion!: number;
}

export class ContractListDto {
  @ApiProperty({ type: [ContractDto] }) items!: ContractDto[];
}
