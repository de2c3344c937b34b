// Electron's net.fetch (the desktop app's route, for the OS proxy) rejects with Chromium's net errors as
// `Error('net::ERR_...')` and no cause. Whether a failed POST may be re-sent depends on reading them right:
// only errors raised before any byte of the request left may say `no`.
import { describe, expect, it } from 'vitest';
import { classifyNetworkFailure } from '../../../src/segmind';

const chromium = (code: string): Error => new Error(`net::${code}`);

describe('classifyNetworkFailure with Chromium errors', () => {
  it.each([
    'ERR_NAME_NOT_RESOLVED',
    'ERR_INTERNET_DISCONNECTED',
    'ERR_CONNECTION_REFUSED',
    'ERR_CONNECTION_TIMED_OUT',
    'ERR_ADDRESS_UNREACHABLE',
    'ERR_PROXY_CONNECTION_FAILED',
    'ERR_TUNNEL_CONNECTION_FAILED',
    'ERR_CERT_AUTHORITY_INVALID',
    'ERR_CERT_DATE_INVALID',
    'ERR_DNS_TIMED_OUT',
  ])('%s happens before anything is sent: no', (code) => {
    expect(classifyNetworkFailure(chromium(code))).toEqual({ sent: 'no', cause: code });
  });

  it.each([
    'ERR_CONNECTION_RESET',
    'ERR_CONNECTION_CLOSED',
    'ERR_EMPTY_RESPONSE',
    'ERR_TIMED_OUT',
    'ERR_NETWORK_CHANGED',
    'ERR_SSL_PROTOCOL_ERROR',
    'ERR_HTTP2_PROTOCOL_ERROR',
    'ERR_SOMETHING_NEW',
  ])('%s may come after the body left: maybe', (code) => {
    expect(classifyNetworkFailure(chromium(code))).toEqual({ sent: 'maybe', cause: code });
  });

  it('a cancelled redirect means a server answered: maybe, never re-sent by itself', () => {
    expect(classifyNetworkFailure(new Error('Redirect was cancelled'))).toEqual({
      sent: 'maybe',
      cause: 'REDIRECT_NOT_FOLLOWED',
    });
  });

  it('only the exact form counts: a message that merely mentions a code is not Chromium’s', () => {
    expect(classifyNetworkFailure(new Error('upstream said net::ERR_CONNECTION_REFUSED')).sent).toBe('maybe');
    expect(
      classifyNetworkFailure(new Error('net::ERR_CONNECTION_REFUSED', { cause: { code: 'ECONNRESET' } }))
        .sent,
    ).toBe('maybe');
  });
});
