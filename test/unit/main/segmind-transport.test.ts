// `electron` is mocked (./electron-fake): net.fetch is Chromium's and cannot run here. What is checked is
// main's side of the route: every Segmind request goes to net.fetch, with the options that keep the
// client's guarantees, and Chromium's failures classify the way the billing rule needs.
import { describe, expect, it, vi } from 'vitest';
vi.mock('electron', async () => (await import('./electron-fake')).createElectronFake());

import * as electron from 'electron';
import { electronSegmindTransport, SYSTEM_PROXY_LABEL } from '../../../main/segmind-transport';
import { classifyNetworkFailure } from '../../../src/segmind';
import { fake } from './electron-fake';

const e = fake(electron);

describe('electronSegmindTransport', () => {
  it('sends through net.fetch: URL as text, redirects refused, no cookies, no cache', async () => {
    const transport = electronSegmindTransport(e.net);
    const controller = new AbortController();
    const response = await transport.fetch(new URL('https://api.segmind.com/v1/consistent-character'), {
      method: 'POST',
      headers: { 'x-api-key': 'SG_0123456789abcdef' },
      body: '{}',
      signal: controller.signal,
      // Whatever a caller asks for, redirects are never followed on this route.
      redirect: 'follow',
    });
    expect(response.status).toBe(200);
    expect(e.net.fetch).toHaveBeenCalledTimes(1);
    const [input, init] = e.net.fetch.mock.calls[0]!;
    expect(input).toBe('https://api.segmind.com/v1/consistent-character');
    expect(init).toMatchObject({
      method: 'POST',
      body: '{}',
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
    });
    expect(init?.signal).toBe(controller.signal);
    expect(init?.headers).toEqual({ 'x-api-key': 'SG_0123456789abcdef' });
  });

  it('says it uses the system proxy', () => {
    expect(electronSegmindTransport(e.net).route).toEqual({
      kind: 'system-proxy',
      label: SYSTEM_PROXY_LABEL,
    });
  });

  it('passes net.fetch failures through for the client to classify', async () => {
    e.net.fetch.mockRejectedValueOnce(new Error('net::ERR_PROXY_CONNECTION_FAILED'));
    const error = await electronSegmindTransport(e.net)
      .fetch('https://api.segmind.com/v1/get-user-credits')
      .catch((err: unknown) => err);
    expect(classifyNetworkFailure(error)).toEqual({ sent: 'no', cause: 'ERR_PROXY_CONNECTION_FAILED' });
  });
});
