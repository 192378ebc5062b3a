import { createHmac, randomBytes, webcrypto } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../src/client/index.ts';

// Signed here with node:crypto as the API does (Standard Webhooks), independently of the sdk's Web Crypto path.
const secret = `whsec_${randomBytes(24).toString('base64')}`;
const sign = (id: string, ts: number, body: string, s = secret) =>
  `v1,${createHmac('sha256', Buffer.from(s.slice(6), 'base64'))
    .update(`${id}.${ts}.${body}`)
    .digest('base64')}`;

const change = {
  seq: 42,
  at: '2026-11-23T08:00:00.000Z',
  type: 'entry.created',
  entityId: 'ent_1',
  subjectKey: '91110108MA0U94MT1P',
  actor: 'import',
  data: { id: 'ent_1', listType: 'dishonest-judgment-debtor' },
};
const body = JSON.stringify({ type: change.type, timestamp: change.at, data: change });
const now = 1_795_000_000;

describe('verifyWebhook', () => {
  it('verifies a delivery and returns the typed event', async () => {
    const event = await verifyWebhook({
      secret,
      body,
      now,
      headers: {
        'Webhook-Id': 'msg_1',
        'webhook-timestamp': String(now - 10),
        'webhook-signature': sign('msg_1', now - 10, body),
      },
    });
    expect(event).toEqual({
      id: 'msg_1',
      timestamp: now - 10,
      type: 'entry.created',
      occurredAt: change.at,
      data: change,
    });
    expect(event.data.seq).toBe(42);
  });

  it('accepts any of several signatures (secret rotation) and a Headers object and bytes', async () => {
    const headers = new Headers({
      'webhook-id': 'msg_2',
      'webhook-timestamp': String(now),
      'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} ${sign('msg_2', now, body)}`,
    });
    const event = await verifyWebhook({ secret, headers, body: new TextEncoder().encode(body), now });
    expect(event.id).toBe('msg_2');
  });

  it('refuses a tampered body, a wrong secret, a stale timestamp and missing headers', async () => {
    const headers = {
      'webhook-id': 'm',
      'webhook-timestamp': String(now),
      'webhook-signature': sign('m', now, body),
    };
    const fail = (o: Partial<Parameters<typeof verifyWebhook>[0]>) =>
      verifyWebhook({ secret, headers, body, now, ...o }).catch((e: WebhookVerificationError) => {
        expect(e).toBeInstanceOf(WebhookVerificationError);
        return e.code;
      });
    expect(await fail({ body: body.replace('42', '43') })).toBe('bad-signature');
    expect(await fail({ secret: `whsec_${randomBytes(24).toString('base64')}` })).toBe('bad-signature');
    expect(await fail({ now: now + 301 })).toBe('stale');
    expect(await fail({ now: now + 30, toleranceSeconds: 10 })).toBe('stale');
    expect(await fail({ headers: { 'webhook-id': 'm' } })).toBe('missing-headers');
    expect(await fail({ secret: 'nope' })).toBe('bad-secret');
  });

  afterEach(() => vi.unstubAllGlobals());

  it('uses the Web Crypto passed as `crypto` where the runtime has no global one (Node 18)', async () => {
    vi.stubGlobal('crypto', undefined);
    const headers = {
      'webhook-id': 'm',
      'webhook-timestamp': String(now),
      'webhook-signature': sign('m', now, body),
    };
    const err = await verifyWebhook({ secret, headers, body, now }).catch((e) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toMatch(/node:crypto's webcrypto as the crypto option/);
    const event = await verifyWebhook({ secret, headers, body, now, crypto: webcrypto as Crypto });
    expect(event.id).toBe('m');
    const forged = verifyWebhook({ secret, headers, body: `${body} `, now, crypto: webcrypto as Crypto });
    expect(await forged.catch((e) => e.code)).toBe('bad-signature');
  });
});
