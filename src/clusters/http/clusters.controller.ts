import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import { CLUSTER_READERS, type Principal, Roles } from '../../auth/roles.decorator.js';
import { ApiReadProblems, ApiWriteProblems } from '../../common/openapi.js';
import { AdmitMemberDto, AgreementVersionDto, DecommissionDto, PartyDto, ReassignmentDto, RegisterClusterDto, RegisterMeteringPointDto, WithdrawalDto } from './clusters.dto.js';
import {
  AgreementAmendedResponse,
  AgreementVersionListResponse,
  ClusterListResponse,
  ClusterRegisteredResponse,
  ClusterResponse,
  ComplianceResponse,
  CoordinatorChangedResponse,
  DecommissioningResponse,
  MemberAdmittedResponse,
  MemberListResponse,
  MemberResponse,
  MeteringPointListResponse,
  MeteringPointRegisteredResponse,
  MeteringPointResponse,
  ReassignmentResponse,
  WithdrawalResponse,
} from './clusters.responses.js';
import { ClusterCommandMessage } from '../commands/cluster-command.js';
import { type Allocation, type ClusterCommand, type ClusterEvent } from '../domain/registry.js';
import { GetCluster, GetCompliance, GetMember, GetMeteringPoint, ListAgreementVersions, ListClusters, ListMembers, ListMeteringPoints } from '../queries/clusters.query.js';

/** The event a registry command recorded: decide answers each of these commands with exactly one, of this type. */
function recorded<T extends ClusterEvent['type']>(events: ClusterEvent[], type: T): Extract<ClusterEvent, { type: T }> {
  const [event] = events;
  if (events.length !== 1 || event?.type !== type) throw new Error(`Expected one ${type} event, the decider answered ${events.map((e) => e.type).join(', ') || 'none'}`);
  return event as Extract<ClusterEvent, { type: T }>;
}

@ApiTags('registry')
@ApiBearerAuth()
@Controller('clusters')
export class ClustersController {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
  ) {}

  /** Through the CommandBus (commands/cluster-command.ts); a change dated in a closed month is 409. */
  private async execute(clusterId: string, command: ClusterCommand): Promise<{ events: ClusterEvent[]; streamVersion: number }> {
    const { events, streamVersion } = await this.commandBus.execute(new ClusterCommandMessage(clusterId, command));
    return { events, streamVersion };
  }

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: ClusterRegisteredResponse })
  @ApiWriteProblems()
  async register(@Body() body: RegisterClusterDto) {
    const clusterId = randomUUID();
    const { events, streamVersion } = await this.execute(clusterId, {
      type: 'RegisterCluster',
      clusterId,
      name: body.name,
      coordinator: body.coordinator,
      distributionSystemOperator: body.distributionSystemOperator,
      area: body.area,
      ureRegisterEntry: body.ureRegisterEntry,
    });
    return { ...recorded(events, 'ClusterRegistered').data, clusterId, streamVersion };
  }

  @Put(':clusterId/coordinator')
  @Roles('admin')
  @ApiOperation({ summary: "Change the coordinator's name, NIP or address; later invoices show them" })
  @ApiOkResponse({ type: CoordinatorChangedResponse })
  @ApiWriteProblems()
  async changeCoordinator(@Param('clusterId') clusterId: string, @Body() body: PartyDto) {
    const { events, streamVersion } = await this.execute(clusterId, { type: 'ChangeCoordinator', coordinator: body });
    return { ...recorded(events, 'CoordinatorChanged').data, streamVersion };
  }

  @Get()
  @Roles('admin', 'coordinator', 'auditor', 'member')
  @ApiOkResponse({ type: ClusterListResponse })
  @ApiReadProblems()
  async list(@CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new ListClusters(principal));
  }

  @Get(':clusterId')
  @Roles('admin', 'coordinator', 'auditor', 'member')
  @ApiOkResponse({ type: ClusterResponse })
  @ApiReadProblems()
  async get(@Param('clusterId') clusterId: string) {
    return this.queryBus.execute(new GetCluster(clusterId));
  }

  @Get(':clusterId/compliance')
  @Roles(...CLUSTER_READERS)
  @ApiOkResponse({ type: ComplianceResponse })
  @ApiReadProblems()
  async compliance(@Param('clusterId') clusterId: string) {
    return this.queryBus.execute(new GetCompliance(clusterId));
  }

  @Post(':clusterId/members')
  @Roles('coordinator')
  @ApiCreatedResponse({ type: MemberAdmittedResponse })
  @ApiWriteProblems()
  async admit(@Param('clusterId') clusterId: string, @Body() body: AdmitMemberDto) {
    const memberId = randomUUID();
    const { events, streamVersion } = await this.execute(clusterId, {
      type: 'AdmitMember',
      memberId,
      kind: body.kind,
      legalName: body.legalName,
      nip: body.nip,
      address: body.address,
      invoiceEmail: body.invoiceEmail,
      vatPayer: body.vatPayer,
      selfBillingConsent: body.selfBillingConsent,
      admittedOn: body.admittedOn,
      jstUnit: body.jstUnit,
    });
    return { ...recorded(events, 'MemberAdmitted').data, memberId, streamVersion };
  }

  @Get(':clusterId/members')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: MemberListResponse })
  @ApiReadProblems()
  async members(@Param('clusterId') clusterId: string, @CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new ListMembers(clusterId, principal));
  }

  @Get(':clusterId/members/:memberId')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: MemberResponse })
  @ApiReadProblems()
  async member(@Param('clusterId') clusterId: string, @Param('memberId') memberId: string) {
    return this.queryBus.execute(new GetMember(clusterId, memberId));
  }

  @Post(':clusterId/members/:memberId/withdrawal')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOkResponse({ type: WithdrawalResponse })
  @ApiWriteProblems()
  async withdraw(@Param('clusterId') clusterId: string, @Param('memberId') memberId: string, @Body() body: WithdrawalDto) {
    const { streamVersion } = await this.execute(clusterId, { type: 'WithdrawMember', memberId, effectiveOn: body.effectiveOn });
    return { memberId, effectiveOn: body.effectiveOn, streamVersion };
  }

  @Post(':clusterId/metering-points')
  @Roles('coordinator')
  @ApiCreatedResponse({ type: MeteringPointRegisteredResponse })
  @ApiWriteProblems()
  async registerPoint(@Param('clusterId') clusterId: string, @Body() body: RegisterMeteringPointDto) {
    const { events, streamVersion } = await this.execute(clusterId, {
      type: 'RegisterMeteringPoint',
      ppeCode: body.ppeCode,
      memberId: body.memberId,
      role: body.role,
      carrier: body.carrier,
      source: body.source,
      capacityKw: body.capacityKw,
      validFrom: body.validFrom,
    });
    const { capacityW, ...rest } = recorded(events, 'MeteringPointRegistered').data;
    return { ...rest, capacityKw: capacityW === null ? null : capacityW / 1000, streamVersion };
  }

  @Get(':clusterId/metering-points')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: MeteringPointListResponse })
  @ApiReadProblems()
  async points(@Param('clusterId') clusterId: string, @CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new ListMeteringPoints(clusterId, principal));
  }

  @Get(':clusterId/metering-points/:ppeCode')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: MeteringPointResponse })
  @ApiReadProblems()
  async point(@Param('clusterId') clusterId: string, @Param('ppeCode') ppeCode: string, @CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new GetMeteringPoint(clusterId, ppeCode, principal));
  }

  @Post(':clusterId/metering-points/:ppeCode/reassignment')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOkResponse({ type: ReassignmentResponse })
  @ApiWriteProblems()
  async reassign(@Param('clusterId') clusterId: string, @Param('ppeCode') ppeCode: string, @Body() body: ReassignmentDto) {
    const { events, streamVersion } = await this.execute(clusterId, { type: 'ReassignMeteringPoint', ppeCode, memberId: body.memberId, effectiveFrom: body.effectiveFrom });
    return { ...recorded(events, 'MeteringPointReassigned').data, streamVersion };
  }

  @Post(':clusterId/metering-points/:ppeCode/decommissioning')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOkResponse({ type: DecommissioningResponse })
  @ApiWriteProblems()
  async decommission(@Param('clusterId') clusterId: string, @Param('ppeCode') ppeCode: string, @Body() body: DecommissionDto) {
    const { events, streamVersion } = await this.execute(clusterId, { type: 'DecommissionMeteringPoint', ppeCode, effectiveFrom: body.effectiveFrom });
    return { ...recorded(events, 'MeteringPointDecommissioned').data, streamVersion };
  }

  @Post(':clusterId/agreement-versions')
  @Roles('coordinator')
  @ApiCreatedResponse({ type: AgreementAmendedResponse })
  @ApiWriteProblems()
  async amend(@Param('clusterId') clusterId: string, @Body() body: AgreementVersionDto) {
    const { events, streamVersion } = await this.execute(clusterId, {
      type: 'AmendAgreement',
      supersedesVersion: body.supersedesVersion,
      closedMonths: [],
      terms: {
        effectiveFrom: body.effectiveFrom,
        intervalMinutes: body.intervalMinutes,
        ownNetting: body.ownNetting,
        allocation: body.allocation as Allocation,
        internalPriceGroszePerMwh: body.internalPriceGroszePerMwh,
        referenceGridPriceGroszePerMwh: body.referenceGridPriceGroszePerMwh,
        feeGroszePerMwhReceived: body.feeGroszePerMwhReceived,
        feeGroszePerMwhSupplied: body.feeGroszePerMwhSupplied,
        monthlyFeeGroszePerMember: body.monthlyFeeGroszePerMember,
        vatRateBp: body.vatRateBp,
        invoiceSeries: body.invoiceSeries,
        paymentTermDays: body.paymentTermDays,
        thresholds: body.thresholds ? { selfSufficiencyBp: body.thresholds.selfSufficiencyBp, renewableShareBp: body.thresholds.renewableShareBp } : {},
      },
    });
    return { ...recorded(events, 'AgreementAmended').data, streamVersion };
  }

  @Get(':clusterId/agreement-versions')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: AgreementVersionListResponse })
  @ApiReadProblems()
  async agreements(@Param('clusterId') clusterId: string) {
    return this.queryBus.execute(new ListAgreementVersions(clusterId));
  }
}
