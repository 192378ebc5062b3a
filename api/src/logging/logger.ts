/**
 * The server's log lines. `text` (the default) writes the human lines it always wrote; `json`
 * (CREDCHECK_LOG=json) writes one JSON object per line, the server's own messages and one line per
 * request, for a log collector. Callers pass messages and counts only: never an API key, an
 * Authorization header, a request body or a query string (a person's ID number travels in them).
 */

export type LogLevel = 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';

/** What one request line says: the route as its template, never the raw path. */
export interface RequestLogFields {
  requestId: string | null;
  method: string;
  route: string;
  status: number;
  ms: number;
}

export interface Logger {
  readonly format: LogFormat;
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
  /** Whether request lines are written (json only: text stays as quiet as it always was). */
  readonly logsRequests: boolean;
  request(fields: RequestLogFields): void;
  /** `(msg, level?)`: the shape the runtime's parts log through. */
  readonly line: (msg: string, level?: LogLevel) => void;
}

/** Writes one finished line; error lines go to stderr by default, the rest to stdout. */
export type LogWriter = (line: string, level: LogLevel) => void;

export const stdWriter: LogWriter = (line, level) => {
  (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
};

export function createLogger(format: LogFormat, write: LogWriter = stdWriter): Logger {
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (format === 'json') {
      write(JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields }), level);
    } else {
      write(fields && Object.keys(fields).length > 0 ? `${msg} ${JSON.stringify(fields)}` : msg, level);
    }
  };
  // Requests within one millisecond share its timestamp text: formatting a Date costs more than
  // the rest of the line.
  let stampMs = -1;
  let stamp = '';
  return {
    format,
    log,
    logsRequests: format === 'json',
    request(f) {
      if (format !== 'json') return;
      const level: LogLevel = f.status >= 500 ? 'error' : 'info';
      const now = Date.now();
      if (now !== stampMs) {
        stampMs = now;
        stamp = new Date(now).toISOString();
      }
      // By hand, as JSON.stringify would write it: the one line written per request.
      const id = f.requestId === null ? 'null' : JSON.stringify(f.requestId);
      write(
        `{"level":"${level}","time":"${stamp}","requestId":${id},"method":${JSON.stringify(f.method)},"route":${JSON.stringify(f.route)},"status":${f.status},"ms":${Math.round(f.ms * 1000) / 1000}}`,
        level,
      );
    },
    line: (msg, level = 'info') => log(level, msg),
  };
}

/** For code that runs without a server (tests, tools): drops everything. */
export const silentLogger: Logger = createLogger('text', () => {});
