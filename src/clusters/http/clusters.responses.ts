// Answers of the registry routes (issue 18), as the OpenAPI document describes them: the
// fields ClustersController returns, by their public names (docs/API.md, "Registry and
// agreement"). Declarations only; the controller builds the bodies.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CARRIERS, MEMBER_KINDS, PPE_ROLES, SOURCES } from './clusters.dto.js';

export class CoordinatorResponse {
  @ApiProperty({ type: String, example: 'Orzeskie Centrum Energii sp. z o.o.' }) legalName!: string;
  @ApiProperty({ type: String, example: '5261040828', description: 'normalised: 10 digits' }) nip!: string;
  @ApiPropertyOptional({ type: String, example: 'ul. Gliwicka 8, 43-180 Orzesze', description: 'absent for clusters registered before it was asked' }) address?: string;
  @ApiPropertyOptional({ type: String, example: 'PL61109010140000071219812874', description: 'IBAN, electronic format' }) bankAccount?: string;
}

export class GminaResponse {
  @ApiProperty({ type: String, example: 'Orzesze' }) name!: string;
  @ApiProperty({ type: String, example: '2408031' }) teryt!: string;
}

export class AreaResponse {
  @ApiPropertyOptional({ type: [GminaResponse] }) gminy?: GminaResponse[];
  @ApiPropertyOptional({ type: String, example: 'mikołowski' }) powiat?: string;
}

/** A cluster's profile as recorded. */
export class ClusterProfileResponse {
  @ApiProperty({ type: String, format: 'uuid' }) clusterId!: string;
  @ApiProperty({ type: String, example: 'Orzeski Klaster Energii' }) name!: string;
  @ApiProperty({ type: CoordinatorResponse }) coordinator!: CoordinatorResponse;
  @ApiProperty({ type: String, example: 'Tauron Dystrybucja S.A.' }) distributionSystemOperator!: string;
  @ApiProperty({ type: AreaResponse }) area!: AreaResponse;
  @ApiProperty({ type: String, nullable: true }) ureRegisterEntry!: string | null;
}

/** POST /clusters: the registered profile and the stream version it was recorded at. */
export class ClusterRegisteredResponse extends ClusterProfileResponse {
  @ApiProperty({ type: Number, example: 0 }) streamVersion!: number;
}

/** PUT /clusters/{clusterId}/coordinator. */
export class CoordinatorChangedResponse extends CoordinatorResponse {
  @ApiProperty({ type: Number }) streamVersion!: number;
}

export class ClusterListResponse {
  @ApiProperty({ type: [ClusterProfileResponse], description: 'the clusters the token may see' }) items!: ClusterProfileResponse[];
}

export class AgreementVersionRefResponse {
  @ApiProperty({ type: Number, example: 1 }) version!: number;
  @ApiProperty({ type: String, example: '2026-01' }) effectiveFrom!: string;
}

/** GET /clusters/{clusterId}: the profile with counts. */
export class ClusterResponse extends ClusterProfileResponse {
  @ApiProperty({ type: Number, description: 'how many members were ever admitted' }) members!: number;
  @ApiProperty({ type: Number, description: 'how many metering points were ever registered' }) meteringPoints!: number;
  @ApiProperty({ type: AgreementVersionRefResponse, nullable: true }) latestAgreementVersion!: AgreementVersionRefResponse | null;
}

export class ComplianceWarningResponse {
  @ApiProperty({ enum: ['no_public_party', 'too_many_gminy', 'ppe_of_withdrawn_member', 'coordinator_address_missing'] }) code!: string;
  @ApiProperty({ type: String }) message!: string;
}

export class ComplianceResponse {
  @ApiProperty({ type: [ComplianceWarningResponse] }) warnings!: ComplianceWarningResponse[];
}

export class JstUnitResponse {
  @ApiProperty({ type: String }) name!: string;
  @ApiProperty({ type: String }) nip!: string;
  @ApiPropertyOptional({ type: String }) address?: string;
}

class MemberFields {
  @ApiProperty({ type: String, format: 'uuid' }) memberId!: string;
  @ApiProperty({ enum: MEMBER_KINDS }) kind!: string;
  @ApiProperty({ type: String }) legalName!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null for a household' }) nip!: string | null;
  @ApiProperty({ type: String }) address!: string;
  @ApiProperty({ type: String }) invoiceEmail!: string;
  @ApiProperty({ type: Boolean }) vatPayer!: boolean;
  @ApiProperty({ type: Boolean }) selfBillingConsent!: boolean;
  @ApiProperty({ type: String, example: '2026-01-01' }) admittedOn!: string;
  @ApiPropertyOptional({ type: JstUnitResponse }) jstUnit?: JstUnitResponse;
}

/** POST /clusters/{clusterId}/members: the member as admitted. */
export class MemberAdmittedResponse extends MemberFields {
  @ApiProperty({ type: Number }) streamVersion!: number;
}

/** A member as the registry holds it, with its status. */
export class MemberResponse extends MemberFields {
  @ApiProperty({ type: String, nullable: true, example: null }) withdrawnOn!: string | null;
  @ApiPropertyOptional({ type: Number, description: '1 for the first member admitted, and so on' }) number?: number;
  @ApiProperty({ enum: ['active', 'withdrawn'] }) status!: 'active' | 'withdrawn';
}

export class MemberListResponse {
  @ApiProperty({ type: [MemberResponse] }) items!: MemberResponse[];
}

/** POST /clusters/{clusterId}/members/{memberId}/withdrawal. */
export class WithdrawalResponse {
  @ApiProperty({ type: String }) memberId!: string;
  @ApiProperty({ type: String, example: '2026-07-01' }) effectiveOn!: string;
  @ApiProperty({ type: Number }) streamVersion!: number;
}

/** POST /clusters/{clusterId}/metering-points: the point as registered. */
export class MeteringPointRegisteredResponse {
  @ApiProperty({ type: String, example: 'PL0037580000000001', description: 'normalised: capitals and digits' }) ppeCode!: string;
  @ApiProperty({ type: String }) memberId!: string;
  @ApiProperty({ enum: PPE_ROLES }) role!: string;
  @ApiProperty({ enum: CARRIERS }) carrier!: string;
  @ApiProperty({ enum: SOURCES, nullable: true }) source!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'installed capacity in kW' }) capacityKw!: number | null;
  @ApiProperty({ type: String, example: '2026-01-01' }) validFrom!: string;
  @ApiProperty({ type: Number }) streamVersion!: number;
}

export class AssignmentResponse {
  @ApiProperty({ type: String }) memberId!: string;
  @ApiProperty({ type: String, example: '2026-01-01', description: 'date from which the member holds the point' }) from!: string;
}

export class OwnershipPeriodResponse {
  @ApiProperty({ type: String }) memberId!: string;
  @ApiProperty({ type: String, format: 'date-time' }) from!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) to!: string | null;
}

/** A metering point with its owners over time. */
export class MeteringPointResponse {
  @ApiProperty({ type: String, example: 'PL0037580000000001' }) ppeCode!: string;
  @ApiProperty({ type: String, description: 'the current owner' }) memberId!: string;
  @ApiProperty({ enum: PPE_ROLES }) role!: string;
  @ApiProperty({ enum: CARRIERS }) carrier!: string;
  @ApiProperty({ enum: SOURCES, nullable: true }) source!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'installed capacity in kW' }) capacityKw!: number | null;
  @ApiProperty({ type: String, example: '2026-01-01' }) validFrom!: string;
  @ApiProperty({ type: String, nullable: true }) decommissionedFrom!: string | null;
  @ApiProperty({ type: [AssignmentResponse] }) assignments!: AssignmentResponse[];
  @ApiProperty({ type: [OwnershipPeriodResponse], description: 'who held it when, as UTC instants, cut short by decommissioning and withdrawals' })
  ownership!: OwnershipPeriodResponse[];
}

export class MeteringPointListResponse {
  @ApiProperty({ type: [MeteringPointResponse] }) items!: MeteringPointResponse[];
}

/** POST /clusters/{clusterId}/metering-points/{ppeCode}/reassignment. */
export class ReassignmentResponse {
  @ApiProperty({ type: String }) ppeCode!: string;
  @ApiProperty({ type: String }) fromMemberId!: string;
  @ApiProperty({ type: String }) memberId!: string;
  @ApiProperty({ type: String, example: '2026-03-01' }) effectiveFrom!: string;
  @ApiProperty({ type: Number }) streamVersion!: number;
}

/** POST /clusters/{clusterId}/metering-points/{ppeCode}/decommissioning. */
export class DecommissioningResponse {
  @ApiProperty({ type: String }) ppeCode!: string;
  @ApiProperty({ type: String, example: '2026-12-31' }) effectiveFrom!: string;
  @ApiProperty({ type: Number }) streamVersion!: number;
}

export class StaticKeyResponse {
  @ApiProperty({ type: String }) memberId!: string;
  @ApiProperty({ type: Number, description: 'basis points' }) shareBp!: number;
}

export class AllocationResponse {
  @ApiProperty({ enum: ['pro_rata', 'static', 'priority'] }) method!: 'pro_rata' | 'static' | 'priority';
  @ApiPropertyOptional({ type: Boolean, description: 'static only' }) redistribute?: boolean;
  @ApiPropertyOptional({ type: [StaticKeyResponse], description: 'static only' }) keys?: StaticKeyResponse[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'array', items: { type: 'string' } }, description: 'priority only: tiers of member ids' }) tiers?: string[][];
}

export class ThresholdsResponse {
  @ApiPropertyOptional({ type: Number }) selfSufficiencyBp?: number;
  @ApiPropertyOptional({ type: Number }) renewableShareBp?: number;
}

class AgreementVersionFields {
  @ApiProperty({ type: Number, example: 1 }) version!: number;
  @ApiProperty({ type: String, example: '2026-01' }) effectiveFrom!: string;
  @ApiProperty({ enum: [15, 60] }) intervalMinutes!: 15 | 60;
  @ApiProperty({ type: Boolean }) ownNetting!: boolean;
  @ApiProperty({ type: AllocationResponse }) allocation!: AllocationResponse;
  @ApiProperty({ type: Number }) internalPriceGroszePerMwh!: number;
  @ApiProperty({ type: Number }) referenceGridPriceGroszePerMwh!: number;
  @ApiProperty({ type: Number }) feeGroszePerMwhReceived!: number;
  @ApiProperty({ type: Number }) feeGroszePerMwhSupplied!: number;
  @ApiProperty({ type: Number }) monthlyFeeGroszePerMember!: number;
  @ApiProperty({ type: Number, example: 2300 }) vatRateBp!: number;
  @ApiProperty({ type: String, example: 'FV' }) invoiceSeries!: string;
  @ApiProperty({ type: ThresholdsResponse }) thresholds!: ThresholdsResponse;
  @ApiProperty({ type: Number, nullable: true, description: 'the version this one replaces' }) supersedesVersion!: number | null;
  @ApiPropertyOptional({ type: Number, description: 'days from issue to due date (versions recorded before it was asked: absent, 14 applies)' }) paymentTermDays?: number;
}

/** POST /clusters/{clusterId}/agreement-versions: the version as recorded, with its number. */
export class AgreementAmendedResponse extends AgreementVersionFields {
  @ApiProperty({ type: Number }) streamVersion!: number;
}

export class ActorResponse {
  @ApiProperty({ type: String, nullable: true }) tokenId!: string | null;
  @ApiProperty({ type: String }) role!: string;
}

/** An agreement version with who added it and when, and what replaced it. */
export class AgreementVersionResponse extends AgreementVersionFields {
  @ApiProperty({ type: ActorResponse }) addedBy!: ActorResponse;
  @ApiProperty({ type: String, format: 'date-time' }) addedAt!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'the version that replaced this one' }) supersededBy!: number | null;
}

export class AgreementVersionListResponse {
  @ApiProperty({ type: [AgreementVersionResponse] }) items!: AgreementVersionResponse[];
}
