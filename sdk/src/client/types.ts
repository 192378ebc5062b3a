import type { components, paths } from '../schema.d.ts';

/**
 * Request and response types of the API, derived from the generated `paths` and `components` so
 * that they follow openapi/openapi.json and are never copied by hand.
 */

export type Schemas = components['schemas'];
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type ApiPath = keyof paths;

type Operation<P extends ApiPath, M extends HttpMethod> = NonNullable<paths[P][M]>;
type Parameters<P extends ApiPath, M extends HttpMethod> =
  Operation<P, M> extends { parameters: infer X } ? X : never;

/** The JSON body an operation takes. */
export type RequestBody<P extends ApiPath, M extends HttpMethod> =
  Operation<P, M> extends {
    requestBody: { content: { 'application/json': infer B } };
  }
    ? B
    : never;

/** Query parameters of an operation (all optional unless the API requires them). */
export type QueryOf<P extends ApiPath, M extends HttpMethod> =
  Parameters<P, M> extends { query?: infer Q } ? NonNullable<Q> : never;

type SuccessCode = 200 | 201;
/** The JSON body of an operation's success response. */
export type ResponseBody<P extends ApiPath, M extends HttpMethod> = {
  [S in SuccessCode]: Operation<P, M> extends {
    responses: { [K in S]: { content: { 'application/json': infer R } } };
  }
    ? R
    : never;
}[SuccessCode];

// The resources integrators handle most, named for convenience.
export type Problem = Schemas['Problem'];
export type SubjectLookup = Schemas['SubjectLookup'];
export type BatchLookupResponse = Schemas['BatchLookupResponse'];
export type BatchLookupItem = Schemas['BatchLookupItem'];
export type SearchResponse = Schemas['SearchResponse'];
export type Change = Schemas['Change'];
export type ChangesPage = Schemas['ChangesPage'];
export type DecisionRequest = Schemas['DecisionRequest'];
export type DecisionResult = Schemas['DecisionResult'];
export type DecisionBatchRequest = Schemas['DecisionBatchRequest'];
export type DecisionBatchItemInput = DecisionBatchRequest['items'][number];
export type DecisionBatchResult = Schemas['DecisionBatchResult'];
export type DecisionBatchItem = DecisionBatchResult['items'][number];
export type DecisionItemError = Schemas['DecisionItemError'];
export type Jwks = Schemas['Jwks'];
