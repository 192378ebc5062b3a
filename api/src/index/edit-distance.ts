/**
 * True when a and b differ by exactly one edit: a substitution, an insertion, a deletion or a swap
 * of two adjacent characters (optimal string alignment distance 1). Linear time, no allocation.
 */
export function oneEditApart(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1 || a === b) return false;
  let start = 0;
  const min = Math.min(la, lb);
  while (start < min && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = la;
  let endB = lb;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  const restA = endA - start;
  const restB = endB - start;
  // What is left after stripping the common prefix and suffix is the edit itself.
  if (restA + restB <= 2 && restA <= 1 && restB <= 1) return true;
  return (
    restA === 2 &&
    restB === 2 &&
    a.charCodeAt(start) === b.charCodeAt(start + 1) &&
    a.charCodeAt(start + 1) === b.charCodeAt(start)
  );
}
