import type { ApprovalRecord } from './gate.ts';

// Plain server-rendered HTML, as the legacy approval systems this example stands for produce it.

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STATUS: Record<ApprovalRecord['status'], string> = {
  approved: '已批准 / approved',
  refused: '不予批准 / refused',
  'manual-review': '转人工审核 / manual review',
};

function row(r: ApprovalRecord): string {
  const feedback =
    r.receiptId && !r.feedbackSent
      ? `<form method="post" action="/approvals/${r.n}/feedback"><input name="note" placeholder="备注 note"><button>执行反馈 / report applied</button></form>`
      : r.feedbackSent
        ? '已反馈 / reported'
        : '';
  return `<tr data-n="${r.n}" data-status="${r.status}">
<td>${r.n}</td><td>${esc(r.bidder)}<br><code>${esc(r.code)}</code></td><td>${esc(r.reference)}</td>
<td><strong>${STATUS[r.status]}</strong><ul>${r.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></td>
<td><code>${esc(r.receiptId ?? '—')}</code></td><td>${feedback}</td></tr>`;
}

export function renderPage(records: ApprovalRecord[]): string {
  return `<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>投标人资格审批 / Bidder approval</title></head>
<body><h1>投标人资格审批 / Bidder approval</h1>
<form method="post" action="/approvals">
<label>统一社会信用代码 / code <input name="code" required></label>
<label>投标人 / bidder <input name="bidder"></label>
<label>项目编号 / reference <input name="reference"></label>
<button>提交审批 / submit</button></form>
<table border="1"><thead><tr><th>#</th><th>投标人</th><th>项目</th><th>结果</th><th>回执 / receipt</th><th>反馈</th></tr></thead>
<tbody>${records.slice().reverse().map(row).join('\n')}</tbody></table></body></html>`;
}
