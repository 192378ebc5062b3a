import type { BatchLookupItem } from '../../client/index.ts';
import { parseArgs } from '../args.ts';
import { CONNECTION_FLAGS, CONNECTION_USAGE, connect } from '../connect.ts';
import { CliFailure, EXIT } from '../exit-codes.ts';
import type { Command } from '../io.ts';
import { failOnRank, LISTED_RANK, STATUS_RANK, statusLabel, toFailure } from '../labels.ts';

const USAGE = `Usage: credcheck lookup <code>… [--json] [--fail-on <status>]

Looks up USCCs or resident ID numbers (any number, sent as batches). Prints each code's status
(失信 black / 异议中 suspended / 守信 red / 曾列入 expired / 未见名单 clean, or 代码无效 invalid)
with its entries; --json prints the API's answer.
--fail-on black|suspended|red|expired: exit 4 when a code has that status or one above it
(precedence black > suspended > red > expired).
${CONNECTION_USAGE}`;

export const lookupCommand: Command = {
  summary: 'look up codes: status and list entries',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args, { values: [...CONNECTION_FLAGS, 'fail-on'], switches: ['json'] });
    const codes = parsed.positionals;
    if (codes.length === 0) throw new CliFailure('which code? credcheck lookup <code>…');
    const threshold = failOnRank(parsed.values.get('fail-on'), LISTED_RANK);
    const client = connect(parsed, io);
    const answer = await client.lookupMany(codes).catch((err) => {
      throw toFailure(err);
    });
    if (parsed.switches.has('json')) io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    else {
      io.stdout.write(`数据版本 data version ${answer.dataVersion} · ${answer.asOf}\n`);
      for (const item of answer.items) io.stdout.write(describe(item, codes[item.index]!));
    }
    const flagged = answer.items.some(
      (i) => threshold !== null && i.status !== 'invalid' && (STATUS_RANK[i.status] ?? 0) >= threshold,
    );
    return flagged ? EXIT.flagged : EXIT.ok;
  },
};

function describe(item: BatchLookupItem, given: string): string {
  const code = item.code ?? given;
  if (item.result === 'invalid') {
    return `${code}  ${statusLabel('invalid')}\n  ${item.failure.messageZh} / ${item.failure.message}\n`;
  }
  if (item.result === 'not-found') return `${code}  ${statusLabel('clean')}\n`;
  const lines = [`${code}  ${statusLabel(item.status)}  ${item.subject.name}`];
  for (const e of item.entries) {
    const until = e.validUntil ? ` → ${e.validUntil}` : '';
    lines.push(
      `  - ${e.listTypeName} ${e.listTypeNameEn} (${e.kind}, ${e.status}${e.inForce ? ', in force 有效' : ''}) ${e.decidedOn}${until} · ${e.designator}`,
    );
  }
  for (const w of item.warnings) lines.push(`  ! ${w}`);
  return `${lines.join('\n')}\n`;
}
