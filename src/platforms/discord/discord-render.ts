import { type UpscaleStep, upscaleLabel } from '../../core/engine/upscale.js';
import type { JobError, JobRecord, TurnRecord } from '../../core/records.js';
import { encodeCustomId } from './discord-custom-ids.js';

/** Raw Discord message components (API shapes): buttons in action rows. */
export interface ButtonComponent {
  readonly type: 2;
  readonly style: 1 | 2 | 3 | 4;
  readonly label: string;
  readonly custom_id: string;
}
export interface ActionRow {
  readonly type: 1;
  readonly components: readonly ButtonComponent[];
}

const button = (label: string, customId: string, style: ButtonComponent['style'] = 2): ButtonComponent => ({
  type: 2,
  style,
  label,
  custom_id: customId,
});
const row = (...components: ButtonComponent[]): ActionRow => ({ type: 1, components });

/** Discord's 2000-character content limit, with room to spare. */
export function clip(text: string, limit = 1900): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** Keeps member text from pinging @everyone or breaking out of the quote. */
export function quote(text: string, limit = 900): string {
  return clip(text.replace(/@(everyone|here)/g, '@\u200b$1').replace(/`/g, 'ˋ'), limit);
}

export function statusContent(job: JobRecord, line: string): string {
  return clip(`<@${job.memberId}> **${quote(job.input.prompt, 300)}**\n${line}`);
}

export function queuedLine(position: number | undefined): string {
  return position && position > 1 ? `⏳ Queued — #${position} in line` : '⏳ Queued — starting soon';
}

export function startedLine(startedAt: number): string {
  return `🎨 Generating… started <t:${Math.floor(startedAt / 1000)}:R>`;
}

export function failedLine(error: JobError): string {
  return `⚠️ ${error.message}`;
}

export const cancelRow = (jobId: string) => row(button('Cancel', encodeCustomId({ action: 'cancel', jobId }), 4));
/** A webhook-only job (a user install): Cancel, and Show result for when its 15-minute token has run out. */
export const webhookStatusRow = (jobId: string) =>
  row(
    button('Cancel', encodeCustomId({ action: 'cancel', jobId }), 4),
    button('Show result', encodeCustomId({ action: 'redeliver', jobId }), 2),
  );
export const retryRow = (jobId: string) => row(button('Retry', encodeCustomId({ action: 'retry', jobId }), 1));

/** The finished turn: prompt, what reproduces it, notices. */
export function resultContent(turn: TurnRecord, job: JobRecord, replyHint: string | undefined): string {
  const parameters = turn.parameters;
  const facts = parameters
    ? [
        `\`${parameters.model}\``,
        sizeFact(parameters.size, parameters.imageSize, turn.outputImages[0]),
        parameters.quality ? `quality ${parameters.quality}` : undefined,
        ...turn.outputImages.map((image, index) =>
          image.seed !== undefined
            ? `seed ${image.seed}${turn.outputImages.length > 1 ? ` (#${index + 1})` : ''}`
            : undefined,
        ),
      ].filter(Boolean)
    : [];
  const lines = [
    `<@${job.memberId}> ${turn.action === 'imagine' ? '' : `*${turn.action}* `}**${quote(turn.instruction)}**`,
    facts.join(' · '),
    ...turn.notices.map((notice) => `-# ${quote(notice, 300)}`),
    ...(replyHint ? [`-# ${replyHint}`] : []),
  ];
  return clip(lines.filter((line) => line !== '').join('\n'));
}

/**
 * Buttons of a finished turn: per image Edit/Vary (when there are several), then Reroll, Edit, Variations, Delete.
 * Variations only where the model takes images back; Upscale only where the model has a larger size tier.
 */
export function resultRows(turn: TurnRecord, modelTakesImages: boolean, upscale?: UpscaleStep): ActionRow[] {
  const count = Math.min(turn.outputImages.length, 4);
  const upscaleButton = (index: number, numbered: boolean) =>
    upscale
      ? [
          button(
            upscaleLabel(upscale, numbered ? index : undefined),
            encodeCustomId({ action: 'upscale', turnId: turn.id, index }),
          ),
        ]
      : [];
  const rows: ActionRow[] = [];
  if (count > 1) {
    for (let index = 0; index < count; index++) {
      rows.push(
        row(
          button(`Edit #${index + 1}`, encodeCustomId({ action: 'edit', turnId: turn.id, index })),
          ...(modelTakesImages
            ? [button(`Vary #${index + 1}`, encodeCustomId({ action: 'vary', turnId: turn.id, index }))]
            : []),
          ...upscaleButton(index, true),
        ),
      );
    }
  }
  rows.push(
    row(
      button('Reroll', encodeCustomId({ action: 'reroll', turnId: turn.id }), 1),
      ...(count <= 1
        ? [
            button('Edit', encodeCustomId({ action: 'edit', turnId: turn.id, index: 0 })),
            ...(modelTakesImages
              ? [button('Variations', encodeCustomId({ action: 'vary', turnId: turn.id, index: 0 }))]
              : []),
            ...upscaleButton(0, false),
          ]
        : []),
      button('Delete', encodeCustomId({ action: 'delete', turnId: turn.id }), 4),
    ),
  );
  return rows;
}

/** A thread name from the prompt: Discord allows 1–100 characters. */
export function threadName(prompt: string): string {
  const name = prompt.replace(/\s+/g, ' ').trim() || 'image';
  return name.length <= 100 ? name : `${name.slice(0, 99)}…`;
}

/** The size that reproduces a result, with the real pixels when the wire size is a ratio (`16:9 (1344×768)`). */
function sizeFact(
  size: string | undefined,
  tier: string | undefined,
  first: { width?: number; height?: number } | undefined,
): string | undefined {
  const pixels = first?.width && first.height ? `${first.width}×${first.height}` : undefined;
  if (!size) return pixels;
  const wire = tier ? `${size} @ ${tier}` : size;
  return pixels && !/^\d+[x*]\d+$/.test(size) ? `${wire} (${pixels})` : wire;
}
