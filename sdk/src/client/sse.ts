/** A minimal server-sent-events reader (fetch streams work where EventSource cannot send headers). */
export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

export async function* parseSse(stream: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  let id: string | null = null;
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline = buffer.search(/\r\n|\r|\n/);
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) yield { event, data: data.join('\n'), id };
          event = 'message';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const raw = colon < 0 ? '' : line.slice(colon + 1);
          const val = raw.startsWith(' ') ? raw.slice(1) : raw;
          if (field === 'event') event = val;
          else if (field === 'data') data.push(val);
          else if (field === 'id') id = val;
        }
        newline = buffer.search(/\r\n|\r|\n/);
      }
      if (done) {
        finished = true;
        return;
      }
    }
  } finally {
    // A consumer that stops early (break) must close the connection, not leave it streaming.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
