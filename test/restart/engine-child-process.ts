import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** One JSON line the child printed (see engine-child.ts for the protocol). */
export type ChildLine = Readonly<Record<string, unknown>> & { readonly type: string };

export interface EngineChild {
  /** Every line printed so far, in order. */
  readonly lines: readonly ChildLine[];
  /** Resolves with the first line (past or future) that matches; rejects on timeout or when the child exits first. */
  waitForLine(predicate: (line: ChildLine) => boolean, timeoutMs?: number): Promise<ChildLine>;
  /** Sends one command and resolves with the first line after it that answers it. */
  request(command: Readonly<Record<string, unknown>>, answer: (line: ChildLine) => boolean): Promise<ChildLine>;
  send(command: Readonly<Record<string, unknown>>): void;
  /** SIGKILL, then resolves once the process is gone. */
  kill(): Promise<void>;
  /** Resolves with the exit code (null after a signal) once the process has exited. */
  readonly exited: Promise<number | null>;
  /** What the child logged to stderr (for failure messages). */
  readonly stderr: () => string;
}

const childScript = fileURLToPath(new URL('./engine-child.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Starts engine-child.ts with `node --import tsx` and resolves once it printed `ready`. */
export async function startEngineChild(args: readonly string[], readyTimeoutMs = 10_000): Promise<EngineChild> {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(
    process.execPath,
    ['--import', 'tsx', childScript, ...args],
    { cwd: repositoryRoot, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const lines: ChildLine[] = [];
  const waiters = new Set<(line: ChildLine | undefined) => void>();
  let stderr = '';
  let alive = true;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  // Writes to a child that was just killed fail with EPIPE; the test's assertions say what matters.
  child.stdin.on('error', () => {});
  const output = createInterface({ input: child.stdout });
  output.on('line', (text) => {
    let line: ChildLine;
    try {
      line = JSON.parse(text) as ChildLine;
    } catch {
      line = { type: 'unparsed', text };
    }
    lines.push(line);
    for (const waiter of [...waiters]) waiter(line);
  });
  // Waiters give up once stdout has ended (every line read), not at 'exit', which may come first.
  output.on('close', () => {
    alive = false;
    for (const waiter of [...waiters]) waiter(undefined);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  function waitForLine(predicate: (line: ChildLine) => boolean, timeoutMs = 8_000, from = 0): Promise<ChildLine> {
    const seen = lines.slice(from).find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const settle = (action: () => void) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        action();
      };
      const describe = (why: string) =>
        new Error(
          `engine child: ${why}\n--- stdout ---\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n--- stderr ---\n${stderr}`,
        );
      const waiter = (line: ChildLine | undefined) => {
        if (line === undefined) settle(() => reject(describe('exited before a matching line')));
        else if (predicate(line)) settle(() => resolve(line));
      };
      const timer = setTimeout(
        () => settle(() => reject(describe(`no matching line within ${timeoutMs} ms`))),
        timeoutMs,
      );
      if (!alive) settle(() => reject(describe('exited before a matching line')));
      else waiters.add(waiter);
    });
  }

  function send(command: Readonly<Record<string, unknown>>): void {
    child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  const handle: EngineChild = {
    lines,
    waitForLine: (predicate, timeoutMs) => waitForLine(predicate, timeoutMs),
    request(command, answer) {
      const from = lines.length;
      send(command);
      const refused = (line: ChildLine) => line.type === 'error' && line['cmd'] === command['cmd'];
      return waitForLine((line) => answer(line) || refused(line), 8_000, from).then((line) => {
        if (line.type === 'error')
          throw new Error(`engine child refused ${JSON.stringify(command)}: ${String(line['message'])}`);
        return line;
      });
    },
    send,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    exited,
    stderr: () => stderr,
  };
  try {
    await waitForLine((line) => line.type === 'ready', readyTimeoutMs);
  } catch (error) {
    await handle.kill();
    throw error;
  }
  return handle;
}

/** Children started by a test, killed in afterEach whatever happened. */
export function childTracker() {
  const children = new Set<EngineChild>();
  return {
    async start(args: readonly string[]): Promise<EngineChild> {
      const child = await startEngineChild(args);
      children.add(child);
      return child;
    },
    async killAll(): Promise<void> {
      await Promise.all([...children].map((child) => child.kill()));
      children.clear();
    },
  };
}
