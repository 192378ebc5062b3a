import { normalizeName, type SplitName, splitName } from '@credcheck/sdk/names';
import type { SubjectType } from '../domain/model.ts';
import { BigramIndex, bigramAt, distinctBigrams } from './bigram-index.ts';
import { TextColumn } from './columns.ts';
import { DeletionIndex } from './deletion-index.ts';
import { oneEditApart } from './edit-distance.ts';
import { RowTable } from './row-table.ts';
import { type ColumnSink, type ColumnSource, SnapshotError } from './snapshot-file.ts';
import { hashRange, hashString } from './string-hash.ts';

export type NameMatch = 'exact' | 'normalized' | 'branch-of' | 'similar';

/** Why a hit that is not an exact or normalized match was returned. */
export type NameMatchReason =
  /** The query names a branch (分公司, 分行 …) of the listed organization. */
  | 'query-is-branch'
  /** The listed organization is a branch of the one the query names. */
  | 'subject-is-branch'
  /** Same name apart from the company form (有限公司, 有限责任公司, none …). */
  | 'company-form-differs'
  /** One character substituted, inserted, deleted or two neighbours swapped. */
  | 'one-character-differs'
  /** Many of the same characters in the same order (weighted bigram overlap). */
  | 'similar-characters';

/**
 * A listed subject whose name resembles the query. A name is not an identity: every hit is a
 * possible match for the caller to confirm by code (the key), even an exact one.
 */
export interface NameHit {
  subjectId: string;
  /** Subject key: the USCC of an organization. */
  key: string;
  code: string | null;
  name: string;
  /** 0..1, higher is closer; the kinds of match rank in the order of NAME_SCORES. */
  score: number;
  match: NameMatch;
  reason?: NameMatchReason;
}

export interface SearchOptions {
  /** Hits to return, 1..100 (default 10). */
  limit?: number;
}

/** Rows the name index reads; ListIndex is one. */
export interface NameSource {
  readonly size: number;
  nameAt(row: number): string;
  keyAt(row: number): string;
  idAt(row: number): string;
  codeAt(row: number): string | null;
  typeAt(row: number): SubjectType;
  /** The stored normalized name; reused (not trusted) to save memory when it equals ours. */
  normNameAt?(row: number): string;
}

export interface NameIndexOptions {
  /**
   * Subject types whose names are searchable (default organizations only: a person's name is
   * neither distinctive nor to be disclosed through a fuzzy search).
   */
  types?: readonly SubjectType[];
}

export const NAME_SCORES = {
  exact: 1,
  normalized: 0.97,
  queryIsBranch: 0.93,
  subjectIsBranch: 0.91,
  formDiffers: 0.9,
  queryIsBranchOtherForm: 0.87,
  oneEdit: 0.85,
  oneEditFormDiffers: 0.82,
  /** Bigram similarity s (threshold..1) scores SIMILAR_SCALE × s, below every kind above. */
  similarScale: 0.8,
} as const;

/** Bump when what saveTo writes changes meaning (not only shape). */
const NAME_INDEX_LAYOUT = 1;
/** Names whose normalized form and parts pin down the sdk's normalization rules. */
const NAME_PROBES = [
  '北京市海淀区泰昱科技有限公司',
  '上海澄岚（集团）有限责任公司浦东分公司',
  'ＡＢＣ（北京）建筑工程有限公司',
  '深圳市翊衡電子科技股份有限公司',
  '重庆 沛珂 商贸 有限公司 第一分店',
  '中国工商银行股份有限公司杭州分行营业部',
  '广州霁禾餐饮管理有限公司天河分公司',
  '南京砚朔建设工程集团有限公司',
  '个体工商户张三',
  '(株)筠棠贸易有限公司',
  '成都市璟岑农民专业合作社',
  '苏州市岑昱民办学校',
  '西安澜骁科技有限公司第二分公司',
];

/** Weighted bigram Dice below this is not reported. */
const SIMILARITY_THRESHOLD = 0.6;
/** One edit in a shorter key is a different name more often than a typo. */
const MIN_TYPO_KEY = 5;
/** A base name of one character (某公司) says nothing. */
const MIN_BASE = 2;
const MAX_QUERY = 200;
const MAX_LIMIT = 100;
/**
 * Posting lists longer than this are neither stored nor read: bigrams that common (有限, 公司,
 * 工程, a region) only say which names a query is *not* like, and rows sharing nothing rarer
 * with the query are other companies. Their weight still counts when a candidate is scored.
 */
const MAX_POSTINGS = 5000;
/** Rows whose bigram overlap is scored exactly, per query. */
const MAX_VERIFIED = 200;

interface Candidate {
  row: number;
  score: number;
  match: NameMatch;
  reason: NameMatchReason | undefined;
}

/**
 * Name search over the subjects of a NameSource. Exact and normalized names, base names (without
 * the company form) and branches' parents are found through hash tables; one-character typos
 * through a symmetric-delete index over base names; everything else through IDF-weighted bigram
 * overlap with candidates from capped posting lists. Rows are the source's rows; `update` takes
 * the rows that were added or renamed.
 */
export class NameIndex {
  private readonly types: ReadonlySet<SubjectType>;
  /** Normalized name per row; null for rows not searchable. */
  private norms = new TextColumn();
  private baseLens = new Uint16Array(0);
  /** Length of the parent's name inside a branch's name; 0 when the row is not a branch. */
  private parentLens = new Uint16Array(0);
  private byNorm: RowTable;
  private byBase: RowTable;
  private byParent: RowTable;
  private readonly typos = new DeletionIndex(MIN_TYPO_KEY);
  private readonly bigrams = new BigramIndex({ maxStoredPostings: MAX_POSTINGS });
  private rowCount = 0;
  private searchable = 0;
  private rebuildCount = 0;
  /** Per-query scratch for bigram overlap, zero between queries. */
  private overlap = new Float32Array(0);
  private readonly touched: number[] = [];

  private constructor(
    private readonly source: NameSource,
    opts: NameIndexOptions,
  ) {
    this.types = new Set(opts.types ?? ['org']);
    const expected = source.size;
    this.byNorm = new RowTable(expected);
    this.byBase = new RowTable(expected);
    this.byParent = new RowTable(expected >>> 4);
  }

  static build(source: NameSource, opts: NameIndexOptions = {}): NameIndex {
    const index = new NameIndex(source, opts);
    index.grow(source.size);
    for (let row = 0; row < source.size; row++) index.indexRow(row);
    index.rowCount = source.size;
    index.rebuildFuzzy();
    return index;
  }

  /**
   * Like build, but gives the event loop a turn every few thousand rows and between the fuzzy
   * indexes, so that a server can answer other requests meanwhile. Rows the source gains during
   * the build are not indexed: pass them to `update` afterwards.
   */
  static async buildInSteps(
    source: NameSource,
    opts: NameIndexOptions = {},
    pause: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
  ): Promise<NameIndex> {
    await pause();
    const index = new NameIndex(source, opts);
    const size = source.size;
    index.grow(size);
    for (let row = 0; row < size; row++) {
      index.indexRow(row);
      if (row % 20_000 === 19_999) await pause();
    }
    index.rowCount = size;
    await pause();
    index.typos.build(size, (row) => (index.searchableRow(row) ? index.typoKeyOf(row) : undefined));
    await pause();
    index.bigrams.build(size, (row) => index.norms.get(row) ?? undefined);
    index.rebuildCount++;
    return index;
  }

  /**
   * What decides how names are indexed besides the names themselves: the searchable types, the
   * sdk's normalization (probed on names that exercise each of its rules) and this file's
   * limits. A saved name index is only reused when this is unchanged.
   */
  static fingerprint(opts: NameIndexOptions = {}): string {
    const probe = NAME_PROBES.map((name) => {
      const split = splitName(name);
      return `${split.normalized}|${split.base}|${split.suffix ?? ''}|${split.branch?.parent ?? ''}`;
    });
    return [
      NAME_INDEX_LAYOUT,
      [...(opts.types ?? ['org'])].sort().join(','),
      MAX_POSTINGS,
      MIN_TYPO_KEY,
      MIN_BASE,
      hashString(probe.join('\n')).toString(16),
    ].join(';');
  }

  /** Hands the index's columns to `out` by reference: the index must not change meanwhile. */
  saveTo(out: ColumnSink): void {
    const rows = this.rowCount;
    out.number('rowCount', rows);
    out.number('searchable', this.searchable);
    out.number('rebuilds', this.rebuildCount);
    this.norms.saveTo(out, 'norms', rows);
    out.typed('baseLens', this.baseLens.subarray(0, rows));
    out.typed('parentLens', this.parentLens.subarray(0, rows));
    this.byNorm.saveTo(out, 'byNorm');
    this.byBase.saveTo(out, 'byBase');
    this.byParent.saveTo(out, 'byParent');
    this.typos.saveTo(out, 'typos');
    this.bigrams.saveTo(out, 'bigrams');
  }

  /** A name index over `source` as saveTo wrote it; its rows must be the source's rows then. */
  static loadFrom(source: NameSource, src: ColumnSource, opts: NameIndexOptions = {}): NameIndex {
    const rows = src.number('rowCount');
    if (!Number.isSafeInteger(rows) || rows < 0 || rows > source.size) {
      throw new SnapshotError('name index rows do not match the list');
    }
    const index = new NameIndex(source, opts);
    index.norms = TextColumn.loadFrom(src, 'norms', rows);
    let searchable = 0;
    for (let row = 0; row < rows; row++) if (index.searchableRow(row)) searchable++;
    if (searchable !== src.number('searchable')) throw new SnapshotError('name index count mismatch');
    index.searchable = searchable;
    index.rowCount = rows;
    index.rebuildCount = src.number('rebuilds');
    index.grow(source.size);
    index.baseLens.set(src.typed('baseLens', Uint16Array, rows));
    index.parentLens.set(src.typed('parentLens', Uint16Array, rows));
    for (let row = 0; row < rows; row++) {
      const len = Math.max(0, index.norms.lengthOf(row));
      if ((index.baseLens[row] as number) > len || (index.parentLens[row] as number) > len) {
        throw new SnapshotError('name index lengths do not fit the names');
      }
    }
    index.byNorm = RowTable.loadFrom(src, 'byNorm', rows);
    index.byBase = RowTable.loadFrom(src, 'byBase', rows);
    index.byParent = RowTable.loadFrom(src, 'byParent', rows);
    index.typos.loadFrom(src, 'typos', rows);
    index.bigrams.loadFrom(src, 'bigrams', rows);
    return index;
  }

  /** Searchable names. */
  get size(): number {
    return this.searchable;
  }

  /** Times the typo and bigram indexes were rebuilt since construction (for tests and metrics). */
  get rebuilds(): number {
    return this.rebuildCount;
  }

  /** Re-reads the given rows (new or renamed subjects) from the source. */
  update(rows: Iterable<number>): void {
    this.grow(this.source.size);
    this.rowCount = Math.max(this.rowCount, this.source.size);
    const list = [...rows];
    // A large batch (an import) is cheaper folded into one rebuild than fed through the overlays.
    const bulk = list.length > Math.max(2000, this.searchable / 20);
    for (const row of list) {
      const before = this.norms.get(row);
      if (before !== null) {
        if (this.types.has(this.source.typeAt(row)) && normalizedOf(this.source, row) === before) continue;
        this.unindexRow(row, before);
      }
      if (this.indexRow(row) && !bulk) {
        this.typos.add(row, this.typoKeyOf(row));
        this.bigrams.add(row, this.norms.get(row) as string);
      }
    }
    // The overlays are Maps of arrays (slower, bigger): fold them into the packed arrays once they
    // reach a quarter of the whole, or 400k variants and postings (some 17k names) on a large index.
    const pending = this.typos.pending + this.bigrams.pending;
    const whole = this.typos.variants + this.bigrams.postingCount;
    if (bulk || pending > Math.min(400_000, Math.max(1000, whole / 4))) this.rebuildFuzzy();
  }

  search(query: string, opts: SearchOptions = {}): NameHit[] {
    if (typeof query !== 'string') throw new TypeError('name query must be a string');
    const requested = opts.limit !== undefined && Number.isFinite(opts.limit) ? Math.floor(opts.limit) : 10;
    const limit = Math.min(MAX_LIMIT, Math.max(1, requested));
    const raw = query.trim();
    const split = splitName(raw);
    const q = split.normalized;
    if (q.length === 0 || q.length > MAX_QUERY) return [];

    const hits = new Map<number, Candidate>();
    const consider = (row: number, score: number, match: NameMatch, reason?: NameMatchReason) => {
      const known = hits.get(row);
      if (known === undefined || known.score < score) hits.set(row, { row, score, match, reason });
    };
    const rows: number[] = [];

    this.rowsWithNorm(q, rows);
    for (const row of rows) {
      const name = this.source.nameAt(row);
      if (name === query || name === raw) consider(row, NAME_SCORES.exact, 'exact');
      else consider(row, NAME_SCORES.normalized, 'normalized');
    }

    if (split.branch !== null) this.branchOfListed(split, consider);

    rows.length = 0;
    this.byParent.collect(hashString(q), (row) => this.parentEquals(row, q), rows);
    for (const row of rows) consider(row, NAME_SCORES.subjectIsBranch, 'branch-of', 'subject-is-branch');

    if (split.branch === null && split.base.length >= MIN_BASE) {
      rows.length = 0;
      this.rowsWithBase(split.base, rows);
      for (const row of rows) consider(row, NAME_SCORES.formDiffers, 'similar', 'company-form-differs');
    }

    this.oneEditAway(split, consider);
    this.similarByBigrams(q, consider);

    const ranked = [...hits.values()].sort(
      (a, b) => b.score - a.score || this.lengthGap(a.row, q) - this.lengthGap(b.row, q) || a.row - b.row,
    );
    return ranked.slice(0, limit).map((c) => this.hitOf(c));
  }

  private branchOfListed(
    split: SplitName,
    consider: (row: number, score: number, match: NameMatch, reason?: NameMatchReason) => void,
  ): void {
    const branch = split.branch as NonNullable<SplitName['branch']>;
    const rows: number[] = [];
    this.rowsWithNorm(branch.parent, rows);
    for (const row of rows) consider(row, NAME_SCORES.queryIsBranch, 'branch-of', 'query-is-branch');
    // The parent may be listed under another company form (有限公司 / 有限责任公司).
    if (split.base.length >= MIN_BASE) {
      rows.length = 0;
      this.rowsWithBase(split.base, rows);
      for (const row of rows)
        consider(row, NAME_SCORES.queryIsBranchOtherForm, 'branch-of', 'query-is-branch');
    }
  }

  private oneEditAway(
    split: SplitName,
    consider: (row: number, score: number, match: NameMatch, reason?: NameMatchReason) => void,
  ): void {
    const key = split.branch === null ? split.base : split.normalized;
    if (key.length < MIN_TYPO_KEY - 1) return;
    const rows: number[] = [];
    this.typos.candidates(key, rows);
    const suffix = split.branch === null ? (split.suffix ?? '') : null;
    for (const row of rows) {
      if (!this.searchableRow(row)) continue;
      const rowKey = this.typoKeyOf(row);
      if (!oneEditApart(key, rowKey)) continue;
      const rowIsBranch = (this.parentLens[row] as number) > 0;
      if ((split.branch !== null) !== rowIsBranch) continue;
      const sameForm = suffix === null || this.suffixOf(row) === suffix;
      consider(
        row,
        sameForm ? NAME_SCORES.oneEdit : NAME_SCORES.oneEditFormDiffers,
        'similar',
        'one-character-differs',
      );
    }
  }

  /**
   * IDF-weighted Dice over distinct bigrams, 2·common / (query weight + row weight). A row can only
   * reach the threshold with common >= threshold·query/2, so posting lists are read rarest first
   * and reading stops once the bigrams still unread could not make that up on their own: rows met
   * only in common lists (有限, 公司, a region) are never touched. The touched rows that can still
   * qualify are scored exactly, the most promising first.
   */
  private similarByBigrams(
    q: string,
    consider: (row: number, score: number, match: NameMatch, reason?: NameMatchReason) => void,
  ): void {
    const grams = distinctBigrams(q);
    const n = grams.length;
    if (n === 0) return;
    const weights = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      weights[i] = this.bigrams.weight(grams[i] as number);
      total += weights[i] as number;
    }
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => (weights[b] as number) - (weights[a] as number),
    );
    // A row holds the bigrams it shares with the query, so its own weight is at least `common`,
    // and 2·common / (total + common) >= threshold needs common >= threshold·total / (2 - threshold).
    const need = (SIMILARITY_THRESHOLD * total) / (2 - SIMILARITY_THRESHOLD);
    const overlap = this.overlap;
    const touched = this.touched;
    let unread = total;
    for (const i of order) {
      if (unread < need) break;
      const w = weights[i] as number;
      if (this.bigrams.accumulate(grams[i] as number, MAX_POSTINGS, w, overlap, touched)) unread -= w;
    }
    let candidates: number[] = [];
    for (const row of touched) if ((overlap[row] as number) + unread >= need - 1e-9) candidates.push(row);
    if (candidates.length > MAX_VERIFIED) {
      candidates.sort((a, b) => (overlap[b] as number) - (overlap[a] as number));
      candidates = candidates.slice(0, MAX_VERIFIED);
    }
    for (const row of touched) overlap[row] = 0;
    touched.length = 0;

    const counted = new Uint8Array(n);
    for (const row of candidates) {
      const norm = this.norms.get(row);
      if (norm === null) continue;
      counted.fill(0);
      let common = 0;
      for (let j = 0; j + 1 < norm.length; j++) {
        const k = indexOf(grams, bigramAt(norm, j));
        if (k >= 0 && counted[k] === 0) {
          counted[k] = 1;
          common += weights[k] as number;
        }
      }
      const similarity = (2 * common) / (total + this.bigrams.rowWeight(row));
      if (similarity >= SIMILARITY_THRESHOLD) {
        consider(row, NAME_SCORES.similarScale * Math.min(1, similarity), 'similar', 'similar-characters');
      }
    }
  }

  private rowsWithNorm(norm: string, out: number[]): void {
    this.byNorm.collect(hashString(norm), (row) => this.norms.equals(row, norm), out);
  }

  private rowsWithBase(base: string, out: number[]): void {
    this.byBase.collect(
      hashString(base),
      (row) =>
        (this.parentLens[row] as number) === 0 &&
        (this.baseLens[row] as number) === base.length &&
        this.norms.includesAt(row, 0, base),
      out,
    );
  }

  private parentEquals(row: number, parent: string): boolean {
    const len = this.parentLens[row] as number;
    return len > 0 && len === parent.length && this.norms.includesAt(row, 0, parent);
  }

  /** Indexes one row in the hash tables; false when it is not searchable. */
  private indexRow(row: number): boolean {
    if (!this.types.has(this.source.typeAt(row))) {
      this.norms.set(row, null);
      return false;
    }
    const split = splitName(this.source.nameAt(row));
    const norm = split.normalized;
    if (norm.length === 0 || norm.length > 0xffff) {
      this.norms.set(row, null);
      return false;
    }
    this.norms.set(row, norm);
    this.byNorm.insert(row, hashString(norm));
    if (split.branch === null) {
      this.parentLens[row] = 0;
      this.baseLens[row] = split.base.length;
      if (split.base.length >= MIN_BASE) this.byBase.insert(row, hashString(split.base));
    } else {
      this.parentLens[row] = split.branch.parent.length;
      this.baseLens[row] = split.base.length;
      this.byParent.insert(row, hashString(split.branch.parent));
    }
    this.searchable++;
    return true;
  }

  private unindexRow(row: number, norm: string): void {
    this.byNorm.remove(row, hashString(norm));
    const parentLen = this.parentLens[row] as number;
    if (parentLen > 0) this.byParent.remove(row, hashRange(norm, 0, parentLen));
    else if ((this.baseLens[row] as number) >= MIN_BASE)
      this.byBase.remove(row, hashRange(norm, 0, this.baseLens[row] as number));
    this.norms.set(row, null);
    this.searchable--;
    // Its variants and bigrams stay in the fuzzy indexes until the next rebuild; they are checked
    // against the current name before use.
  }

  private rebuildFuzzy(): void {
    this.typos.build(this.rowCount, (row) => (this.searchableRow(row) ? this.typoKeyOf(row) : undefined));
    this.bigrams.build(this.rowCount, (row) => this.norms.get(row) ?? undefined);
    this.rebuildCount++;
  }

  /** What a typo is looked for in: the base name, or the whole name of a branch. */
  private typoKeyOf(row: number): string {
    const norm = this.norms.get(row) as string;
    return (this.parentLens[row] as number) > 0 ? norm : norm.slice(0, this.baseLens[row] as number);
  }

  private suffixOf(row: number): string {
    return (this.norms.get(row) as string).slice(this.baseLens[row] as number);
  }

  private lengthGap(row: number, q: string): number {
    return Math.abs(this.norms.lengthOf(row) - q.length);
  }

  private searchableRow(row: number): boolean {
    return this.norms.lengthOf(row) >= 0;
  }

  private grow(size: number): void {
    if (this.baseLens.length < size) {
      const capacity = Math.max(size, Math.ceil(this.baseLens.length * 1.5));
      const baseLens = new Uint16Array(capacity);
      baseLens.set(this.baseLens);
      this.baseLens = baseLens;
      const parentLens = new Uint16Array(capacity);
      parentLens.set(this.parentLens);
      this.parentLens = parentLens;
      const overlap = new Float32Array(capacity);
      this.overlap = overlap;
    }
  }

  private hitOf(c: Candidate): NameHit {
    const hit: NameHit = {
      subjectId: this.source.idAt(c.row),
      key: this.source.keyAt(c.row),
      code: this.source.codeAt(c.row),
      name: this.source.nameAt(c.row),
      score: Math.round(c.score * 1000) / 1000,
      match: c.match,
    };
    if (c.reason !== undefined) hit.reason = c.reason;
    return hit;
  }
}

/** Position of `gram` in the sorted `grams`, or -1. */
function indexOf(grams: Uint32Array, gram: number): number {
  let lo = 0;
  let hi = grams.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const g = grams[mid] as number;
    if (g === gram) return mid;
    if (g < gram) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function normalizedOf(source: NameSource, row: number): string {
  return normalizeName(source.nameAt(row));
}
