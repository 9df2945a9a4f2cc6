/** Approximate advance of one character of DejaVu Sans / a typical sans-serif, in ems. */
const averageCharWidth = 0.56;

/** Text that is safe inside an SVG element or attribute: XML-escaped, without characters XML forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** How many characters of `fontSize` fit in `width` pixels, by the average glyph width. */
export function charsPerLine(width: number, fontSize: number): number {
  return Math.max(4, Math.floor(width / (fontSize * averageCharWidth)));
}

/**
 * Word-wraps `text` into at most `maxLines` lines of at most `maxChars` characters; words longer than a line are
 * cut, and text beyond the last line ends in an ellipsis.
 */
export function wrapText(text: string, maxChars: number, maxLines: number): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const pieces = Array.from({ length: Math.ceil(word.length / maxChars) }, (_, index) =>
      word.slice(index * maxChars, (index + 1) * maxChars),
    );
    for (const piece of pieces) {
      if (line && line.length + 1 + piece.length <= maxChars) {
        line = `${line} ${piece}`;
      } else {
        if (line) lines.push(line);
        line = piece;
      }
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1] ?? '';
  kept[maxLines - 1] = `${last.slice(0, Math.max(0, maxChars - 1)).trimEnd()}…`;
  return kept;
}

/** Lines as one SVG `<text>`, centred on `x` (or left-aligned), the first baseline at `y`. */
export function svgTextBlock(
  lines: readonly string[],
  layout: {
    x: number;
    y: number;
    fontSize: number;
    lineHeight: number;
    anchor: 'start' | 'middle';
    attributes: string;
  },
): string {
  const spans = lines
    .map(
      (line, index) => `<tspan x="${layout.x}" dy="${index === 0 ? 0 : layout.lineHeight}">${escapeXml(line)}</tspan>`,
    )
    .join('');
  return `<text x="${layout.x}" y="${layout.y}" font-size="${layout.fontSize}" text-anchor="${layout.anchor}" ${layout.attributes}>${spans}</text>`;
}
