import type { ReactNode } from 'react';
import { useI18n } from '../i18n/context.tsx';
import type { MessageKey } from '../i18n/zh.ts';
import { Field } from './Field.tsx';

interface QueueTableProps {
  /** Column headings, in order; the last column holds the row's action. */
  columns: MessageKey[];
  /** Rows on this page. */
  count: number;
  /** True once the page has come back (an empty queue says so only then). */
  loaded: boolean;
  /** Said above the table when some rows on this page are past their deadline. */
  overdueNotice: string | null;
  children: ReactNode;
}

/** The frame every due-process queue shares: overdue notice, empty message, table of rows. */
export function QueueTable({ columns, count, loaded, overdueNotice, children }: QueueTableProps) {
  const { t } = useI18n();
  return (
    <>
      {overdueNotice && (
        <p className="alert alert-error" role="status">
          {overdueNotice}
        </p>
      )}
      {loaded && count === 0 && <p>{t('queue.empty')}</p>}
      {count > 0 && (
        <div className="table-wrap">
          <table className="queue">
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {t(c)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{children}</tbody>
          </table>
        </div>
      )}
    </>
  );
}

interface QueueStatusFilterProps<S extends string> {
  statuses: readonly S[];
  value: S;
  /** The message naming a status in this queue. */
  labelOf: (status: S) => MessageKey;
  /** Called with the chosen status (the page then starts again from the first). */
  onChange: (status: S) => void;
}

/** The status filter above a due-process queue. */
export function QueueStatusFilter<S extends string>({
  statuses,
  value,
  labelOf,
  onChange,
}: QueueStatusFilterProps<S>) {
  const { t } = useI18n();
  return (
    <Field label={t('entry.status')}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value as S)}>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {t(labelOf(s))}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
