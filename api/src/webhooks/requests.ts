import type { Catalog } from '../domain/catalog.ts';
import type { FieldError } from '../http/problem.ts';
import { resolveCode } from '../lookup/resolve-code.ts';
import type { WebhookSubscription } from '../store/webhook-store.ts';
import { checkTargetUrl } from './target-url.ts';

/** Checks of a subscription request beyond its JSON shape, and the subscription as the API shows it. */

/** Invalid codes listed at most in one refusal (the detail gives the total). */
const MAX_ERRORS = 100;

export class WebhookRequestError extends Error {
  constructor(
    readonly errors: FieldError[],
    message: string,
    readonly messageZh: string,
  ) {
    super(message);
  }
}

export function validUrl(url: string, allowHttp: boolean, field = 'body.url'): string {
  const check = checkTargetUrl(url, allowHttp);
  if (check.ok) return check.url;
  throw new WebhookRequestError(
    [{ field, message: check.reason }],
    `url: ${check.reason}.`,
    `url：${check.reasonZh}。`,
  );
}

export function validListTypes(
  listTypes: string[],
  catalog: Catalog | null,
  field = 'body.listTypes',
): string[] {
  const known = new Set(catalog?.listTypes.map((t) => t.code) ?? []);
  const errors = listTypes.flatMap((code, i) =>
    known.has(code)
      ? []
      : [{ field: `${field}.${i}`, message: `unknown list type "${code}" (GET /v1/list-types)` }],
  );
  if (errors.length > 0) {
    throw new WebhookRequestError(
      errors,
      `Unknown list type codes: ${errors.map((e) => e.message).join('; ')}.`,
      '名单类型代码不存在，请以 GET /v1/list-types 所列代码为准。',
    );
  }
  return [...new Set(listTypes)];
}

/**
 * Watch-list codes as subject keys: cleaned and checked as lookups do (resolveCode), ID numbers
 * turned into their keyed hash at once. A code whose check character fails still counts, because
 * registries publish such codes; one that cannot be a code at all refuses the whole list, since
 * dropping it silently would leave a borrower unwatched.
 */
export function watchListKeys(codes: string[], idHmacKey: string, field = 'body.codes'): string[] {
  const keys = new Set<string>();
  const errors: FieldError[] = [];
  let invalid = 0;
  codes.forEach((raw, i) => {
    const r = resolveCode(raw, idHmacKey);
    if (r.usable) {
      keys.add(r.key);
      return;
    }
    invalid++;
    if (errors.length < MAX_ERRORS) {
      errors.push({ field: `${field}.${i}`, message: `${r.display ?? '(not shown)'}: ${r.failure.message}` });
    }
  });
  if (invalid > 0) {
    throw new WebhookRequestError(
      errors,
      `${invalid} of ${codes.length} codes are not well-formed USCCs or resident ID numbers${invalid > errors.length ? ` (the first ${errors.length} are listed)` : ''}; nothing was changed.`,
      `共 ${invalid} 个代码不是有效的统一社会信用代码或公民身份号码，未作任何修改。`,
    );
  }
  return [...keys];
}

export function webhookView(s: WebhookSubscription) {
  return {
    id: s.id,
    url: s.url,
    description: s.description,
    listTypes: s.listTypes,
    watchListSize: s.watchListSize,
    status: s.status,
    fromSeq: s.fromSeq,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}
