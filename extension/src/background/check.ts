/**
 * Answers a page's `check`: first from the local snapshot (a miss is certain: clean), then the
 * local hits, and every ID number, are confirmed with the API, which also gives the full record
 * for the card. A prefix hit the API does not know is a collision and becomes clean. When the API
 * cannot be reached the snapshot's answer stands, marked unconfirmed and offline.
 */
import { cleanCode } from '@credcheck/sdk/identifiers';
import type { PrefixSnapshot } from '@credcheck/sdk/snapshot';
import type { BadgeStatus, CheckRequest, CheckResponse, CodeResult, NameResult } from '../messages.ts';
import type { UiLocale } from '../settings/settings.ts';
import { type ApiClient, ApiUnreachable } from './api-client.ts';
import type { ApiMeasure } from './api-types.ts';
import { buildCard } from './card.ts';
import { findListedName } from './name-match.ts';
import type { FoundRecord, Records } from './records.ts';

export interface CheckContext {
  snapshot: PrefixSnapshot | null;
  dataVersion: number | null;
  /** Null when no API is configured: the snapshot's answer is all there is. */
  api: ApiClient | null;
  records: Records;
  scenario: string | null;
  locale: UiLocale;
}

interface PendingName {
  result: NameResult;
  /** The name to confirm: the branch's parent for a related hit. */
  lookup: string;
}

export async function runCheck(req: CheckRequest, ctx: CheckContext): Promise<CheckResponse> {
  const codes: CodeResult[] = [];
  const toConfirm: CodeResult[] = [];
  for (const raw of req.codes) {
    const key = cleanCode(raw);
    const local = ctx.snapshot?.lookupCode(key);
    const result: CodeResult = {
      kind: 'code',
      key: raw,
      status: local ?? (ctx.snapshot ? 'clean' : 'unknown'),
      confirmed: false,
    };
    codes.push(result);
    if (local !== undefined) toConfirm.push(result);
  }
  // Persons are never in the snapshot: only the API can say anything about an ID number.
  const ids: CodeResult[] = req.ids.map((key) => ({ kind: 'id', key, status: 'unknown', confirmed: false }));
  codes.push(...ids);

  const names: NameResult[] = [];
  const pendingNames: PendingName[] = [];
  if (ctx.snapshot) {
    req.names.forEach((run, index) => {
      const m = findListedName(run.text, ctx.snapshot!);
      if (!m) return;
      const result: NameResult = {
        kind: 'name',
        run: index,
        start: m.start,
        end: m.end,
        name: m.name,
        status: m.parent ? 'related' : m.status,
        confirmed: false,
        ...(m.parent ? { parent: m.parent } : {}),
      };
      names.push(result);
      pendingNames.push({ result, lookup: m.parent ?? m.name });
    });
  }

  let offline = ctx.api === null;
  if (ctx.api && (toConfirm.length > 0 || ids.length > 0 || pendingNames.length > 0)) {
    try {
      await confirm(ctx, ctx.api, toConfirm, ids, pendingNames);
    } catch (err) {
      if (!(err instanceof ApiUnreachable)) throw err;
      offline = true;
    }
  }
  return { codes, names, offline, dataVersion: ctx.dataVersion };
}

async function confirm(
  ctx: CheckContext,
  api: ApiClient,
  codes: CodeResult[],
  ids: CodeResult[],
  names: PendingName[],
): Promise<void> {
  // The catalog is fetched alongside; a card without measures is better than no answer.
  const measuresP = ctx.scenario
    ? ctx.records.measures(api).catch(() => [] as ApiMeasure[])
    : Promise.resolve([]);
  const [byCode, byId, byName] = await Promise.all([
    ctx.records.lookupCodes(
      api,
      codes.map((c) => cleanCode(c.key)),
    ),
    ctx.records.lookupIds(
      api,
      ids.map((c) => c.key),
    ),
    ctx.records.searchExact(
      api,
      names.map((n) => n.lookup),
    ),
  ]);
  // Name hits confirmed by a code: fetch those records for the card, in one batch.
  const nameCodes: string[] = [];
  for (const hit of byName.values()) if (hit?.code) nameCodes.push(hit.code);
  const [nameRecords, measures] = await Promise.all([
    nameCodes.length
      ? ctx.records.lookupCodes(api, nameCodes)
      : Promise.resolve(new Map<string, FoundRecord>()),
    measuresP,
  ]);
  const card = (record: FoundRecord | undefined) =>
    record?.item
      ? buildCard(
          { subject: record.item.subject, entries: record.item.entries, dataVersion: record.dataVersion },
          { scenario: ctx.scenario, measures, locale: ctx.locale, apiUrl: api.target.apiUrl },
        )
      : undefined;

  const settle = (result: CodeResult, record: FoundRecord | undefined) => {
    if (!record) return;
    result.confirmed = true;
    result.status = record.result === 'invalid' ? 'invalid' : (record.item?.status ?? 'clean');
    const c = card(record);
    if (c) result.card = c;
  };
  for (const c of codes) settle(c, byCode.get(cleanCode(c.key)));
  for (const c of ids) settle(c, byId.get(c.key));

  for (const { result, lookup } of names) {
    const hit = byName.get(lookup);
    result.confirmed = true;
    if (!hit) {
      result.status = 'clean';
      continue;
    }
    const status: BadgeStatus = result.parent ? 'related' : hit.status;
    result.status = status;
    // A code on the page covers a direct name hit; a branch is not its parent, so no code.
    if (hit.code && !result.parent) result.code = hit.code;
    const c = card(hit.code ? nameRecords.get(hit.code) : undefined);
    if (c) result.card = c;
  }
}
