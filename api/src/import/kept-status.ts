import type { KeptStatus } from '../store/import-guard.ts';
import type { RowError } from './errors.ts';

const STATUS_ZH: Record<string, string> = {
  active: '有效',
  suspended: '暂停（异议核实中）',
  repaired: '已信用修复',
  revoked: '已撤销',
};

/**
 * The warning for a row whose status the store did not take because the entry is under the due
 * process: the operator sees why the file's status is not what the list shows.
 */
export function keptStatusWarning(k: KeptStatus, column: string): RowError {
  const file = `"${k.fileStatus}"`;
  const fileZh = `“${STATUS_ZH[k.fileStatus] ?? k.fileStatus}”`;
  const base = { line: k.line, column, value: k.fileStatus };
  if (k.reason === 'objection-pending') {
    return {
      ...base,
      message: `Entry ${k.entryId} has a pending objection (${k.objectionId}): it stays suspended until the objection is resolved, so the file's status ${file} was not taken; the row's other fields were.`,
      messageZh: `条目 ${k.entryId} 有待处理的异议（${k.objectionId}），核实期间保持暂停，未采用文件中的状态${fileZh}；该行其他字段已导入。`,
    };
  }
  if (k.reason === 'repaired') {
    return {
      ...base,
      message: `Entry ${k.entryId} was repaired through credit repair: an import does not list it again, so the file's status ${file} was not taken (only a new designation can); the row's other fields were.`,
      messageZh: `条目 ${k.entryId} 已经信用修复，导入不能恢复其效力，未采用文件中的状态${fileZh}（须重新认定）；该行其他字段已导入。`,
    };
  }
  return {
    ...base,
    message: `Entry ${k.entryId} was revoked by its designator: an import does not list it again, so the file's status ${file} was not taken (only a new designation can); the row's other fields were.`,
    messageZh: `条目 ${k.entryId} 已由认定部门撤销，导入不能恢复其效力，未采用文件中的状态${fileZh}（须重新认定）；该行其他字段已导入。`,
  };
}
