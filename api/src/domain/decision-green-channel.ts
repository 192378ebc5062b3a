import { GREEN_CHANNEL_MEASURES } from './decision-catalog.ts';
import { yearsBefore } from './decision-dates.ts';
import type { GreenChannel } from './decision-schema.ts';
import type { Entry } from './model.ts';
import { entryStatusAt, isInForce } from './status.ts';

/**
 * 绿色通道 and 容缺受理 are for integrity models and counterparts with no bad credit record for
 * three consecutive years (domain §6). A black entry is a bad record in the window when it was in
 * force at any time during the last three years (decided before today and not ended before the
 * window began), whatever its status now; a revoked entry (wrong information) never counts.
 */
export function greenChannelFor(args: {
  listed: boolean;
  entries: readonly Entry[];
  today: string;
  scenarioHasGreenChannel: boolean;
  /** Green-channel codes the subject's in-force red entries trigger here, with the first such entry. */
  triggered: readonly string[];
  redEntryId: string | null;
}): GreenChannel {
  const no = (reason: string, reasonZh: string): GreenChannel => ({
    eligible: false,
    reason,
    reasonZh,
    measures: [],
  });
  if (!args.scenarioHasGreenChannel) {
    return no('No green channel or tolerant acceptance in this scenario', '本场景无绿色通道或容缺受理措施');
  }
  if (!args.listed) return no('Not listed: no red entry', '未列入红名单');

  const { today } = args;
  const windowStart = yearsBefore(today, 3);
  for (const e of args.entries) {
    if (e.kind !== 'black' || !isInForce(e, today)) continue;
    const status = entryStatusAt(e, today);
    if (status === 'revoked') continue;
    if (status === 'active' || status === 'suspended') {
      return no(
        `Black entry ${e.id} is ${status === 'active' ? 'in force' : 'under objection'}`,
        `存在${status === 'active' ? '有效的' : '异议核实中的'}失信记录 ${e.id}`,
      );
    }
    if (e.validUntil === null || e.validUntil >= windowStart) {
      return no(
        `Bad record ${e.id} (decided ${e.decidedOn}, valid until ${e.validUntil ?? 'open-ended'}) within three years`,
        `近三年内有不良信用记录 ${e.id}（认定日期 ${e.decidedOn}，有效期至 ${e.validUntil ?? '长期'}）`,
      );
    }
  }
  if (args.triggered.length === 0 || args.redEntryId === null) {
    return no(
      'No in-force red entry that earns the green channel here',
      '无可享受绿色通道或容缺受理的有效红名单条目',
    );
  }
  return {
    eligible: true,
    reason: `Red entry ${args.redEntryId} in force and no bad record for three consecutive years`,
    reasonZh: `红名单条目 ${args.redEntryId} 有效，且连续三年无不良信用记录`,
    measures: [...args.triggered],
  };
}

export function isGreenChannelMeasure(code: string): boolean {
  return GREEN_CHANNEL_MEASURES.has(code);
}
