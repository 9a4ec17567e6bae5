// The cluster's money ledger: every document posts one balanced double-entry transaction
// in grosze. A correction posts the difference between its after and before. Pure.
import type { InvoiceDocument, InvoiceLine } from './documents.js';

export interface Entry {
  account: string;
  debitGrosze: number;
  creditGrosze: number;
}

export interface Posting {
  documentNumber: string;
  month: string;
  entries: Entry[];
}

type Signed = Map<string, number>; // account → debit minus credit

function signedEntries(kind: InvoiceDocument['kind'], memberId: string, lines: InvoiceLine[], vat: number): Signed {
  const energy = lines.filter((l) => l.category === 'energy').reduce((a, l) => a + l.netGrosze, 0);
  const fees = lines.filter((l) => l.category === 'fee').reduce((a, l) => a + l.netGrosze, 0);
  const gross = energy + fees + vat;
  const m = new Map<string, number>();
  const add = (account: string, amount: number) => m.set(account, (m.get(account) ?? 0) + amount);
  if (kind === 'invoice') {
    // the member owes the energy it received, the fees and the VAT
    add(`member_receivable:${memberId}`, gross);
    add('cluster_clearing', -energy);
    add('coordinator_fee_income', -fees);
    add('output_vat', -vat);
  } else {
    // the cluster owes the member for what it supplied (energy; with VAT on a self-billing invoice)
    add('cluster_clearing', energy + fees);
    add('input_vat', vat);
    add(`member_payable:${memberId}`, -gross);
  }
  return m;
}

function toEntries(signed: Signed): Entry[] {
  return [...signed.entries()]
    .filter(([, amount]) => amount !== 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([account, amount]) => ({ account, debitGrosze: amount > 0 ? amount : 0, creditGrosze: amount < 0 ? -amount : 0 }));
}

export function postingFor(document: InvoiceDocument): Posting {
  let signed: Signed;
  if (document.kind === 'correction') {
    const kind = document.correctedKind ?? 'invoice';
    const after = signedEntries(kind, document.memberId, document.lines, document.totalVatGrosze);
    const before = signedEntries(kind, document.memberId, document.linesBefore ?? [], document.totalVatBeforeGrosze ?? 0);
    signed = new Map(after);
    for (const [account, amount] of before) signed.set(account, (signed.get(account) ?? 0) - amount);
  } else {
    signed = signedEntries(document.kind, document.memberId, document.lines, document.totalVatGrosze);
  }
  const posting = { documentNumber: document.number, month: document.month, entries: toEntries(signed) };
  assertBalanced(posting);
  return posting;
}

export function assertBalanced(posting: Posting): void {
  let debit = 0;
  let credit = 0;
  for (const e of posting.entries) {
    if (!Number.isSafeInteger(e.debitGrosze) || !Number.isSafeInteger(e.creditGrosze) || e.debitGrosze < 0 || e.creditGrosze < 0) {
      throw new Error(`posting ${posting.documentNumber}: amounts must be non-negative whole grosze`);
    }
    debit += e.debitGrosze;
    credit += e.creditGrosze;
  }
  if (debit !== credit) throw new Error(`posting ${posting.documentNumber} is not balanced: debit ${String(debit)}, credit ${String(credit)}`);
}

export function balances(postings: Posting[]) {
  const accounts = new Map<string, { debitGrosze: number; creditGrosze: number }>();
  for (const posting of postings) {
    for (const e of posting.entries) {
      const a = accounts.get(e.account) ?? { debitGrosze: 0, creditGrosze: 0 };
      a.debitGrosze += e.debitGrosze;
      a.creditGrosze += e.creditGrosze;
      accounts.set(e.account, a);
    }
  }
  const list = [...accounts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([account, a]) => ({ account, ...a, balanceGrosze: a.debitGrosze - a.creditGrosze }));
  const totalDebitGrosze = list.reduce((s, a) => s + a.debitGrosze, 0);
  const totalCreditGrosze = list.reduce((s, a) => s + a.creditGrosze, 0);
  return { accounts: list, totalDebitGrosze, totalCreditGrosze, balanced: totalDebitGrosze === totalCreditGrosze, postings: postings.length };
}
