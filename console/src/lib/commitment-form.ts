/** Turns the commitment and breach forms' free text into the API's lists. */

/** One item a line; blank lines dropped. */
export function parseLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Evidence a line, as "title" or "title | reference" (a full-width ｜ works too). */
export function parseEvidence(text: string): { title: string; reference?: string }[] {
  return parseLines(text).map((line) => {
    const at = line.search(/[|｜]/);
    if (at < 0) return { title: line };
    const title = line.slice(0, at).trim();
    const reference = line.slice(at + 1).trim();
    return reference ? { title: title || reference, reference } : { title: title || line };
  });
}
