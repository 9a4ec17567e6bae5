import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiReadProblems, ApiWriteProblems } from '../../common/openapi.js';
import { ImportProfileDto, ImportProfileListDto } from './metering.responses.js';
import { Roles } from '../../auth/roles.decorator.js';
import { SaveImportProfile } from '../commands/save-import-profile.command.js';
import { ListImportProfiles } from '../queries/import-profiles.query.js';

@ApiTags('metering')
@ApiBearerAuth()
@Controller('clusters/:clusterId/import-profiles')
export class ImportProfilesController {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
  ) {}

  @Get()
  @Roles('coordinator', 'auditor', 'admin', 'meter-data')
  @ApiOkResponse({ type: ImportProfileListDto })
  @ApiReadProblems()
  async list(@Param('clusterId') clusterId: string) {
    return this.queryBus.execute(new ListImportProfiles(clusterId));
  }

  @Post()
  @HttpCode(201)
  @Roles('coordinator')
  @ApiCreatedResponse({ type: ImportProfileDto, description: 'the profile as saved, its sample read' })
  @ApiWriteProblems()
  @ApiBody({
    description:
      'name, delimiter, decimalSeparator, encoding (auto, utf-8, windows-1250), headerRow (0: none), time { convention: hour-ending|hour-starting, intervalMinutes: 15|60, dateColumn?, timeColumn, dateFormat }, ppeColumn?, unit (kWh|Wh), values [{ column, direction: import|export }], sample (the text of an export, checked before saving)',
  })
  async save(@Param('clusterId') clusterId: string, @Body() body: unknown) {
    return this.commandBus.execute(new SaveImportProfile(clusterId, body));
  }
}
