import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNames, nameTokens, normalizeName, splitName } from '../src/names/index.ts';

describe('normalizeName', () => {
  it.each([
    // brackets in every form
    ['深圳市泰昱办公设备（集团）有限公司', '深圳市泰昱办公设备(集团)有限公司'],
    ['深圳市泰昱办公设备(集团)有限公司', '深圳市泰昱办公设备(集团)有限公司'],
    ['深圳市泰昱办公设备【集团】有限公司', '深圳市泰昱办公设备(集团)有限公司'],
    ['深圳市泰昱办公设备[集团]有限公司', '深圳市泰昱办公设备(集团)有限公司'],
    ['深圳市泰昱办公设备〔集团〕有限公司', '深圳市泰昱办公设备(集团)有限公司'],
    ['深圳市泰昱办公设备〈集团〉有限公司', '深圳市泰昱办公设备(集团)有限公司'],
    ['深圳市泰昱办公设备「集团」有限公司', '深圳市泰昱办公设备(集团)有限公司'],
    ['景瀚（云阳)保安服务有限公司', '景瀚(云阳)保安服务有限公司'], // mixed pair
    // full-width digits and Latin, spaces inside names
    ['ＡＢＣ科技有限公司', 'ABC科技有限公司'],
    ['abc 科技 有限公司', 'ABC科技有限公司'],
    ['北京１２３食品厂', '北京123食品厂'],
    ['北京　某某　有限公司', '北京某某有限公司'],
    [' 北京某某有限公司\n', '北京某某有限公司'],
    // zero-width characters and punctuation
    ['北京\u200b某某\u200d有限\ufeff公司', '北京某某有限公司'],
    ['北京·某某、有限公司。', '北京某某有限公司'],
    ['“北京某某”有限公司', '北京某某有限公司'],
    ['Apple Inc.', 'APPLEINC'],
    ['A&B Co., Ltd.', 'ABCOLTD'],
    ['A+B科技有限公司', 'A+B科技有限公司'], // symbols carry meaning and stay
    // traditional → simplified (Taiwan and Hong Kong forms)
    ['臺灣積體電路製造股份有限公司', '台湾积体电路制造股份有限公司'],
    ['台灣積體電路製造股份有限公司', '台湾积体电路制造股份有限公司'],
    ['中國建設銀行股份有限公司北京市分行', '中国建设银行股份有限公司北京市分行'],
    ['香港滙豐銀行', '香港汇丰银行'],
    ['衞生用品有限公司', '卫生用品有限公司'],
    ['麵包店', '面包店'],
    // compatibility forms go through NFKC
    ['①号店', '1号店'],
    ['㈱某某', '(株)某某'],
    ['Café Ｏｎｅ', 'CAFÉONE'],
    ['', ''],
  ])('%j → %j', (raw, normalized) => {
    expect(normalizeName(raw)).toBe(normalized);
  });

  it('gives traditional and simplified spellings of one company the same key', () => {
    const pairs = [
      ['廣州市天河區某某貿易有限公司', '广州市天河区某某贸易有限公司'],
      ['深圳市騰訊計算機系統有限公司', '深圳市腾讯计算机系统有限公司'],
      ['長沙德朔電子科技有限公司', '长沙德朔电子科技有限公司'],
      ['乾坤實業有限公司', '乾坤实业有限公司'],
      ['著名傳媒有限公司', '著名传媒有限公司'],
      ['什麼值得買科技股份有限公司', '什么值得买科技股份有限公司'],
    ];
    for (const [traditional, simplified] of pairs) {
      expect(normalizeName(traditional as string)).toBe(normalizeName(simplified as string));
    }
  });

  it('leaves simplified names that are already normalized unchanged', () => {
    for (const name of [
      '长沙德朔电子科技有限公司',
      '什么值得买科技股份有限公司',
      '台湾某某有限公司',
      '后台管理有限公司',
    ]) {
      expect(normalizeName(name)).toBe(name);
    }
  });

  it('is idempotent on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (raw) => {
        const once = normalizeName(raw);
        expect(normalizeName(once)).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('is idempotent on names made of CJK, brackets, widths and invisible characters', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom(...'（）()【】[]〔〕〈〉「」 　\u200b\u00adＡａ１·、有限公司臺灣麼乾著'),
      fc.integer({ min: 0xff01, max: 0xff5e }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0xf900, max: 0xfaff }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x20000, max: 0x2a6df }).map((c) => String.fromCodePoint(c)),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 25 }), (units) => {
        const once = normalizeName(units.join(''));
        expect(normalizeName(once)).toBe(once);
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on odd input', () => {
    for (const raw of [undefined, null, 42, '\ud800', '\udc00x'] as unknown as string[]) {
      expect(typeof normalizeName(raw)).toBe('string');
    }
  });
});

describe('splitName', () => {
  it.each([
    ['某某科技有限公司', '某某科技', '有限公司'],
    ['某某科技有限责任公司', '某某科技', '有限责任公司'],
    ['某某科技股份有限公司', '某某科技', '股份有限公司'],
    ['某某科技集团有限公司', '某某科技', '集团有限公司'],
    ['深圳市泰昱办公设备（集团）有限公司', '深圳市泰昱办公设备', '(集团)有限公司'],
    ['某某投资合伙企业（有限合伙）', '某某投资', '合伙企业(有限合伙)'],
    ['某某会计师事务所（特殊普通合伙）', '某某会计师', '事务所(特殊普通合伙)'],
    ['某某律师事务所', '某某律师', '事务所'],
    ['克拉玛依兴芮电器维修部', '克拉玛依兴芮电器维修', '部'],
    ['某某五金经营部', '某某五金', '经营部'],
    ['某某农机专业合作社', '某某农机', '专业合作社'],
    ['北京１２３食品厂', '北京123食品', '厂'],
    ['某某便利店', '某某便利', '店'],
    ['某某培训中心', '某某培训', '中心'],
    ['中国建设银行', '中国建设银行', null],
    ['公司', '公司', null],
  ])('%s → base %s, suffix %s', (raw, base, suffix) => {
    expect(splitName(raw)).toMatchObject({ base, suffix, branch: null });
  });

  it.each([
    ['中国建设银行股份有限公司北京市分行', '中国建设银行股份有限公司', '北京市分行', '分行'],
    ['中國建設銀行股份有限公司北京市分行', '中国建设银行股份有限公司', '北京市分行', '分行'],
    ['某某有限公司上海分公司', '某某有限公司', '上海分公司', '分公司'],
    ['某某（集团）有限公司 上海分公司', '某某(集团)有限公司', '上海分公司', '分公司'],
    ['XX有限公司驻京办事处', 'XX有限公司', '驻京办事处', '办事处'],
    ['中国农业银行股份有限公司云阳支行', '中国农业银行股份有限公司', '云阳支行', '支行'],
    ['中国银行北京分行', '中国银行', '北京分行', '分行'],
    ['中国工商银行股份有限公司北京市分行营业部', '中国工商银行股份有限公司', '北京市分行营业部', '营业部'],
    ['某某有限公司北京分公司第一分公司', '某某有限公司', '北京分公司第一分公司', '分公司'],
    ['某某餐饮有限公司朝阳分店', '某某餐饮有限公司', '朝阳分店', '分店'],
    ['某某律师事务所上海分所', '某某律师事务所', '上海分所', '分所'],
    ['某某会计师事务所（特殊普通合伙）深圳分所', '某某会计师事务所(特殊普通合伙)', '深圳分所', '分所'],
    ['某某机械厂第二分厂', '某某机械厂', '第二分厂', '分厂'],
  ])('%s is a branch of %s', (raw, parent, unit, kind) => {
    const split = splitName(raw);
    expect(split.branch).toEqual({ parent, unit, kind });
    expect(split.base + (split.suffix ?? '')).toBe(parent);
  });

  it.each([
    '分众传媒有限公司', // merely contains 分
    '某某分公司有限公司',
    '北京分公司', // no parent named
    '某某超市分店', // no legal entity before the unit
    '某某省人民政府驻北京办事处',
    '公司分公司',
    '分行',
  ])('%s is not a branch', (raw) => {
    expect(splitName(raw).branch).toBeNull();
  });
});

describe('compareNames', () => {
  it.each([
    ['某某科技有限公司', '某某科技有限公司', 'exact'],
    ['某某科技（集团）有限公司', '某某科技(集团)有限公司', 'normalized'],
    ['某某科技 有限公司', '某某科技有限公司', 'normalized'],
    ['臺灣某某股份有限公司', '台湾某某股份有限公司', 'normalized'],
    ['ＡＢＣ科技有限公司', 'abc科技有限公司', 'normalized'],
    ['某某科技有限公司上海分公司', '某某科技有限公司', 'branch-of'],
    ['某某科技有限公司', '某某科技有限公司上海分公司', 'parent-of'],
    ['中國建設銀行股份有限公司北京市分行', '中国建设银行股份有限公司', 'branch-of'],
    ['某某科技有限公司', '某某科技有限责任公司', 'suffix-variant'],
    ['某某科技有限公司', '某某科技', 'suffix-variant'],
    ['某某科技(集团)有限公司', '某某科技有限公司', 'suffix-variant'],
    ['某某科技有限公司', '某某科技股份有限公司', 'suffix-variant'],
    ['某某科技有限公司北京分公司', '某某科技有限公司上海分公司', 'different'], // siblings
    ['分众传媒有限公司', '传媒有限公司', 'different'],
    ['某某科技有限公司', '某某网络有限公司', 'different'],
    ['', '　', 'different'],
  ])('%s vs %s → %s', (a, b, relation) => {
    expect(compareNames(a, b)).toBe(relation);
  });
});

describe('nameTokens', () => {
  it.each([
    ['某某科技', ['某某', '某科', '科技']],
    ['AB', ['AB']],
    ['某', ['某']],
    ['', []],
    ['𠀀某𠀁', ['𠀀某', '某𠀁']],
  ])('%s → %j', (name, tokens) => {
    expect(nameTokens(name)).toEqual(tokens);
  });
});
