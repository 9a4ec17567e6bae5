// Import profiles shipped with the service, for exports commonly found. What each is
// based on is in the README (Metering files); their sample files are in test/data/dso/.
import type { ImportProfile } from './profile.js';

export const BUILTIN_PROFILES: readonly ImportProfile[] = [
  {
    name: 'pge-ebok',
    description: 'PGE Dystrybucja eBOK, hourly data of a PPE: Data (DD.MM.YYYY); Godzina (hour ending, 1 to 24); Pobór [kWh]; Oddanie [kWh] — unverified against a real export',
    delimiter: ';',
    decimalSeparator: ',',
    encoding: 'auto',
    headerRow: 1,
    time: { convention: 'hour-ending', intervalMinutes: 60, dateColumn: 'Data', timeColumn: 'Godzina', dateFormat: 'DD.MM.YYYY' },
    unit: 'kWh',
    values: [
      { column: 'Pobór [kWh]', direction: 'import' },
      { column: 'Oddanie [kWh]', direction: 'export' },
    ],
  },
  {
    name: 'energa-moj-licznik',
    description:
      'Energa-Operator Mój Licznik, hourly data of a meter: Data (YYYY-MM-DD); Godzina (hour ending, 1:00 to 24:00); A+ [kWh] (pobór); A- [kWh] (oddanie) — unverified against a real export',
    delimiter: ';',
    decimalSeparator: ',',
    encoding: 'auto',
    headerRow: 1,
    time: { convention: 'hour-ending', intervalMinutes: 60, dateColumn: 'Data', timeColumn: 'Godzina', dateFormat: 'YYYY-MM-DD' },
    unit: 'kWh',
    values: [
      { column: 'A+ [kWh]', direction: 'import' },
      { column: 'A- [kWh]', direction: 'export' },
    ],
  },
];
