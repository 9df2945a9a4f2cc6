/** `npm run manifest:slack [-- --socket] [-- --write [file]]`: the Slack app manifest for this configuration. */
import { runSlackManifestCli } from '../src/cli/cli-slack-manifest.js';

process.exitCode = runSlackManifestCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
