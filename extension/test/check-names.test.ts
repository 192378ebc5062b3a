// @vitest-environment node
import { buildSnapshot } from '@credcheck/sdk/snapshot';
import { describe, expect, it } from 'vitest';
import { findListedName } from '../src/background/name-match.ts';

const snapshot = buildSnapshot(
  [
    { kind: 'name', key: '鄂州通蔚仪器设备有限公司', status: 'black' },
    { kind: 'name', key: '通蔚仪器设备有限公司', status: 'red' },
    { kind: 'name', key: '中国建设银行股份有限公司', status: 'expired' },
    { kind: 'name', key: 'ACME Trading Co., Ltd.', status: 'black' },
    { kind: 'name', key: '北京澄明律师事务所(普通合伙)', status: 'red' },
  ],
  { version: 1 },
);

const matched = (text: string) => {
  const m = findListedName(text, snapshot);
  return m && { ...m, text: text.slice(m.start, m.end) };
};

describe('finding a listed name inside a run of page text', () => {
  it('takes the longest listed name when a shorter one is listed too', () => {
    expect(matched('第一中标候选人鄂州通蔚仪器设备有限公司')).toMatchObject({
      text: '鄂州通蔚仪器设备有限公司',
      status: 'black',
    });
    expect(matched('候选人：通蔚仪器设备有限公司')).toMatchObject({
      text: '通蔚仪器设备有限公司',
      status: 'red',
    });
  });

  it('leaves trailing punctuation and leading spaces outside the offsets', () => {
    expect(matched('　鄂州通蔚仪器设备有限公司。）')).toMatchObject({
      text: '鄂州通蔚仪器设备有限公司',
      start: 1,
    });
  });

  it('matches through traditional characters, full width and case', () => {
    expect(matched('投標人鄂州通蔚儀器設備有限公司')?.text).toBe('鄂州通蔚儀器設備有限公司');
    expect(matched('Bidder: ａｃｍｅ trading co., ltd.')).toMatchObject({
      text: 'ａｃｍｅ trading co., ltd',
      status: 'black',
    });
  });

  it('keeps offsets right around characters outside the BMP', () => {
    const text = '𠮷𠮷鄂州通蔚仪器设备有限公司';
    expect(matched(text)).toMatchObject({ start: 4, text: '鄂州通蔚仪器设备有限公司' });
  });

  it('finds the name when the text needs composing normalization (a combining accent before it)', () => {
    const text = 'Cafe\u0301 供应商：鄂州通蔚仪器设备有限公司。';
    expect(matched(text)).toMatchObject({ start: 10, text: '鄂州通蔚仪器设备有限公司', status: 'black' });
  });

  it('relates a branch to its listed parent, but prefers a listed branch itself', () => {
    expect(matched('中国建设银行股份有限公司北京市分行')).toMatchObject({
      status: 'expired',
      parent: '中国建设银行股份有限公司',
      name: '中国建设银行股份有限公司北京市分行',
    });
    expect(matched('某某有限公司北京分公司')).toBeNull();
  });

  it('finds nothing in unlisted or too short text', () => {
    expect(matched('某某无关科技有限公司')).toBeNull();
    expect(matched('公司')).toBeNull();
    expect(matched('')).toBeNull();
  });
});
