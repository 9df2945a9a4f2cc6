import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

/** A bench child process spoken to over IPC: one command, one reply of the expected kind. */
export interface BenchChild<Command, Reply extends { kind: string }> {
  ask<K extends Reply['kind']>(command: Command, kind: K): Promise<Extract<Reply, { kind: K }>>;
  kill(): void;
}

/** `file` is next to this module; `execArgv` are the child's Node options (e.g. `--expose-gc`). */
export function forkBenchChild<Command, Reply extends { kind: string }>(
  file: string,
  execArgv?: readonly string[],
): BenchChild<Command, Reply> {
  const child: ChildProcess = fork(new URL(file, import.meta.url), {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(execArgv ? { execArgv: [...execArgv] } : {}),
  });
  return {
    async ask(command, kind) {
      child.send(command as object);
      const [message] = (await once(child, 'message')) as [Reply];
      if (message.kind !== kind) throw new Error(`${file} answered ${message.kind}, expected ${kind}`);
      return message as Extract<Reply, { kind: typeof kind }>;
    },
    kill() {
      if (child.connected) child.kill();
    },
  };
}
