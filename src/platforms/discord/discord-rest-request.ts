import { STATUS_CODES } from 'node:http';
import { REST, type RESTOptions, type ResponseLike } from 'discord.js';
import { Agent, type Dispatcher, request } from 'undici';

type MakeRequest = RESTOptions['makeRequest'];

/**
 * discord.js's REST client (@discordjs/rest) sends through its own undici 6 with the process's *global* dispatcher,
 * which is whichever undici loaded first. In threadpaint that is the project's undici 7 (the image client loads it
 * before discord.js), and undici 7 cannot serialize the FormData that @discordjs/rest hands it: every upload fails
 * with "action is not a function" while JSON calls work. So Discord's REST calls go through a dispatcher of our
 * own, and a multipart body is encoded to bytes before it is sent — whatever loaded first.
 *
 * @see https://github.com/discordjs/discord.js/blob/main/packages/rest/src/strategies/undiciRequest.ts
 */
export function createDiscordRequest(dispatcher: Dispatcher): MakeRequest {
  return async (url, init) => {
    const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
    let body: string | Uint8Array | null = null;
    if (init.body instanceof FormData) {
      // The platform's own Response encodes the platform's FormData: boundary and parts exactly as fetch would.
      const encoded = new Response(init.body);
      headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
      body = new Uint8Array(await encoded.arrayBuffer());
    } else if (typeof init.body === 'string' || init.body instanceof Uint8Array) {
      body = init.body;
    } else if (init.body != null) {
      throw new TypeError('discord: unexpected REST request body');
    }
    const response = await request(url, {
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: Object.fromEntries(headers),
      body,
      signal: init.signal ?? undefined,
      dispatcher,
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
      else if (value !== undefined) responseHeaders.set(name, value);
    }
    const like: ResponseLike = {
      body: response.body,
      arrayBuffer: () => response.body.arrayBuffer(),
      json: () => response.body.json(),
      text: () => response.body.text(),
      get bodyUsed() {
        return response.body.bodyUsed;
      },
      headers: responseHeaders,
      status: response.statusCode,
      statusText: STATUS_CODES[response.statusCode] ?? '',
      ok: response.statusCode >= 200 && response.statusCode < 300,
    };
    return like;
  };
}

/** How the adapter reaches Discord's REST API: one dispatcher of its own, shared by both clients. */
export interface DiscordRestTransport {
  /** For the discord.js client: `new Client({ rest: { api, makeRequest } })`. */
  readonly makeRequest: MakeRequest;
  /**
   * For interaction-token webhook calls (the deferred reply's edits). Discord does not count them against the bot's
   * global limit of 50 requests a second, but discord.js would, and the bot-token calls (threads, thread replies)
   * would wait behind them. This client keeps per-route limits and 429 retries and paces itself with a budget of its
   * own: unpaced, a burst of status edits crowds out the deferrals that must land within 3 s.
   */
  readonly interaction: REST;
  close(): Promise<void>;
}

/** The interaction client's own pace (bench:discord: 200 /imagine in a second, deferral p99 stays under 30 ms). */
const interactionRequestsPerSecond = 50;

export function createDiscordRestTransport(apiUrl: string): DiscordRestTransport {
  const agent = new Agent();
  const makeRequest = createDiscordRequest(agent);
  const interaction = new REST({ api: apiUrl, makeRequest, globalRequestsPerSecond: interactionRequestsPerSecond });
  return {
    makeRequest,
    interaction,
    async close() {
      interaction.clearHashSweeper();
      interaction.clearHandlerSweeper();
      await agent.close();
    },
  };
}
