import { loadDefaultCatalog } from '../domain/default-catalog.ts';
import type { ImportSummary } from '../domain/model.ts';
import { importRows } from '../import/import-file.ts';
import type { Store } from '../store/types.ts';
import { generateDataset } from './dataset.ts';

/** The demo set: about 2,000 entries of 1,500 subjects, the same on every first start. */
export const DEMO_SEED = 'demo-v1';
export const DEMO_SUBJECTS = 1500;

/**
 * Imports the demo data set through the same validation as a file import. Dates are laid out
 * around `today` so that the demo shows active, expired and open-ended entries whenever it runs.
 */
export async function seedDemo(store: Store, today: string): Promise<ImportSummary> {
  const catalog = (await store.getCatalog()) ?? loadDefaultCatalog();
  const report = await importRows(
    store,
    generateDataset({ seed: DEMO_SEED, subjects: DEMO_SUBJECTS, today }),
    {
      actor: 'demo',
      catalog,
      today,
    },
  );
  if (!report.ok || !report.summary) {
    const first = report.errors[0];
    throw new Error(
      `demo data rejected (${report.errorCount} errors; line ${first?.line}: ${first?.message})`,
    );
  }
  return report.summary;
}
