import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { UserModel } from '../../src/auth/user.model.js';
import { projectRoot } from '../../src/shared/paths.js';
import { testDbUri, useTestDb } from '../helpers/test-db.js';

/** Runs the real CLI (through tsx) against this file's test database. */
function cli(args: string[], stdin: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: projectRoot(),
    input: stdin,
    encoding: 'utf8',
    env: { ...process.env, MONGODB_URI: testDbUri('cli_user'), LOG_LEVEL: 'silent' },
    timeout: 60_000,
  });
}

describe('CLI: workplace-voice user add', () => {
  useTestDb('cli_user');

  it('when given an e-mail, a role and a password on stdin, then the admin exists with a scrypt hash', async () => {
    const res = cli(['user', 'add', '--role', 'admin', '--email', 'Root@Example.test', '--name', 'Root'], 'a long admin passphrase\n');
    expect(res.stderr).to.equal('');
    expect(res.status).to.equal(0);
    expect(res.stdout).to.include('Created admin root@example.test');
    const user = await UserModel.findOne({ email: 'root@example.test' }).lean();
    expect(user?.role).to.equal('admin');
    expect(user?.passwordHash).to.match(/^scrypt\$/).and.not.include('a long admin passphrase');
  });

  it('when the password is too short, the role unknown or the e-mail taken, then non-zero exit with a clear message', async () => {
    const short = cli(['user', 'add', '--email', 'x@example.test'], 'short\n');
    expect(short.status).to.equal(1);
    expect(short.stderr).to.include('at least 12 characters');
    const role = cli(['user', 'add', '--email', 'y@example.test', '--role', 'king'], 'a long enough passphrase\n');
    expect(role.status).to.equal(1);
    expect(role.stderr).to.include('--role');
    const dup = cli(['user', 'add', '--email', 'root@example.test'], 'a long enough passphrase\n');
    expect(dup.status).to.equal(1);
    expect(dup.stderr).to.include('exists already');
    expect(await UserModel.countDocuments({ email: 'x@example.test' })).to.equal(0);
    expect(await UserModel.countDocuments({ email: 'y@example.test' })).to.equal(0);
  });
});
