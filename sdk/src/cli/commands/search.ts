import { parseArgs } from '../args.ts';
import { CONNECTION_FLAGS, CONNECTION_USAGE, connect } from '../connect.ts';
import { CliFailure } from '../exit-codes.ts';
import type { Command } from '../io.ts';
import { statusLabel, toFailure } from '../labels.ts';

const USAGE = `Usage: credcheck search <name> [--limit n] [--json]

Finds listed subjects whose name resembles <name>. Every hit is a possible match (疑似): a name is
not an identity, so confirm by the code before acting on one. --json prints the API's answer.
${CONNECTION_USAGE}`;

export const searchCommand: Command = {
  summary: 'search listed subjects by name (possible matches)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args, { values: [...CONNECTION_FLAGS, 'limit'], switches: ['json'] });
    const name = parsed.positionals.join(' ').trim();
    if (!name) throw new CliFailure('which name? credcheck search <name>');
    const limit = parsed.values.get('limit');
    const client = connect(parsed, io);
    const answer = await client.search(name, limit ? { limit: Number(limit) } : {}).catch((err) => {
      throw toFailure(err);
    });
    if (parsed.switches.has('json')) {
      io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
      return 0;
    }
    io.stdout.write(
      `“${answer.query}” → ${answer.normalized} · 数据版本 data version ${answer.dataVersion}\n`,
    );
    if (answer.hits.length === 0) io.stdout.write('无相似名称 no similar listed name\n');
    for (const h of answer.hits) {
      io.stdout.write(
        `疑似 possible match  ${h.name}  ${h.code ?? '—'}  ${statusLabel(h.status)}  ${h.match}${h.reason ? `/${h.reason}` : ''} ${h.score.toFixed(2)}\n`,
      );
    }
    io.stdout.write(`${answer.notice}\n`);
    return 0;
  },
};
