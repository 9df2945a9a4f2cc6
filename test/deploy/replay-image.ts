import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Instruction, parseCopy, parseDockerfile, parseEnv } from './dockerfile.js';
import { createDockerignore } from './dockerignore.js';

/** What the final stage of the image holds and how it starts, replayed into plain directories. */
export interface ReplayedImage {
  /** The build context after `.dockerignore` (relative paths of every file). */
  readonly context: readonly string[];
  /** The final stage's working directory: exactly what the image ships. */
  readonly app: string;
  readonly env: Readonly<Record<string, string>>;
  /** The final stage's instructions other than RUN/COPY/WORKDIR/ENV (USER, VOLUME, HEALTHCHECK, CMD, …). */
  readonly settings: readonly Instruction[];
  /** RUN lines that set up the operating system (packages, /data): not replayed, listed for the test to check. */
  readonly systemSteps: readonly string[];
}

/** RUN lines about the base system, which a directory on this machine has no use for. */
const systemStep = /^(apt-get |mkdir -p \/data && chown )/;

/**
 * Builds the image's stages as directories under `work`, from the context `clone` and its `.dockerignore`: COPY
 * copies, RUN runs (with `sh -c`, in the stage's directory), ENV accumulates. A RUN that neither sets up the base
 * system nor runs in the stage's directory would not be replayed faithfully, so it is refused.
 */
export async function replayImage(clone: string, work: string, env: NodeJS.ProcessEnv): Promise<ReplayedImage> {
  const contextDir = path.join(work, 'context');
  const context = buildContext(clone, contextDir);
  const stages = parseDockerfile(readFileSync(path.join(clone, 'Dockerfile'), 'utf8'));
  const stageDirs = new Map<string, { dir: string; workdir: string }>();
  const systemSteps: string[] = [];
  let last: { dir: string; env: Record<string, string>; settings: Instruction[] } | undefined;
  for (const [index, stage] of stages.entries()) {
    const dir = path.join(work, `stage-${index}`);
    mkdirSync(dir, { recursive: true });
    const state = { dir, workdir: '/', env: {} as Record<string, string>, settings: [] as Instruction[] };
    for (const instruction of stage.instructions) {
      const { keyword, args } = instruction;
      if (keyword === 'WORKDIR') state.workdir = args;
      else if (keyword === 'ENV') Object.assign(state.env, parseEnv(args));
      else if (keyword === 'COPY') copy(args, { contextDir, stageDirs, into: dir });
      else if (keyword === 'RUN') {
        if (systemStep.test(args)) systemSteps.push(args);
        else await run(args, dir, { ...env, ...state.env });
      } else state.settings.push(instruction);
    }
    stageDirs.set(stage.name ?? String(index), { dir, workdir: state.workdir });
    last = state;
  }
  if (!last) throw new Error('the Dockerfile has no stage');
  return { context, app: last.dir, env: last.env, settings: last.settings, systemSteps };
}

function buildContext(clone: string, contextDir: string): string[] {
  const ignored = createDockerignore(readFileSync(path.join(clone, '.dockerignore'), 'utf8'));
  const kept: string[] = [];
  for (const entry of readdirSync(clone, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const relative = path.relative(clone, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (ignored(relative)) continue;
    kept.push(relative);
    cpSync(path.join(clone, relative), path.join(contextDir, relative));
  }
  return kept.sort();
}

function copy(
  args: string,
  where: { contextDir: string; stageDirs: Map<string, { dir: string; workdir: string }>; into: string },
): void {
  const { from, sources, destination } = parseCopy(args);
  const origin = from === undefined ? undefined : where.stageDirs.get(from);
  if (from !== undefined && !origin) throw new Error(`COPY --from=${from}: no such stage before it`);
  for (const source of sources) {
    const sourcePath = origin
      ? path.join(origin.dir, path.relative(origin.workdir, source))
      : path.join(where.contextDir, source);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(sourcePath).isDirectory();
    } catch {
      throw new Error(`COPY ${args}: ${source} is not in the ${origin ? `stage ${from}` : 'build context'}`);
    }
    const target = path.join(where.into, destination);
    // A directory's contents go to the destination; a file goes into a destination ending in /.
    const into = isDirectory || !destination.endsWith('/') ? target : path.join(target, path.basename(source));
    cpSync(sourcePath, into, { recursive: true });
  }
}

function run(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`RUN ${command} exited ${code}:\n${output.slice(-4000)}`)),
    );
  });
}
