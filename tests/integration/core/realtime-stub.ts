// A tiny stand-in for OpenAI's Realtime signalling (node:http on 127.0.0.1), for tests that must not depend on
// the emulator: it parses the multipart form like the real endpoint and answers in OpenAI's shapes.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMultipart, type MultipartPart } from '../../../main/simulator/multipart';

export interface StubCall {
  authorization: string | undefined;
  contentType: string | undefined;
  sdp: string | null;
  sdpType: string | null;
  session: any;
  sessionType: string | null;
}

export interface RealtimeStub {
  baseUrl: string;
  status: number;
  calls: StubCall[];
  hangups: string[];
  close(): Promise<void>;
}

const ANSWER = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startRealtimeStub(apiKey: string): Promise<RealtimeStub> {
  const stub = { status: 201, calls: [] as StubCall[], hangups: [] as string[] };
  let n = 0;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const json = (status: number, message: string, type: string, code: string | null) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message, type, param: null, code } }));
    };
    const hangup = /^\/v1\/realtime\/calls\/([\w-]+)\/hangup$/.exec(req.url ?? '');
    if (req.method === 'POST' && hangup) {
      stub.hangups.push(hangup[1]!);
      res.writeHead(200).end();
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/realtime/calls') return json(404, 'Not found', 'invalid_request_error', null);
    // Parsed from the bytes (the official client sends each part with its Content-Type and no filename, which
    // fetch's own formData() would turn into plain strings and so lose the part types).
    let parts: MultipartPart[] = [];
    try {
      parts = parseMultipart(body, String(req.headers['content-type'] ?? ''));
    } catch {
      // malformed: recorded as no parts
    }
    const sdpPart = parts.find((p) => p.name === 'sdp');
    const sessionPart = parts.find((p) => p.name === 'session');
    const call: StubCall = {
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      sdp: sdpPart ? sdpPart.data.toString('utf8') : null,
      sdpType: sdpPart?.contentType ?? null,
      session: sessionPart ? JSON.parse(sessionPart.data.toString('utf8')) : null,
      sessionType: sessionPart?.contentType ?? null,
    };
    stub.calls.push(call);
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return json(401, 'Incorrect API key provided: sk-***. You can find your API key at the dashboard.', 'invalid_request_error', 'invalid_api_key');
    }
    if (stub.status === 429) return json(429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota');
    if (stub.status >= 400) return json(stub.status, `Stubbed failure ${stub.status}`, 'invalid_request_error', 'stubbed');
    n++;
    res.writeHead(201, { 'Content-Type': 'application/sdp', Location: `/v1/realtime/calls/rtc_stub${n}` });
    res.end(ANSWER);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return Object.assign(stub, {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  });
}

export const OFFER_SDP = 'v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
