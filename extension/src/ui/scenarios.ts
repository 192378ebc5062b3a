/**
 * The catalog's scenarios (GET {apiUrl}/v1/scenarios, public) for the portal rules' scenario
 * choice. When the API cannot be reached the options page falls back to a free-text code.
 */
import { normalizeApiUrl } from '../settings/settings.ts';

export interface Scenario {
  code: string;
  nameZh: string;
  nameEn: string;
}

const TIMEOUT_MS = 10_000;

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** The scenarios, or null when the API is not configured, unreachable or answers nonsense. */
export async function loadScenarios(apiUrl: string, fetchImpl: FetchLike): Promise<Scenario[] | null> {
  const base = normalizeApiUrl(apiUrl);
  if (!base) return null;
  try {
    // A timer rather than an AbortSignal: the page's fetch and signal may come from different realms.
    const res = await Promise.race([
      fetchImpl(`${base}/v1/scenarios`, { headers: { accept: 'application/json' }, credentials: 'omit' }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS)),
    ]);
    if (!res.ok) return null;
    const body = (await res.json()) as { items?: unknown };
    if (!Array.isArray(body.items)) return null;
    return body.items.filter(isScenario).map(({ code, nameZh, nameEn }) => ({ code, nameZh, nameEn }));
  } catch {
    return null;
  }
}

function isScenario(v: unknown): v is Scenario {
  if (!v || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.code === 'string' &&
    SCENARIO_CODE.test(s.code) &&
    typeof s.nameZh === 'string' &&
    typeof s.nameEn === 'string'
  );
}

/** The settings' rule for a scenario code (src/settings/settings.ts readPortal). */
export const SCENARIO_CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
