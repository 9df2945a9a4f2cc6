import { hostMatches } from '../../download/download-guard.js';

/**
 * Where Slack serves `url_private` from: its own file hosts (commercial Slack and GovSlack's `slack-gov.com`) and
 * the CDNs behind them. `*.example.com` matches subdomains only.
 */
export const slackFileHosts = [
  'files.slack.com',
  '*.slack.com',
  '*.slack-edge.com',
  'slack-files.com',
  '*.slack-files.com',
  'files.slack-gov.com',
  '*.slack-gov.com',
] as const;

/**
 * Whether the bot token may be sent to `url`: one of `hosts` over https, or the exact origin of `SLACK_API_URL` (a
 * proxy, or a test's loopback fake). Anything else is someone else's server.
 */
export function mayCarryToken(url: URL, hosts: readonly string[], apiOrigin: URL): boolean {
  if (url.origin === apiOrigin.origin) return true;
  return url.protocol === 'https:' && hosts.some((pattern) => hostMatches(url.hostname.toLowerCase(), pattern));
}
