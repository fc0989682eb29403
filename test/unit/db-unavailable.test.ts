import { expect } from 'chai';
import mongoose from 'mongoose';
import { isDbUnavailableError } from '../../src/db/connection.js';

/** Which errors become "503, try again" (the database is away) rather than a 500. */
describe('database-unavailable errors', () => {
  // The stack as recorded when the embedded database was SIGKILLed under a running app (fault test).
  const socketEnded = (frame: string) =>
    Object.assign(new Error('This socket has been ended by the other party'), {
      code: 'EPIPE',
      stack: `Error: This socket has been ended by the other party\n    at Socket.writeAfterFIN [as write] (node:net:566:14)\n    at ${frame}`,
    });

  it('counts a socket the database closed under a command (EPIPE from the driver) as unavailable', () => {
    expect(isDbUnavailableError(socketEnded('Connection.writeCommand (/srv/wv/node_modules/mongodb/lib/cmap/connection.js:722:23)'))).to.equal(true);
  });

  it('does not blame the database for another service hanging up (EPIPE from the mail client)', () => {
    expect(isDbUnavailableError(socketEnded('SMTPConnection._send (/srv/wv/node_modules/nodemailer/lib/smtp-connection/index.js:1:1)'))).to.equal(false);
  });

  it("counts the driver's network and server-selection errors, not ordinary errors", () => {
    expect(isDbUnavailableError(new mongoose.mongo.MongoNetworkError('connection 3 to 127.0.0.1:27017 closed'))).to.equal(true);
    expect(isDbUnavailableError(new Error('Cast to ObjectId failed'))).to.equal(false);
    expect(isDbUnavailableError('EPIPE')).to.equal(false);
  });
});
