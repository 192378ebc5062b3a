import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createClient } from '@credcheck/sdk/client';
import { type ApprovalRecord, gateApproval, sendFeedback } from './gate.ts';
import { renderPage } from './page.ts';

export interface ApprovalAppOptions {
  /** The CredCheck API, e.g. http://localhost:8787. */
  apiUrl: string;
  /** An implementer key (decisions and their feedback). */
  apiKey: string;
  scenario?: string;
}

/**
 * A legacy approval system in one plain Node http server: a form per bidder, records kept in
 * memory (a real system writes the receipt id into its approval table). Answers HTML, or the
 * record as JSON to a client that asks for it with `Accept: application/json`.
 */
export function createApprovalApp(options: ApprovalAppOptions): Server {
  const cc = createClient({
    baseUrl: options.apiUrl,
    apiKey: options.apiKey,
    timeout: 10_000,
    onUnavailable: 'review',
  });
  const jwksUrl = new URL('/.well-known/jwks.json', options.apiUrl).href;
  const scenario = options.scenario ?? 'gov-procurement';
  const records: ApprovalRecord[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://app');
    const json = (req.headers.accept ?? '').includes('application/json');
    const reply = (status: number, record: ApprovalRecord | null) => {
      if (json) {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(record ?? records));
      } else {
        res.writeHead(status === 200 || status === 201 ? 303 : status, { location: '/' });
        res.end();
      }
    };
    if (req.method === 'GET' && url.pathname === '/') {
      if (json) return reply(200, null);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(renderPage(records));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/approvals') {
      const form = await readForm(req);
      const input = {
        code: (form.get('code') ?? '').trim(),
        bidder: (form.get('bidder') ?? '').trim(),
        reference: (form.get('reference') ?? '').trim(),
      };
      const record = await gateApproval(cc, jwksUrl, scenario, input, records.length + 1);
      records.push(record);
      return reply(201, record);
    }
    const m = /^\/approvals\/(\d+)\/feedback$/.exec(url.pathname);
    const record = m ? records[Number(m[1]) - 1] : undefined;
    if (req.method === 'POST' && record) {
      const form = await readForm(req);
      await sendFeedback(cc, record, (form.get('note') ?? '').trim());
      return reply(200, record);
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`error: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 100_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}
