/**
 * `.dockerignore` as Docker reads it (moby's patternmatcher): patterns in order, the last match wins, `!` lets a
 * path back in, `*` stays within one path segment and `**` spans any number; a pattern that matches a directory
 * matches everything under it.
 */
export function createDockerignore(text: string): (relativePath: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const body = (negated ? line.slice(1) : line).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      return { negated, regex: new RegExp(`^${globToRegex(body)}$`) };
    });
  return (relativePath) => {
    const segments = relativePath.split('/');
    const prefixes = segments.map((_segment, index) => segments.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const pattern of patterns) {
      if (prefixes.some((prefix) => pattern.regex.test(prefix))) excluded = !pattern.negated;
    }
    return excluded;
  };
}

function globToRegex(glob: string): string {
  let regex = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index] as string;
    if (char === '*' && glob[index + 1] === '*') {
      // `**/` matches zero or more whole segments; a trailing `**` matches anything.
      const slash = glob[index + 2] === '/';
      regex += slash ? '(?:.*/)?' : '.*';
      index += slash ? 2 : 1;
    } else if (char === '*') regex += '[^/]*';
    else if (char === '?') regex += '[^/]';
    else regex += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return regex;
}
