import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('applies defaults: port 3000, data under ./data, embedded database', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.port).to.equal(3000);
    expect(c.dataDir).to.equal('/srv/app/data');
    expect(c.mongodbUri).to.equal(undefined);
  });

  it('reads PORT, MONGODB_URI and DATA_DIR', () => {
    const c = loadConfig({ PORT: '8080', MONGODB_URI: 'mongodb://db:27017/wv', DATA_DIR: '/var/lib/wv' }, '/srv/app');
    expect(c).to.include({ port: 8080, mongodbUri: 'mongodb://db:27017/wv', dataDir: '/var/lib/wv' });
  });

  it('rejects invalid values naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).to.throw(ConfigError, /PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).to.throw(ConfigError, /LOG_LEVEL/);
  });
});
