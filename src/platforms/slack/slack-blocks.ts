import type { types } from '@slack/bolt';
import { type UpscaleStep, unitsText, upscaleLabel, upscaleStep } from '../../core/engine/upscale.js';
import type { ModelCatalogue } from '../../core/models/model-catalogue.js';
import type { JobRecord, TurnRecord } from '../../core/records.js';
import { type ActionKind, actionId } from './slack-ids.js';
import {
  describeRequestedInput,
  describeTurnParameters,
  escapeMrkdwn,
  quoteMrkdwn,
  truncateMrkdwn,
} from './slack-text.js';

type Block = types.KnownBlock;

/** Where a job stands, as its status message shows it. */
export type StatusState =
  | { readonly kind: 'queued'; readonly position: number }
  | { readonly kind: 'running' }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly message: string; readonly retryable: boolean }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'delivery_failed'; readonly message: string };

export interface SlackMessage {
  readonly text: string;
  readonly blocks: Block[];
}

const verbs: Record<JobRecord['action'], string> = {
  imagine: 'asked for',
  edit: 'asked for an edit',
  reroll: 'asked for a reroll',
  variations: 'asked for variations',
  upscale: 'asked for a larger size',
  retry: 'asked again',
};

function stateLine(state: StatusState, count: number): string {
  switch (state.kind) {
    case 'queued':
      return state.position > 0 ? `:hourglass_flowing_sand: Queued (position ${state.position})` : ':art: Generating…';
    case 'running':
      return ':art: Generating…';
    case 'done':
      return `:white_check_mark: Done: ${count === 1 ? 'the image is' : `${count} images are`} in the thread`;
    case 'failed':
      return `:x: ${escapeMrkdwn(state.message)}`;
    case 'cancelled':
      return ':no_entry_sign: Cancelled';
    case 'interrupted':
      return ':warning: Interrupted by a restart before it finished; press Retry to run it again.';
    case 'delivery_failed':
      return `:warning: The image was made but could not be posted: ${escapeMrkdwn(state.message)}`;
  }
}

const button = (
  text: string,
  kind: ActionKind,
  value: string,
  extra: Partial<types.Button> = {},
  index?: number,
): types.Button => ({
  type: 'button',
  text: { type: 'plain_text', text },
  action_id: actionId(kind, index),
  value,
  ...extra,
});

function stateButtons(job: JobRecord, state: StatusState): types.Button[] {
  if (state.kind === 'queued' || state.kind === 'running')
    return [button('Cancel', 'cancel', job.id, { style: 'danger' })];
  if (state.kind === 'interrupted' || (state.kind === 'failed' && state.retryable))
    return [button('Retry', 'retry', job.id)];
  if (state.kind === 'delivery_failed') return [button('Post again', 'redeliver', job.id)];
  return [];
}

/**
 * The status of a job: for `/imagine`, the root message of the conversation (who asked, the prompt, the model and
 * parameters); for everything else, a compact message in the thread. Cancel while queued or running.
 */
export function statusMessage(input: {
  job: JobRecord;
  turn?: TurnRecord;
  state: StatusState;
  defaultModel: string;
  notices?: readonly string[];
  /** On the root message once done: the first turn's actions too, where the channel sees them. */
  turnActions?: { readonly canVary: boolean; readonly upscale?: UpscaleStep };
}): SlackMessage {
  const { job, turn, state } = input;
  const parameters = turn?.parameters
    ? describeTurnParameters(turn.parameters)
    : describeRequestedInput(job.input, input.defaultModel);
  const prompt = turn?.instruction || job.input.prompt || '(no text)';
  const line = stateLine(state, turn?.outputImages.length ?? 1);
  const notices = [...(input.notices ?? []), ...(state.kind === 'done' ? (turn?.notices ?? []) : [])];
  // Quoted first, then the whole section cut: quoting adds a `>` per line, and a section takes 3000 characters.
  const section = `<@${job.memberId}> ${verbs[job.action]}:\n${quoteMrkdwn(prompt)}`;
  const blocks: Block[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(section, 3000) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: truncateMrkdwn(escapeMrkdwn(parameters), 2000) }] },
    { type: 'context', elements: [{ type: 'mrkdwn', text: truncateMrkdwn(line, 2000) }] },
  ];
  if (notices.length > 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: truncateMrkdwn(notices.map(escapeMrkdwn).join('\n'), 2000) }],
    });
  }
  const buttons = [
    ...stateButtons(job, state),
    ...(state.kind === 'done' && turn && input.turnActions
      ? turnButtons(turn, input.turnActions.canVary, input.turnActions.upscale)
      : []),
  ];
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'status', elements: buttons });
  // `text` is what notifications show, and Slack parses it as mrkdwn too: the member's words stay escaped.
  return { text: truncateMrkdwn(`${escapeMrkdwn(job.input.prompt) || 'threadpaint'}: ${line}`, 3000), blocks };
}

const deleteConfirm: types.ConfirmationDialog = {
  title: { type: 'plain_text', text: 'Delete this turn?' },
  text: { type: 'mrkdwn', text: 'Its images and messages are removed from the thread and from threadpaint.' },
  confirm: { type: 'plain_text', text: 'Delete' },
  deny: { type: 'plain_text', text: 'Keep' },
};

/**
 * A turn's actions: Reroll, Variations (per image, where the model takes images back), Upscale (per image, where the
 * model has a larger size; one that needs the member's confirmation carries Slack's dialog with the cost), Edit,
 * Delete.
 */
export function turnButtons(turn: TurnRecord, canVary: boolean, upscale?: UpscaleStep): types.Button[] {
  const count = turn.outputImages.length;
  const variations = canVary
    ? turn.outputImages
        .slice(0, 4)
        .map((_, index) =>
          button(count > 1 ? `Variations ${index + 1}` : 'Variations', 'variations', turn.id, {}, index),
        )
    : [];
  const upscales = upscale
    ? turn.outputImages
        .slice(0, 4)
        .map((_, index) =>
          upscale.needsConfirmation
            ? button(
                upscaleLabel(upscale, count > 1 ? index : undefined),
                'upscaleok',
                turn.id,
                { confirm: upscaleConfirm(upscale) },
                index,
              )
            : button(upscaleLabel(upscale, count > 1 ? index : undefined), 'upscale', turn.id, {}, index),
        )
    : [];
  return [
    button('Reroll', 'reroll', turn.id),
    ...variations,
    ...upscales,
    button('Edit', 'edit', turn.id),
    button('Delete', 'delete', turn.id, { style: 'danger', confirm: deleteConfirm }),
  ];
}

/** Slack's own confirmation step, with what one image costs at the larger size. */
function upscaleConfirm(step: UpscaleStep): types.ConfirmationDialog {
  return {
    title: { type: 'plain_text', text: `Upscale to ${step.tier}?` },
    text: { type: 'mrkdwn', text: `One image at ${step.tier} costs ${unitsText(step.unitsPerImage)}.` },
    confirm: { type: 'plain_text', text: 'Upscale' },
    deny: { type: 'plain_text', text: 'Not now' },
  };
}

/** Where a finished turn can go up a size (undefined: no Upscale button). */
export function upscaleFor(catalogue: ModelCatalogue, turn: TurnRecord): UpscaleStep | undefined {
  return turn.parameters ? upscaleStep(catalogue, turn.parameters) : undefined;
}

/** Whether a turn's model can take its image back (Variations), itself or through its edit sibling. */
export function canVary(catalogue: ModelCatalogue, turn: TurnRecord): boolean {
  const model = turn.parameters ? catalogue.find(turn.parameters.model) : undefined;
  return model !== undefined && (model.maxInputImages > 0 || model.editSibling !== undefined);
}

/** The compact message under a turn's images, with that turn's actions. */
export function turnMessage(input: {
  job: JobRecord;
  turn: TurnRecord;
  turnNumber: number;
  canVary: boolean;
  upscale?: UpscaleStep;
}): SlackMessage {
  const { turn } = input;
  const parameters = turn.parameters ? describeTurnParameters(turn.parameters) : '';
  const seeds = turn.outputImages.map((image) => image.seed).filter((seed) => seed !== undefined);
  const summary = [
    `*Turn ${input.turnNumber}* · <@${turn.authorId}>: _${truncateMrkdwn(escapeMrkdwn(turn.instruction || input.job.action), 300)}_`,
    escapeMrkdwn(parameters),
    seeds.length > 1 ? `seeds ${seeds.join(', ')}` : '',
  ].filter(Boolean);
  return {
    text: truncateMrkdwn(`Turn ${input.turnNumber}: ${escapeMrkdwn(turn.instruction)}`, 3000),
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: truncateMrkdwn(summary.join(' · '), 2900) }] },
      {
        type: 'actions',
        block_id: 'turn',
        elements: turnButtons(turn, input.canVary, input.upscale),
      },
    ],
  };
}

/** Posted in the thread when a restart interrupted a job: the member can run it again. */
export function interruptedMessage(job: JobRecord): SlackMessage {
  const text = `<@${job.memberId}>, a restart interrupted your request before it finished, so nothing was posted. Press Retry to run it again.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'actions', block_id: 'interrupted', elements: [button('Retry', 'retry', job.id, { style: 'primary' })] },
    ],
  };
}

/** Shown in place of a deleted turn's status. */
export function deletedMessage(memberId: string): SlackMessage {
  const text = `:wastebasket: Deleted by <@${memberId}>.`;
  return { text, blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }] };
}
