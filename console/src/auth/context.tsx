import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { type Api, ApiError, createApi } from '../api/client.ts';
import type { Me, Role } from '../api/types.ts';
import { loadKey, saveKey } from './session.ts';

interface Auth {
  /** Null on the public page (no key). */
  me: Me | null;
  /** True while a stored key is being checked after a reload. */
  checking: boolean;
  api: Api;
  signIn(key: string): Promise<Me>;
  signOut(): void;
  hasRole(...roles: Role[]): boolean;
}

const AuthContext = createContext<Auth | null>(null);

function store(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const keyRef = useRef<string | null>(loadKey(store()));
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(keyRef.current !== null);
  const api = useMemo(() => createApi(() => keyRef.current), []);

  const signOut = useCallback(() => {
    keyRef.current = null;
    saveKey(store(), null);
    setMe(null);
  }, []);

  const signIn = useCallback(async (key: string) => {
    const probe = createApi(() => key);
    const who = await probe.get('/v1/me');
    if (who.role === 'public') throw new ApiError(401, null);
    keyRef.current = key;
    saveKey(store(), key);
    setMe(who);
    return who;
  }, []);

  useEffect(() => {
    const key = keyRef.current;
    if (!key) return;
    let live = true;
    api
      .get('/v1/me')
      .then(
        (who) => {
          if (live) setMe(who.role === 'public' ? null : who);
        },
        () => {
          // A revoked key or an API that is down: back to the public view, the key forgotten.
          if (live) signOut();
        },
      )
      .finally(() => {
        if (live) setChecking(false);
      });
    return () => {
      live = false;
    };
  }, [api, signOut]);

  const value = useMemo<Auth>(
    () => ({
      me,
      checking,
      api,
      signIn,
      signOut,
      hasRole: (...roles) => me !== null && roles.includes(me.role),
    }),
    [me, checking, api, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
