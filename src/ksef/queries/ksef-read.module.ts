import { Module } from '@nestjs/common';
import { KsefReader } from './ksef-reader.js';

/** The read side alone, for modules that show KSeF states (invoicing) without the sender. */
@Module({ providers: [KsefReader], exports: [KsefReader] })
export class KsefReadModule {}
