import { describe, expect, it } from 'vitest';
import { mayCarryToken, slackFileHosts } from '../../../src/platforms/slack/slack-file-hosts.js';
import { isFileStub } from '../../../src/platforms/slack/slack-file-stubs.js';
import { quoteMrkdwn, truncateMrkdwn } from '../../../src/platforms/slack/slack-text.js';

describe('Slack text for Block Kit', () => {
  it('cuts mrkdwn without leaving half an entity or half a <…> token', () => {
    expect(truncateMrkdwn('fish &amp; chips', 9)).toBe('fish …');
    expect(truncateMrkdwn('hello <@U123|ada> there', 12)).toBe('hello …');
    expect(truncateMrkdwn('short', 10)).toBe('short');
    expect(truncateMrkdwn('x'.repeat(3500), 3000)).toHaveLength(3000);
  });

  it('quotes every line after escaping, with runs of blank lines collapsed', () => {
    expect(quoteMrkdwn('a <b>\r\n\r\n  \nc & d')).toBe('>a &lt;b&gt;\n>c &amp; d');
  });
});

describe('Slack files', () => {
  it('sends the bot token to Slack’s file hosts, GovSlack’s included, and to the configured API origin only', () => {
    const api = new URL('http://127.0.0.1:4000/api/');
    const carries = (url: string) => mayCarryToken(new URL(url), slackFileHosts, api);
    expect(carries('https://files.slack.com/files-pri/T1-F1/a.png')).toBe(true);
    expect(carries('https://files.slack-gov.com/files-pri/T1-F1/a.png')).toBe(true);
    expect(carries('http://files.slack-gov.com/files-pri/T1-F1/a.png')).toBe(false);
    expect(carries('https://slack-gov.com.example.org/a.png')).toBe(false);
    expect(carries('http://127.0.0.1:4000/files-pri/T1-F1/a.png')).toBe(true);
    expect(carries('http://127.0.0.1:4001/files-pri/T1-F1/a.png')).toBe(false);
  });

  it('knows a file stub from a file: no URLs, a Slack Connect check_file_info, or hidden by the plan', () => {
    expect(isFileStub({ id: 'F1', file_access: 'check_file_info' })).toBe(true);
    expect(isFileStub({ id: 'F1', mode: 'hidden_by_limit', url_private: 'https://files.slack.com/x' })).toBe(true);
    expect(isFileStub({ id: 'F1' })).toBe(true);
    expect(isFileStub({ id: 'F1', mode: 'hosted', url_private: 'https://files.slack.com/x' })).toBe(false);
  });
});
