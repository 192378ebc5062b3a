/**
 * In-memory `permissions` and `scripting` for WXT's fakeBrowser, which leaves both unimplemented:
 * just enough state (granted origins, registered scripts) and events for the background to run
 * against and for tests to inspect.
 */
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';

type Listener = (...args: never[]) => unknown;

function event() {
  const listeners = new Set<Listener>();
  return {
    addListener: (l: Listener) => void listeners.add(l),
    removeListener: (l: Listener) => void listeners.delete(l),
    hasListener: (l: Listener) => listeners.has(l),
    hasListeners: () => listeners.size > 0,
    async trigger(...args: unknown[]) {
      return Promise.all([...listeners].map((l) => (l as (...a: unknown[]) => unknown)(...args)));
    },
  };
}

/** Does a granted host pattern cover an origin pattern (`https://x.gov.cn/*`)? */
function covers(granted: string, wanted: string): boolean {
  if (granted === wanted || granted === '<all_urls>') return true;
  const g = /^(\*|https?):\/\/([^/]+)\//.exec(granted);
  const w = /^(\*|https?):\/\/([^/]+)\//.exec(wanted);
  if (!g || !w) return false;
  if (g[1] !== '*' && g[1] !== w[1]) return false;
  if (g[2] === '*') return true;
  if (g[2]!.startsWith('*.')) return w[2] === g[2]!.slice(2) || w[2]!.endsWith(g[2]!.slice(1));
  return g[2] === w[2];
}

export interface FakeHostApis {
  granted: Set<string>;
  scripts: Map<string, Browser.scripting.RegisteredContentScript>;
  grant(origin: string): Promise<void>;
  revoke(origin: string): Promise<void>;
}

export function installHostApis(): FakeHostApis {
  const granted = new Set<string>();
  const scripts = new Map<string, Browser.scripting.RegisteredContentScript>();
  const onAdded = event();
  const onRemoved = event();
  const permissions = {
    async contains(p: { origins?: string[] }) {
      return (p.origins ?? []).every((o) => [...granted].some((g) => covers(g, o)));
    },
    async getAll() {
      return { origins: [...granted], permissions: ['storage', 'alarms', 'scripting'] };
    },
    onAdded,
    onRemoved,
  };
  const scripting = {
    async registerContentScripts(list: Browser.scripting.RegisteredContentScript[]) {
      for (const s of list) {
        if (scripts.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
        for (const m of s.matches ?? []) {
          if (!/^(\*|https?):\/\/(\*|(\*\.)?[^/*]+)\/.*$/.test(m))
            throw new Error(`Invalid match pattern '${m}'`);
        }
      }
      for (const s of list) scripts.set(s.id, s);
    },
    async getRegisteredContentScripts(filter?: { ids?: string[] }) {
      return [...scripts.values()].filter((s) => !filter?.ids || filter.ids.includes(s.id));
    },
    async unregisterContentScripts(filter?: { ids?: string[] }) {
      for (const id of filter?.ids ?? [...scripts.keys()]) {
        if (!scripts.delete(id)) throw new Error(`Nonexistent script ID '${id}'`);
      }
    },
  };
  Object.assign(fakeBrowser, { permissions, scripting });
  return {
    granted,
    scripts,
    async grant(origin) {
      granted.add(origin);
      await onAdded.trigger({ origins: [origin], permissions: [] });
    },
    async revoke(origin) {
      granted.delete(origin);
      await onRemoved.trigger({ origins: [origin], permissions: [] });
    },
  };
}
