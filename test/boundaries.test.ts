import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

function sourceFiles(directory: string): string[] {
  return readdirSync(path.join(root, directory), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(
    (match) => match[1] as string,
  );

describe('architecture boundaries', () => {
  it('keeps src/core free of platform SDKs, HTTP clients, loggers and database drivers', () => {
    const forbidden =
      /^(discord\.js|@discordjs\/|@slack\/|undici|pino|better-sqlite3|pg|ioredis|bullmq|sharp|ws|node:http|node:https|node:net|node:fs)/;
    const offenders = sourceFiles('src/core').flatMap((file) =>
      importsOf(file)
        .filter((specifier) => forbidden.test(specifier) || /\/(platforms|providers|store|images)\//.test(specifier))
        .map((specifier) => `${path.relative(root, file)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it('reads process.env only in the configuration module', () => {
    const readers = sourceFiles('src')
      .filter((file) => readFileSync(file, 'utf8').includes('process.env'))
      .map((file) => path.relative(root, file));
    expect(readers).toEqual([path.join('src', 'config', 'config.ts')]);
  });

  it('keeps each platform in its own folder', () => {
    const platformImports = sourceFiles('src').flatMap((file) => {
      const folder = /src\/platforms\/([^/]+)\//.exec(file)?.[1];
      return importsOf(file)
        .map((specifier) => /platforms\/([^/]+)\//.exec(specifier)?.[1])
        .filter((target) => target !== undefined && folder !== undefined && target !== folder)
        .map((target) => `${path.relative(root, file)} → platforms/${target}`);
    });
    expect(platformImports).toEqual([]);
  });
});
