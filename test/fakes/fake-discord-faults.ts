import type { FakeFailure, FakeRateLimit, FakeRequestMatcher } from './fake-discord-inputs.js';

interface QueuedFault {
  readonly rule: FakeRequestMatcher;
  readonly answer: () => { status: number; body: unknown; headers: Record<string, string> };
  remaining: number;
}

/** Scripted answers that take the place of the next matching requests, in the order they were queued. */
export function createFaults() {
  const queue: QueuedFault[] = [];

  const matches = (rule: FakeRequestMatcher, method: string, path: string) =>
    (rule.method === undefined || rule.method.toUpperCase() === method) &&
    (typeof rule.path === 'string' ? rule.path === path : rule.path.test(path));

  return {
    rateLimit(rule: FakeRateLimit): void {
      const retryAfter = rule.retryAfter ?? 0.5;
      const global = rule.global ?? false;
      const headers: Record<string, string> = {
        'retry-after': String(retryAfter),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Date.now() / 1000 + retryAfter),
        'x-ratelimit-reset-after': String(retryAfter),
        'x-ratelimit-bucket': 'fake-bucket',
        'x-ratelimit-scope': global ? 'global' : 'user',
        ...(global && { 'x-ratelimit-global': 'true' }),
      };
      const body = { message: 'You are being rate limited.', retry_after: retryAfter, global };
      queue.push({ rule, remaining: rule.times ?? 1, answer: () => ({ status: 429, body, headers }) });
    },

    fail(rule: FakeFailure): void {
      const body = rule.body ?? { code: 0, message: 'fake failure' };
      queue.push({ rule, remaining: rule.times ?? 1, answer: () => ({ status: rule.status, body, headers: {} }) });
    },

    take(method: string, path: string): { status: number; body: unknown; headers: Record<string, string> } | undefined {
      const fault = queue.find((candidate) => matches(candidate.rule, method, path));
      if (!fault) return undefined;
      fault.remaining -= 1;
      if (fault.remaining <= 0) queue.splice(queue.indexOf(fault), 1);
      return fault.answer();
    },
  };
}
