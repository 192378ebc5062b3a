/**
 * Every error the API returns is one of these RFC 9457 problem types. The `type` URI is stable
 * (`/problems/<slug>`) and documented at that path, so clients can switch on it.
 */
export const PROBLEM_TYPES = {
  'invalid-code': {
    status: 400,
    title: 'Invalid code',
    titleZh: '代码无效',
    about:
      'The code is not a well-formed Unified Social Credit Code or resident ID number, or its check character is wrong.',
  },
  'validation-failed': {
    status: 400,
    title: 'Validation failed',
    titleZh: '请求参数校验失败',
    about: 'The request has fields that are missing, malformed or not allowed; `errors` lists each one.',
  },
  'malformed-body': {
    status: 400,
    title: 'Malformed request body',
    titleZh: '请求体格式错误',
    about: 'The body is not valid JSON or not the content type the endpoint expects.',
  },
  'unknown-scenario': {
    status: 400,
    title: 'Unknown scenario',
    titleZh: '未知的应用场景',
    about: 'The scenario is not in the measure catalog in force; GET /v1/scenarios lists the codes.',
  },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    titleZh: 'API 密钥无效',
    about:
      'The Authorization header is malformed, or its API key is unknown or revoked. Send `Authorization: Bearer <key>` with a valid key, or no header at all for the public role.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    titleZh: '无权执行此操作',
    about:
      'The caller’s role lacks the permission this request needs; `permission` and `role` name both. Ask the administrator for a key of a role that has it.',
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency key reused',
    titleZh: '幂等键已用于其他请求',
    about:
      'This Idempotency-Key was already sent by your API key with a different request. Repeat the first request unchanged to get its answer again, or use a new key for a new request.',
  },
  'wrong-department': {
    status: 403,
    title: 'Another department’s entry',
    titleZh: '非本部门认定的条目',
    about:
      'A designator key acts only on entries of its own department (`department` names the entry’s). Ask that department, or an administrator.',
  },
  conflict: {
    status: 409,
    title: 'Conflicts with the entry’s state',
    titleZh: '与条目当前状态冲突',
    about:
      'The entry or request is not in a state that allows this (already revoked, an objection pending, already decided, or changed by another request meanwhile); `reason` says which. Read it again and retry if still needed.',
  },
  'publication-late': {
    status: 422,
    title: 'Published too late',
    titleZh: '超出公示期限',
    about:
      'The publication rule of this list type refuses a listing published after its deadline (`due`, in working days from the decision date).',
  },
  'repair-not-available': {
    status: 422,
    title: 'Credit repair not available',
    titleZh: '该类名单不适用信用修复',
    about:
      'Entries of this list type are not repaired by request (red lists, lists that end only with their period or that the designator revokes); `note` gives the rule.',
  },
  'repair-too-early': {
    status: 422,
    title: 'Credit repair requested too early',
    titleZh: '未满信用修复最短期限',
    about:
      'The minimum period of this list type has not passed: `earliestOn` is the first day a request is accepted.',
  },
  'subject-not-found': {
    status: 404,
    title: 'Subject not on any list',
    titleZh: '未查询到该主体的名单记录',
    about: 'No list entry exists for this code: the subject is not listed (clean).',
  },
  'clearance-conflict': {
    status: 409,
    title: 'Clearance already recorded or revoked',
    titleZh: '排除记录已存在或已撤销',
    about:
      'An active clearance already holds this candidate for this presented name and code, or the clearance was already revoked; `clearance` shows it.',
  },
  'feedback-mismatch': {
    status: 422,
    title: 'Feedback does not match the decision’s measures',
    titleZh: '反馈的措施与决定不符',
    about:
      'A feedback report covers each measure of the decision exactly once: `unknown` lists codes that are not its measures, `missing` those not reported, `repeated` those reported twice; `expected` lists its measures.',
  },
  'import-file': {
    status: 400,
    title: 'List file cannot be imported',
    titleZh: '名单文件无法导入',
    about:
      'The uploaded file cannot be read as a list file at all (empty, not CSV, XLSX, JSON or NDJSON, no header row, or every row of its start rejected); `code` says which. Nothing was written.',
  },
  'import-rows-rejected': {
    status: 422,
    title: 'Rows of the list file rejected',
    titleZh: '名单文件中有行未通过校验',
    about:
      'Some rows of the file are invalid (or, for a designator, of another department), so nothing was written: a file goes in whole or not at all. `report` lists the rows by line, as `credcheck import --json` does; correct them and upload the file again.',
  },
  'not-found': {
    status: 404,
    title: 'Not found',
    titleZh: '资源不存在',
    about: 'No resource exists at this path.',
  },
  'method-not-allowed': {
    status: 405,
    title: 'Method not allowed',
    titleZh: '不支持的请求方法',
    about: 'The path exists but does not accept this HTTP method.',
  },
  'snapshot-too-old': {
    status: 410,
    title: 'Snapshot version too old',
    titleZh: '快照版本过旧',
    about:
      'The deltas from this snapshot version are no longer kept (or the version was never published): download GET /v1/snapshot whole, then sync from its version.',
  },
  'payload-too-large': {
    status: 413,
    title: 'Payload too large',
    titleZh: '请求体过大',
    about: 'The request body exceeds the size limit of the endpoint.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too many requests',
    titleZh: '请求过于频繁',
    about:
      'The API key (or, without a key, the client address) sent more requests than its rate allows. Wait the seconds in `Retry-After`; `RateLimit-Limit` and `RateLimit-Remaining` on every /v1 response show the budget.',
  },
  'service-unavailable': {
    status: 503,
    title: 'Service unavailable',
    titleZh: '服务暂不可用',
    about: 'The data store cannot be reached right now; retry later. No check result is implied.',
  },
  'not-ready': {
    status: 503,
    title: 'Not ready',
    titleZh: '服务尚未就绪',
    about:
      'This instance should not get traffic now: `reason` says why (shutting-down, store-unreachable, refresh-failing, catching-up) and `lag` how many changes its index is behind the store. A load balancer sends requests to another instance meanwhile.',
  },
  'internal-error': {
    status: 500,
    title: 'Internal error',
    titleZh: '服务器内部错误',
    about: 'An unexpected error; it has been logged with the request id.',
  },
} as const;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;
