import type { CompiledCatalog, CompiledMeasure } from './decision-catalog.ts';
import type {
  DecisionEntry,
  DecisionOutcome,
  GreenChannel,
  NotApplied,
  NotAppliedReason,
  RelatedRole,
} from './decision-schema.ts';

/** The words of a decision, in Chinese and English; each basis line reads `中文 / English`. */

export function line(zh: string, en: string): string {
  return `${zh} / ${en}`;
}

const OUTCOME_ZH: Record<DecisionOutcome, string> = {
  block: '不予准入（禁止）',
  review: '人工审查（审慎办理或限制）',
  favour: '激励（优先或便利）',
  clear: '无奖惩措施',
};

const EFFECT_ZH: Record<CompiledMeasure['measure']['effect'], string> = {
  block: '禁止',
  review: '审查',
  restrict: '限制',
  favour: '激励',
};

const BINDING_ZH: Record<CompiledMeasure['measure']['binding'], string> = {
  mandatory: '强制性',
  recommended: '推荐性',
};

export const ROLE_NAMES: Record<RelatedRole, { zh: string; en: string }> = {
  'legal-representative': { zh: '法定代表人', en: 'Legal representative' },
  principal: { zh: '主要负责人', en: 'Principal responsible person' },
  'responsible-person': { zh: '其他直接责任人员', en: 'Directly responsible person' },
};

/** Why an entry does not act, as the implementer reads it. */
export function notAppliedMessage(
  why: NotAppliedReason,
  entry: Pick<DecisionEntry, 'kind' | 'decidedOn' | 'validUntil'>,
): { message: string; messageZh: string } {
  const black = entry.kind === 'black';
  switch (why) {
    case 'suspended':
      return black
        ? {
            messageZh: '异议核实中：联合惩戒措施在信息核实期间暂不执行',
            message: 'Objection pending: punishment is suspended while the information is verified',
          }
        : {
            messageZh: '异议核实中：信息核实期间暂不适用激励措施',
            message: 'Objection pending: incentives are withheld while the information is verified',
          };
    case 'expired':
      return {
        messageZh: `有效期已于 ${entry.validUntil} 届满，不再适用`,
        message: `Validity ended on ${entry.validUntil}: the entry no longer applies`,
      };
    case 'repaired':
      return {
        messageZh: '已完成信用修复，相关措施应予解除',
        message: 'Credit repaired: its measures are lifted',
      };
    case 'revoked':
      return { messageZh: '该条目已撤销，不再适用', message: 'The entry was revoked and no longer applies' };
    case 'not-yet-decided':
      return {
        messageZh: `认定日期 ${entry.decidedOn} 尚未到来，暂不适用`,
        message: `Decided on ${entry.decidedOn}, after the decision date: not yet in force`,
      };
    case 'reference-only':
      return {
        messageZh: '行业协会商会等名单仅供参考，不单独作为政府奖惩的依据',
        message: 'Association lists are for reference only and never trigger government measures alone',
      };
    case 'no-published-measure':
      return black
        ? {
            messageZh: '本场景的惩戒措施尚未公布：未经公布的惩戒措施不得实施',
            message:
              'The punishments for this list type here are unpublished: unpublished measures must not be applied',
          }
        : {
            messageZh: '本场景的激励措施尚未公布，不予适用',
            message: 'The incentives for this list type here are unpublished and are not applied',
          };
    case 'no-measure-for-scenario':
      return {
        messageZh: '目录中该名单类型在本场景下没有对应措施',
        message: 'The catalog has no measure for this list type in this scenario',
      };
    case 'not-eligible':
      return {
        messageZh: '绿色通道和容缺受理须连续三年无不良信用记录，本主体不符合',
        message: 'Green channel and tolerant acceptance need three years without a bad record; not met',
      };
  }
}

export function scenarioLine(cc: CompiledCatalog, scenario: string, today: string): string {
  const name = cc.scenarioName(scenario);
  return line(
    `场景：${name.zh}（${scenario}），措施清单版本 ${cc.version}，判定日期 ${today}`,
    `Scenario: ${name.en} (${scenario}), catalog ${cc.version}, as of ${today}`,
  );
}

export function notListedLine(): string {
  return line('该主体未被列入红黑名单', 'The subject is not listed');
}

/** Names the designator and the legal basis of an entry (invariant 4). */
export function entryLine(
  cc: CompiledCatalog,
  entry: DecisionEntry,
  prefix?: { zh: string; en: string },
): string {
  const lt = cc.listTypeName(entry.listType);
  const until = entry.validUntil ?? '—';
  return line(
    `${prefix?.zh ?? ''}条目 ${entry.id}：${lt.zh}（${entry.kind === 'black' ? '黑名单' : '红名单'}），认定部门 ${entry.designator}，认定依据 ${entry.basis}，认定日期 ${entry.decidedOn}，有效期至 ${until}，事由 ${entry.reason}`,
    `${prefix?.en ?? ''}Entry ${entry.id}: ${lt.en} (${entry.kind} list), designated by ${entry.designator} under ${entry.basis}, decided ${entry.decidedOn}, valid until ${until}`,
  );
}

/** Names the measure, its legal basis and the entries behind it (invariant 4). */
export function measureLine(cm: CompiledMeasure, entryIds: readonly string[], forWhom?: string): string {
  const m = cm.measure;
  const ids = entryIds.join(', ');
  const who = forWhom === undefined ? '' : `（${forWhom}）`;
  const whoEn = forWhom === undefined ? '' : ` (${forWhom})`;
  return line(
    `适用${BINDING_ZH[m.binding]}${EFFECT_ZH[m.effect]}措施${who}：${m.nameZh}（${m.code}），法律依据 ${m.basisZh}，实施部门 ${m.implementerZh}，触发条目 ${ids}`,
    `Applies ${m.binding} ${m.effect} measure${whoEn}: ${m.nameEn} (${m.code}), legal basis ${m.basisZh}, implemented by ${m.implementerZh}, triggered by ${ids}`,
  );
}

export function notAppliedLine(na: NotApplied, prefix?: { zh: string; en: string }): string {
  return line(
    `${prefix?.zh ?? ''}条目 ${na.id} 不适用：${na.messageZh}`,
    `${prefix?.en ?? ''}Entry ${na.id} not applied (${na.why}): ${na.message}`,
  );
}

export function unpublishedLine(code: string): string {
  return line(
    `措施 ${code} 未经公布，不予实施（未经公布的惩戒措施不得实施）`,
    `Measure ${code} is not published and is not applied`,
  );
}

export function relatedEscalationLine(
  role: RelatedRole,
  subjectId: string,
  codes: readonly string[],
): string {
  const r = ROLE_NAMES[role];
  return line(
    `${r.zh} ${subjectId} 存在有效的严重失信记录，本场景适用落实到人措施 ${codes.join(', ')}：结论至少为人工审查`,
    `${r.en} ${subjectId} has a black entry in force and person-level measures ${codes.join(', ')} apply here: at least review`,
  );
}

export function greenChannelLine(gc: GreenChannel): string {
  return line(
    `绿色通道/容缺受理：${gc.eligible ? '符合' : '不符合'}（${gc.reasonZh}）`,
    `Green channel / tolerant acceptance: ${gc.eligible ? 'eligible' : 'not eligible'} (${gc.reason})`,
  );
}

export function outcomeLine(outcome: DecisionOutcome, because: readonly string[]): string {
  const why = because.length > 0 ? because.join(', ') : '';
  return line(
    `结论：${OUTCOME_ZH[outcome]}（${outcome}）${why ? `，依据措施 ${why}` : ''}`,
    `Outcome: ${outcome}${why ? `, from ${why}` : ''}`,
  );
}
