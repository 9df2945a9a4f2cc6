import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One import of one source file: the file it names (inside the repository), or the package or built-in. */
export interface ImportEdge {
  readonly from: string;
  /** A repository-relative path for a relative import (`src/core/records.ts`), else the specifier. */
  readonly to: string;
  /** `import type` / `export type`: erased at build time, but still an edge of the module graph. */
  readonly typeOnly: boolean;
}

/** Every `.ts` file under `directories` (repository-relative), with `/` separators. */
export function sourceFiles(root: string, directories: readonly string[]): string[] {
  return directories.flatMap((directory) =>
    readdirSync(path.join(root, directory), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')),
  );
}

const importPattern =
  /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** The imports of each file, static and dynamic, with relative ones resolved to the file they name. */
export function importsOf(root: string, files: readonly string[]): ImportEdge[] {
  return files.flatMap((from) =>
    [...readFileSync(path.join(root, from), 'utf8').matchAll(importPattern)].map((match) => {
      const specifier = (match[3] ?? match[4]) as string;
      const typeOnly = match[2] !== undefined;
      if (!specifier.startsWith('.')) return { from, to: specifier, typeOnly };
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
      return { from, to: resolved.replace(/\.js$/, '.ts'), typeOnly };
    }),
  );
}

/**
 * The import cycles of a graph: each strongly connected group of two or more files (or a file importing itself),
 * found with Tarjan's algorithm, as the files of the group in a stable order.
 */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (!next.has(edge.from)) next.set(edge.from, new Set());
    next.get(edge.from)?.add(edge.to);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!next.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || next.get(node)?.has(node)) cycles.push(group.sort());
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return cycles;
}
