import { runCli } from './run-cli';

let finished = false;
// A command that has not finished when the event loop runs dry was left waiting on something that cannot
// wake it (a timer that does not hold the process open). Say so and fail: a script must never see exit 0
// with no output for a command that did not do its work.
process.once('beforeExit', () => {
  if (finished) return;
  process.stderr.write('error INTERNAL: the command stopped before it finished; please report this.\n');
  process.exitCode = 1;
});

/** `ccstudio` (or `npm run cli -- …` in a checkout). */
void runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
}).then((code) => {
  finished = true;
  process.exitCode = code;
});
