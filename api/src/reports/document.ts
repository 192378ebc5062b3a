import type { ReportData } from './data.ts';

/**
 * The report as a sequence of plain-text blocks, in Chinese (default) or English: one layout
 * decided here, rendered by html.ts and pdf.ts alike, so the two never show different things.
 * Every string is data, escaped (HTML) or encoded (PDF) by the renderer.
 */

export type Lang = 'zh' | 'en';
export type Tone = 'black' | 'red' | 'suspended' | 'muted' | 'plain';

export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'subheading'; text: string; tone: Tone }
  | { kind: 'fields'; rows: Array<[string, string]> }
  | { kind: 'para'; text: string; tone: Tone }
  | { kind: 'list'; items: string[] };

export interface ReportDocument {
  lang: Lang;
  title: string;
  status: { text: string; tone: Tone };
  blocks: Block[];
  qrCaption: string;
  receiptLabel: string;
  receipt: string;
  footer: string;
}

const T = {
  zh: {
    title: '信用报告',
    subject: '主体信息',
    name: '名称',
    code: '统一社会信用代码',
    idMasked: '公民身份号码（已脱敏）',
    type: '主体类型',
    org: '组织',
    person: '自然人',
    legalRep: '法定代表人',
    status: '红黑名单状态',
    statuses: {
      black: '黑名单：存在有效的失信联合惩戒条目',
      suspended: '异议核实中：相关黑名单条目暂不执行惩戒',
      red: '红名单：存在有效的守信联合激励条目',
      expired: '曾被列入：条目均已届满、修复或撤销',
      clean: '未列入红名单或黑名单',
    } as Record<string, string>,
    entries: '名单条目及变更记录',
    noEntries: '无名单条目。',
    kind: { red: '红名单', black: '黑名单' },
    designator: '认定部门',
    basis: '认定依据',
    reason: '认定事由',
    decidedOn: '认定日期',
    publishedOn: '公示日期',
    validUntil: '有效期至',
    openEnded: '长期',
    entryStatus: '当前状态',
    entryStatuses: {
      active: '有效',
      suspended: '暂停执行（异议核实中）',
      repaired: '已信用修复',
      expired: '已届满',
      revoked: '已撤销',
    } as Record<string, string>,
    history: '变更记录',
    commitments: '信用承诺',
    noCommitments: '无信用承诺记录。',
    commitmentKind: { comprehensive: '综合信用承诺', specific: '专项信用承诺' },
    matter: '承诺事项',
    materials: '承诺补齐材料',
    dueOn: '承诺期限',
    madeOn: '承诺日期',
    department: '受理部门',
    text: '承诺内容',
    commitmentStatuses: { active: '有效', expired: '已到期', breached: '已认定违诺' } as Record<
      string,
      string
    >,
    breach: '违诺认定',
    decision: '本次核查结论',
    scenario: '应用场景',
    outcome: '结论',
    outcomes: {
      block: '禁止／拒绝（存在应当实施的惩戒措施）',
      review: '审慎核查（存在限制或从严审核措施）',
      favour: '可予激励',
      clear: '未发现应实施的措施',
    } as Record<string, string>,
    measures: '适用措施',
    noMeasures: '无',
    decisionId: '决定编号',
    issuedAt: '核查时间',
    dataVersion: '数据版本',
    catalogVersion: '措施清单版本',
    receipt: '电子回执（签名）',
    qr: '扫描二维码取得签名回执，可用 CredCheck SDK 的 verifyReceipt 与 /.well-known/jwks.json 公布的公钥离线验证。',
    generatedAt: '生成时间',
    footer: '本报告由 CredCheck 依据公示的红黑名单数据生成；自然人信息已按查询角色脱敏。',
    warnings: '提示',
  },
  en: {
    title: 'Credit report',
    subject: 'Subject',
    name: 'Name',
    code: 'Unified social credit code',
    idMasked: 'Resident ID (masked)',
    type: 'Type',
    org: 'Organization',
    person: 'Natural person',
    legalRep: 'Legal representative',
    status: 'Red/black status',
    statuses: {
      black: 'Black list: an entry of joint punishment applies',
      suspended: 'Under objection: the black entries do not punish while verified',
      red: 'Red list: an entry of joint incentive applies',
      expired: 'Listed before: every entry expired, was repaired or revoked',
      clean: 'On no red or black list',
    } as Record<string, string>,
    entries: 'List entries and their history',
    noEntries: 'No list entries.',
    kind: { red: 'Red list', black: 'Black list' },
    designator: 'Designated by',
    basis: 'Basis',
    reason: 'Reason',
    decidedOn: 'Decided on',
    publishedOn: 'Published on',
    validUntil: 'Valid until',
    openEnded: 'open-ended',
    entryStatus: 'Status',
    entryStatuses: {
      active: 'active',
      suspended: 'suspended (objection under verification)',
      repaired: 'repaired',
      expired: 'expired',
      revoked: 'revoked',
    } as Record<string, string>,
    history: 'History',
    commitments: 'Credit commitments',
    noCommitments: 'No credit commitments.',
    commitmentKind: { comprehensive: 'Comprehensive commitment', specific: 'Specific commitment' },
    matter: 'For',
    materials: 'Materials promised',
    dueOn: 'Due on',
    madeOn: 'Made on',
    department: 'Received by',
    text: 'Pledge',
    commitmentStatuses: { active: 'active', expired: 'expired', breached: 'breached' } as Record<
      string,
      string
    >,
    breach: 'Breach',
    decision: 'Decision for this check',
    scenario: 'Scenario',
    outcome: 'Outcome',
    outcomes: {
      block: 'Block: a punishment measure applies',
      review: 'Review: a restricting or strict-review measure applies',
      favour: 'Favour: an incentive applies',
      clear: 'Clear: no measure applies',
    } as Record<string, string>,
    measures: 'Measures',
    noMeasures: 'none',
    decisionId: 'Decision id',
    issuedAt: 'Checked at',
    dataVersion: 'Data version',
    catalogVersion: 'Catalog version',
    receipt: 'Signed receipt',
    qr: 'Scan the QR code for the signed receipt; verify it offline with the CredCheck SDK’s verifyReceipt and the key published at /.well-known/jwks.json.',
    generatedAt: 'Generated at',
    footer:
      'Generated by CredCheck from the published red and black lists; natural persons are masked for the caller’s role.',
    warnings: 'Note',
  },
} as const;

function toneOf(status: string): Tone {
  return status === 'black'
    ? 'black'
    : status === 'red'
      ? 'red'
      : status === 'suspended'
        ? 'suspended'
        : 'muted';
}

/** An instant as China time, `YYYY-MM-DD HH:mm` (the report is read in China). */
export function chinaTime(iso: string): string {
  const t = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`;
}

export function reportDocument(d: ReportData, lang: Lang): ReportDocument {
  const t = T[lang];
  const blocks: Block[] = [];
  const s = d.subject;
  blocks.push({ kind: 'heading', text: t.subject });
  const subjectRows: Array<[string, string]> = [];
  if (s?.name) subjectRows.push([t.name, s.name]);
  if (s?.type === 'person') subjectRows.push([t.idMasked, s.idMasked ?? d.code]);
  else subjectRows.push([t.code, s?.code ?? d.code]);
  if (s) subjectRows.push([t.type, s.type === 'person' ? t.person : t.org]);
  if (s?.legalRep) subjectRows.push([t.legalRep, s.legalRep]);
  subjectRows.push([t.status, t.statuses[d.status] ?? d.status]);
  blocks.push({ kind: 'fields', rows: subjectRows });
  for (const w of d.warnings) blocks.push({ kind: 'para', text: `${t.warnings}: ${w}`, tone: 'suspended' });

  blocks.push({ kind: 'heading', text: t.decision });
  const dec = d.decision;
  blocks.push({
    kind: 'fields',
    rows: [
      [t.scenario, `${lang === 'zh' ? d.scenarioName.zh : d.scenarioName.en} (${dec.scenario})`],
      [t.outcome, t.outcomes[dec.outcome] ?? dec.outcome],
      [
        t.measures,
        dec.measures.length === 0
          ? t.noMeasures
          : dec.measures.map((m) => (lang === 'zh' ? m.nameZh : m.nameEn)).join('；'),
      ],
      [t.decisionId, dec.id],
      [t.issuedAt, chinaTime(dec.issuedAt)],
      [t.dataVersion, String(dec.dataVersion)],
      [t.catalogVersion, dec.catalogVersion],
    ],
  });

  blocks.push({ kind: 'heading', text: t.entries });
  if (d.entries.length === 0) blocks.push({ kind: 'para', text: t.noEntries, tone: 'muted' });
  for (const e of d.entries) {
    blocks.push({
      kind: 'subheading',
      text: `${t.kind[e.kind]} · ${lang === 'zh' ? e.listTypeName : e.listTypeNameEn} · ${t.entryStatuses[e.status] ?? e.status}`,
      tone: e.status === 'active' ? toneOf(e.kind) : e.status === 'suspended' ? 'suspended' : 'muted',
    });
    blocks.push({
      kind: 'fields',
      rows: [
        [t.designator, e.designator],
        [t.basis, e.basis],
        [t.reason, e.reason],
        [t.decidedOn, e.decidedOn],
        [t.publishedOn, e.publishedOn ?? '—'],
        [t.validUntil, e.validUntil ?? t.openEnded],
        ['ID', e.id],
      ],
    });
    if (e.history.length > 0) {
      blocks.push({
        kind: 'list',
        items: e.history.map(
          (h) =>
            `${chinaTime(h.at)}  ${h.type}${h.status ? ` → ${t.entryStatuses[h.status] ?? h.status}` : ''}${h.why ? `：${h.why}` : ''}`,
        ),
      });
    }
  }

  blocks.push({ kind: 'heading', text: t.commitments });
  if (d.commitments.length === 0) blocks.push({ kind: 'para', text: t.noCommitments, tone: 'muted' });
  for (const c of d.commitments) {
    blocks.push({
      kind: 'subheading',
      text: `${t.commitmentKind[c.kind]} · ${t.commitmentStatuses[c.status] ?? c.status}`,
      tone: c.status === 'breached' ? 'black' : 'plain',
    });
    const rows: Array<[string, string]> = [];
    if (c.matter) {
      rows.push([t.matter, `${c.matter.title}${c.matter.reference ? `（${c.matter.reference}）` : ''}`]);
      if (c.matter.materials.length > 0) rows.push([t.materials, c.matter.materials.join('；')]);
      if (c.matter.dueOn) rows.push([t.dueOn, c.matter.dueOn]);
    }
    rows.push([t.text, c.text]);
    rows.push([t.madeOn, c.madeOn]);
    rows.push([t.validUntil, c.validUntil ?? t.openEnded]);
    rows.push([t.department, c.department]);
    if (c.breach) rows.push([t.breach, `${c.breach.decidedOn} ${c.breach.reason} (${c.breach.entryId})`]);
    rows.push(['ID', c.id]);
    blocks.push({ kind: 'fields', rows });
  }

  return {
    lang,
    title: t.title,
    status: { text: t.statuses[d.status] ?? d.status, tone: toneOf(d.status) },
    blocks,
    qrCaption: t.qr,
    receiptLabel: t.receipt,
    receipt: dec.receipt,
    footer: `${t.generatedAt} ${chinaTime(d.generatedAt)} · ${t.dataVersion} ${d.dataVersion} · ${t.decisionId} ${dec.id} · ${t.footer}`,
  };
}
