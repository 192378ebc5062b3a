// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ApiClient, ApiProblem } from '../src/background/api-client.ts';

describe('the API client', () => {
  it('keeps every path under the API URL, also when that URL has a path of its own', () => {
    const api = new ApiClient({ apiUrl: 'https://gw.example.gov.cn/credcheck', apiKey: 'k' });
    expect(api.url('/v1/snapshot')).toBe('https://gw.example.gov.cn/credcheck/v1/snapshot');
    expect(api.url('/v1/snapshot/deltas/41')).toBe(
      'https://gw.example.gov.cn/credcheck/v1/snapshot/deltas/41',
    );
    expect(api.url('https://gw.example.gov.cn/credcheck/v1/snapshot/deltas/41')).toBe(
      'https://gw.example.gov.cn/credcheck/v1/snapshot/deltas/41',
    );
  });

  it('refuses a link to another origin, so a tampered answer cannot carry the key away', () => {
    const api = new ApiClient({ apiUrl: 'https://gw.example.gov.cn', apiKey: 'k' });
    expect(() => api.url('https://evil.example.com/v1/snapshot/deltas/41')).toThrow(ApiProblem);
    expect(() => api.url('//evil.example.com/v1/snapshot')).toThrow(ApiProblem);
  });
});
