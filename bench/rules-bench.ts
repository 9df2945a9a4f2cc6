import { performance } from 'node:perf_hooks';
import { channelRuleBounds, containsBlockedTerm } from '../src/core/engine/channel-rules.js';
import { percentile } from './bench-stats.js';

/*
 * The channel rules run on every request (commands, replies, buttons): how long the blocked-term check takes at its
 * bounds — 200 terms of up to 100 characters against a prompt of 8,000 (the longest a Gemini prompt may be) — and on a
 * typical request (20 short terms, a 200-character prompt). Prints the time per check; nothing here is a pass/fail.
 */

const words = ['lighthouse', 'dusk', 'crème', 'brûlée', 'harbour', 'storm', 'window', 'café', 'forest', 'glass'];

function prompt(chars: number, seed: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let index = 0; length < chars; index++) {
    const word = words[(index * 7 + seed) % words.length] as string;
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(' ').slice(0, chars);
}

function terms(count: number, chars: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    `Térm${index} ${'x'.repeat(Math.max(0, chars - 8))}`.slice(0, chars),
  );
}

function measure(label: string, blocked: readonly string[], promptChars: number, rounds: number): void {
  const prompts = Array.from({ length: 50 }, (_, index) => prompt(promptChars, index));
  for (const text of prompts) containsBlockedTerm(text, blocked); // warm up
  const times: number[] = [];
  let matched = 0;
  for (let round = 0; round < rounds; round++) {
    const text = prompts[round % prompts.length] as string;
    const start = performance.now();
    if (containsBlockedTerm(text, blocked)) matched++;
    times.push((performance.now() - start) * 1000);
  }
  times.sort((a, b) => a - b);
  const total = times.reduce((sum, time) => sum + time, 0);
  console.log(
    `${label.padEnd(44)} p50 ${percentile(times, 50).toFixed(1).padStart(7)} µs  p99 ${percentile(times, 99)
      .toFixed(1)
      .padStart(7)} µs  ${Math.round((rounds / total) * 1e6).toLocaleString('en')} checks/s  (${matched} matched)`,
  );
}

measure('typical: 20 terms, 200-character prompt', terms(20, 12), 200, 20_000);
measure(
  `at the bounds: ${channelRuleBounds.maxTerms} terms of ${channelRuleBounds.maxTermChars}, 8,000 characters`,
  terms(channelRuleBounds.maxTerms, channelRuleBounds.maxTermChars),
  8_000,
  2_000,
);
