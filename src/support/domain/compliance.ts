// The compliance monitor: for the current and the coming year, each threshold in force
// with the cluster's value over the last 12 months and the year so far, and a warning in
// Polish and English when the last 12 months fall short of a threshold that is in force
// now or will be (so the coordinator learns of a failing January in the summer before).
// Pure: the months' figures come in, the clock's month too.
import { basisPoints } from '../../shared/largest-remainder.js';
import { type LegalParametersState } from './legal-parameters.js';

export interface MonthFigures {
  month: string;
  fedInWh: number;
  renewableFedInWh: number;
  takenWh: number;
  matchedWh: number;
}

export type ThresholdName = 'renewableShare' | 'selfConsumption';

export interface Warning {
  key: string;
  params: Record<string, string | number>;
  pl: string;
  en: string;
}

export interface ComplianceCheck {
  threshold: ThresholdName;
  /** From when this requirement is in force within the year (YYYY-MM-DD). */
  from: string;
  requiredBp: number;
  trailing12MonthsBp: number | null;
  yearToDateBp: number | null;
  met: boolean | null;
  /** in_force: applies now; upcoming: applies from a later date. */
  status: 'in_force' | 'upcoming' | 'past';
  basis: string;
  warning: Warning | null;
}

const PL_MONTHS = ['stycznia', 'lutego', 'marca', 'kwietnia', 'maja', 'czerwca', 'lipca', 'sierpnia', 'września', 'października', 'listopada', 'grudnia'];
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function dateText(date: string, lang: 'pl' | 'en'): string {
  const [y, m, d] = date.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) throw new Error(`dateText: "${date}" is not a date YYYY-MM-DD`);
  return lang === 'pl' ? `${String(d)} ${String(PL_MONTHS[m - 1])} ${String(y)}` : `${String(d)} ${String(EN_MONTHS[m - 1])} ${String(y)}`;
}

/** 4100 → "41%", 4123 → "41.23%" (pl "41,23%"). */
export function percentText(bp: number, lang: 'pl' | 'en'): string {
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  const text = rest === 0 ? String(whole) : `${String(whole)}.${String(rest).padStart(2, '0')}`;
  return `${lang === 'pl' ? text.replace('.', ',') : text}%`;
}

function warningFor(name: ThresholdName, status: ComplianceCheck['status'], from: string, requiredBp: number, valueBp: number): Warning {
  const p = { required: percentText(requiredBp, 'pl'), value: percentText(valueBp, 'pl'), date: dateText(from, 'pl') };
  const e = { required: percentText(requiredBp, 'en'), value: percentText(valueBp, 'en'), date: dateText(from, 'en') };
  const upcoming = status === 'upcoming';
  if (name === 'renewableShare') {
    return {
      key: `support.compliance.renewableShare.${upcoming ? 'upcoming' : 'below'}`,
      params: { from, requiredBp, valueBp },
      pl: `${upcoming ? `Od ${p.date} udział` : 'Udział'} energii z OZE w energii wytworzonej w klastrze musi wynosić co najmniej ${p.required}; ostatnie 12 miesięcy dają ${p.value}.`,
      en: `${upcoming ? `From ${e.date} the renewable share` : 'The renewable share'} of the energy generated in the cluster must be at least ${e.required}; the last 12 months give ${e.value}.`,
    };
  }
  return {
    key: `support.compliance.selfConsumption.${upcoming ? 'upcoming' : 'below'}`,
    params: { from, requiredBp, valueBp },
    pl: `${upcoming ? `Od ${p.date} obniżka` : 'Obniżka'} opłaty zmiennej sieciowej i opłaty jakościowej wymaga autokonsumpcji w klastrze powyżej ${p.required}; ostatnie 12 miesięcy dają ${p.value}.`,
    en: `${upcoming ? `From ${e.date} the discount` : 'The discount'} on the variable network rate and the quality fee needs a self-consumption above ${e.required}; the last 12 months give ${e.value}.`,
  };
}

/** The month `offset` months after YYYY-MM. */
export function addMonths(month: string, offset: number): string {
  const [y, m] = month.split('-').map(Number);
  if (y === undefined || m === undefined) throw new Error(`addMonths: "${month}" is not a month YYYY-MM`);
  const index = y * 12 + (m - 1) + offset;
  return `${String(Math.floor(index / 12))}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * `today` is the clock's Warsaw date; `months` the figures of the months computed so far
 * (the current month provisional). The last 12 months are the 12 ended months before today's.
 */
export function complianceReport(today: string, months: MonthFigures[], params: LegalParametersState) {
  const current = today.slice(0, 7);
  const year = Number(today.slice(0, 4));
  const window = { from: addMonths(current, -12), to: addMonths(current, -1) };
  const inWindow = months.filter((m) => m.month >= window.from && m.month <= window.to);
  const sum = (list: MonthFigures[], f: keyof Omit<MonthFigures, 'month'>) => list.reduce((a, m) => a + m[f], 0);
  const value = (list: MonthFigures[], name: ThresholdName) => {
    if (list.length === 0) return null;
    return name === 'renewableShare' ? basisPoints(sum(list, 'renewableFedInWh'), sum(list, 'fedInWh')) : basisPoints(sum(list, 'matchedWh'), sum(list, 'takenWh'));
  };
  const years = [year, year + 1].map((y) => {
    const first = `${String(y)}-01-01`;
    const last = `${String(y)}-12-31`;
    const ytd = months.filter((m) => m.month.startsWith(`${String(y)}-`) && m.month <= current);
    const entries = params.thresholds.filter((t, i, all) => t.validFrom <= last && !all.some((o) => o.validFrom > t.validFrom && o.validFrom <= first));
    const checks: ComplianceCheck[] = [];
    for (const entry of entries) {
      const from = entry.validFrom > first ? entry.validFrom : first;
      const next = params.thresholds.find((o) => o.validFrom > entry.validFrom);
      const until = next ? next.validFrom : '9999-12-31';
      const status: ComplianceCheck['status'] = from > today ? 'upcoming' : until <= today ? 'past' : 'in_force';
      for (const name of ['renewableShare', 'selfConsumption'] as const) {
        const requiredBp = name === 'renewableShare' ? entry.renewableShareBp : entry.selfConsumptionBp;
        const trailing = value(inWindow, name);
        // at least the renewable share; above the self-consumption ("above 60%")
        const met = trailing === null ? null : name === 'renewableShare' ? trailing >= requiredBp : trailing > requiredBp;
        checks.push({
          threshold: name,
          from,
          requiredBp,
          trailing12MonthsBp: trailing,
          yearToDateBp: value(ytd, name),
          met,
          status,
          basis: entry.basis,
          warning: trailing !== null && met === false && status !== 'past' ? warningFor(name, status, from, requiredBp, trailing) : null,
        });
      }
    }
    return { year: y, checks };
  });
  return {
    today,
    trailing12Months: { ...window, monthsIncluded: inWindow.map((m) => m.month), renewableShareBp: value(inWindow, 'renewableShare'), selfConsumptionBp: value(inWindow, 'selfConsumption') },
    years,
    warnings: years
      .flatMap((y) => y.checks.map((c) => c.warning).filter((w): w is Warning => w !== null))
      .filter((w, i, all) => all.findIndex((o) => o.key === w.key && o.params.from === w.params.from) === i),
  };
}
