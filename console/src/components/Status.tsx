import type { EntryStatus, SubjectStatus } from '../api/types.ts';
import { useI18n } from '../i18n/context.tsx';
import type { MessageKey } from '../i18n/translate.ts';

/** The subject's red/black status as a labelled badge (text, never colour alone). */
export function SubjectStatusBadge({ status }: { status: SubjectStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {t(`subjectStatus.${status}` as MessageKey)}
    </span>
  );
}

export function EntryStatusBadge({ status }: { status: EntryStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge entry-${status}`} data-entry-status={status}>
      {t(`entryStatus.${status}` as MessageKey)}
    </span>
  );
}

export function KindBadge({ kind }: { kind: 'red' | 'black' }) {
  const { t } = useI18n();
  return <span className={`badge kind-${kind}`}>{t(kind === 'red' ? 'kind.red' : 'kind.black')}</span>;
}
