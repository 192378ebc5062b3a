import { USCC_CHARSET } from './charset.ts';
import { orgCodeCheckChar, residentIdCheckChar, usccCheckChar } from './checksum.ts';
import { isRealDate } from './dates.ts';

/** A source of uniform numbers in [0, 1), e.g. Math.random or a seeded generator. */
export type Random = () => number;

/** Real GB/T 2260 county-level divisions, so generated codes look like real ones. */
export const SAMPLE_DIVISIONS: readonly string[] = [
  '110101',
  '110105',
  '110108',
  '120101',
  '130102',
  '310101',
  '310110',
  '310115',
  '320102',
  '330106',
  '340102',
  '350102',
  '370102',
  '410105',
  '420106',
  '440103',
  '440305',
  '440306',
  '500103',
  '510104',
  '512081',
  '610113',
  '650102',
];

/** An integer in [0, n), safe against a generator that returns 1. */
function int(rand: Random, n: number): number {
  return Math.min(n - 1, Math.floor(rand() * n));
}

function pick<T>(rand: Random, items: readonly T[]): T {
  return items[int(rand, items.length)] as T;
}

function requireShape(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new RangeError(`${what} "${value}" does not match ${pattern}`);
  return value;
}

export interface GenerateUsccOptions {
  /** Position 1, default '9' (market regulation). */
  authority?: string;
  /** Position 2, default '1' (enterprise). */
  type?: string;
  /** Positions 3–8, default one of SAMPLE_DIVISIONS. */
  division?: string;
}

/** A valid USCC: both its own check character and the embedded organization code's check hold. */
export function generateUSCC(rand: Random, opts?: GenerateUsccOptions): string {
  const authority = requireShape(opts?.authority ?? '9', /^[0-9A-HJ-NPQRTUWXY]$/, 'authority');
  const type = requireShape(opts?.type ?? '1', /^[0-9A-HJ-NPQRTUWXY]$/, 'type');
  const division = requireShape(opts?.division ?? pick(rand, SAMPLE_DIVISIONS), /^\d{6}$/, 'division');
  let body = '';
  for (let i = 0; i < 8; i++) body += USCC_CHARSET.charAt(int(rand, USCC_CHARSET.length));
  // The org-code check can be 'X' or a digit, both inside the USCC charset.
  const first17 = authority + type + division + body + orgCodeCheckChar(body);
  return first17 + usccCheckChar(first17);
}

export interface GenerateResidentIdOptions {
  division?: string;
  /** YYYY-MM-DD; default a random day between 1940-01-01 and 2005-12-28. */
  birthDate?: string;
  sex?: 'male' | 'female';
}

/** A valid 18-digit resident ID (synthetic: the sequence number is random). */
export function generateResidentId(rand: Random, opts?: GenerateResidentIdOptions): string {
  const division = requireShape(opts?.division ?? pick(rand, SAMPLE_DIVISIONS), /^[1-9]\d{5}$/, 'division');
  let birth: string;
  if (opts?.birthDate !== undefined) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(opts.birthDate);
    if (m === null || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
      throw new RangeError(`birthDate "${opts.birthDate}" is not a real YYYY-MM-DD date`);
    }
    birth = m[1]! + m[2]! + m[3]!;
  } else {
    const year = 1940 + int(rand, 66);
    const month = 1 + int(rand, 12);
    const day = 1 + int(rand, 28);
    birth = String(year) + String(month).padStart(2, '0') + String(day).padStart(2, '0');
  }
  const sex = opts?.sex ?? (rand() < 0.5 ? 'male' : 'female');
  const parity = int(rand, 5) * 2 + (sex === 'male' ? 1 : 0);
  const first17 = division + birth + String(int(rand, 100)).padStart(2, '0') + String(parity);
  return first17 + residentIdCheckChar(first17);
}
