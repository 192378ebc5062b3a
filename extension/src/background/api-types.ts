/**
 * The API's answers the background reads, from the types openapi-typescript generates in the SDK
 * (type-only: nothing of the client is bundled). Never written out by hand, so a changed API shows
 * up here as a type error.
 */
import type { components } from '@credcheck/sdk/client';

type Schemas = components['schemas'];

export type ApiStatus = Schemas['SubjectLookup']['status'];
export type ApiSubject = Schemas['Subject'];
export type ApiEntry = Schemas['Entry'];
export type BatchItem = Schemas['BatchLookupItem'];
export type BatchResponse = Schemas['BatchLookupResponse'];
export type SearchHit = Schemas['SearchHit'];
export type SearchResponse = Schemas['SearchResponse'];
export type ApiMeasure = Schemas['Measure'];
export type DecisionAnswer = Schemas['DecisionResult'];
