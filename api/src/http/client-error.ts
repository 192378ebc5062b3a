import { type Server as HttpServer, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { problemBody } from './problem.ts';

/**
 * Requests Node's HTTP parser refuses before the app sees them (broken chunk sizes, two lengths,
 * NUL or raw bytes in the target, headers over the size limit) get an RFC 9457 problem like every
 * other refusal, instead of Node's bare "400 Bad Request" without a body.
 */
export function answerClientErrors(server: HttpServer): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Nothing to answer on a connection the client reset, or whose answer has begun (as Node's
    // own handler decides: a body that breaks after its head was read is still answered).
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify(
      tooLarge
        ? problemBody('payload-too-large', {
            detail: 'The request headers exceed the size limit.',
            detailZh: '请求头超过大小上限。',
          })
        : problemBody('malformed-body', {
            detail: `The request is not well-formed HTTP (${err.code ?? 'parse error'}).`,
            detailZh: `请求不是格式正确的 HTTP 请求（${err.code ?? '解析错误'}）。`,
          }),
    );
    const status = tooLarge ? 413 : 400;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'content-type: application/problem+json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `connection: close\r\n\r\n${body}`,
    );
  });
}
