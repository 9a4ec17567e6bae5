// A rejected file's errors as a person can act on them: a reason shared by many lines is
// said once, with how many lines and from which to which, then the first lines that fail
// in another way. Pure.

export interface LineFault {
  line: number;
  field?: string;
  reason: string;
}

export interface SummarisedFault extends LineFault {
  /** Lines that fail for this reason (the reason given is the first one's), when more than one is said once. */
  count?: number;
  /** The last of those lines. */
  lastLine?: number;
}

/** Lines failing for the same reason at least this often are said once. */
export const SAME_REASON_MIN = 3;
const EXAMPLES_PER_KIND = 100;
const MAX_KINDS = 1000;

/** A reason without the values it quotes: `"x" is not a number` and `"y" is not a number` are one reason. */
export function reasonKind(field: string | undefined, reason: string): string {
  return `${field ?? ''}|${reason
    .replace(/"[^"]*"/g, '""')
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, 'T')
    .replace(/\d+/g, '#')}`;
}

interface Kind {
  first: LineFault;
  count: number;
  lastLine: number;
  examples: LineFault[];
}

export class FaultTally {
  total = 0;
  private readonly kinds = new Map<string, Kind>();

  add(fault: LineFault): void {
    this.total++;
    const key = reasonKind(fault.field, fault.reason);
    let kind = this.kinds.get(key);
    if (!kind) {
      if (this.kinds.size >= MAX_KINDS) return; // counted, not described
      kind = { first: fault, count: 0, lastLine: fault.line, examples: [] };
      this.kinds.set(key, kind);
    }
    kind.count++;
    kind.lastLine = Math.max(kind.lastLine, fault.line);
    if (kind.examples.length < EXAMPLES_PER_KIND) kind.examples.push(fault);
  }

  /** The reasons shared by many lines first (most lines first), then the other lines in file order; at most `max` entries. */
  summary(max = 100): SummarisedFault[] {
    const kinds = [...this.kinds.values()];
    const shared = kinds.filter((k) => k.count >= SAME_REASON_MIN).sort((a, b) => b.count - a.count || a.first.line - b.first.line);
    const result: SummarisedFault[] = shared.map((k) => ({ ...k.first, count: k.count, lastLine: k.lastLine }));
    const single = kinds
      .filter((k) => k.count < SAME_REASON_MIN)
      .flatMap((k) => k.examples)
      .sort((a, b) => a.line - b.line);
    return [...result, ...single].slice(0, max);
  }

  /** The one reason every bad line shares, if there is one. */
  only(): SummarisedFault | undefined {
    if (this.kinds.size !== 1 || this.total < 2) return undefined;
    const [kind] = this.kinds.values();
    if (!kind) return undefined;
    return kind.count === this.total ? { ...kind.first, count: kind.count, lastLine: kind.lastLine } : undefined;
  }
}
