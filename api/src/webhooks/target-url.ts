import { isIP } from 'node:net';

/**
 * Where a subscription may send: HTTPS anywhere; plain HTTP only to this machine (a receiver
 * under development, tests) unless the operator allows it (CREDCHECK_WEBHOOK_ALLOW_HTTP=1, for a
 * receiver on a closed network). The payload is public list data, but the signature secret and
 * the subscriber's interest (its loan portfolio) are not, and plain HTTP shows both to the path.
 *
 * Private addresses are allowed on purpose: banks and approval systems that subscribe usually run
 * on an internal network, and only implementer and admin keys may subscribe.
 */

export const MAX_URL_LENGTH = 2048;

export type TargetCheck = { ok: true; url: string } | { ok: false; reason: string; reasonZh: string };

export function checkTargetUrl(raw: string, allowHttp: boolean): TargetCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not an absolute URL', reasonZh: '不是完整的 URL' };
  }
  if (raw.length > MAX_URL_LENGTH) {
    return { ok: false, reason: `longer than ${MAX_URL_LENGTH} characters`, reasonZh: 'URL 过长' };
  }
  if (url.username || url.password) {
    // They would end up in logs and in the delivery log; the signature authenticates us instead.
    return {
      ok: false,
      reason: 'must not contain credentials (user:password@); verify the webhook-signature header instead',
      reasonZh: 'URL 中不得包含用户名或密码，请改为校验 webhook-signature 签名',
    };
  }
  if (url.hash) return { ok: false, reason: 'must not contain a #fragment', reasonZh: 'URL 不得包含 # 片段' };
  if (url.protocol === 'https:') return { ok: true, url: url.toString() };
  if (url.protocol === 'http:' && (allowHttp || isLoopback(url.hostname)))
    return { ok: true, url: url.toString() };
  if (url.protocol === 'http:') {
    return {
      ok: false,
      reason:
        'must use https (plain http only to localhost, unless the operator sets CREDCHECK_WEBHOOK_ALLOW_HTTP=1)',
      reasonZh: '须使用 https（http 仅限本机地址，除非运维人员设置 CREDCHECK_WEBHOOK_ALLOW_HTTP=1）',
    };
  }
  return { ok: false, reason: 'must use https', reasonZh: '须使用 https' };
}

/** localhost names and loopback addresses (127.0.0.0/8, ::1); URL keeps IPv6 hosts in brackets. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}
