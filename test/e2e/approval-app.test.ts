import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@credcheck/sdk/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../api/src/demo/dataset.ts';
import { DEMO_SEED, DEMO_SUBJECTS } from '../../api/src/demo/seed.ts';
import { createApprovalApp } from '../../sdk/examples/approval-app/app.ts';
import { approveBidder } from '../../sdk/examples/approval-app/five-lines.ts';
import type { ApprovalRecord } from '../../sdk/examples/approval-app/gate.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';

const ADMIN = 'cck_approval-app-admin-key-for-this-test-only';
const CLEAN = '91110108MA0U94MT1P';

/** The example legacy approval app against a real API process, end to end over HTTP. */
describe('sdk/examples/approval-app against a real API process', () => {
  let api: ApiProcess;
  let app: Server;
  let appUrl: string;
  let black: string;

  beforeAll(async () => {
    api = await startApiProcess({ CREDCHECK_ADMIN_KEY: ADMIN });
    // A listed organization that gov-procurement blocks, from the demo data the API loads.
    const cc = createClient({ baseUrl: api.url, apiKey: ADMIN });
    const orgs = new Set<string>();
    for (const row of generateDataset({ seed: DEMO_SEED, subjects: DEMO_SUBJECTS, today: '2026-11-23' })) {
      if (row.subject_type === 'org') orgs.add(row.uscc);
      if (orgs.size === 40) break;
    }
    for (const code of orgs) {
      const d = await cc.decide({ scenario: 'gov-procurement', subject: { code } });
      if (d.outcome === 'block') {
        black = code;
        break;
      }
    }
    expect(black, 'a blocked organization in the demo data').toBeTruthy();
    app = createApprovalApp({ apiUrl: api.url, apiKey: ADMIN });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => app?.close(r));
    await api?.stop();
  });

  async function submit(code: string, bidder: string, reference: string): Promise<ApprovalRecord> {
    const res = await fetch(`${appUrl}/approvals`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code, bidder, reference }),
    });
    expect(res.status).toBe(201);
    return res.json() as Promise<ApprovalRecord>;
  }

  it('approves a clean bidder and keeps the verified receipt', async () => {
    const r = await submit(CLEAN, '', 'ZB-2026-0001');
    expect(r).toMatchObject({ status: 'approved', outcome: 'clear', measures: [] });
    expect(r.receiptId).toMatch(/^dec_/);
    const cc = createClient({ baseUrl: api.url, apiKey: ADMIN });
    expect((await cc.getDecision(r.receiptId!)).receipt).toBe(r.receipt);
  });

  it('refuses a black-listed bidder, shows the basis, and later sends feedback', async () => {
    const r = await submit(black, '', 'ZB-2026-0002');
    expect(r).toMatchObject({ status: 'refused', outcome: 'block', feedbackSent: false });
    expect(r.measures.length).toBeGreaterThan(0);
    expect(r.reasons.length).toBeGreaterThan(0);
    const html = await (await fetch(appUrl)).text();
    expect(html).toContain('不予批准 / refused');
    const escaped = r.reasons[0]!.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(html).toContain(escaped.replace(/"/g, '&quot;').replace(/'/g, '&#39;'));

    const fb = await fetch(`${appUrl}/approvals/${r.n}/feedback`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ note: '已拒绝投标 / bid refused' }),
    });
    expect(fb.status).toBe(200);
    expect((await fb.json()).feedbackSent).toBe(true);
    const cc = createClient({ baseUrl: api.url, apiKey: ADMIN });
    const list = await cc.listFeedback(r.receiptId!);
    expect(list.items).toHaveLength(1);
    expect([...list.measures].sort()).toEqual([...r.measures].sort());
  });

  it('runs the five lines of the README: approved with a receipt id, or not approved with the decision', async () => {
    const ok = await approveBidder(api.url, ADMIN, CLEAN, 'ZB-2026-0003');
    expect(ok).toMatchObject({ approved: true, receiptId: expect.stringMatching(/^dec_/) });
    const no = await approveBidder(api.url, ADMIN, black, 'ZB-2026-0004');
    expect(no.approved).toBe(false);
    expect(no).toMatchObject({ decision: { outcome: 'block' } });
  });

  it('quotes the five lines in the README exactly as the example runs them', () => {
    const source = readFileSync(
      new URL('../../sdk/examples/approval-app/five-lines.ts', import.meta.url),
      'utf8',
    );
    const lines = /\/\/ five lines: begin\n([\s\S]*?)\n\s*\/\/ five lines: end/
      .exec(source)![1]!
      .split('\n')
      .map((l) => l.trim());
    expect(lines).toHaveLength(5);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(lines.join('\n'));
  });

  // Last: stops the API.
  it('sends the approval to manual review when the API is down, never approving it', async () => {
    await api.stop();
    const r = await submit(CLEAN, '', 'ZB-2026-0005');
    expect(r).toMatchObject({ status: 'manual-review', outcome: 'unavailable', receiptId: null });
    expect(r.reasons[0]).toContain('check unavailable');
    const five = await approveBidder(api.url, ADMIN, CLEAN, 'ZB-2026-0006');
    expect(five).toMatchObject({ approved: false, decision: { outcome: 'unavailable', action: 'review' } });
  });
});
