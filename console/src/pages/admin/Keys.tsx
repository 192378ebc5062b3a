import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { Role } from '../../api/types.ts';
import { useAuth } from '../../auth/context.tsx';
import { Field } from '../../components/Field.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useI18n } from '../../i18n/context.tsx';
import {
  type ApiKey,
  type ApiKeyList,
  type CreatedApiKey,
  departmentRule,
  keyState,
} from '../../lib/admin-types.ts';
import { useLoad } from '../../lib/use-load.ts';
import { useRouter } from '../../router.tsx';
import { AdminTabs } from './AdminTabs.tsx';

const ROLES: Role[] = ['implementer', 'designator', 'admin', 'public'];

/** API keys and their roles: list, create (the key shown once), revoke after confirmation. */
export function Keys() {
  const { t } = useI18n();
  const { api, me } = useAuth();
  const list = useLoad((signal) => api.request<ApiKeyList>('GET', '/v1/keys', { signal }), [api]);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [showRevoked, setShowRevoked] = useState(true);
  const items = (list.data?.items ?? []).filter((k) => showRevoked || !k.revokedAt);
  return (
    <section aria-labelledby="keys-title">
      <AdminTabs current="admin" />
      <h1 id="keys-title">{t('admin.keysTitle')}</h1>
      {created && <NewKeySecret created={created} onDone={() => setCreated(null)} />}
      <CreateKeyForm
        onCreated={(k) => {
          setCreated(k);
          list.reload();
        }}
      />
      <div className="title-row">
        <h2>{t('admin.keysList')}</h2>
        <span className="spacer" />
        <label>
          <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />{' '}
          {t('admin.showRevoked')}
        </label>
      </div>
      <ProblemAlert error={list.error} />
      {list.loading && !list.data && <p>{t('common.loading')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table data-testid="keys-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.keyId')}</th>
                <th scope="col">{t('admin.keyHint')}</th>
                <th scope="col">{t('admin.role')}</th>
                <th scope="col">{t('admin.department')}</th>
                <th scope="col">{t('admin.label')}</th>
                <th scope="col">{t('admin.rateLimit')}</th>
                <th scope="col">{t('admin.createdAt')}</th>
                <th scope="col">{t('admin.keyState')}</th>
                <th scope="col">{t('queue.action')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((k) => (
                <KeyRow key={k.id} k={k} self={k.id === me?.keyId} onRevoked={list.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function KeyRow({ k, self, onRevoked }: { k: ApiKey; self: boolean; onRevoked(): void }) {
  const { t } = useI18n();
  const { api, signOut } = useAuth();
  const { navigate } = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const revokeRef = useRef<HTMLButtonElement>(null);
  const state = keyState(k);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.request<ApiKey>('POST', '/v1/keys/{id}/revoke', { params: { id: k.id } });
      if (self) {
        // The key this console runs on no longer works: back to signing in.
        signOut();
        navigate('sign-in');
        return;
      }
      setConfirming(false);
      onRevoked();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-key={k.id} data-key-state={state}>
      <td>
        <code>{k.id}</code>
        {self && <span className="muted"> ({t('admin.thisKey')})</span>}
      </td>
      <td>
        <code>{k.hint}</code>
      </td>
      <td>{t(`role.${k.role}`)}</td>
      <td>{k.department ?? '—'}</td>
      <td>{k.label}</td>
      <td>
        {k.rateLimit === null
          ? t('admin.rateDefault')
          : k.rateLimit === 0
            ? t('admin.rateNone')
            : k.rateLimit}
      </td>
      <td className="nowrap">{k.createdAt.slice(0, 16).replace('T', ' ')}</td>
      <td>
        <span className={`badge ${state === 'revoked' ? 'entry-revoked' : 'entry-active'}`}>
          {state === 'revoked' ? t('admin.revokedOn', { at: k.revokedAt!.slice(0, 10) }) : t('admin.active')}
        </span>
      </td>
      <td>
        {state === 'active' && !confirming && (
          <button type="button" ref={revokeRef} onClick={() => setConfirming(true)}>
            {t('admin.revoke')}
          </button>
        )}
        {confirming && (
          <fieldset className="confirm-box">
            <legend>{self ? t('admin.revokeSelfWarning') : t('admin.revokeConfirm', { id: k.hint })}</legend>
            <button type="button" className="danger" ref={confirmRef} disabled={busy} onClick={revoke}>
              {t('admin.revokeYes')}
            </button>
            <button
              type="button"
              onClick={() => {
                setConfirming(false);
                requestAnimationFrame(() => revokeRef.current?.focus());
              }}
            >
              {t('admin.cancel')}
            </button>
          </fieldset>
        )}
        <ProblemAlert error={error} />
      </td>
    </tr>
  );
}

function CreateKeyForm({ onCreated }: { onCreated(k: CreatedApiKey): void }) {
  const { t } = useI18n();
  const { api } = useAuth();
  const [role, setRole] = useState<Role>('implementer');
  const [label, setLabel] = useState('');
  const [department, setDepartment] = useState('');
  const [rateLimit, setRateLimit] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const rule = departmentRule(role);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = {
        role,
        label,
        ...(rule !== 'none' && department.trim() ? { department: department.trim() } : {}),
        ...(rateLimit.trim() ? { rateLimit: Number(rateLimit) } : {}),
      };
      const k = await api.request<CreatedApiKey>('POST', '/v1/keys', {}, body);
      setLabel('');
      setDepartment('');
      setRateLimit('');
      onCreated(k);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="grid-form" onSubmit={submit} aria-labelledby="new-key-title">
      <h2 id="new-key-title" className="form-actions">
        {t('admin.newKey')}
      </h2>
      <Field label={t('admin.role')} required>
        {(p) => (
          <select {...p} name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('admin.label')} hint={t('admin.labelHint')} required>
        {(p) => (
          <input
            {...p}
            name="label"
            value={label}
            maxLength={200}
            onChange={(e) => setLabel(e.target.value)}
          />
        )}
      </Field>
      <Field
        label={t('admin.department')}
        hint={t(
          rule === 'required'
            ? 'admin.departmentRequired'
            : rule === 'optional'
              ? 'admin.departmentOptional'
              : 'admin.departmentNone',
        )}
        required={rule === 'required'}
      >
        {(p) => (
          <input
            {...p}
            name="department"
            value={rule === 'none' ? '' : department}
            disabled={rule === 'none'}
            maxLength={200}
            onChange={(e) => setDepartment(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('admin.rateLimit')} hint={t('admin.rateLimitHint')}>
        {(p) => (
          <input
            {...p}
            name="rateLimit"
            type="number"
            min={0}
            max={1_000_000}
            value={rateLimit}
            onChange={(e) => setRateLimit(e.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <ProblemAlert error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('admin.createKey')}
        </button>
      </div>
    </form>
  );
}

/** The new key, shown this once: a warning that says so, the key selectable, a copy button. */
function NewKeySecret({ created, onDone }: { created: CreatedApiKey; onDone(): void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    boxRef.current?.focus();
  }, []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('yes');
    } catch {
      // No clipboard permission (or no secure context): leave the key selected for Ctrl+C.
      inputRef.current?.select();
      setCopied('failed');
    }
  };
  return (
    <div
      className="alert alert-warn"
      role="alert"
      tabIndex={-1}
      ref={boxRef}
      data-testid="new-key"
      data-key-id={created.id}
    >
      <strong>{t('admin.shownOnce')}</strong>
      <p>{t('admin.shownOnceDetail', { role: t(`role.${created.role}`), label: created.label })}</p>
      <div className="secret-box">
        <label htmlFor="new-key-value" className="nowrap">
          {t('admin.theKey')}
        </label>
        <input
          id="new-key-value"
          ref={inputRef}
          readOnly
          value={created.key}
          onFocus={(e) => e.currentTarget.select()}
          data-secret
        />
        <button type="button" onClick={copy}>
          {t('admin.copy')}
        </button>
      </div>
      <p aria-live="polite">
        {copied === 'yes' ? t('admin.copied') : copied === 'failed' ? t('admin.copyFailed') : ''}
      </p>
      <button type="button" className="primary" onClick={onDone}>
        {t('admin.storedIt')}
      </button>
    </div>
  );
}
