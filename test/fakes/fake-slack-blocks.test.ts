import { describe, expect, it } from 'vitest';
import { checkBlocks, checkView } from './fake-slack-blocks.js';

const section = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'section',
  text: { type: 'mrkdwn', text },
  ...extra,
});

describe('fake Slack: Block Kit limits', () => {
  it('refuses a section over 3,000 characters, fields beyond 10 or 2,000 characters, and a block_id used twice', () => {
    expect(checkBlocks([section('x'.repeat(3000))]).problems).toEqual([]);
    expect(checkBlocks([section('x'.repeat(3001))]).problems).toEqual([
      'blocks[0].text: text is 3001 characters, more than 3000',
    ]);
    const field = { type: 'mrkdwn', text: 'f' };
    expect(checkBlocks([{ type: 'section', fields: Array(11).fill(field) }]).problems).toEqual([
      'blocks[0].fields: fields must hold 1-10 text objects',
    ]);
    expect(checkBlocks([{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }]).problems).toEqual([
      'blocks[0].fields[0]: text is 2001 characters, more than 2000',
    ]);
    expect(checkBlocks([section('a', { block_id: 'one' }), section('b', { block_id: 'one' })]).problems).toEqual([
      'block_id one is used twice',
    ]);
  });

  it('refuses a button url over 3,000 characters and a modal input placeholder over 150', () => {
    const button = { type: 'button', text: { type: 'plain_text', text: 'Go' }, action_id: 'go', url: 'x'.repeat(3001) };
    expect(checkBlocks([{ type: 'actions', elements: [button] }]).problems).toEqual([
      'blocks[0].elements[0]: url must be a string of at most 3000 characters',
    ]);
    const view = {
      type: 'modal',
      title: { type: 'plain_text', text: 'Edit' },
      blocks: [
        {
          type: 'input',
          label: { type: 'plain_text', text: 'What?' },
          element: {
            type: 'plain_text_input',
            action_id: 'what',
            placeholder: { type: 'plain_text', text: 'p'.repeat(151) },
          },
        },
      ],
    };
    expect(checkView(view).problems).toEqual([
      'view.blocks[0].element.placeholder: text is 151 characters, more than 150',
    ]);
  });
});
