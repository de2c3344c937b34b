import { runCli } from './run-cli';

/** `ccstudio` (or `npm run cli -- …` in a checkout). */
runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
);
