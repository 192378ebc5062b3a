export * from './identifiers/index.ts';
export * from './mask/index.ts';
export * from './names/index.ts';
export * from './snapshot/index.ts';
