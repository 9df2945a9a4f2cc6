/**
 * Label values of one label, bounded: the first `max` distinct values pass, any later one becomes `other`. A
 * metric's label set never grows with the traffic (no member, channel or prompt ever reaches a label, and a label
 * fed by names the code makes itself, such as API routes, still cannot grow without end).
 */
export function boundedLabel(max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max) return 'other';
    seen.add(value);
    return value;
  };
}

/** A value from a closed set, or `other`. */
export function closedLabel(allowed: Iterable<string>): (value: string) => string {
  const set = new Set(allowed);
  return (value) => (set.has(value) ? value : 'other');
}
