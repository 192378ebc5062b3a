import type { components } from '@credcheck/sdk/client';

// Named views of the SDK's generated schemas, so pages need not spell components['schemas'].
type S = components['schemas'];
export type Problem = S['Problem'];
export type Me = S['Me'];
export type SubjectLookup = S['SubjectLookup'];
export type SearchResponse = S['SearchResponse'];
export type SearchHit = S['SearchHit'];
export type LookupEntry = S['Entry'];
export type EntryDetail = S['EntryDetail'];
export type EntryRecord = S['EntryRecord'];
export type EntrySummary = S['EntrySummary'];
export type EntryList = S['EntryList'];
export type DesignationRequest = S['DesignationRequest'];
export type EntryCorrectionRequest = S['EntryCorrectionRequest'];
export type Objection = S['Objection'];
export type Deadline = S['Deadline'];
export type RepairRecord = S['RepairRequestRecord'];
export type ListType = S['ListType'];
export type SubjectStatus = SubjectLookup['status'];
export type EntryStatus = EntryRecord['status'];
export type Role = Me['role'];
