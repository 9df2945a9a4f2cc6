import type { Config } from '../config/config.js';

/** How the banner names a connected platform (Slack says how its events arrive). */
export function describePlatform(config: Config, name: string): string {
  if (name !== 'slack') return name;
  return `slack (${config.slackMode === 'socket' ? 'Socket Mode' : 'HTTP events on /slack/events'})`;
}

/** One line on stderr that says what to do when the port cannot be bound. */
export function listenFailure(config: { HOST: string; PORT: number }, error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE')
    return `PORT=${config.PORT} is already in use on ${config.HOST}; set PORT to a free port (or 0 for any).`;
  if (error.code === 'EACCES') return `PORT=${config.PORT} needs privileges on this system; use a port above 1023.`;
  if (error.code === 'EADDRNOTAVAIL') return `HOST=${config.HOST} is not an address of this machine; try 127.0.0.1.`;
  return `cannot listen on ${config.HOST}:${config.PORT}: ${error.message}`;
}

/** What `threadpaint start` prints once it is up: where, which image API, what is connected. */
export function banner(config: Config, url: string, connected: readonly string[]): string {
  const playground = config.PLAYGROUND_TOKEN ? `${url}/ (token: PLAYGROUND_TOKEN)` : `${url}/`;
  return [
    '',
    `  threadpaint is running — ${config.playgroundEnabled ? `playground: ${playground}  ` : ''}health: ${url}/healthz`,
    config.offline
      ? '  No IMAGE_API_KEY: images come from the offline renderer (labelled previews). Set it in .env for real models.'
      : `  Image API: ${config.IMAGE_API_URL} (default model ${config.DEFAULT_MODEL})`,
    connected.length > 0
      ? `  Connected: ${connected.join(', ')}.${config.playgroundEnabled ? '' : ' The playground is off (PLAYGROUND=true turns it on).'}`
      : config.playgroundEnabled
        ? '  No Discord or Slack credentials set: only the local playground is served.'
        : '  No Discord or Slack credentials set and PLAYGROUND=false: only /healthz is served.',
    '  Ctrl+C to stop.',
    '',
  ].join('\n');
}
