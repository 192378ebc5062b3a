import { generateUSCC } from '@credcheck/sdk/identifiers';
import { normalizeName } from '@credcheck/sdk/names';
import { describe, expect, it } from 'vitest';
import { seededRandom as seeded } from '../../test/helpers/seeded-random.ts';
import type { Change, Subject } from '../src/domain/model.ts';
import { personKey } from '../src/domain/person-key.ts';
import { ListIndex, LiveIndex, NAME_SCORES, type NameHit, NameIndex } from '../src/index/index.ts';

const rand = seeded(2026);
let seq = 0;

function upsert(name: string, opts: { key?: string; type?: Subject['type']; id?: string } = {}): Change {
  seq++;
  const key = opts.key ?? generateUSCC(rand);
  const data: Subject = {
    id: opts.id ?? `sub_${seq.toString(16).padStart(20, '0')}`,
    type: opts.type ?? 'org',
    key,
    code: opts.type === 'person' ? null : key,
    idMasked: null,
    name,
    normName: normalizeName(name),
    legalRep: null,
    legalRepKey: null,
    division: null,
    seq,
  };
  return {
    seq,
    at: '2026-11-23T00:00:00.000Z',
    type: 'subject.upserted',
    entityId: data.id,
    subjectKey: key,
    actor: 't',
    data,
  };
}

/** Filler names from characters none of the names under test use, so they only add noise. */
function fillerNames(count: number): string[] {
  const r = seeded(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(r() * items.length)]!;
  const regions = [
    '重庆市',
    '临沂市',
    '鄂州市',
    '宁晋县',
    '克拉玛依市',
    '北京市',
    '上海市',
    '广州市',
    '深圳市',
    '云阳县',
  ];
  const trade = [...'鑫瑞恒宏盛华达源德润嘉博锦昊晟祥诚丰景弘通远兴凯航峰晨阳辰'];
  const industry = [
    '建筑工程',
    '科技',
    '商贸',
    '物流',
    '物业管理',
    '食品',
    '医疗器械',
    '信息技术',
    '文化传媒',
  ];
  const forms = ['有限公司', '有限责任公司', '股份有限公司'];
  const out = new Set<string>();
  while (out.size < count) out.add(pick(regions) + pick(trade) + pick(trade) + pick(industry) + pick(forms));
  return [...out];
}

const LISTED = {
  taiyu: '深圳市泰昱办公设备（集团）有限公司',
  taiyuTech: '深圳市泰昱科技有限公司',
  taiyuShop: '深圳市泰昱办公设备维修服务有限公司',
  huaruan: '北京华翊信息技术有限公司',
  ccb: '中国建设银行股份有限公司',
  wuliuBranch: '杭州岚翊物流有限公司宁波分公司',
  abc: 'ABC科技有限公司',
  chengxin: '上海澄珂建筑工程有限责任公司',
  shop: '云阳县衡琮建材经营部',
  person: '王砚',
};

function buildIndex() {
  seq = 0;
  const changes: Change[] = [];
  const keys: Record<string, string> = {};
  for (const [label, name] of Object.entries(LISTED)) {
    const change =
      label === 'person'
        ? upsert(name, { type: 'person', key: personKey('t', '500235199001011234') })
        : upsert(name);
    keys[label] = change.subjectKey as string;
    changes.push(change);
  }
  for (const name of fillerNames(3000)) changes.push(upsert(name));
  const list = new ListIndex();
  list.applyChanges(changes);
  return { list, names: NameIndex.build(list), keys };
}

const { list, names, keys } = buildIndex();

function top(query: string): NameHit | undefined {
  return names.search(query)[0];
}

describe('NameIndex.search: kinds of match', () => {
  it.each([
    // [query, listed label, match, reason]
    [LISTED.taiyu, 'taiyu', 'exact', undefined],
    ['  深圳市泰昱办公设备（集团）有限公司 ', 'taiyu', 'exact', undefined],
    ['深圳市泰昱办公设备(集团)有限公司', 'taiyu', 'normalized', undefined],
    ['深圳市泰昱办公设备【集团】有限公司', 'taiyu', 'normalized', undefined],
    ['深圳市泰昱辦公設備（集團）有限公司', 'taiyu', 'normalized', undefined],
    ['深圳市 泰昱 办公设备 (集团) 有限公司。', 'taiyu', 'normalized', undefined],
    ['ＡＢＣ科技有限公司', 'abc', 'normalized', undefined],
    ['abc 科技 有限公司', 'abc', 'normalized', undefined],
    // one character off: substitution, insertion, deletion, adjacent swap
    ['深圳市泰显办公设备（集团）有限公司', 'taiyu', 'similar', 'one-character-differs'],
    ['深圳市泰昱办公设设备（集团）有限公司', 'taiyu', 'similar', 'one-character-differs'],
    ['深圳市泰昱办设备（集团）有限公司', 'taiyu', 'similar', 'one-character-differs'],
    ['深圳市昱泰办公设备（集团）有限公司', 'taiyu', 'similar', 'one-character-differs'],
    ['北京华翊信息枝术有限公司', 'huaruan', 'similar', 'one-character-differs'],
    // company form missing or different
    ['深圳市泰昱办公设备', 'taiyu', 'similar', 'company-form-differs'],
    ['深圳市泰昱办公设备有限公司', 'taiyu', 'similar', 'company-form-differs'],
    ['上海澄珂建筑工程有限公司', 'chengxin', 'similar', 'company-form-differs'],
    ['上海澄珂建筑工程', 'chengxin', 'similar', 'company-form-differs'],
    // branches: the query is a branch of a listed parent, or the listed subject is a branch
    ['中国建设银行股份有限公司北京市分行', 'ccb', 'branch-of', 'query-is-branch'],
    ['中國建設銀行股份有限公司北京市分行', 'ccb', 'branch-of', 'query-is-branch'],
    ['深圳市泰昱办公设备（集团）有限公司东莞分公司', 'taiyu', 'branch-of', 'query-is-branch'],
    ['深圳市泰昱办公设备有限公司东莞分公司', 'taiyu', 'branch-of', 'query-is-branch'],
    ['杭州岚翊物流有限公司', 'wuliuBranch', 'branch-of', 'subject-is-branch'],
    // nothing better than overlapping characters
    ['泰昱办公设备（集团）有限公司', 'taiyu', 'similar', 'similar-characters'],
  ] as const)('%s → %s (%s)', (query, label, match, reason) => {
    const hit = top(query);
    expect(hit).toBeDefined();
    expect(hit?.key).toBe(keys[label]);
    expect(hit?.match).toBe(match);
    expect(hit?.reason).toBe(reason);
    expect(hit?.subjectId).toBe(list.get(keys[label]!)?.subject.id);
    expect(hit?.code).toBe(keys[label]);
    expect(hit?.name).toBe(LISTED[label]);
    expect(hit?.score).toBeGreaterThan(0);
    expect(hit?.score).toBeLessThanOrEqual(1);
  });

  it('scores the kinds in a fixed order', () => {
    const score = (q: string) => top(q)?.score;
    const exact = score(LISTED.taiyu)!;
    const normalized = score('深圳市泰昱办公设备(集团)有限公司')!;
    const branch = score('深圳市泰昱办公设备（集团）有限公司东莞分公司')!;
    const form = score('深圳市泰昱办公设备')!;
    const typo = score('深圳市泰显办公设备（集团）有限公司')!;
    const similar = score('泰昱办公设备（集团）有限公司')!;
    expect(exact).toBe(1);
    expect(normalized).toBe(NAME_SCORES.normalized);
    expect([exact, normalized, branch, form, typo, similar]).toEqual(
      [exact, normalized, branch, form, typo, similar].sort((a, b) => b - a),
    );
    expect(new Set([exact, normalized, branch, form, typo]).size).toBe(5);
    expect(similar).toBeLessThan(typo);
  });

  it('ranks a different company that merely shares a prefix below the one meant', () => {
    for (const query of [
      LISTED.taiyu,
      '深圳市泰昱辦公設備（集團）有限公司',
      '深圳市泰显办公设备（集团）有限公司',
    ]) {
      const hits = names.search(query);
      expect(hits[0]?.key).toBe(keys.taiyu);
      for (const other of [keys.taiyuTech, keys.taiyuShop]) {
        const hit = hits.find((h) => h.key === other);
        if (hit) {
          expect(hit.score).toBeLessThan(hits[0]!.score);
          expect(hit.match).toBe('similar');
        }
      }
    }
    const tech = names.search(LISTED.taiyuTech);
    expect(tech[0]).toMatchObject({ key: keys.taiyuTech, match: 'exact' });
    expect(tech.findIndex((h) => h.key === keys.taiyu)).not.toBe(0);
  });

  it('does not take a sibling branch or a longer name for the same company', () => {
    // 维修服务 is another company: not a form variant, not a branch, not one typo away.
    const hit = names.search('深圳市泰昱办公设备（集团）有限公司').find((h) => h.key === keys.taiyuShop);
    expect(hit?.match ?? 'similar').toBe('similar');
    expect(hit?.reason).not.toBe('company-form-differs');
  });

  it('returns [] when nothing resembles the query', () => {
    for (const query of [
      '成都市锦江区老码头火锅店',
      '完全无关的名字',
      'Apple Inc.',
      '',
      '   ',
      '（）',
      '公司',
    ]) {
      expect(names.search(query)).toEqual([]);
    }
  });

  it('does not search persons by name unless asked', () => {
    expect(names.search(LISTED.person)).toEqual([]);
    const withPersons = NameIndex.build(list, { types: ['org', 'person'] });
    expect(withPersons.search(LISTED.person)[0]).toMatchObject({ key: keys.person, match: 'exact' });
  });

  it('honours the limit and sorts by score', () => {
    const hits = names.search('深圳市泰昱办公设备有限公司', { limit: 2 });
    expect(hits.length).toBeLessThanOrEqual(2);
    const all = names.search('重庆市鑫瑞建筑工程有限公司', { limit: 100 });
    for (let i = 1; i < all.length; i++) expect(all[i]!.score).toBeLessThanOrEqual(all[i - 1]!.score);
    expect(names.search('深圳市泰昱办公设备', { limit: 0 })).toHaveLength(1);
    expect(names.search('深圳市泰昱办公设备', { limit: Number.NaN }).length).toBeGreaterThan(0);
    expect(names.search('重庆市鑫瑞建筑工程有限公司', { limit: 1000 }).length).toBeLessThanOrEqual(100);
  });

  it('rejects a query that is not a string', () => {
    expect(() => names.search(42 as unknown as string)).toThrow(TypeError);
  });

  it('finds every listed name exactly', () => {
    for (let row = 0; row < list.size; row++) {
      if (list.typeAt(row) !== 'org') continue;
      const hits = names.search(list.nameAt(row), { limit: 100 });
      expect(hits.find((h) => h.key === list.keyAt(row))?.match).toBe('exact');
      expect(hits[0]?.match).toBe('exact');
    }
  });
});

describe('NameIndex.update', () => {
  it('follows subjects added and renamed through the change log', () => {
    seq = 0;
    const live = { list: new ListIndex() };
    const first = fillerNames(500).map((n) => upsert(n));
    live.list.applyChanges(first);
    const index = NameIndex.build(live.list);
    const added = upsert('临沂市砚琮农机专业合作社');
    const renamedFrom = first[10]!;
    const renamedTo = upsert('临沂市新翊物流有限公司', {
      key: renamedFrom.subjectKey as string,
      id: renamedFrom.entityId,
    });
    const result = live.list.applyChanges([added, renamedTo]);
    index.update(result.renamed);
    expect(index.search('临沂市砚琮农机专业合作社')[0]).toMatchObject({
      key: added.subjectKey,
      match: 'exact',
    });
    expect(index.search('临沂市砚琮农机专业合作')[0]).toMatchObject({
      key: added.subjectKey,
      match: 'similar',
    });
    expect(index.search('临沂市新翊物流有限公司')[0]).toMatchObject({
      key: renamedFrom.subjectKey,
      match: 'exact',
    });
    const oldName = (renamedFrom.data as Subject).name;
    expect(index.search(oldName).some((h) => h.key === renamedFrom.subjectKey)).toBe(false);
    expect(index.size).toBe(501);
  });

  it('folds a large batch (an import) into one rebuild', () => {
    seq = 0;
    const list = new ListIndex();
    list.applyChanges(fillerNames(300).map((n) => upsert(n)));
    const index = NameIndex.build(list);
    const rebuilt = index.rebuilds;
    const added = Array.from({ length: 2500 }, (_, i) => upsert(`宁晋县砚${i}号琮禾建筑劳务有限公司`));
    const result = list.applyChanges(added);
    index.update(result.renamed);
    expect(index.rebuilds).toBe(rebuilt + 1);
    expect(index.size).toBe(2800);
    expect(index.search('宁晋县砚1234号琮禾建筑劳务有限公司')[0]).toMatchObject({
      key: added[1234]!.subjectKey,
      match: 'exact',
    });
    expect(index.search('宁晋县砚1234号琮禾建筑劳务有限公')[0]).toMatchObject({
      key: added[1234]!.subjectKey,
    });
  });

  it('keeps the name index in step through LiveIndex, including after many updates', async () => {
    seq = 0;
    const initial = fillerNames(200).map((n) => upsert(n));
    const source = {
      log: [] as Change[],
      async currentSeq() {
        return this.log.length === 0 ? 0 : this.log[this.log.length - 1]!.seq;
      },
      async counts() {
        return { subjects: 0, entries: 0 };
      },
      async *scan() {},
      async changesSince(after: number, limit: number) {
        return this.log.filter((c) => c.seq > after).slice(0, limit);
      },
    };
    const live = await LiveIndex.load(source);
    expect(live.seq).toBe(0);
    source.log = initial;
    await live.catchUp(source);
    expect(live.seq).toBe(200);
    expect(live.names.search((initial[5]!.data as Subject).name)[0]?.match).toBe('exact');
    // Enough renames to force the fuzzy indexes to be rebuilt on the way.
    const renames: Change[] = [];
    for (let i = 0; i < 200; i++) {
      const from = initial[i]!;
      renames.push(
        upsert(`鄂州市翊${i}号砚琮建设工程有限公司`, { key: from.subjectKey as string, id: from.entityId }),
      );
    }
    source.log = [...initial, ...renames];
    const rebuiltBefore = live.names.rebuilds;
    await live.catchUp(source, { pageSize: 33 });
    expect(live.names.rebuilds).toBeGreaterThan(rebuiltBefore);
    expect(live.seq).toBe(400);
    expect(live.names.search('鄂州市翊17号砚琮建设工程有限公司')[0]).toMatchObject({
      key: initial[17]!.subjectKey,
      match: 'exact',
    });
    expect(live.names.search('鄂州市翊17号砚琮建设工程')[0]).toMatchObject({
      key: initial[17]!.subjectKey,
      reason: 'company-form-differs',
    });
    expect(
      live.names.search((initial[17]!.data as Subject).name).some((h) => h.key === initial[17]!.subjectKey),
    ).toBe(false);
  });
});
