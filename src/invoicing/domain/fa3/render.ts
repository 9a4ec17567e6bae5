// A document as an FA(3) e-invoice (the Ministry of Finance's logical structure for KSeF,
// schema assets/ksef/FA3/schemat_FA3_v1-0E.xsd). Pure and deterministic: the XML comes from
// the document alone (DataWytworzeniaFa is the document's own issue instant, never the
// clock), so the same document always gives the same bytes. xmlbuilder2 escapes the text.
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { InvoiceDocument, InvoiceLine, Party } from '../documents.js';
import { documentIssuedAt, lineRateBp, rateTotals, type RateTotal } from '../documents.js';
import { grosze, kwh, monthPeriod, unitPricePerKwh } from './amounts.js';

/**
 * xmlbuilder2 escapes <, > and a bare &, but passes what looks like an entity reference
 * ("&Z;", "&amp;") through as markup: every & is written as &amp; first, so text is text.
 */
const esc = (text: string): string => text.replace(/&/g, '&amp;');

export const FA3_NAMESPACE = 'http://crd.gov.pl/wzor/2025/06/25/13775/';

/** Settlement statements of members who are not VAT payers (and their corrections) are not invoices. */
export function isFa3Document(document: InvoiceDocument): boolean {
  if (document.kind === 'settlement_statement') return false;
  if (document.kind === 'correction') return document.correctedKind !== 'settlement_statement';
  return true;
}

/** P_12: the rate as the schema names it; a rate it does not know stays a number and fails validation. */
export function fa3Rate(rateBp: number): string {
  if (rateBp === 0) return '0 KR';
  return percentText(rateBp, '.');
}

/** A rate in basis points as percent text, by integer arithmetic: 2300 → "23", 550 → "5.50". */
export function percentText(rateBp: number, decimalSeparator: '.' | ','): string {
  const whole = Math.trunc(rateBp / 100);
  const hundredths = rateBp % 100;
  return hundredths === 0 ? String(whole) : `${String(whole)}${decimalSeparator}${String(hundredths).padStart(2, '0')}`;
}

/** The P_13_x/P_14_x pair a rate is summed in (art. 106e: basic, first and second reduced, flat taxi rate, 0%). */
function rateGroup(rateBp: number): { net: string; vat: string | null; order: number } | null {
  switch (rateBp) {
    case 2300:
    case 2200:
      return { net: 'P_13_1', vat: 'P_14_1', order: 1 };
    case 800:
    case 700:
      return { net: 'P_13_2', vat: 'P_14_2', order: 2 };
    case 500:
      return { net: 'P_13_3', vat: 'P_14_3', order: 3 };
    case 400:
    case 300:
      return { net: 'P_13_4', vat: 'P_14_4', order: 4 };
    case 0:
      return { net: 'P_13_6_1', vat: null, order: 6 };
    default:
      return null;
  }
}

function ident(parent: XMLBuilder, party: Party, buyer: boolean) {
  const id = parent.ele('DaneIdentyfikacyjne');
  if (party.nip) id.ele('NIP').txt(esc(party.nip));
  else if (buyer) id.ele('BrakID').txt('1'); // a household: no tax id (art. 106e ust. 5 pkt 2)
  id.ele('Nazwa').txt(esc(party.name));
}

function address(parent: XMLBuilder, text: string, name = 'Adres') {
  const a = parent.ele(name);
  a.ele('KodKraju').txt('PL');
  a.ele('AdresL1').txt(esc(text));
}

function totalsElements(fa: XMLBuilder, totals: RateTotal[]) {
  const groups = new Map<string, { group: NonNullable<ReturnType<typeof rateGroup>>; net: number; vat: number }>();
  for (const t of totals) {
    const group = rateGroup(t.rateBp);
    // an unknown rate is summed nowhere: its line's P_12 fails validation and names it
    if (!group) continue;
    const g = groups.get(group.net) ?? { group, net: 0, vat: 0 };
    g.net += t.netGrosze;
    g.vat += t.vatGrosze;
    groups.set(group.net, g);
  }
  for (const g of [...groups.values()].sort((a, b) => a.group.order - b.group.order)) {
    fa.ele(g.group.net).txt(esc(grosze(g.net)));
    if (g.group.vat) fa.ele(g.group.vat).txt(esc(grosze(g.vat)));
  }
}

function line(fa: XMLBuilder, number: number, l: InvoiceLine, rateBp: number, before: boolean) {
  const w = fa.ele('FaWiersz');
  w.ele('NrWierszaFa').txt(esc(String(number)));
  w.ele('P_7').txt(esc(l.description));
  if (l.quantityWh !== null && l.unitPriceGroszePerMwh !== null) {
    w.ele('P_8A').txt('kWh');
    w.ele('P_8B').txt(esc(kwh(l.quantityWh)));
    w.ele('P_9A').txt(esc(unitPricePerKwh(l.unitPriceGroszePerMwh)));
  } else {
    // a flat fee (the monthly fee): one service at its price
    w.ele('P_8A').txt('usł.');
    w.ele('P_8B').txt('1');
    w.ele('P_9A').txt(esc(grosze(l.netGrosze)));
  }
  w.ele('P_11').txt(esc(grosze(l.netGrosze)));
  w.ele('P_12').txt(esc(fa3Rate(rateBp)));
  if (before) w.ele('StanPrzed').txt('1');
}

/**
 * The FA(3) XML of an invoice, a self-billing invoice or a correction of either.
 * `correctedKsefNumber`: the KSeF number of the corrected invoice once it has one
 * (NrKSeFFaKorygowanej); null while it has none (NrKSeFN).
 */
export function renderFa3(document: InvoiceDocument, options: { correctedKsefNumber: string | null }): string {
  if (!isFa3Document(document)) throw new Error(`${document.number} is a settlement statement, not an invoice: it has no FA(3) form`);
  const correction = document.kind === 'correction';
  const selfBilling = document.kind === 'self_billing' || document.correctedKind === 'self_billing';
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(FA3_NAMESPACE, 'Faktura');

  const header = root.ele('Naglowek');
  header.ele('KodFormularza', { kodSystemowy: 'FA (3)', wersjaSchemy: '1-0E' }).txt('FA');
  header.ele('WariantFormularza').txt('3');
  header.ele('DataWytworzeniaFa').txt(esc(documentIssuedAt(document)));
  header.ele('SystemInfo').txt('Klaster Ledger');

  const seller = root.ele('Podmiot1');
  ident(seller, document.seller, false);
  address(seller, document.seller.address);

  const buyer = root.ele('Podmiot2');
  ident(buyer, document.buyer, true);
  if (document.buyer.address) address(buyer, document.buyer.address);
  // JST 1 only when the invoice concerns a municipality's subordinate unit, named in Podmiot3 (role 8)
  const unit = document.buyer.jstUnit ?? null;
  buyer.ele('JST').txt(esc(unit ? '1' : '2'));
  // GV 1 only for a member of a VAT group; the registry knows of none
  buyer.ele('GV').txt('2');
  if (unit) {
    const third = root.ele('Podmiot3');
    const id = third.ele('DaneIdentyfikacyjne');
    id.ele('NIP').txt(esc(unit.nip));
    id.ele('Nazwa').txt(esc(unit.name));
    if (unit.address) address(third, unit.address);
    third.ele('Rola').txt('8');
  }

  const fa = root.ele('Fa');
  fa.ele('KodWaluty').txt('PLN');
  fa.ele('P_1').txt(esc(document.issueDate));
  fa.ele('P_2').txt(esc(document.number));
  const period = monthPeriod(document.month);
  const okres = fa.ele('OkresFa');
  okres.ele('P_6_Od').txt(esc(period.from));
  okres.ele('P_6_Do').txt(esc(period.to));

  const after = rateTotals(document.lines, document.vatRateBp);
  let payable: number;
  if (correction) {
    // art. 106j ust. 2 pkt 5: per rate, the difference of the net values and of the tax
    const before = rateTotals(document.linesBefore ?? [], document.vatRateBp);
    const rates = [...new Set([...before, ...after].map((t) => t.rateBp))].sort((a, b) => b - a);
    const difference = rates.map((rateBp) => {
      const a = after.find((t) => t.rateBp === rateBp) ?? { netGrosze: 0, vatGrosze: 0 };
      const b = before.find((t) => t.rateBp === rateBp) ?? { netGrosze: 0, vatGrosze: 0 };
      return { rateBp, netGrosze: a.netGrosze - b.netGrosze, vatGrosze: a.vatGrosze - b.vatGrosze };
    });
    totalsElements(fa, difference);
    payable = difference.reduce((s, d) => s + d.netGrosze + d.vatGrosze, 0);
  } else {
    totalsElements(fa, after);
    payable = after.reduce((s, t) => s + t.netGrosze + t.vatGrosze, 0);
  }
  fa.ele('P_15').txt(esc(grosze(payable)));

  const notes = fa.ele('Adnotacje');
  notes.ele('P_16').txt('2');
  notes.ele('P_17').txt(esc(selfBilling ? '1' : '2'));
  notes.ele('P_18').txt('2');
  notes.ele('P_18A').txt('2');
  notes.ele('Zwolnienie').ele('P_19N').txt('1');
  notes.ele('NoweSrodkiTransportu').ele('P_22N').txt('1');
  notes.ele('P_23').txt('2');
  notes.ele('PMarzy').ele('P_PMarzyN').txt('1');

  fa.ele('RodzajFaktury').txt(esc(correction ? 'KOR' : 'VAT'));
  if (correction) {
    if (document.reason) fa.ele('PrzyczynaKorekty').txt(esc(document.reason));
    fa.ele('TypKorekty').txt(String(correctionType(document)));
    const corrected = fa.ele('DaneFaKorygowanej');
    corrected.ele('DataWystFaKorygowanej').txt(esc(document.correctedIssueDate ?? document.issueDate));
    corrected.ele('NrFaKorygowanej').txt(esc(document.correctedInvoiceNumber ?? ''));
    if (options.correctedKsefNumber) {
      corrected.ele('NrKSeF').txt('1');
      corrected.ele('NrKSeFFaKorygowanej').txt(esc(options.correctedKsefNumber));
    } else {
      corrected.ele('NrKSeFN').txt('1');
    }
  }
  const described = (key: string, value: string) => {
    const d = fa.ele('DodatkowyOpis');
    d.ele('Klucz').txt(esc(key));
    d.ele('Wartosc').txt(esc(value));
  };
  described('Klaster energii', document.clusterId);
  if (correction && document.beforeDocumentNumber && document.beforeDocumentNumber !== document.correctedInvoiceNumber) {
    described('Stan przed korektą według dokumentu', document.beforeDocumentNumber);
  }

  let n = 0;
  if (correction) for (const l of document.linesBefore ?? []) line(fa, ++n, l, lineRateBp(l, document.vatRateBp), true);
  for (const l of document.lines) line(fa, ++n, l, lineRateBp(l, document.vatRateBp), false);

  if (document.dueDate && payable > 0) {
    const payment = fa.ele('Platnosc');
    payment.ele('TerminPlatnosci').ele('Termin').txt(esc(document.dueDate));
    payment.ele('FormaPlatnosci').txt('6'); // przelew
    if (document.sellerBankAccount) payment.ele('RachunekBankowy').ele('NrRB').txt(esc(document.sellerBankAccount));
  }
  return root.end({ prettyPrint: true });
}

/**
 * TypKorekty: an increase corrects an error that existed when the invoice was issued, so it
 * takes effect in the original's period (1); a decrease takes effect when the correction is
 * issued (2, art. 29a ust. 13).
 */
export function correctionType(document: InvoiceDocument): 1 | 2 {
  const after = rateTotals(document.lines, document.vatRateBp).reduce((s, t) => s + t.netGrosze + t.vatGrosze, 0);
  const before = rateTotals(document.linesBefore ?? [], document.vatRateBp).reduce((s, t) => s + t.netGrosze + t.vatGrosze, 0);
  return after >= before ? 1 : 2;
}
