#!/usr/bin/env node
// The `threadpaint` command: `npx threadpaint …` in a clone, or `threadpaint …` after `npm link`. In a source
// checkout it first brings the build up to date (`tsc -b` recompiles only what changed), so the command works right
// after `npm install` and never runs stale code; where no TypeScript is installed it runs the build it finds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const project = path.join(root, 'tsconfig.app.json');
const entry = path.join(root, 'dist', 'src', 'bin', 'threadpaint.js');

function typescriptCompiler() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

const compiler = existsSync(project) ? typescriptCompiler() : undefined;
if (compiler) {
  // The compiler's messages go to stderr: stdout is the command's own (JSON a caller may redirect).
  const build = spawnSync(process.execPath, [compiler, '-b', project], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) {
    process.stderr.write('threadpaint: the build failed (tsc -b tsconfig.app.json); see the errors above.\n');
    process.exit(1);
  }
}
if (!existsSync(entry)) {
  process.stderr.write(`threadpaint: ${path.relative(process.cwd(), entry)} is missing; run npm install first.\n`);
  process.exit(1);
}
await import(pathToFileURL(entry).href);
