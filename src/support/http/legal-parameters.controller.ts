import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiReadProblems, ApiWriteProblems } from '../../common/openapi.js';
import { LegalParametersChangedDto, LegalParametersDto } from './support.responses.js';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Roles } from '../../auth/roles.decorator.js';
import { SupportService } from '../queries/support.query.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

class ChangeDto {
  @ApiProperty({ example: '2027-01-01' }) @Matches(DATE, { message: 'must be a date YYYY-MM-DD' }) validFrom!: string;
  @ApiProperty({ description: 'the act, regulation or notice the value comes from' }) @IsString() @Length(1, 1000) basis!: string;
  @ApiProperty({ description: 'why it is recorded (a correction like any other)' }) @IsString() @Length(1, 1000) reason!: string;
}

export class FeeRatesDto extends ChangeDto {
  @ApiProperty({ description: 'opłata OZE, grosze per MWh (7.30 zł/MWh = 730)' }) @IsInt() @Min(0) @Max(100_000_000) ozeGroszePerMwh!: number;
  @ApiProperty({ description: 'opłata kogeneracyjna, grosze per MWh' }) @IsInt() @Min(0) @Max(100_000_000) cogenerationGroszePerMwh!: number;
}

export class ThresholdsDto extends ChangeDto {
  @ApiProperty({ example: 5000 }) @IsInt() @Min(0) @Max(10_000) renewableShareBp!: number;
  @ApiProperty({ example: 6000 }) @IsInt() @Min(0) @Max(10_000) selfConsumptionBp!: number;
}

export class BracketDto {
  @ApiProperty({ example: 6000 }) @IsInt() @Min(0) @Max(10_000) fromSelfConsumptionBp!: number;
  @ApiPropertyOptional({ nullable: true, description: 'null: the rate is the DSO tariff\'s' }) @IsOptional() @IsInt() @Min(0) @Max(10_000) discountBp?: number | null;
}

export class DiscountBracketsDto extends ChangeDto {
  @ApiProperty({ type: [BracketDto] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => BracketDto) brackets!: BracketDto[];
}

export class SupportPeriodDto extends ChangeDto {
  @ApiProperty({ example: '2024-07-02' }) @Matches(DATE, { message: 'must be a date YYYY-MM-DD' }) supportFrom!: string;
  @ApiProperty({ example: '2029-12-31' }) @Matches(DATE, { message: 'must be a date YYYY-MM-DD' }) supportTo!: string;
}

/** The law's dated values, global (not per cluster): read by every cluster role, changed by the admin. */
@ApiTags('support')
@ApiBearerAuth()
@Controller('legal-parameters')
export class LegalParametersController {
  constructor(@Inject(SupportService) private readonly support: SupportService) {}

  @Get()
  @Roles('admin', 'coordinator', 'auditor', 'member')
  @ApiOkResponse({ type: LegalParametersDto })
  @ApiReadProblems()
  async get() {
    return this.support.legalParameters();
  }

  @Post('fee-rates')
  @HttpCode(201)
  @Roles('admin')
  @ApiCreatedResponse({ type: LegalParametersChangedDto, description: 'the parameters as now recorded, and what the change recorded' })
  @ApiWriteProblems()
  async feeRates(@Body() body: FeeRatesDto) {
    return this.support.setLegalParameters({ type: 'SetFeeRates', ...body });
  }

  @Post('thresholds')
  @HttpCode(201)
  @Roles('admin')
  @ApiCreatedResponse({ type: LegalParametersChangedDto, description: 'the parameters as now recorded, and what the change recorded' })
  @ApiWriteProblems()
  async thresholds(@Body() body: ThresholdsDto) {
    return this.support.setLegalParameters({ type: 'SetThresholds', ...body });
  }

  @Post('discount-brackets')
  @HttpCode(201)
  @Roles('admin')
  @ApiCreatedResponse({ type: LegalParametersChangedDto, description: 'the parameters as now recorded, and what the change recorded' })
  @ApiWriteProblems()
  async discountBrackets(@Body() body: DiscountBracketsDto) {
    return this.support.setLegalParameters({ type: 'SetDiscountBrackets', ...body, brackets: body.brackets.map((b) => ({ fromSelfConsumptionBp: b.fromSelfConsumptionBp, discountBp: b.discountBp ?? null })) });
  }

  @Post('support-period')
  @HttpCode(201)
  @Roles('admin')
  @ApiCreatedResponse({ type: LegalParametersChangedDto, description: 'the parameters as now recorded, and what the change recorded' })
  @ApiWriteProblems()
  async supportPeriod(@Body() body: SupportPeriodDto) {
    return this.support.setLegalParameters({ type: 'SetSupportPeriod', ...body });
  }
}
