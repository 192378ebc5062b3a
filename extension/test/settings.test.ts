import { describe, expect, it } from 'vitest';
import {
  matchesPattern,
  mergeSettings,
  normalizeApiUrl,
  permissionOrigin,
  portalFor,
  readSettings,
} from '../src/settings/settings.ts';

describe('settings', () => {
  it('lets policy fields win and locks them', () => {
    const { settings, locked } = mergeSettings(
      { apiUrl: 'http://mine.example/', apiKey: 'k1', badgeStyle: 'compact' },
      {
        apiUrl: 'https://credit.gov.example',
        portals: [{ pattern: 'https://ggzy.example/*', scenario: 'bidding' }],
      },
    );
    expect(settings.apiUrl).toBe('https://credit.gov.example');
    expect(settings.apiKey).toBe('k1');
    expect(settings.badgeStyle).toBe('compact');
    expect(settings.portals).toHaveLength(1);
    expect(locked.sort()).toEqual(['apiUrl', 'portals']);
  });

  it('keeps the good fields of a bad object and names the bad ones', () => {
    const { values, problems } = readSettings({
      apiUrl: 'javascript:alert(1)',
      apiKey: 'x',
      portals: [
        { pattern: 'not a pattern', scenario: 'bidding' },
        { pattern: 'https://a.example/*', scenario: 'bidding' },
      ],
      syncMinutes: 0,
    });
    expect(values.apiKey).toBe('x');
    expect(values.portals).toEqual([{ pattern: 'https://a.example/*', scenario: 'bidding' }]);
    expect(problems.map((p) => p.field).sort()).toEqual(['apiUrl', 'portals[0]', 'syncMinutes']);
    expect(readSettings('nope').problems).toHaveLength(1);
  });

  it('matches pages against portal patterns', () => {
    expect(matchesPattern('https://ggzy.example.gov.cn/bid/1.html', 'https://ggzy.example.gov.cn/*')).toBe(
      true,
    );
    expect(matchesPattern('http://ggzy.example.gov.cn/bid/1.html', 'https://ggzy.example.gov.cn/*')).toBe(
      false,
    );
    expect(matchesPattern('https://a.ccgp.gov.cn/x', '*://*.ccgp.gov.cn/*')).toBe(true);
    expect(matchesPattern('https://ccgp.gov.cn.evil.example/x', '*://*.ccgp.gov.cn/*')).toBe(false);
    expect(matchesPattern('http://127.0.0.1:8080/pages/a.html', 'http://127.0.0.1:8080/pages/*')).toBe(true);
    expect(matchesPattern('http://127.0.0.1:9090/pages/a.html', 'http://127.0.0.1:8080/pages/*')).toBe(false);
    expect(
      portalFor('https://x.example/a', [{ pattern: 'https://x.example/*', scenario: 'bidding' }])?.scenario,
    ).toBe('bidding');
    expect(permissionOrigin('http://127.0.0.1:8080/pages/*')).toBe('http://127.0.0.1/*');
    expect(normalizeApiUrl('https://api.example/v/')).toBe('https://api.example/v');
    expect(normalizeApiUrl('ftp://x')).toBeNull();
  });
});
