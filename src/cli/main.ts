#!/usr/bin/env node
/**
 * `workplace-voice <command>` — the terminal interface for leads and operators.
 * Commands: analyze, seed, user add, db install.
 */
const USAGE = `Usage: workplace-voice <command> [options]

Commands:
  analyze <answers.jsonl|answers.csv> [--out result.json]
                 code and cluster answers, derive requirements (no database needed)
  seed [--owner <email>]
                 load the demo campaign (idempotent); the first admin/lead or --owner owns it
  user add --email <e> [--role admin|lead|stakeholder] [--name <n>]
                 create an account; password from stdin or a hidden prompt
  db install     build FerretDB ${'1.24.2'} with Go into ~/go/bin if it is missing
  help           show this help
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'analyze': {
      const { runAnalyzeCommand } = await import('./analyze.command.js');
      return runAnalyzeCommand(args);
    }
    case 'seed': {
      const { runSeedCommand } = await import('../../seeds/seed.js');
      return runSeedCommand(args);
    }
    case 'user': {
      const { runUserCommand } = await import('./user.command.js');
      return runUserCommand(args);
    }
    case 'db': {
      const { runDbCommand } = await import('./db.command.js');
      return runDbCommand(args);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
