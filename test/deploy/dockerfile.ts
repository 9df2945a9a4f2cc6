/** A Dockerfile read the way the test replays it: stages of instructions, line continuations joined. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

export interface Stage {
  readonly base: string;
  readonly name?: string;
  readonly instructions: readonly Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    pending += pending === '' ? line : ` ${line}`;
    if (pending.endsWith('\\')) pending = pending.slice(0, -1).trimEnd();
    else {
      logical.push(pending);
      pending = '';
    }
  }
  const stages: { base: string; name?: string; instructions: Instruction[] }[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = line.slice(keyword.length).trim();
    if (keyword.toUpperCase() === 'FROM') {
      const [base = '', as, name] = rest;
      stages.push({ base, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`Dockerfile: ${keyword} before any FROM`);
      stage.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

export const instructionsOf = (stage: Stage, keyword: string) =>
  stage.instructions.filter((instruction) => instruction.keyword === keyword);

/** The exec form (`["node", "x.js"]`) as an array; the shell form as `sh -c`. */
export function commandOf(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : ['/bin/sh', '-c', args];
}

/** `COPY [--from=stage] [--chown=…] <source>… <destination>` (sources and destination without spaces). */
export function parseCopy(args: string): { from?: string; sources: string[]; destination: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const destination = paths.pop();
  if (!destination || paths.length === 0) throw new Error(`COPY ${args}: needs a source and a destination`);
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return { ...(from ? { from } : {}), sources: paths, destination };
}

/** `ENV A=1 B=2` (values without spaces or quotes, as this Dockerfile writes them). */
export function parseEnv(args: string): Record<string, string> {
  return Object.fromEntries(
    args.split(/\s+/).map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 1) throw new Error(`ENV ${args}: write it as NAME=value pairs`);
      return [pair.slice(0, equals), pair.slice(equals + 1)];
    }),
  );
}

/** `HEALTHCHECK [--option=…]… CMD <command>`: the options and the command. */
export function parseHealthcheck(args: string): { options: Record<string, string>; command: string[] } {
  const marker = args.indexOf('CMD ');
  if (marker === -1) throw new Error(`HEALTHCHECK ${args}: no CMD`);
  const options = Object.fromEntries(
    args
      .slice(0, marker)
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((option) => option.replace(/^--/, '').split('=') as [string, string]),
  );
  return { options, command: commandOf(args.slice(marker + 4).trim()) };
}
