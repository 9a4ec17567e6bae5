import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiReadProblems, ApiWriteProblems } from '../../common/openapi.js';
import { ImportProfileDto, ImportProfileListDto } from './metering.responses.js';
import { Roles } from '../../auth/roles.decorator.js';
import { ImportProfilesService } from '../queries/import-profiles.query.js';

@ApiTags('metering')
@ApiBearerAuth()
@Controller('clusters/:clusterId/import-profiles')
export class ImportProfilesController {
  constructor(@Inject(ImportProfilesService) private readonly profiles: ImportProfilesService) {}

  @Get()
  @Roles('coordinator', 'auditor', 'admin', 'meter-data')
  @ApiOkResponse({ type: ImportProfileListDto })
  @ApiReadProblems()
  async list(@Param('clusterId') clusterId: string) {
    return this.profiles.list(clusterId);
  }

  @Post()
  @HttpCode(201)
  @Roles('coordinator')
  @ApiCreatedResponse({ type: ImportProfileDto, description: 'the profile as saved, its sample read' })
  @ApiWriteProblems()
  @ApiBody({
    description: 'name, delimiter, decimalSeparator, encoding (auto, utf-8, windows-1250), headerRow (0: none), time { convention: hour-ending|hour-starting, intervalMinutes: 15|60, dateColumn?, timeColumn, dateFormat }, ppeColumn?, unit (kWh|Wh), values [{ column, direction: import|export }], sample (the text of an export, checked before saving)',
  })
  async save(@Param('clusterId') clusterId: string, @Body() body: unknown) {
    return this.profiles.save(clusterId, body);
  }
}
