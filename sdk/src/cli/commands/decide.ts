import type { DecisionOrUnavailable, DecisionResult } from '../../client/index.ts';
import { parseArgs } from '../args.ts';
import { CONNECTION_FLAGS, CONNECTION_USAGE, connect } from '../connect.ts';
import { CliFailure, EXIT } from '../exit-codes.ts';
import type { Command } from '../io.ts';
import { failOnRank, OUTCOME_RANK, outcomeLabel, statusLabel, toFailure } from '../labels.ts';

const USAGE = `Usage: credcheck decide --scenario <s> (--code <c> | --name <n>) [--reference r] [--json] [--fail-on <outcome>]

Asks the API for a decision in a scenario (e.g. gov-procurement, financing-credit) and prints the outcome
(禁止 block / 审查 review / 守信 favour / 未见名单 clear), the measures that apply, the steps of the
decision and its receipt id. A name alone only finds possible matches. When the API cannot answer,
the outcome is 查询不可用 unavailable and the exit code 3: never clear.
--fail-on block|review|favour: exit 4 when the outcome is that or more severe.
${CONNECTION_USAGE}`;

export const decideCommand: Command = {
  summary: 'decide one subject in a scenario (with a signed receipt)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args, {
      values: [...CONNECTION_FLAGS, 'scenario', 'code', 'name', 'reference', 'fail-on'],
      switches: ['json'],
    });
    const scenario = parsed.values.get('scenario');
    const code = parsed.values.get('code');
    const name = parsed.values.get('name');
    const reference = parsed.values.get('reference');
    if (!scenario) throw new CliFailure('--scenario is required (e.g. --scenario gov-procurement)');
    if (!code && !name) throw new CliFailure('give --code or --name (or both)');
    if (parsed.positionals.length > 0) throw new CliFailure(`unexpected argument "${parsed.positionals[0]}"`);
    const threshold = failOnRank(parsed.values.get('fail-on'), OUTCOME_RANK);
    const client = connect(parsed, io);
    const result = await client
      .decide({
        scenario,
        subject: { ...(code ? { code } : {}), ...(name ? { name } : {}) },
        ...(reference ? { reference } : {}),
      })
      .catch((err) => {
        throw toFailure(err);
      });
    io.stdout.write(
      parsed.switches.has('json') ? `${JSON.stringify(asJson(result), null, 2)}\n` : describe(result),
    );
    if (result.outcome === 'unavailable') return EXIT.unavailable;
    return threshold !== null && (OUTCOME_RANK[result.outcome] ?? 0) >= threshold ? EXIT.flagged : EXIT.ok;
  },
};

function asJson(result: DecisionOrUnavailable): unknown {
  if (result.outcome !== 'unavailable') return result;
  return { outcome: 'unavailable', cause: { kind: result.cause.kind, message: result.cause.message } };
}

function describe(result: DecisionOrUnavailable): string {
  if (result.outcome === 'unavailable') {
    return `${outcomeLabel('unavailable')}: 未作出判断，请人工核查 / nothing was decided, check manually\n  ${result.cause.message}\n`;
  }
  const d: DecisionResult = result;
  const who = d.subject ? `${d.subject.name} ${d.subject.code ?? d.subject.idMasked ?? ''}`.trim() : '—';
  const lines = [
    `${outcomeLabel(d.outcome)}  · ${statusLabel(d.status)} · ${who}`,
    `场景 scenario ${d.scenario} · ${d.asOf} · 数据版本 data version ${d.dataVersion}`,
  ];
  if (d.identity.matchedBy === 'name')
    lines.push('仅按名称：以下为疑似匹配 / by name only: possible matches to confirm');
  for (const c of d.identity.candidates) {
    lines.push(`  疑似 ${c.name} ${c.code ?? '—'} ${statusLabel(c.status)} ${c.score.toFixed(2)}`);
  }
  if (d.measures.length > 0) lines.push('措施 measures:');
  for (const m of d.measures) lines.push(`  - [${m.effect}/${m.binding}] ${m.nameZh} / ${m.nameEn}`);
  if (d.basis.length > 0) lines.push('依据 basis:');
  for (const b of d.basis) lines.push(`  · ${b}`);
  for (const w of d.identity.warnings) lines.push(`  ! ${w}`);
  lines.push(`决定编号 decision ${d.id}${d.reference ? ` · 业务编号 reference ${d.reference}` : ''}`);
  return `${lines.join('\n')}\n`;
}
