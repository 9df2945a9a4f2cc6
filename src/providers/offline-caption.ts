import { charsPerLine, escapeXml, svgTextBlock, wrapText } from './offline-text.js';

/** Shown on every offline image: nobody may mistake a preview for a generated image. */
export const offlineLabel = 'OFFLINE PREVIEW — no image API key set';

const fontFamily = 'font-family="DejaVu Sans, Verdana, sans-serif"';

/** The full-width rule along the top of the caption band: how an edit finds an earlier preview's band to drop. */
export const captionRuleColour = { red: 0xff, green: 0xc5, blue: 0x3d } as const;
const ruleHex = '#ffc53d';

/**
 * The dark band along the bottom of an offline image: optional text (an edit's instruction), then `details`
 * (model, size, seed) and the offline label; the details sit right of the label when there is room.
 */
export function captionBandSvg(options: { width: number; height: number; text?: string; details: string }): string {
  const { width, height, details } = options;
  const labelSize = Math.round(Math.min(40, Math.max(11, Math.min(width, height) * 0.03)));
  const textSize = Math.round(labelSize * 1.3);
  const detailsSize = Math.round(labelSize * 0.85);
  const padding = Math.round(labelSize * 0.8);
  const textLines = options.text ? wrapText(options.text, charsPerLine(width - 2 * padding, textSize), 2) : [];
  const textLineHeight = Math.round(textSize * 1.25);
  // Glyph widths are estimated (no font metrics here): the details go beside the label only with room to spare.
  const besideLabel =
    offlineLabel.length * labelSize * 0.62 + details.length * detailsSize * 0.6 + 3 * padding <= width;
  const detailsLines = besideLabel ? [] : wrapText(details, charsPerLine(width - 2 * padding, detailsSize), 1);
  const detailsLineHeight = Math.round(detailsSize * 1.4);
  const bandHeight =
    padding * 2 +
    textLines.length * textLineHeight +
    detailsLines.length * detailsLineHeight +
    Math.round(labelSize * 1.2);
  const top = height - bandHeight;
  const labelBaseline = height - padding - Math.round(labelSize * 0.25);
  const detailsAttributes = `${fontFamily} fill="#c9cdd6"`;
  const parts = [
    `<rect x="0" y="${top}" width="${width}" height="${bandHeight}" fill="#0b0d12" fill-opacity="0.9"/>`,
    `<rect x="0" y="${top}" width="${width}" height="${Math.max(2, Math.round(labelSize / 6))}" fill="${ruleHex}"/>`,
  ];
  if (textLines.length > 0) {
    parts.push(
      svgTextBlock(textLines, {
        x: padding,
        y: top + padding + textSize,
        fontSize: textSize,
        lineHeight: textLineHeight,
        anchor: 'start',
        attributes: `${fontFamily} fill="#ffffff"`,
      }),
    );
  }
  if (detailsLines.length > 0) {
    parts.push(
      svgTextBlock(detailsLines, {
        x: padding,
        y: top + padding + textLines.length * textLineHeight + detailsSize,
        fontSize: detailsSize,
        lineHeight: detailsLineHeight,
        anchor: 'start',
        attributes: detailsAttributes,
      }),
    );
  }
  parts.push(
    `<text x="${padding}" y="${labelBaseline}" font-size="${labelSize}" font-weight="bold" ${fontFamily} fill="${ruleHex}">${escapeXml(offlineLabel)}</text>`,
  );
  if (besideLabel) {
    parts.push(
      `<text x="${width - padding}" y="${labelBaseline}" font-size="${detailsSize}" text-anchor="end" ${detailsAttributes}>${escapeXml(details)}</text>`,
    );
  }
  return parts.join('');
}

/** The prompt in a translucent panel in the middle of a text-to-image preview. */
export function promptPanelSvg(options: { width: number; height: number; prompt: string }): string {
  const { width, height } = options;
  const fontSize = Math.round(Math.min(64, Math.max(14, Math.min(width, height) / 18)));
  const lineHeight = Math.round(fontSize * 1.3);
  const panelWidth = Math.round(width * 0.8);
  const padding = Math.round(fontSize * 0.8);
  const lines = wrapText(options.prompt, charsPerLine(panelWidth - 2 * padding, fontSize), 5);
  if (lines.length === 0) return '';
  const panelHeight = lines.length * lineHeight + 2 * padding - Math.round(lineHeight - fontSize);
  const left = Math.round((width - panelWidth) / 2);
  const top = Math.round(height * 0.4 - panelHeight / 2);
  return [
    `<rect x="${left}" y="${top}" width="${panelWidth}" height="${panelHeight}" rx="${padding}" fill="#000000" fill-opacity="0.38"/>`,
    svgTextBlock(lines, {
      x: Math.round(width / 2),
      y: top + padding + Math.round(fontSize * 0.85),
      fontSize,
      lineHeight,
      anchor: 'middle',
      attributes: `${fontFamily} fill="#ffffff" font-weight="bold"`,
    }),
  ].join('');
}
