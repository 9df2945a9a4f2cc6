import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/config-schema.js';

/** What a newcomer reads first must be true on a fresh clone: checked here, since nobody re-reads it by hand. */
const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const readme = read('README.md');
const section = (heading: string) => {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`README has no section ${heading}`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
};
const variables = Object.keys(configSchema.shape);

describe('README', () => {
  it('lists every variable the configuration reads, in the configuration table', () => {
    const rows = section('Configuration')
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    const listed = new Set(
      rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1])),
    );
    expect(variables.filter((name) => !listed.has(name))).toEqual([]);
    expect([...listed].filter((name) => name !== 'ENV_FILE' && !variables.includes(name as string))).toEqual([]);
    expect(section('Configuration')).not.toMatch(/later\b/);
  });

  it('says why the quickstart installs twice, and which build toolchain an install may need', () => {
    const quickstart = section('Quickstart');
    expect(quickstart).toContain('npm ci && npm test');
    expect(quickstart).toMatch(/`npm ci`[^.]*`package-lock\.json`/);
    expect(quickstart).toMatch(/Python 3, `make` and\s+a C\+\+ compiler/);
    expect(quickstart).toContain('build-essential');
  });

  it('gives commands that work in a clone: npx threadpaint, never a bare threadpaint', () => {
    expect(readme.match(/`threadpaint (models|doctor|imagine|edit|slack-manifest|start)\b/g) ?? []).toEqual([]);
    expect(readme).toContain('`npx threadpaint models`');
  });

  it('cites only files a clone has', () => {
    for (const file of ['README.md', 'docs/architecture.md', '.env.example', 'docs/image-api.md']) {
      const text = read(file);
      expect(text, file).not.toMatch(/\.\.\/shared|design\.md|platforms\.md|style\.md/);
      // Documents, and paths into the code: generated files (`slack/manifest.json`) are not cited as sources.
      for (const [cited] of text.matchAll(/[\w./-]+\.md\b|(?<![\w/])(?:src|test|commands|docs)\/[\w./-]+\.\w+/g)) {
        const candidates = [cited, `docs/${cited}`];
        expect(
          candidates.some((candidate) => existsSync(path.join(root, candidate))),
          `${file} cites ${cited}`,
        ).toBe(true);
      }
    }
  });
});

describe('README operations', () => {
  const operations = section('Operations');
  /** The names the metrics endpoint exports (issue 13): the alert rules may use no other. */
  const metricNames = [
    'threadpaint_jobs_total',
    'threadpaint_queue_depth',
    'threadpaint_upstream_errors_total',
    'threadpaint_upstream_requests_total',
    'threadpaint_platform_ack_seconds_bucket',
  ];

  it('gives three Prometheus alert rules that parse, on the metric names the endpoint exports', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(operations)?.[1];
    const rules = (parse(block ?? '') as { groups: { rules: { alert: string; expr: string; for: string }[] }[] })
      .groups[0]?.rules;
    expect(rules?.map((rule) => rule.alert)).toEqual([
      'ThreadpaintNoDeliveries',
      'ThreadpaintUpstreamErrors',
      'ThreadpaintSlowAcknowledgements',
    ]);
    const used = new Set(rules?.flatMap((rule) => rule.expr.match(/threadpaint_\w+/g) ?? []));
    expect([...used].filter((name) => !metricNames.includes(name))).toEqual([]);
    expect([...used].sort()).toEqual([...metricNames].sort());
  });

  it('says whether /metrics is served as the code does', () => {
    const sources = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => read(path.join('src', file)));
    const served = sources.some((source) => source.includes("'/metrics'"));
    expect(operations.includes('`/metrics` endpoint is not served by this version'), 'README says not served').toBe(
      !served,
    );
  });

  it('backs up with the command, not a file copy, and says how to restore', () => {
    expect(operations).toContain('npx threadpaint backup ');
    expect(operations).toMatch(/\*\*Restore:\*\*/);
    expect(read('src/cli/cli-args.ts')).toContain('threadpaint backup <new directory>');
  });
});

describe('.env.example', () => {
  it('has a line for every variable the configuration reads', () => {
    const example = read('.env.example');
    expect(variables.filter((name) => !new RegExp(`^${name}=`, 'm').test(example))).toEqual([]);
  });
});
