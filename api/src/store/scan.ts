import type { Entry, Subject } from '../domain/model.ts';

/** Pairs a page of subjects (id order) with the entries read for the same id range. */
export function groupEntries(
  subjects: Subject[],
  entries: Entry[],
): Array<{ subject: Subject; entries: Entry[] }> {
  const byId = new Map<string, Entry[]>();
  const batch = subjects.map((subject) => {
    const list: Entry[] = [];
    byId.set(subject.id, list);
    return { subject, entries: list };
  });
  for (const e of entries) byId.get(e.subjectId)?.push(e);
  return batch;
}
