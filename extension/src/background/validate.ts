/**
 * Shapes of incoming messages, checked before anything is done with them: a content script runs
 * next to a page we do not trust, so sizes are bounded and unknown fields or types are refused.
 */
import type { CheckRequest, DecideRequest, MatchKind, Request } from '../messages.ts';

export const MAX_CHECK_KEYS = 5000;
export const MAX_STRING = 200;
const MAX_URL = 4096;

const TYPES = new Set<Request['type']>([
  'page-config',
  'check',
  'card',
  'decide',
  'sync-state',
  'sync-now',
  'settings',
  'settings-saved',
]);

/** Requests a content script may send; the rest come from the extension's own pages only. */
export const PAGE_REQUESTS: ReadonlySet<Request['type']> = new Set([
  'page-config',
  'check',
  'card',
  'decide',
]);

const isString = (v: unknown, max = MAX_STRING): v is string => typeof v === 'string' && v.length <= max;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => isString(s));
const isScenario = (v: unknown): v is string => isString(v, 64) && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(v);
const KINDS: readonly MatchKind[] = ['code', 'id', 'name'];

/** The request when it is well formed, else null (and the sender gets no answer). */
export function readRequest(raw: unknown): Request | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const m = raw as Record<string, unknown>;
  if (typeof m.type !== 'string' || !TYPES.has(m.type as Request['type'])) return null;
  switch (m.type) {
    case 'page-config':
      return isString(m.url, MAX_URL) ? { type: 'page-config', url: m.url } : null;
    case 'check':
      return readCheck(m);
    case 'card': {
      if (!KINDS.includes(m.kind as MatchKind) || !isString(m.key) || m.key === '') return null;
      if (m.scenario !== null && m.scenario !== undefined && !isScenario(m.scenario)) return null;
      return {
        type: 'card',
        kind: m.kind as MatchKind,
        key: m.key,
        scenario: (m.scenario as string) ?? null,
      };
    }
    case 'decide':
      return readDecide(m);
    default:
      return { type: m.type } as Request;
  }
}

function readCheck(m: Record<string, unknown>): CheckRequest | null {
  const { codes, ids, names } = m;
  if (!isStringArray(codes) || !isStringArray(ids) || !Array.isArray(names)) return null;
  if (codes.length + ids.length + names.length > MAX_CHECK_KEYS) return null;
  const runs: CheckRequest['names'] = [];
  for (const n of names) {
    if (!n || typeof n !== 'object' || !isString((n as { text?: unknown }).text)) return null;
    runs.push({ text: (n as { text: string }).text });
  }
  return { type: 'check', codes: [...codes], ids: [...ids], names: runs };
}

function readDecide(m: Record<string, unknown>): DecideRequest | null {
  if (!isScenario(m.scenario)) return null;
  const s = m.subject as Record<string, unknown> | null;
  if (!s || typeof s !== 'object') return null;
  const subject: DecideRequest['subject'] = {};
  if (s.code !== undefined) {
    if (!isString(s.code, 64) || s.code === '') return null;
    subject.code = s.code;
  }
  if (s.name !== undefined) {
    if (!isString(s.name) || s.name === '') return null;
    subject.name = s.name;
  }
  if (subject.code === undefined && subject.name === undefined) return null;
  return { type: 'decide', subject, scenario: m.scenario };
}
