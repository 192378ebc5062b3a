/** The parts of the API's answers the background reads (openapi/openapi.json). */

export type ApiStatus = 'black' | 'suspended' | 'red' | 'expired' | 'clean';

export interface ApiSubject {
  id: string;
  type: 'org' | 'person';
  code: string | null;
  idMasked: string | null;
  name: string;
}

export interface ApiEntry {
  listType: string;
  listTypeName: string;
  listTypeNameEn: string;
  kind: 'red' | 'black';
  designator: string;
  basis: string;
  reason: string;
  decidedOn: string;
  publishedOn: string | null;
  validUntil: string | null;
  status: 'active' | 'suspended' | 'repaired' | 'expired' | 'revoked';
  inForce: boolean;
}

export type BatchItem =
  | {
      index: number;
      code: string | null;
      result: 'found';
      match: 'code' | 'id';
      status: ApiStatus;
      subject: ApiSubject;
      entries: ApiEntry[];
    }
  | { index: number; code: string | null; result: 'not-found'; status: 'clean' }
  | { index: number; code: string | null; result: 'invalid'; status: 'invalid' };

export interface BatchResponse {
  dataVersion: number;
  asOf: string;
  items: BatchItem[];
}

export interface SearchHit {
  subjectId: string;
  code: string | null;
  name: string;
  match: 'exact' | 'normalized' | 'branch-of' | 'similar';
  status: ApiStatus;
}

export interface SearchResponse {
  dataVersion: number;
  normalized: string;
  hits: SearchHit[];
}

export interface ApiMeasure {
  code: string;
  nameZh: string;
  nameEn: string;
  binding: 'mandatory' | 'recommended';
  appliesToListTypes: string[];
  scenarios: string[];
  effect: 'block' | 'review' | 'restrict' | 'favour';
  published: boolean;
}

export interface DecisionAnswer {
  id: string;
  outcome: string;
}
