import { canActForDepartment, type Principal } from '../auth/roles.ts';
import { newDecisionId } from '../decisions/decision-id.ts';
import type { Catalog } from '../domain/catalog.ts';
import type { Clock } from '../domain/clock.ts';
import { objectionDeadline } from '../domain/deadlines.ts';
import {
  blockFor,
  checkPublication,
  checkRepair,
  type EntryBlock,
  objectionDeadlineView,
} from '../domain/due-process.ts';
import { DEFAULT_REPAIR_DECISION, type DueProcessRules } from '../domain/due-process-rules.ts';
import type { Change, ChangeWhy, Entry, StoredStatus, Subject } from '../domain/model.ts';
import { addPeriod } from '../domain/periods.ts';
import { entryStatusAt, isInForce } from '../domain/status.ts';
import { addDays, type WorkingCalendar } from '../domain/working-days.ts';
import type { RowError } from '../import/errors.ts';
import { F, FIELDS } from '../import/fields.ts';
import { RowValidator, type RowValues } from '../import/validate-row.ts';
import {
  type DueProcessWrite,
  type EntryRecord,
  NOTIFY_KEYS_MAX,
  type ObjectionRecord,
  type RepairRecord,
  WriteConflictError,
} from '../store/due-process.ts';
import { entryIdOf, subjectIdOf } from '../store/ids.ts';
import type { Store } from '../store/types.ts';
import { subjectView } from '../views/subject.ts';
import { DueProcessError, invalid, notFound } from './errors.ts';
import type {
  Correction,
  CorrectionRequest,
  DesignationRequest,
  EntryDetail,
  ObjectionRequest,
  RepairDecisionRequest,
  RepairRequest,
  ResolutionRequest,
} from './schemas.ts';

export interface DueProcessDeps {
  store: Store;
  clock: Clock;
  calendar: WorkingCalendar;
  rules: DueProcessRules;
  catalog: () => Catalog | null;
  idHmacKey: string;
  /** Catches the in-memory index up with the store (after a write, so the next decision sees it); returns its seq. */
  refresh: () => Promise<number>;
  /** The change-log seq the in-memory index is at. */
  dataVersion: () => number;
}

type ObjectionView = ReturnType<ReturnType<typeof viewsFor>['objection']>;
type RepairView = ReturnType<ReturnType<typeof viewsFor>['repair']>;
type EntryView = EntryDetail['entry'];

export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * What a designation may carry besides the entry, in its transaction: a credit commitment found
 * breached (the entry's basis), with the why and audit record of that breach.
 */
export interface DesignationAttachment {
  commitment: NonNullable<DueProcessWrite['commitment']>;
  why: ChangeWhy;
  audit: DueProcessWrite['audit'];
}

export interface DueProcessService {
  designate(req: DesignationRequest, caller: Principal, attach?: DesignationAttachment): Promise<EntryDetail>;
  correct(entryId: string, req: CorrectionRequest, caller: Principal): Promise<EntryDetail>;
  revoke(entryId: string, why: string, caller: Principal): Promise<EntryDetail>;
  entry(entryId: string, caller: Principal): Promise<EntryDetail>;

  object(req: ObjectionRequest, caller: Principal): Promise<ObjectionResult>;
  resolveObjection(id: string, req: ResolutionRequest, caller: Principal): Promise<ObjectionResult>;
  objection(id: string, caller: Principal): Promise<ObjectionView>;
  objections(
    q: {
      status?: ObjectionRecord['status'];
      overdue?: boolean;
      entryId?: string;
      limit: number;
      cursor?: string;
    },
    caller: Principal,
  ): Promise<ListPage<ObjectionView> & { asOf: string }>;

  requestRepair(req: RepairRequest, caller: Principal): Promise<RepairResult>;
  decideRepair(id: string, req: RepairDecisionRequest, caller: Principal): Promise<RepairResult>;
  repair(id: string, caller: Principal): Promise<RepairView>;
  repairs(
    q: { status?: RepairRecord['status']; entryId?: string; limit: number; cursor?: string },
    caller: Principal,
  ): Promise<ListPage<RepairView>>;

  /** Writes the `entry.expired` events due today (all of them, in batches); returns how many. */
  recordExpiries(): Promise<number>;

  /**
   * One write of another part of the due process (credit commitments), checked by the caller:
   * written, then the index caught up; a lost race is a 409 conflict.
   */
  write(w: DueProcessWrite): Promise<{ seq: number; entry: Entry | null }>;
}

export interface ObjectionResult {
  dataVersion: number;
  objection: ObjectionView;
  entry: EntryView;
}

export interface RepairResult {
  dataVersion: number;
  repair: RepairView;
  entry: EntryView;
}

/** Body field of each import column, so that validation errors name what the caller sent. */
const BODY_FIELDS: Record<(typeof FIELDS)[number], string> = {
  code: 'code',
  name: 'name',
  list_type: 'listType',
  kind: 'listType',
  designator: 'designator',
  basis: 'basis',
  reason: 'reason',
  decided_on: 'decidedOn',
  valid_until: 'validUntil',
  published_on: 'publishedOn',
  legal_rep: 'legalRep',
  legal_rep_id: 'legalRepId',
  subject_type: 'subjectType',
  department: 'department',
  status: 'status',
  division: 'division',
};
const LABELS = FIELDS.map((f) => BODY_FIELDS[f]);

const BLOCK_TEXT: Record<EntryBlock, { en: string; zh: string }> = {
  revoked: { en: 'The entry is revoked.', zh: '该条目已撤销。' },
  repaired: {
    en: 'The entry is repaired: its measures are lifted.',
    zh: '该条目已完成信用修复，相关措施已解除。',
  },
  expired: { en: 'The entry’s validity has ended.', zh: '该条目有效期已届满。' },
  suspended: {
    en: 'The entry was recorded as suspended by its source.',
    zh: '该条目在来源数据中为暂停执行状态。',
  },
  'not-yet-decided': { en: 'The entry’s decision date has not come yet.', zh: '该条目的认定日期尚未到来。' },
  'objection-pending': {
    en: 'An objection against the entry is pending: resolve it (upheld with a correction or revocation, or rejected) first.',
    zh: '该条目有待处理的异议，请先处理异议（成立则更正或撤销，不成立则驳回）。',
  },
  'repair-pending': {
    en: 'A credit-repair request for the entry is pending.',
    zh: '该条目已有待审核的信用修复申请。',
  },
};

/**
 * Designation, objections and credit repair over the store: each request is checked against the
 * caller's department, the entry's state and the list type's rules (domain/due-process.ts), then
 * written in one transaction with its change-log row, audit record and request row; the index is
 * caught up before the answer, so the caller's next decision already sees the change.
 */
export function createDueProcessService(deps: DueProcessDeps): DueProcessService {
  const { store, clock, calendar, rules } = deps;
  const views = viewsFor(deps);

  const actorOf = (caller: Principal) => caller.keyId ?? 'anonymous';

  function mustActFor(caller: Principal, department: string): void {
    if (canActForDepartment(caller, department)) return;
    throw new DueProcessError(
      'wrong-department',
      `This entry belongs to department "${department}"; your key acts for "${caller.department ?? '(none)'}".`,
      `该条目属于“${department}”，您的密钥代表“${caller.department ?? '（无）'}”，无权操作。`,
      { department },
    );
  }

  async function entryOrThrow(id: string): Promise<Entry> {
    const entry = await store.getEntry(id);
    if (entry === null) throw notFound('entry', id);
    return entry;
  }

  async function pendingOf(entryId: string) {
    const [objection] = await store.listObjections({ entryId, status: 'pending', limit: 1 });
    const [repair] = await store.listRepairs({ entryId, status: 'pending', limit: 1 });
    return { objection: objection ?? null, repair: repair ?? null };
  }

  async function check(
    action: Parameters<typeof blockFor>[0],
    entry: Entry,
    pending?: Awaited<ReturnType<typeof pendingOf>>,
  ): Promise<void> {
    const p = pending ?? (await pendingOf(entry.id));
    const block = blockFor(action, entry, clock.today(), {
      objection: p.objection !== null,
      repair: p.repair !== null,
    });
    if (block === null) return;
    const pendingId =
      block === 'objection-pending' ? p.objection?.id : block === 'repair-pending' ? p.repair?.id : null;
    throw new DueProcessError(
      'conflict',
      `${BLOCK_TEXT[block].en}${pendingId ? ` (${pendingId})` : ''}`,
      `${BLOCK_TEXT[block].zh}${pendingId ? `（${pendingId}）` : ''}`,
      { reason: block, entryId: entry.id, ...(pendingId ? { pending: pendingId } : {}) },
    );
  }

  async function notify(entry: Entry): Promise<NonNullable<ChangeWhy['notify']>> {
    const found = await store.decisionKeysFor(entry.subjectId, entry.createdAt, NOTIFY_KEYS_MAX);
    return { ...found, since: entry.createdAt };
  }

  /** Writes, then catches the index up; a write that lost a race is a 409, not a 500. */
  async function write(w: DueProcessWrite): Promise<{ seq: number; entry: Entry | null }> {
    let result: Awaited<ReturnType<Store['writeDueProcess']>>;
    try {
      result = await store.writeDueProcess(w);
    } catch (err) {
      if (err instanceof WriteConflictError) {
        throw new DueProcessError(
          'conflict',
          'The entry or request changed while this request was handled; read it again and retry.',
          '处理期间该条目或申请已被其他请求更改，请重新读取后再试。',
          { reason: 'concurrent-change' },
        );
      }
      throw err;
    }
    // A catch-up already under way may have read the log before this commit: go again until the
    // index holds the write, so that the caller's next decision sees it (a failing store gives up).
    let seq = await deps.refresh();
    for (let tries = 1; seq < result.seq && tries < 5; tries++) seq = await deps.refresh();
    return { seq: Math.max(seq, result.seq), entry: result.entry };
  }

  function applyCorrection(entry: Entry, c: Correction, today: string): EntryRecord {
    const after: EntryRecord = recordOf(entry);
    if (c.reason !== undefined) after.reason = c.reason;
    if (c.decidedOn !== undefined) after.decidedOn = c.decidedOn;
    if (c.publishedOn !== undefined) after.publishedOn = c.publishedOn;
    if (c.validUntil !== undefined) after.validUntil = c.validUntil;
    if (after.decidedOn > today) throw invalid('decidedOn', 'is after today', '晚于今天');
    if (after.publishedOn !== null && after.publishedOn < after.decidedOn) {
      throw invalid(
        'publishedOn',
        `is before decidedOn ${after.decidedOn}`,
        `早于认定日期 ${after.decidedOn}`,
      );
    }
    if (after.publishedOn !== null && after.publishedOn > today) {
      throw invalid('publishedOn', 'is after today', '晚于今天');
    }
    if (after.validUntil !== null && after.validUntil < after.decidedOn) {
      throw invalid(
        'validUntil',
        `is before decidedOn ${after.decidedOn}`,
        `早于认定日期 ${after.decidedOn}`,
      );
    }
    return after;
  }

  async function detail(
    entry: Entry,
    caller: Principal,
    warnings: string[] = [],
    seq?: number,
  ): Promise<EntryDetail> {
    const today = clock.today();
    const [subject, history, objections, repairs] = await Promise.all([
      store.findSubjectById(entry.subjectId),
      store.historyOf(entry.id),
      store.listObjections({ entryId: entry.id, limit: 100 }),
      store.listRepairs({ entryId: entry.id, limit: 100 }),
    ]);
    const r = rules.rulesFor(entry.listType);
    const repairable = r.repair.repairable && entry.kind === 'black';
    const listedOn = entry.publishedOn ?? entry.decidedOn;
    return {
      dataVersion: seq ?? deps.dataVersion(),
      asOf: today,
      entry: views.entry(entry),
      subject: subjectView(subject!, 'staff'),
      publication:
        entry.publishedOn === null
          ? null
          : checkPublication(calendar, r.publication, entry.decidedOn, entry.publishedOn),
      repairRule: {
        repairable,
        note:
          entry.kind === 'red'
            ? 'Red-list entries are not repaired: there is nothing to repair.'
            : r.repair.note,
        minimumPeriod: r.repair.repairable ? r.repair.minimumPeriod : null,
        from: r.repair.repairable ? r.repair.from : null,
        requiresCorrection: r.repair.repairable && r.repair.requiresCorrection,
        earliestOn:
          repairable && r.repair.repairable && r.repair.from === 'publication'
            ? addPeriod(listedOn, r.repair.minimumPeriod)
            : null,
      },
      objections: objections.map((o) => views.objection(o, caller)),
      repairs: repairs.map(views.repair),
      history: history.map(historyItem),
      warnings,
    };
  }

  return {
    write,

    async designate(req, caller, attach) {
      const catalog = deps.catalog();
      if (catalog === null) {
        throw new DueProcessError(
          'service-unavailable',
          'No measure catalog is loaded.',
          '尚未加载措施清单。',
        );
      }
      const today = clock.today();
      let department: string;
      if (caller.role === 'designator') {
        department = caller.department!;
        if (req.department !== undefined && req.department !== department) mustActFor(caller, req.department);
      } else {
        if (req.department === undefined) {
          throw invalid('department', 'is required from an admin key', '管理员密钥须指定认定部门');
        }
        department = req.department;
      }
      const publishedOn = req.publishedOn ?? today;
      if (req.decidedOn > today) throw invalid('decidedOn', 'is after today', '晚于今天');
      if (publishedOn > today) throw invalid('publishedOn', 'is after today', '晚于今天');

      const listType = catalog.listTypes.find((t) => t.code === req.listType);
      const values: RowValues = new Array(FIELDS.length);
      values[F.code] = req.code;
      values[F.name] = req.name;
      values[F.list_type] = req.listType;
      values[F.kind] = listType?.kind ?? 'black';
      values[F.designator] = req.designator ?? department;
      values[F.basis] = req.basis;
      values[F.reason] = req.reason;
      values[F.decided_on] = req.decidedOn;
      values[F.valid_until] = req.validUntil ?? '';
      values[F.published_on] = publishedOn;
      values[F.legal_rep] = req.legalRep;
      values[F.legal_rep_id] = req.legalRepId;
      values[F.subject_type] = req.subjectType;
      values[F.department] = department;
      values[F.division] = req.division;
      const errors: RowError[] = [];
      const warnings: string[] = [];
      const validator = new RowValidator({
        catalog,
        secret: deps.idHmacKey,
        today,
        labels: LABELS,
        onWarning: (w) => warnings.push(w.message),
      });
      const record = validator.validate(1, values, errors);
      if (record === null) {
        throw new DueProcessError(
          'validation-failed',
          `The designation is invalid: ${errors.map((e) => e.message).join('; ')}`,
          `认定信息不符合要求：${errors.map((e) => e.messageZh).join('；')}`,
          {},
          errors.map((e) => ({ field: `body.${e.column ?? 'code'}`, message: e.message })),
        );
      }

      const rule = rules.rulesFor(record.entry.listType).publication;
      const publication = checkPublication(calendar, rule, record.entry.decidedOn, publishedOn);
      if (publication.late && rule.late === 'refuse') {
        throw new DueProcessError(
          'publication-late',
          `Decided on ${record.entry.decidedOn}, this listing had to be published by ${publication.due} (${publication.workingDays} working days).`,
          `认定日期为 ${record.entry.decidedOn}，应于 ${publication.due} 前公示（${publication.workingDays} 个工作日）。`,
          { due: publication.due, workingDays: publication.workingDays },
        );
      }
      if (publication.late) {
        warnings.push(
          `Published after the deadline of ${publication.due} (${publication.workingDays} working days from the decision): marked late.`,
        );
      }

      const stored = await store.findSubjectByKey(record.subject.key);
      const s = record.subject;
      const subject: Omit<Subject, 'seq'> = {
        id: stored?.id ?? subjectIdOf(s.key),
        ...s,
        // What the request leaves out stays as recorded (another department may have given it).
        legalRep: req.legalRep === undefined && stored ? stored.legalRep : s.legalRep,
        legalRepKey: req.legalRepId === undefined && stored ? stored.legalRepKey : s.legalRepKey,
        division: req.division === undefined && stored ? stored.division : s.division,
      };
      const id = entryIdOf(s.key, record.entry.listType, record.entry.designator, record.entry.basis);
      const existing = await store.getEntry(id);
      if (existing !== null) {
        throw new DueProcessError(
          'conflict',
          `This subject is already listed on ${record.entry.listType} by ${record.entry.designator} on basis ${record.entry.basis} (${id}): correct that entry instead.`,
          `该主体已因同一依据被列入该名单（${id}），请更正该条目。`,
          { reason: 'entry-exists', entryId: id },
        );
      }
      const after: EntryRecord = { id, subjectId: subject.id, ...record.entry };
      const breach = attach?.commitment.record.breach;
      // The breach keeps the entry it created; the id is only known here.
      const commitment = attach && {
        ...attach.commitment,
        record: { ...attach.commitment.record, breach: breach ? { ...breach, entryId: id } : null },
      };
      const entryAudit = {
        subject: s.key,
        listType: after.listType,
        department,
        publishedOn,
        publicationDue: publication.due,
        late: publication.late,
      };
      const { seq, entry } = await write({
        actor: actorOf(caller),
        why: attach?.why ?? { cause: 'designation', text: req.why ?? record.entry.reason },
        subject,
        entry: { type: 'entry.created', after, expectSeq: null },
        ...(commitment ? { commitment } : {}),
        audit: attach
          ? { ...attach.audit, detail: { ...attach.audit.detail, entryId: id, ...entryAudit } }
          : { action: 'entry.created', target: id, detail: entryAudit },
      });
      return detail(entry!, caller, warnings, seq);
    },

    async correct(entryId, req, caller) {
      const entry = await entryOrThrow(entryId);
      mustActFor(caller, entry.department);
      await check('correct', entry);
      const { why, ...fields } = req;
      if (Object.values(fields).every((v) => v === undefined)) {
        throw invalid('body', 'give at least one field to correct', '请至少指定一个更正字段');
      }
      const after = applyCorrection(entry, fields, clock.today());
      if (sameContent(after, entry)) {
        throw invalid('body', 'the correction changes nothing', '更正内容与现有记录相同');
      }
      const { seq, entry: written } = await write({
        actor: actorOf(caller),
        why: { cause: 'correction', text: why, notify: await notify(entry) },
        entry: { type: 'entry.updated', after, expectSeq: entry.seq },
        audit: { action: 'entry.corrected', target: entry.id, detail: { fields: Object.keys(fields) } },
      });
      return detail(written!, caller, [], seq);
    },

    async revoke(entryId, why, caller) {
      const entry = await entryOrThrow(entryId);
      mustActFor(caller, entry.department);
      await check('revoke', entry);
      const { seq, entry: written } = await write({
        actor: actorOf(caller),
        why: { cause: 'revocation', text: why, notify: await notify(entry) },
        entry: {
          type: 'entry.status',
          after: { ...recordOf(entry), status: 'revoked' },
          expectSeq: entry.seq,
        },
        audit: { action: 'entry.revoked', target: entry.id, detail: { from: entry.status } },
      });
      return detail(written!, caller, [], seq);
    },

    async entry(entryId, caller) {
      return detail(await entryOrThrow(entryId), caller);
    },

    async object(req, caller) {
      const entry = await entryOrThrow(req.entryId);
      // A subject objects through the department's published channels: its designator (or an
      // admin) enters that. Anyone else with the permission objects for itself, as a user of the
      // list who found the data wrong (implementers, and designators of other departments).
      const fromSubject = canActForDepartment(caller, entry.department);
      if (fromSubject) {
        if (req.channel === undefined) {
          throw invalid('channel', 'is required for a subject’s objection', '受理主体异议须注明渠道');
        }
        if (req.submitter === undefined) {
          throw invalid('submitter', 'is required for a subject’s objection', '受理主体异议须注明异议人');
        }
      }
      const pending = await pendingOf(entry.id);
      await check('object', entry, pending);
      const now = clock.now().toISOString();
      const acceptedOn = clock.today();
      const workingDays = rules.rulesFor(entry.listType).objection.verifyWithinWorkingDays;
      const record: ObjectionRecord = {
        id: `obj_${newDecisionId(Date.parse(now)).slice(4)}`,
        entryId: entry.id,
        subjectId: entry.subjectId,
        department: entry.department,
        status: 'pending',
        source: fromSubject ? 'subject' : 'implementer',
        channel: fromSubject ? req.channel! : null,
        submitter: fromSubject
          ? { name: req.submitter!.name, contact: req.submitter!.contact ?? null }
          : null,
        claim: req.claim,
        filedBy: actorOf(caller),
        acceptedOn,
        workingDays,
        dueOn: objectionDeadline(calendar, acceptedOn, workingDays).due,
        resolution: null,
        createdAt: now,
        updatedAt: now,
      };
      const { seq, entry: written } = await write({
        actor: actorOf(caller),
        why: {
          cause: 'objection.accepted',
          text: '异议已受理：联合惩戒措施在信息核实期间暂不执行 / Objection accepted: punishment is suspended while the information is verified',
          objectionId: record.id,
          notify: await notify(entry),
        },
        entry: {
          type: 'entry.status',
          after: { ...recordOf(entry), status: 'suspended' },
          expectSeq: entry.seq,
        },
        objection: { record, expectStatus: null },
        audit: {
          action: 'objection.accepted',
          target: record.id,
          detail: { entryId: entry.id, source: record.source, dueOn: record.dueOn },
        },
      });
      return { dataVersion: seq, objection: views.objection(record, caller), entry: views.entry(written!) };
    },

    async resolveObjection(id, req, caller) {
      const objection = await store.getObjection(id);
      if (objection === null) throw notFound('objection', id);
      mustActFor(caller, objection.department);
      if (objection.status !== 'pending') {
        throw new DueProcessError(
          'conflict',
          `The objection was already resolved (${objection.status}).`,
          `该异议已处理（${objection.status === 'upheld' ? '成立' : '不成立'}）。`,
          { reason: 'already-resolved', status: objection.status },
        );
      }
      const entry = await entryOrThrow(objection.entryId);
      let after: EntryRecord;
      let type: 'entry.updated' | 'entry.status' = 'entry.status';
      let action: 'corrected' | 'revoked' | null = null;
      if (req.outcome === 'rejected') {
        if (req.action !== undefined || req.correction !== undefined) {
          throw invalid('action', 'is for an upheld objection only', '仅异议成立时可更正或撤销');
        }
        // The information stands: the entry applies again.
        after = { ...recordOf(entry), status: entry.status === 'suspended' ? 'active' : entry.status };
      } else if (req.action === 'revoke') {
        if (req.correction !== undefined)
          throw invalid('correction', 'is not used when revoking', '撤销时无需更正内容');
        after = { ...recordOf(entry), status: 'revoked' };
        action = 'revoked';
      } else if (req.action === 'correct') {
        if (req.correction === undefined || Object.values(req.correction).every((v) => v === undefined)) {
          throw invalid('correction', 'give the corrected fields', '请给出更正后的字段');
        }
        after = { ...applyCorrection(entry, req.correction, clock.today()), status: 'active' };
        type = 'entry.updated';
        action = 'corrected';
      } else {
        throw invalid(
          'action',
          'an upheld objection corrects or revokes the entry',
          '异议成立时须更正或撤销条目',
        );
      }
      const now = clock.now().toISOString();
      const resolved: ObjectionRecord = {
        ...objection,
        status: req.outcome,
        resolution: { outcome: req.outcome, action, why: req.why, by: actorOf(caller), at: now },
        updatedAt: now,
      };
      const { seq, entry: written } = await write({
        actor: actorOf(caller),
        why: {
          cause: req.outcome === 'upheld' ? 'objection.upheld' : 'objection.rejected',
          text: req.why,
          objectionId: objection.id,
          notify: await notify(entry),
        },
        entry: { type, after, expectSeq: entry.seq },
        objection: { record: resolved, expectStatus: 'pending' },
        audit: {
          action: `objection.${req.outcome}`,
          target: objection.id,
          detail: { entryId: entry.id, action, overdue: clock.today() > objection.dueOn },
        },
      });
      return { dataVersion: seq, objection: views.objection(resolved, caller), entry: views.entry(written!) };
    },

    async objection(id, caller) {
      const o = await store.getObjection(id);
      if (o === null || !mayRead(caller, o)) throw notFound('objection', id);
      return views.objection(o, caller);
    },

    async objections(q, caller) {
      const today = clock.today();
      const scope =
        caller.role === 'admin'
          ? {}
          : caller.role === 'designator'
            ? { department: caller.department! }
            : { filedBy: actorOf(caller) };
      const rows = await store.listObjections({
        ...scope,
        ...(q.status ? { status: q.status } : {}),
        ...(q.overdue ? { overdueOn: today } : {}),
        ...(q.entryId ? { entryId: q.entryId } : {}),
        ...(q.cursor ? { after: q.cursor } : {}),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        asOf: today,
        items: page.map((o) => views.objection(o, caller)),
        nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
      };
    },

    async requestRepair(req, caller) {
      const entry = await entryOrThrow(req.entryId);
      mustActFor(caller, entry.department);
      const today = clock.today();
      const rule = rules.rulesFor(entry.listType).repair;
      const correctedOn = req.correctedOn ?? null;
      const verdict = checkRepair(rule, entry.kind, entry, correctedOn, today);
      if (!verdict.ok) throw repairRefused(verdict, entry);
      await check('repair', entry);
      const now = clock.now().toISOString();
      const record: RepairRecord = {
        id: `rep_${newDecisionId(Date.parse(now)).slice(4)}`,
        entryId: entry.id,
        subjectId: entry.subjectId,
        department: entry.department,
        status: 'pending',
        applicant: { name: req.applicant.name, contact: req.applicant.contact ?? null },
        statement: req.statement,
        evidence: req.evidence.map((e) => ({ title: e.title, reference: e.reference ?? null })),
        correctedOn,
        filedBy: actorOf(caller),
        filedOn: today,
        earliestOn: verdict.earliestOn,
        decision: null,
        createdAt: now,
        updatedAt: now,
      };
      const { seq } = await write({
        actor: actorOf(caller),
        repair: { record, expectStatus: null },
        audit: {
          action: 'repair.requested',
          target: record.id,
          detail: { entryId: entry.id, evidence: record.evidence.length, correctedOn },
        },
      });
      return { dataVersion: seq, repair: views.repair(record), entry: views.entry(entry) };
    },

    async decideRepair(id, req, caller) {
      const repair = await store.getRepair(id);
      if (repair === null) throw notFound('repair request', id);
      mustActFor(caller, repair.department);
      if (repair.status !== 'pending') {
        throw new DueProcessError(
          'conflict',
          `The repair request was already decided (${repair.status}).`,
          `该信用修复申请已审核（${repair.status === 'approved' ? '已准予' : '已驳回'}）。`,
          { reason: 'already-decided', status: repair.status },
        );
      }
      const entry = await entryOrThrow(repair.entryId);
      const now = clock.now().toISOString();
      const decided: RepairRecord = {
        ...repair,
        status: req.outcome,
        decision: { outcome: req.outcome, why: req.why, by: actorOf(caller), at: now },
        updatedAt: now,
      };
      if (req.outcome === 'rejected') {
        const { seq } = await write({
          actor: actorOf(caller),
          repair: { record: decided, expectStatus: 'pending' },
          audit: { action: 'repair.rejected', target: repair.id, detail: { entryId: entry.id } },
        });
        return { dataVersion: seq, repair: views.repair(decided), entry: views.entry(entry) };
      }
      const pending = await pendingOf(entry.id);
      await check('repair', entry, { ...pending, repair: null });
      const { seq, entry: written } = await write({
        actor: actorOf(caller),
        why: { cause: 'repair.approved', text: req.why, repairId: repair.id, notify: await notify(entry) },
        entry: {
          type: 'entry.status',
          after: { ...recordOf(entry), status: 'repaired' },
          expectSeq: entry.seq,
        },
        repair: { record: decided, expectStatus: 'pending' },
        audit: { action: 'repair.approved', target: repair.id, detail: { entryId: entry.id } },
      });
      return { dataVersion: seq, repair: views.repair(decided), entry: views.entry(written!) };
    },

    async repair(id, caller) {
      const r = await store.getRepair(id);
      if (r === null || !canActForDepartment(caller, r.department)) throw notFound('repair request', id);
      return views.repair(r);
    },

    async repairs(q, caller) {
      const rows = await store.listRepairs({
        ...(caller.role === 'admin' ? {} : { department: caller.department ?? '' }),
        ...(q.status ? { status: q.status } : {}),
        ...(q.entryId ? { entryId: q.entryId } : {}),
        ...(q.cursor ? { after: q.cursor } : {}),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        items: page.map(views.repair),
        nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
      };
    },

    async recordExpiries() {
      const today = clock.today();
      const from = await lastExpiryScan(store, today);
      let total = 0;
      for (;;) {
        const written = await store.recordExpiries(today, 1000, from);
        total += written.length;
        if (written.length < 1000) break;
      }
      await store.initSetting(`${EXPIRY_SCAN}${today}`, String(total), {
        actor: 'system',
        action: 'expiry.scanned',
        target: today,
        detail: { events: total, from },
      });
      if (total > 0) await deps.refresh();
      return total;
    },
  };
}

/** Setting written when a day's expiry run has completed: `expiry-scan:<YYYY-MM-DD>`. */
const EXPIRY_SCAN = 'expiry-scan:';

/**
 * The latest day in the past week whose expiry run completed (it wrote every validity end before
 * that day), or null: then the run reads every entry once. Without this, each start and each day
 * probed every entry ever expired, holding a million-entry store's request thread ~0.4 s.
 */
async function lastExpiryScan(store: Pick<Store, 'getSetting'>, today: string): Promise<string | null> {
  for (let back = 0; back <= 7; back++) {
    const day = addDays(today, -back);
    if ((await store.getSetting(`${EXPIRY_SCAN}${day}`)) !== null) return day;
  }
  return null;
}

/** Who may read an objection: admins, the entry's department, the implementer that filed it. */
function mayRead(caller: Principal, o: ObjectionRecord): boolean {
  return canActForDepartment(caller, o.department) || (caller.keyId !== null && caller.keyId === o.filedBy);
}

/** An entry as every route shows it: its status as of `today`, with the list type's name. */
export function entryRecordView(e: Entry, today: string, catalog: Catalog | null) {
  const status = entryStatusAt(e, today);
  return {
    id: e.id,
    subjectId: e.subjectId,
    listType: e.listType,
    listTypeName: catalog?.listTypes.find((t) => t.code === e.listType)?.nameZh ?? e.listType,
    kind: e.kind,
    designator: e.designator,
    department: e.department,
    basis: e.basis,
    reason: e.reason,
    decidedOn: e.decidedOn,
    publishedOn: e.publishedOn,
    validUntil: e.validUntil,
    storedStatus: e.status,
    status,
    inForce: status === 'active' && isInForce(e, today),
    seq: e.seq,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

function viewsFor(deps: DueProcessDeps) {
  return {
    entry(e: Entry) {
      return entryRecordView(e, deps.clock.today(), deps.catalog());
    },
    objection(o: ObjectionRecord, caller: Principal) {
      const { workingDays: _w, dueOn: _d, ...rest } = o;
      return {
        ...rest,
        // Whoever objected for the subject is personal data: the department and admins only.
        submitter: canActForDepartment(caller, o.department) ? o.submitter : null,
        deadline: objectionDeadlineView(
          deps.calendar,
          o.acceptedOn,
          o.workingDays,
          deps.clock.today(),
          o.status === 'pending',
        ),
      };
    },
    repair(r: RepairRecord) {
      const rule = deps.rules.data.defaults.repairDecision ?? DEFAULT_REPAIR_DECISION;
      return {
        ...r,
        deadline: objectionDeadlineView(
          deps.calendar,
          r.filedOn,
          rule.decideWithinWorkingDays,
          deps.clock.today(),
          r.status === 'pending',
        ),
      };
    },
  };
}

function historyItem(c: Change) {
  const data = c.data as { status?: StoredStatus } | null;
  return {
    seq: c.seq,
    at: c.at,
    type: c.type,
    actor: c.actor,
    status: data && typeof data.status === 'string' ? data.status : null,
    why: c.why ?? null,
  };
}

function recordOf(e: Entry): EntryRecord {
  const { seq: _s, createdAt: _c, updatedAt: _u, ...record } = e;
  return record;
}

function sameContent(a: EntryRecord, b: EntryRecord): boolean {
  return (
    a.reason === b.reason &&
    a.decidedOn === b.decidedOn &&
    a.publishedOn === b.publishedOn &&
    a.validUntil === b.validUntil &&
    a.status === b.status
  );
}

function repairRefused(
  verdict: Exclude<ReturnType<typeof checkRepair>, { ok: true }>,
  entry: Entry,
): DueProcessError {
  switch (verdict.reason) {
    case 'red-list':
      return new DueProcessError(
        'repair-not-available',
        'Red-list entries are not repaired: there is nothing to repair.',
        '红名单条目不适用信用修复。',
        { listType: entry.listType, note: 'red list' },
      );
    case 'not-repairable':
      return new DueProcessError(
        'repair-not-available',
        `Entries of ${entry.listType} are not repaired by request: ${verdict.note}`,
        `“${entry.listType}”类名单不适用信用修复申请：${verdict.note}`,
        { listType: entry.listType, note: verdict.note },
      );
    case 'correction-required':
      return invalid(
        'correctedOn',
        `is required for ${entry.listType}: ${verdict.note}`,
        `“${entry.listType}”类名单须注明失信行为纠正日期`,
      );
    case 'correction-in-future':
      return invalid(
        'correctedOn',
        `${verdict.correctedOn} is after today`,
        `${verdict.correctedOn} 晚于今天`,
      );
    case 'too-early': {
      const from = verdict.from === 'publication' ? 'publication' : 'correction';
      return new DueProcessError(
        'repair-too-early',
        `A repair of ${entry.listType} may be requested from ${verdict.earliestOn} on (minimum period from the ${from}): ${verdict.note}`,
        `“${entry.listType}”类名单最早可于 ${verdict.earliestOn} 申请信用修复（自${verdict.from === 'publication' ? '公示' : '纠正'}之日起算的最短期限）。`,
        { earliestOn: verdict.earliestOn, listType: entry.listType, from: verdict.from },
      );
    }
  }
}
