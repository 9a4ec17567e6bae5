// The five clusters of the seed articles as runnable scenarios. Members named and typed
// as in the articles; households and firms added where the agreement is open to them.
// NIPs are fictitious but pass the checksum; TERYT codes are the gminy's where known.
// Addresses ("ul. Przykładowa", "ul. Demonstracyjna") and bank accounts (…0000 0000 X00X)
// are made up for the demo, plausible in form (postal codes of the towns, IBANs whose
// checksums hold) and clearly not anyone's.
import type { GeneratorPoint } from './readings-generator.js';

export interface ScenarioMember {
  key: string;
  kind: 'municipality' | 'municipal_company' | 'company' | 'cooperative' | 'research_unit' | 'ngo' | 'household' | 'public_transport';
  legalName: string;
  nip?: string;
  /** Fictional; the town's postal code. */
  address: string;
  vatPayer: boolean;
  selfBillingConsent?: boolean;
}

export interface ScenarioPoint extends Omit<GeneratorPoint, 'role'> {
  memberKey: string;
  role: 'consumer' | 'producer' | 'prosumer';
  source?: 'pv' | 'wind' | 'hydro' | 'biogas' | 'biomass' | 'chp' | 'other';
  capacityKw?: number;
}

export type ScenarioAllocation = { method: 'pro_rata' } | { method: 'static'; redistribute: boolean; keys: { memberKey: string; shareBp: number }[] } | { method: 'priority'; tiers: string[][] };

export interface Scenario {
  key: string;
  cluster: {
    name: string;
    coordinator: { legalName: string; nip: string; address: string; bankAccount: string };
    distributionSystemOperator: string;
    area: { gminy?: { name: string; teryt: string }[]; powiat?: string };
  };
  members: ScenarioMember[];
  points: ScenarioPoint[];
  agreement: {
    intervalMinutes: 15 | 60;
    ownNetting: boolean;
    allocation: ScenarioAllocation;
    internalPriceGroszePerMwh: number;
    referenceGridPriceGroszePerMwh: number;
    feeGroszePerMwhReceived: number;
    feeGroszePerMwhSupplied: number;
    monthlyFeeGroszePerMember: number;
    vatRateBp: number;
    invoiceSeries: string;
    thresholds: { selfSufficiencyBp?: number; renewableShareBp?: number };
  };
  contracts: { sellerKey: string; buyerKey: string; whPerInterval: number; priceGroszePerMwh: number }[];
}

const prices = {
  internalPriceGroszePerMwh: 48_000,
  referenceGridPriceGroszePerMwh: 95_000,
  feeGroszePerMwhReceived: 1_500,
  feeGroszePerMwhSupplied: 800,
  monthlyFeeGroszePerMember: 2_500,
  vatRateBp: 2300,
};
const households = (prefix: string, count: number, pvEvery: number, town: string): { members: ScenarioMember[]; points: ScenarioPoint[] } => {
  const members: ScenarioMember[] = [];
  const points: ScenarioPoint[] = [];
  for (let i = 1; i <= count; i++) {
    const key = `${prefix}-home-${String(i)}`;
    members.push({ key, kind: 'household', legalName: `Gospodarstwo domowe ${prefix.toUpperCase()} ${String(i)}`, address: `ul. Przykładowa ${String(i * 2 + 1)}, ${town}`, vatPayer: false });
    const pv = i % pvEvery === 0;
    points.push({
      ppeCode: `PL${prefix.toUpperCase()}H${String(i).padStart(6, '0')}`,
      memberKey: key,
      role: pv ? 'prosumer' : 'consumer',
      ...(pv ? { source: 'pv' as const, capacityKw: 6, pvCapacityKw: 6 } : {}),
      profile: 'H25',
      annualConsumptionKwh: 3_000 + i * 150,
    });
  }
  return { members, points };
};

const orzeszeHomes = households('orz', 6, 2, '43-180 Orzesze');
const legnicaHomes = households('lgn', 6, 3, '59-220 Legnica');

export const SCENARIOS: Scenario[] = [
  {
    key: 'orzesze',
    cluster: {
      name: 'Orzeski Klaster Energii',
      coordinator: { legalName: 'Klastry Energii sp. z o.o.', nip: '6410000008', address: 'ul. Demonstracyjna 1, 43-180 Orzesze', bankAccount: 'PL34102010130000000000001001' },
      distributionSystemOperator: 'Tauron Dystrybucja S.A.',
      area: { gminy: [{ name: 'Orzesze', teryt: '2408031' }] },
    },
    members: [
      { key: 'city', kind: 'municipality', legalName: 'Miasto Orzesze', nip: '6410377173', address: 'ul. Przykładowa 10, 43-180 Orzesze', vatPayer: true, selfBillingConsent: true },
      { key: 'coop', kind: 'cooperative', legalName: 'Spółdzielnia Socjalna Zielone Śląskie', nip: '6410754345', address: 'ul. Przykładowa 20, 43-180 Orzesze', vatPayer: true },
      ...orzeszeHomes.members,
    ],
    points: [
      { ppeCode: 'PLORZCITYPV01', memberKey: 'city', role: 'producer', source: 'pv', capacityKw: 400, pvCapacityKw: 400 },
      { ppeCode: 'PLORZCITYHALL', memberKey: 'city', role: 'consumer', profile: 'G25', annualConsumptionKwh: 220_000 },
      { ppeCode: 'PLORZSCHOOL01', memberKey: 'city', role: 'consumer', profile: 'G25', annualConsumptionKwh: 150_000 },
      { ppeCode: 'PLORZCOOP0001', memberKey: 'coop', role: 'prosumer', source: 'pv', capacityKw: 50, pvCapacityKw: 50, profile: 'G25', annualConsumptionKwh: 60_000 },
      ...orzeszeHomes.points,
    ],
    agreement: { intervalMinutes: 15, ownNetting: true, allocation: { method: 'pro_rata' }, ...prices, invoiceSeries: 'OKE', thresholds: { selfSufficiencyBp: 3000, renewableShareBp: 9000 } },
    contracts: [],
  },
  {
    key: 'staszow',
    cluster: {
      name: 'Krajowy Kluczowy Klaster Energii w Staszowie',
      coordinator: { legalName: 'Domat Consulting Sp. z o.o.', nip: '6411131511', address: 'ul. Demonstracyjna 2, 28-200 Staszów', bankAccount: 'PL38105010120000000000002002' },
      distributionSystemOperator: 'PGE Dystrybucja S.A.',
      area: { gminy: [{ name: 'Staszów', teryt: '2609063' }] },
    },
    members: [
      { key: 'gmina', kind: 'municipality', legalName: 'Miasto i Gmina Staszów', nip: '6411508683', address: 'ul. Przykładowa 10, 28-200 Staszów', vatPayer: true, selfBillingConsent: true },
      { key: 'plant', kind: 'company', legalName: 'Enea Elektrownia Połaniec S.A.', nip: '6411885859', address: 'ul. Przykładowa 20, 28-230 Połaniec', vatPayer: true, selfBillingConsent: true },
      {
        key: 'pgkim',
        kind: 'municipal_company',
        legalName: 'Przedsiębiorstwo Gospodarki Komunalnej i Mieszkaniowej w Staszowie Sp. z o.o.',
        nip: '6412263025',
        address: 'ul. Przykładowa 30, 28-200 Staszów',
        vatPayer: true,
      },
      {
        key: 'zgok',
        kind: 'municipal_company',
        legalName: 'Zakład Gospodarki Odpadami Komunalnymi Sp. z o.o.',
        nip: '6412640195',
        address: 'ul. Przykładowa 40, 28-200 Staszów',
        vatPayer: true,
        selfBillingConsent: true,
      },
      { key: 'zec', kind: 'municipal_company', legalName: 'Zakład Energetyki Cieplnej w Staszowie Sp. z o.o.', nip: '6413017363', address: 'ul. Przykładowa 50, 28-200 Staszów', vatPayer: true },
    ],
    points: [
      { ppeCode: 'PLSTAPOLANIEC1', memberKey: 'plant', role: 'producer', source: 'biomass', capacityKw: 2000, baseloadKw: 1500 },
      { ppeCode: 'PLSTAGMINA001', memberKey: 'gmina', role: 'consumer', profile: 'G25', annualConsumptionKwh: 900_000 },
      { ppeCode: 'PLSTAPGKIM001', memberKey: 'pgkim', role: 'consumer', profile: 'G25', annualConsumptionKwh: 1_200_000 },
      { ppeCode: 'PLSTAZGOK0001', memberKey: 'zgok', role: 'prosumer', source: 'biogas', capacityKw: 300, baseloadKw: 250, profile: 'G25', annualConsumptionKwh: 800_000 },
      { ppeCode: 'PLSTAZEC00001', memberKey: 'zec', role: 'consumer', profile: 'G25', annualConsumptionKwh: 2_500_000 },
    ],
    agreement: { intervalMinutes: 60, ownNetting: true, allocation: { method: 'pro_rata' }, ...prices, invoiceSeries: 'KKS', thresholds: { selfSufficiencyBp: 5000, renewableShareBp: 5000 } },
    // the plant sells to the municipality and the heat company
    contracts: [
      { sellerKey: 'plant', buyerKey: 'gmina', whPerInterval: 80_000, priceGroszePerMwh: 42_000 },
      { sellerKey: 'plant', buyerKey: 'zec', whPerInterval: 200_000, priceGroszePerMwh: 44_000 },
    ],
  },
  {
    key: 'czestochowa',
    cluster: {
      name: 'Klaster Energii Powiatu Częstochowskiego',
      coordinator: { legalName: 'Związek Gmin Powiatu Częstochowskiego', nip: '6413394539', address: 'ul. Demonstracyjna 3, 42-200 Częstochowa', bankAccount: 'PL32114020040000000000003003' },
      distributionSystemOperator: 'Tauron Dystrybucja S.A.',
      area: { powiat: 'częstochowski' },
    },
    members: [
      {
        key: 'union',
        kind: 'municipality',
        legalName: 'Związek Gmin Powiatu Częstochowskiego',
        nip: '6413394539',
        address: 'ul. Przykładowa 10, 42-200 Częstochowa',
        vatPayer: true,
        selfBillingConsent: true,
      },
      { key: 'powiat', kind: 'municipality', legalName: 'Powiat Częstochowski', nip: '6413771700', address: 'ul. Przykładowa 20, 42-200 Częstochowa', vatPayer: true, selfBillingConsent: true },
      { key: 'uni', kind: 'research_unit', legalName: 'Politechnika Częstochowska', nip: '6414148877', address: 'ul. Przykładowa 30, 42-200 Częstochowa', vatPayer: true },
      {
        key: 'institute',
        kind: 'research_unit',
        legalName: 'Instytut Badawczo-Wdrożeniowy Energetyki Rozproszonej',
        nip: '6414526049',
        address: 'ul. Przykładowa 40, 42-200 Częstochowa',
        vatPayer: true,
        selfBillingConsent: true,
      },
      {
        key: 'farm',
        kind: 'company',
        legalName: 'Gospodarstwo Rolne Kłomnice Sp. z o.o.',
        nip: '6414903210',
        address: 'ul. Przykładowa 50, 42-200 Częstochowa',
        vatPayer: true,
        selfBillingConsent: true,
      },
    ],
    points: [
      { ppeCode: 'PLCZEPOWIATPV1', memberKey: 'powiat', role: 'producer', source: 'pv', capacityKw: 600, pvCapacityKw: 600 },
      { ppeCode: 'PLCZESTAROSTWO', memberKey: 'powiat', role: 'consumer', profile: 'G25', annualConsumptionKwh: 400_000 },
      { ppeCode: 'PLCZEUNION0001', memberKey: 'union', role: 'consumer', profile: 'G25', annualConsumptionKwh: 120_000 },
      { ppeCode: 'PLCZEUNIV00001', memberKey: 'uni', role: 'prosumer', source: 'pv', capacityKw: 150, pvCapacityKw: 150, profile: 'G25', annualConsumptionKwh: 1_500_000 },
      { ppeCode: 'PLCZEINSTITUT1', memberKey: 'institute', role: 'prosumer', source: 'wind', capacityKw: 100, baseloadKw: 30, profile: 'G25', annualConsumptionKwh: 200_000 },
      { ppeCode: 'PLCZEFARM00001', memberKey: 'farm', role: 'prosumer', source: 'biogas', capacityKw: 250, baseloadKw: 200, profile: 'L25', annualConsumptionKwh: 300_000 },
    ],
    agreement: {
      intervalMinutes: 60,
      ownNetting: true,
      ...prices,
      invoiceSeries: 'KEPC',
      thresholds: { selfSufficiencyBp: 4000 },
      allocation: {
        method: 'static',
        redistribute: true,
        keys: [
          { memberKey: 'union', shareBp: 1500 },
          { memberKey: 'powiat', shareBp: 2500 },
          { memberKey: 'uni', shareBp: 4000 },
          { memberKey: 'institute', shareBp: 1000 },
          { memberKey: 'farm', shareBp: 1000 },
        ],
      },
    },
    contracts: [],
  },
  {
    key: 'lesna-kraina',
    cluster: {
      name: 'Zielona Energia Leśnej Krainy',
      coordinator: { legalName: 'Stowarzyszenie "Leśna Kraina Górnego Śląska"', nip: '6415280389', address: 'ul. Demonstracyjna 4, 42-713 Kochanowice', bankAccount: 'PL94124010370000000000004004' },
      distributionSystemOperator: 'Tauron Dystrybucja S.A.',
      area: {
        gminy: [
          { name: 'Kochanowice', teryt: '2407032' },
          { name: 'Zbrosławice', teryt: '2413042' },
          { name: 'Krupski Młyn', teryt: '2413022' },
          { name: 'Tworóg', teryt: '2413032' },
          { name: 'Pawonków', teryt: '2407052' },
        ],
      },
    },
    members: [
      { key: 'kochanowice', kind: 'municipality', legalName: 'Gmina Kochanowice', nip: '6415657552', address: 'ul. Przykładowa 10, 42-713 Kochanowice', vatPayer: true, selfBillingConsent: true },
      { key: 'zbroslawice', kind: 'municipality', legalName: 'Gmina Zbrosławice', nip: '6416034729', address: 'ul. Przykładowa 20, 42-674 Zbrosławice', vatPayer: true, selfBillingConsent: true },
      { key: 'krupski', kind: 'municipality', legalName: 'Gmina Krupski Młyn', nip: '6416411899', address: 'ul. Przykładowa 30, 42-693 Krupski Młyn', vatPayer: true, selfBillingConsent: true },
      { key: 'tworog', kind: 'municipality', legalName: 'Gmina Tworóg', nip: '6416789066', address: 'ul. Przykładowa 40, 42-690 Tworóg', vatPayer: true, selfBillingConsent: true },
      { key: 'pawonkow', kind: 'municipality', legalName: 'Gmina Pawonków', nip: '6417166232', address: 'ul. Przykładowa 50, 42-772 Pawonków', vatPayer: true, selfBillingConsent: true },
      { key: 'association', kind: 'ngo', legalName: 'Stowarzyszenie "Leśna Kraina Górnego Śląska"', nip: '6415280389', address: 'ul. Przykładowa 60, 42-713 Kochanowice', vatPayer: false },
    ],
    points: [
      ...['kochanowice', 'zbroslawice', 'krupski', 'tworog', 'pawonkow'].flatMap((g, i) => [
        { ppeCode: `PLZELK${g.slice(0, 4).toUpperCase()}PV`, memberKey: g, role: 'producer' as const, source: 'pv' as const, capacityKw: 100 + i * 40, pvCapacityKw: 100 + i * 40 },
        { ppeCode: `PLZELK${g.slice(0, 4).toUpperCase()}UG`, memberKey: g, role: 'consumer' as const, profile: 'G25' as const, annualConsumptionKwh: 150_000 + i * 30_000 },
      ]),
      { ppeCode: 'PLZELKASSOC001', memberKey: 'association', role: 'consumer', profile: 'G25', annualConsumptionKwh: 12_000 },
    ],
    agreement: {
      intervalMinutes: 15,
      ownNetting: true,
      ...prices,
      invoiceSeries: 'ZELK',
      thresholds: { renewableShareBp: 9500 },
      // without redistribution: what a gmina cannot use goes to the grid (Austria's static model)
      allocation: {
        method: 'static',
        redistribute: false,
        keys: [
          { memberKey: 'kochanowice', shareBp: 2000 },
          { memberKey: 'zbroslawice', shareBp: 2000 },
          { memberKey: 'krupski', shareBp: 2000 },
          { memberKey: 'tworog', shareBp: 2000 },
          { memberKey: 'pawonkow', shareBp: 1500 },
          { memberKey: 'association', shareBp: 500 },
        ],
      },
    },
    contracts: [],
  },
  {
    key: 'legnica',
    cluster: {
      name: 'Legnicki Klaster Energii',
      coordinator: { legalName: 'Legnicka Agencja Energii Sp. z o.o.', nip: '6417543404', address: 'ul. Demonstracyjna 5, 59-220 Legnica', bankAccount: 'PL20109010140000000000005005' },
      distributionSystemOperator: 'Tauron Dystrybucja S.A.',
      area: { powiat: 'Legnica (miasto na prawach powiatu)' },
    },
    members: [
      { key: 'city', kind: 'municipality', legalName: 'Gmina Legnica', nip: '6417920574', address: 'ul. Przykładowa 10, 59-220 Legnica', vatPayer: true, selfBillingConsent: true },
      {
        key: 'mpk',
        kind: 'public_transport',
        legalName: 'Miejskie Przedsiębiorstwo Komunikacji Sp. z o.o. w Legnicy',
        nip: '6418297746',
        address: 'ul. Przykładowa 20, 59-220 Legnica',
        vatPayer: true,
      },
      { key: 'lsm', kind: 'cooperative', legalName: 'Legnicka Spółdzielnia Mieszkaniowa', nip: '6418674918', address: 'ul. Przykładowa 30, 59-220 Legnica', vatPayer: true, selfBillingConsent: true },
      { key: 'community', kind: 'cooperative', legalName: 'Wspólnota Mieszkaniowa ul. Chojnowska 12', nip: '6419052082', address: 'ul. Przykładowa 40, 59-220 Legnica', vatPayer: false },
      { key: 'uni', kind: 'research_unit', legalName: 'Collegium Witelona Uczelnia Państwowa', nip: '6419429256', address: 'ul. Przykładowa 50, 59-220 Legnica', vatPayer: true },
      ...legnicaHomes.members,
    ],
    points: [
      { ppeCode: 'PLLGNCITYPV001', memberKey: 'city', role: 'producer', source: 'pv', capacityKw: 800, pvCapacityKw: 800 },
      { ppeCode: 'PLLGNCITYHALL1', memberKey: 'city', role: 'consumer', profile: 'G25', annualConsumptionKwh: 600_000 },
      { ppeCode: 'PLLGNBUSDEPOT1', memberKey: 'mpk', role: 'consumer', profile: 'G25', annualConsumptionKwh: 1_800_000 },
      { ppeCode: 'PLLGNCHARGERS1', memberKey: 'mpk', role: 'consumer', profile: 'G25', annualConsumptionKwh: 400_000 },
      { ppeCode: 'PLLGNLSMROOF01', memberKey: 'lsm', role: 'prosumer', source: 'pv', capacityKw: 200, pvCapacityKw: 200, profile: 'H25', annualConsumptionKwh: 350_000 },
      { ppeCode: 'PLLGNCOMMUN001', memberKey: 'community', role: 'consumer', profile: 'H25', annualConsumptionKwh: 90_000 },
      { ppeCode: 'PLLGNUNIV00001', memberKey: 'uni', role: 'prosumer', source: 'pv', capacityKw: 120, pvCapacityKw: 120, profile: 'G25', annualConsumptionKwh: 700_000 },
      ...legnicaHomes.points,
    ],
    agreement: {
      intervalMinutes: 15,
      ownNetting: true,
      ...prices,
      invoiceSeries: 'LKE',
      thresholds: { selfSufficiencyBp: 2500, renewableShareBp: 9000 },
      // public buildings and public transport first, then the rest pro rata
      allocation: {
        method: 'priority',
        tiers: [
          ['city', 'mpk', 'uni'],
          ['lsm', 'community'],
        ],
      },
    },
    contracts: [{ sellerKey: 'city', buyerKey: 'mpk', whPerInterval: 15_000, priceGroszePerMwh: 40_000 }],
  },
];
