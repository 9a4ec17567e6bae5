// What the invoicing routes take.
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CorrectionsDto {
  @ApiProperty({ example: 'Korekta odczytów OSD za maj' }) @IsString() @Length(1, 500) reason!: string;
}
