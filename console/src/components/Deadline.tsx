import type { Deadline } from '../api/types.ts';
import { useI18n } from '../i18n/context.tsx';
import { urgency } from '../lib/due-process.ts';

/** Due date with working days left; overdue and due-soon are spelled out, not only coloured. */
export function DeadlineCell({ deadline, pending }: { deadline: Deadline; pending: boolean }) {
  const { t } = useI18n();
  const u = urgency(deadline, pending);
  return (
    <span className={`deadline deadline-${u}`} data-urgency={u}>
      {deadline.due}
      {pending && (
        <>
          {' · '}
          {u === 'overdue'
            ? t('deadline.overdue', { days: -deadline.workingDaysLeft })
            : t('deadline.left', { days: deadline.workingDaysLeft })}
        </>
      )}
      {deadline.estimated && <span title={t('deadline.estimatedHint')}> *</span>}
    </span>
  );
}
