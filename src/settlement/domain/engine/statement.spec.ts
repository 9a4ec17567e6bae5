import { allocateInterval } from './allocate.js';
import { buildStatements, MonthAccumulator, type PricingTerms } from './statement.js';

const terms: PricingTerms = {
  version: 3,
  effectiveFrom: '2026-05',
  internalPriceGroszePerMwh: 45_000,
  referenceGridPriceGroszePerMwh: 90_000,
  feeGroszePerMwhReceived: 1_000,
  feeGroszePerMwhSupplied: 500,
  monthlyFeeGroszePerMember: 2_000,
  vatRateBp: 2300,
  thresholds: { selfSufficiencyBp: 5000, renewableShareBp: 9000 },
};

/** The member's statement (a test fails when there is none). */
function statementOf<T extends { memberId: string }>(members: T[], memberId: string): T {
  const statement = members.find((m) => m.memberId === memberId);
  if (!statement) throw new Error(`no statement for ${memberId}`);
  return statement;
}

test('a hand-computed month of two intervals', () => {
  const month = new MonthAccumulator(['pv', 'school', 'idle']);
  // interval 1: pv exports 10 kWh, school imports 4 kWh; interval 2: pv 1 kWh, school 3 kWh
  month.add(
    allocateInterval({
      members: [
        { memberId: 'pv', exportWh: 10_000, importWh: 0 },
        { memberId: 'school', exportWh: 0, importWh: 4_000 },
      ],
      ownNetting: true,
      allocation: { method: 'pro_rata' },
    }),
  );
  month.add(
    allocateInterval({
      members: [
        { memberId: 'pv', exportWh: 1_000, importWh: 0 },
        { memberId: 'school', exportWh: 0, importWh: 3_000 },
      ],
      ownNetting: true,
      allocation: { method: 'pro_rata' },
    }),
  );
  const { members, cluster } = buildStatements(month, terms, [], new Map([['pv', 11_000]]));
  const school = statementOf(members, 'school');
  const pv = statementOf(members, 'pv');
  // school received 4 + 1 = 5 kWh at 450 zł/MWh = 2.25 zł; fee 5 kWh × 10 zł/MWh = 0.05 zł; monthly 20 zł
  expect(school).toMatchObject({ importWh: 7_000, receivedWh: 5_000, gridImportWh: 2_000, receivedValueGrosze: 225, feeReceivedGrosze: 5, feesGrosze: 2_005 });
  // VAT 23% of 22.30 zł = 5.129 → 5.13 zł; net 22.30 + 5.13
  expect(school).toMatchObject({ vatGrosze: 513, netAmountGrosze: 225 + 2_005 + 513, savingsGrosze: 450 - 225 });
  // pv supplied 5 kWh: 2.25 zł owed to it; fee 5 kWh × 5 zł/MWh = 0.025 → 0.03 zł (half up)
  expect(pv).toMatchObject({ exportWh: 11_000, suppliedWh: 5_000, gridExportWh: 6_000, suppliedValueGrosze: 225, feeSuppliedGrosze: 3 });
  expect(pv.netAmountGrosze).toBe(3 + 2_000 + 461 - 225);
  expect(members.find((m) => m.memberId === 'idle')).toMatchObject({ importWh: 0, feesGrosze: 2_000, receivedShareBp: 0 });
  expect([school.receivedShareBp, pv.suppliedShareBp, pv.exportShareBp, school.importShareBp]).toEqual([10_000, 10_000, 10_000, 10_000]);
  expect(cluster).toMatchObject({
    agreementVersion: 3,
    receivedWh: 5_000,
    suppliedWh: 5_000,
    selfSufficiency: { valueBp: 7143, thresholdBp: 5000, met: true },
    renewableShare: { valueBp: 10_000, thresholdBp: 9000, met: true },
  });
});

test('contract lines name the counterparty and are valued at the contract price', () => {
  const month = new MonthAccumulator(['plant', 'city']);
  month.add(
    allocateInterval({
      members: [
        { memberId: 'plant', exportWh: 3_000, importWh: 0 },
        { memberId: 'city', exportWh: 0, importWh: 5_000 },
      ],
      ownNetting: true,
      allocation: { method: 'pro_rata' },
      contracts: [{ contractId: 'k1', sellerMemberId: 'plant', buyerMemberId: 'city', contractedWh: 2_000 }],
    }),
  );
  const { members } = buildStatements(month, terms, [{ contractId: 'k1', sellerMemberId: 'plant', buyerMemberId: 'city', priceGroszePerMwh: 30_000 }], new Map());
  const city = statementOf(members, 'city');
  expect(city.contracts).toEqual([
    { contractId: 'k1', counterpartyMemberId: 'plant', role: 'buyer', contractedWh: 2_000, deliveredWh: 2_000, shortfallWh: 0, priceGroszePerMwh: 30_000, valueGrosze: 60 },
  ]);
  // 2 kWh by contract at 300 zł/MWh and 1 kWh from the pool at 450 zł/MWh
  expect(city).toMatchObject({ contractReceivedWh: 2_000, poolReceivedWh: 1_000, receivedValueGrosze: 60 + 45 });
  expect(statementOf(members, 'plant').contracts[0]).toMatchObject({ role: 'seller', counterpartyMemberId: 'city', valueGrosze: 60 });
});
