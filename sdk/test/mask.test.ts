import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskAddress, maskIdPublic, maskIdStaff, maskPersonName, maskPhone } from '../src/mask/index.ts';

describe('resident ID', () => {
  it.each([
    ['11010519491231002X', '1****************X', '110105********002X'],
    ['11010519491231002x', '1****************X', '110105********002X'],
    ['130528 19900101 6367', '1****************7', '130528********6367'],
    ['110105491231002', '1*************2', '110105******002'], // legacy 15 digits: birth date hidden
    ['1101051949****002X', '1****************X', '110105********002X'], // court-masked input
    ['12', '**', '**'],
    ['', '', ''],
  ])('%s → public %s, staff %s', (id, publicView, staffView) => {
    expect(maskIdPublic(id)).toBe(publicView);
    expect(maskIdStaff(id)).toBe(staffView);
  });

  it('masking a masked value changes nothing, in either view and in either order', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{16}[\dXx]$/), (id) => {
        const pub = maskIdPublic(id);
        const staff = maskIdStaff(id);
        expect(maskIdPublic(pub)).toBe(pub);
        expect(maskIdStaff(staff)).toBe(staff);
        expect(maskIdPublic(staff)).toBe(pub);
        expect(maskIdStaff(pub)).toBe(pub); // the public form never regains digits
      }),
    );
  });

  it('hides the birth date in every view', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{16}[\dX]$/), (id) => {
        for (const masked of [maskIdPublic(id), maskIdStaff(id)]) {
          expect(masked).toHaveLength(18);
          expect(masked.slice(6, 14)).toBe('********');
        }
      }),
    );
  });
});

describe('maskPersonName', () => {
  it.each([
    ['张三', '张*'],
    ['张三明', '张*明'],
    ['欧阳锋', '欧*锋'],
    ['欧阳小峰', '欧**峰'],
    ['买买提·艾力', '买****力'],
    [' 李四 ', '李*'],
    ['王', '*'],
    ['张*', '张*'],
    ['欧**峰', '欧**峰'],
    ['𠀀小明', '𠀀*明'],
    ['', ''],
  ])('%s → %s', (name, masked) => {
    expect(maskPersonName(name)).toBe(masked);
  });

  it('is idempotent and keeps at most two characters of any name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 12 }), (name) => {
        const masked = maskPersonName(name);
        expect(maskPersonName(masked)).toBe(masked);
        expect(Array.from(masked).filter((c) => c !== '*').length).toBeLessThanOrEqual(2);
      }),
    );
  });
});

describe('maskPhone', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['138 1234 5678', '138****5678'],
    ['138-1234-5678', '138****5678'],
    ['+86 138 1234 5678', '138****5678'],
    ['8613812345678', '138****5678'],
    ['010-12345678', '010-****5678'],
    ['(010)12345678', '010-****5678'],
    ['（010）12345678', '010-****5678'],
    ['0755-88889999', '0755-****9999'],
    ['0755 8888999', '0755-***8999'],
    ['0755-88889999-123', '0755-****9999'], // extension dropped
    ['0755-88889999转123', '0755-****9999'],
    ['88889999', '****9999'],
    ['400-800-1234', '******1234'],
    ['123', '***'],
    ['138****5678', '138****5678'],
    ['010-****5678', '010-****5678'],
    ['', ''],
  ])('%s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it('is idempotent on mobiles and landlines', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.stringMatching(/^1[3-9]\d{9}$/),
          fc.stringMatching(/^0\d{2,3}-\d{7,8}$/),
          fc.stringMatching(/^\d{5,12}$/),
        ),
        (phone) => {
          const masked = maskPhone(phone);
          expect(maskPhone(masked)).toBe(masked);
          expect(masked.replace(/\D/g, '').length).toBeLessThanOrEqual(8); // a 4-digit area code + last 4
        },
      ),
    );
  });
});

describe('maskAddress', () => {
  it.each([
    ['北京市西城区金融大街35号', '北京市西城区****'],
    ['广东省深圳市南山区科技园南区8栋', '广东省深圳市南山区****'],
    ['重庆市云阳县青龙街道滨江路1号', '重庆市云阳县****'],
    ['内蒙古自治区呼和浩特市新城区新华大街', '内蒙古自治区呼和浩特市新城区****'],
    ['内蒙古自治区鄂尔多斯市伊金霍洛旗某镇', '内蒙古自治区鄂尔多斯市伊金霍洛旗****'],
    ['湖北省恩施土家族苗族自治州恩施市航空大道', '湖北省恩施土家族苗族自治州恩施市****'],
    ['云南省临沧市双江拉祜族佤族布朗族傣族自治县勐勐镇', '云南省临沧市双江拉祜族佤族布朗族傣族自治县****'],
    ['新疆维吾尔自治区克拉玛依市克拉玛依区准噶尔路', '新疆维吾尔自治区克拉玛依市克拉玛依区****'],
    ['山东省济南市市中区经十路', '山东省济南市市中区****'],
    ['河北省唐山市路南区新华道', '河北省唐山市路南区****'],
    ['上海市浦东新区张江镇', '上海市浦东新区****'],
    ['朝阳区建国路88号', '朝阳区****'],
    ['广东省东莞市长安镇长安市场', '广东省东莞市****'], // no county level: keep the city, never the town
    ['北京市西城区', '北京市西城区'], // nothing below county level to hide
    ['北京市西城区****', '北京市西城区****'],
    ['123 Main Street', '****'],
    ['', ''],
  ])('%s → %s', (address, masked) => {
    expect(maskAddress(address)).toBe(masked);
  });

  it('is idempotent', () => {
    const part = fc.constantFrom(
      '广东省',
      '深圳市',
      '南山区',
      '某某路',
      '88号',
      '长安镇',
      '市场',
      '县',
      '旗',
      '区',
      '**',
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const masked = maskAddress(parts.join(''));
        expect(maskAddress(masked)).toBe(masked);
      }),
    );
  });
});
