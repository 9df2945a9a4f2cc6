import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ImportEdge, importCycles, importsOf, sourceFiles } from './support/import-graph.js';

const root = path.resolve(import.meta.dirname, '..');

/**
 * The "may import" table of docs/architecture.md: what each folder may import besides itself — other folders of the
 * repository, packages, Node built-ins (`node:*` for any). `*` is the composition root: anything.
 */
const mayImport: Readonly<Record<string, readonly string[]>> = {
  'src/core': ['zod'],
  'src/images': ['src/core', 'sharp'],
  'src/download': ['src/core', 'src/images', 'undici', 'node:dns', 'node:net', 'node:stream'],
  'src/providers': ['src/core', 'src/images', 'src/download', 'undici', 'sharp', 'zod', 'node:crypto', 'node:stream'],
  'src/store': ['src/core', 'better-sqlite3', 'pg', 'node:*'],
  'src/queue': ['src/core', 'bullmq', 'ioredis', 'pg', 'node:*'],
  'src/server': ['node:*'],
  'src/logging': ['pino', 'node:crypto'],
  'src/metrics': ['src/core', 'prom-client'],
  'src/config': ['src/core', 'zod', 'node:*'],
  'src/platforms/discord': [
    'src/core',
    'src/images',
    'src/download',
    'src/logging',
    'commands',
    'discord.js',
    'undici',
    'pino',
    'zod',
    'node:*',
  ],
  'src/platforms/slack': [
    'src/core',
    'src/images',
    'src/download',
    'src/logging',
    'src/server',
    'commands',
    '@slack/bolt',
    'zod',
    'node:*',
  ],
  'src/platforms/local': ['src/core', 'src/images', 'src/logging', 'src/server', 'zod', 'node:*'],
  'src/app': ['*'],
  'src/main.ts': ['*'],
  'src/cli': ['*'],
  'src/bin': ['*'],
  commands: [],
};

/** The folder of the table a file belongs to (`src/platforms/slack`, `src/core`, `commands`, `src/main.ts`). */
function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'commands') return 'commands';
  if (parts.length === 2) return file;
  return parts[1] === 'platforms' ? parts.slice(0, 3).join('/') : parts.slice(0, 2).join('/');
}

/** What an import names, in the table's terms: a folder, a package (`@scope/name`), or a built-in. */
function targetOf(edge: ImportEdge): string {
  if (edge.to.startsWith('src/') || edge.to.startsWith('commands/')) return folderOf(edge.to);
  if (edge.to.startsWith('node:')) return edge.to;
  const parts = edge.to.split('/');
  return parts.slice(0, edge.to.startsWith('@') ? 2 : 1).join('/');
}

function allowed(from: string, target: string): boolean {
  if (target === from) return true;
  const rules = mayImport[from];
  if (!rules) return false;
  return rules.some((rule) => rule === '*' || rule === target || (rule === 'node:*' && target.startsWith('node:')));
}

const files = sourceFiles(root, ['src', 'commands']);
const edges = importsOf(root, files);

describe('architecture boundaries', () => {
  it('lets every folder import only what the table of docs/architecture.md allows', () => {
    const offenders = edges
      .filter((edge) => !allowed(folderOf(edge.from), targetOf(edge)))
      .map((edge) => `${edge.from} imports ${edge.to}`);
    expect(offenders).toEqual([]);
  });

  it('has a rule for every folder, and docs/architecture.md names each of them', () => {
    const folders = [...new Set(files.map(folderOf))].filter(
      (folder) => !folder.endsWith('.ts') || folder === 'src/main.ts',
    );
    expect(folders.filter((folder) => mayImport[folder] === undefined)).toEqual([]);
    const architecture = readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');
    const unnamed = Object.keys(mayImport).filter((folder) => !architecture.includes(`\`${folder}`));
    expect(unnamed).toEqual([]);
  });

  it('lets platforms reach records through the engine only, never the store', () => {
    const offenders = edges
      .filter((edge) => edge.from.startsWith('src/platforms/') && /^src\/(core\/store|store\/)/.test(edge.to))
      .map((edge) => `${edge.from} imports ${edge.to}`);
    expect(offenders).toEqual([]);
  });

  it('has no import cycle, type-only imports included', () => {
    expect(importCycles(edges)).toEqual([]);
  });

  it('finds a cycle when there is one: the check can fail', () => {
    const edge = (from: string, to: string): ImportEdge => ({ from, to, typeOnly: false });
    const cyclic = [edge('a.ts', 'b.ts'), edge('b.ts', 'c.ts'), edge('c.ts', 'a.ts'), edge('c.ts', 'd.ts')];
    expect(importCycles(cyclic)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(importCycles([edge('a.ts', 'a.ts')])).toEqual([['a.ts']]);
    expect(importCycles([edge('a.ts', 'b.ts'), edge('b.ts', 'zod')])).toEqual([]);
  });

  it('reads process.env only in the configuration module', () => {
    const readers = sourceFiles(root, ['src'])
      .filter((file) => readFileSync(path.join(root, file), 'utf8').includes('process.env'))
      .sort();
    expect(readers).toEqual(['src/config/config.ts']);
  });

  it('keeps each platform in its own folder, and every platform folder has the same role files', () => {
    const roles = ['platform', 'config', 'router', 'status', 'deliverer', 'target', 'errors'];
    const prefixes = { discord: 'discord', slack: 'slack', local: 'playground' } as const;
    for (const [folder, prefix] of Object.entries(prefixes)) {
      const names = files
        .filter((file) => file.startsWith(`src/platforms/${folder}/`))
        .map((file) => path.basename(file));
      const missing = roles.filter((role) => !names.includes(`${prefix}-${role}.ts`));
      expect({ folder, missing }).toEqual({ folder, missing: [] });
    }
  });
});
