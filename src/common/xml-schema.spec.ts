// The official schemas compile offline and tell a valid e-invoice from an invalid one by name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../database/paths.js';
import { fa3Schema, upoSchema } from './xml-schema.js';

const sample = readFileSync(join(projectRoot(), 'test/data/fa3/minimal-invoice.xml'), 'utf8');

test('a minimal FA(3) invoice with Polish letters, & and < in a name validates', () => {
  expect(fa3Schema().validate(sample)).toEqual({ valid: true });
});

test('a missing element is named where the schema notices it', () => {
  const result = fa3Schema().validate(sample.replace(/<P_15>.*<\/P_15>/, ''));
  expect(result).toMatchObject({ valid: false, errors: [{ element: 'Adnotacje', reason: expect.stringMatching(/^Element 'Adnotacje': This element is not expected/) as unknown }] });
});

test('a value of the wrong type is named with its element', () => {
  const result = fa3Schema().validate(sample.replace('<P_13_1>100.00</P_13_1>', '<P_13_1>1.005</P_13_1>'));
  expect(result.valid || result.errors[0]).toMatchObject({ element: 'P_13_1', line: 22, reason: expect.stringContaining('fractional digits') as unknown });
});

test('bytes that are not XML are refused, not thrown', () => {
  expect(fa3Schema().validate('<Faktura')).toMatchObject({ valid: false });
});

test('the UPO schema compiles and refuses an empty receipt', () => {
  expect(upoSchema().validate('<Potwierdzenie xmlns="http://upo.schematy.mf.gov.pl/KSeF/v4-3"/>').valid).toBe(false);
});
