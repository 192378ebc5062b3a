export {
  DATASET_COLUMNS,
  type DatasetColumn,
  type DatasetOptions,
  type DatasetRow,
  generateDataset,
  ROWS_PER_SUBJECT,
} from './dataset.ts';
export { COMPUTED_LIST_TYPES, LIST_RULES } from './list-rules.ts';
export { createRng, type Rng } from './prng.ts';
export { DEMO_SEED, DEMO_SUBJECTS, seedDemo } from './seed.ts';
export { writeDatasetCsv } from './write-csv.ts';
