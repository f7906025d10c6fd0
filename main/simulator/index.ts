// Practice-mode emulator of the OpenAI Realtime API (GA) over WebRTC: the same HTTP endpoints, status codes,
// headers and data-channel events as the real service (openapi.yaml, the `openai` SDK), answered by a
// real WebRTC peer (werift) that hears the candidate (Opus → energy VAD) and speaks pre-rendered clips.
// This file is the HTTP shell and the call registry; the protocol lives in call.ts, the peer in peer.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { RealtimeCall, voiceName, type CallFaults, type ResponseRecord, type UserTranscript } from './call';
import { ApiErrorException, betaDisabled, type ApiError } from './errors';
import { newId } from './ids';
import { MultipartError, parseMultipart } from './multipart';
import { EmulatorPeer } from './peer';
import { ResponsesError, serveResponses, type ResponsesFaults } from './responses';
import { loadClips, shapeScript, type Clip, type ScriptShape } from './script';
import { defaultSession, isObject, mergeSession, validateSessionPatch, type JsonObject } from './session';
import { loopbackStunUrl } from './stun';

/** Faults to inject. The per-response counts (failResponses, incompleteResponses, textOnlyResponses,
 * cancelEndSession) count down across all calls; lineAudioMs stretches a script step's audio. See call.ts.
 * ResponsesFaults: the /v1/responses route (responses.ts). */
export interface EmulatorFaults extends CallFaults, ResponsesFaults {
  sdpStatus?: number | null; // make POST /v1/realtime/calls fail with this HTTP status (OpenAI error JSON)
  dropCallAfterMs?: number | null; // tear down each new call (peer close) this long after it connects
  answerDelayMs?: number | null; // answer POST /v1/realtime/calls this much later (a slow network or a busy service)
  // Hold session.created this long after the data channel opens. Audio (SRTP) and the channel (SCTP over DTLS,
  // RFC 8831) are separate streams; on a loaded peer the channel's setup can lag audio by seconds, and the
  // service listens to the audio meanwhile. A client must not depend on the channel opening first.
  channelOpenDelayMs?: number | null;
}
export interface EmulatorOptions {
  apiKey: string; // the standard key accepted (Bearer); ek_ keys minted by client_secrets also accepted
  host?: string; // default '127.0.0.1'
  port?: number; // default 0 (random)
  candidates?: 'loopback' | 'all'; // 'loopback' (default): advertise only 127.0.0.1 and drop non-loopback offer candidates
  userTranscripts?: UserTranscript[]; // scripted text of the candidate's 1st, 2nd, … turn (or its stretches of speech between pauses); absent → placeholder "(practice answer, 4.2 seconds)"
  sessionLimitMs?: number; // default 3_600_000: at the limit send error session_expired and end the call
  script?: ScriptShape; // more question steps, shorter spoken lines (long or time-compressed test interviews)
  faults?: EmulatorFaults;
  log?: (line: string) => void;
}
export interface EmulatorCallInfo {
  id: string;
  model: string;
  connected: boolean;
  closed: boolean;
  userTurns: number;
  scriptStep: number; // next script step to speak
  replayedItems: number; // conversation.item.create items received (history replay)
  context: { id: string; role: string; text: string }[]; // those items' roles and texts (what context the call was given)
  resumedAtStep: number | null; // script step of the first response after a replay (null: no replay)
  spoken: { step: number; text: string }[]; // each response's script step and line
  instructions: string; // the session instructions now
  voice: string; // the voice the session asks for now (audio.output.voice; a custom voice's id)
  session: Record<string, unknown>; // the whole session in effect now (a copy), as session.updated would report it
  responses: ResponseRecord[]; // every response with the instructions in effect for it, its outcome and heard text
  events: { direction: 'in' | 'out'; type: string; at: number }[];
}
export interface EmulatorHandle {
  baseUrl: string; // e.g. http://127.0.0.1:41234 — endpoints live at `${baseUrl}/v1/realtime/...`
  setFaults(faults: Partial<EmulatorFaults>): void;
  /** Test hook, not OpenAI surface: tear down every open call now (peer close), as a network loss would.
   * `dropCallAfterMs` only affects calls created after it is set; this drops the ones already running. */
  dropCalls(reason?: string): Promise<void>;
  calls(): EmulatorCallInfo[];
  /** POST /v1/responses requests received (practice evaluations). */
  responseRequests(): number;
  close(): Promise<void>; // closes every peer and the HTTP server
}

/** Largest HTTP request body accepted (an SDP offer is a few KB; a session config rarely more than 100 KB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Ephemeral keys: TTL bounds of client_secrets expires_after.seconds (spec: 10–7200). */
const EK_MIN_S = 10;
const EK_MAX_S = 7200;

interface CallEntry {
  call: RealtimeCall;
  peer: EmulatorPeer;
  closed: boolean;
  timers: NodeJS.Timeout[];
  drop: (reason: string) => Promise<void>;
}

class HttpError extends Error {
  constructor(public readonly status: number, public readonly error: ApiError) {
    super(error.message);
  }
}

const httpInvalid = (status: number, code: string | null, message: string, param: string | null = null) =>
  new HttpError(status, { type: 'invalid_request_error', code, message, param });

function statusError(status: number): HttpError {
  const table: Record<number, [string, string | null, string]> = {
    400: ['invalid_request_error', 'invalid_value', 'The request was invalid (fault injected by the emulator).'],
    401: ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided (fault injected by the emulator).'],
    403: ['invalid_request_error', 'unsupported_country_region_territory', 'Forbidden (fault injected by the emulator).'],
    404: ['invalid_request_error', 'not_found', 'Not found (fault injected by the emulator).'],
    429: ['rate_limit_error', 'rate_limit_exceeded', 'Rate limit reached (fault injected by the emulator).'],
    500: ['server_error', null, 'The server had an error while processing your request (fault injected by the emulator).'],
    502: ['server_error', null, 'Bad gateway (fault injected by the emulator).'],
    503: ['server_error', null, 'The engine is currently overloaded (fault injected by the emulator).'],
  };
  const [type, code, message] = table[status] ?? [status >= 500 ? 'server_error' : 'invalid_request_error', null, `HTTP ${status} (fault injected by the emulator).`];
  return new HttpError(status, { type, code, message, param: null });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      reject(httpInvalid(413, 'request_too_large', `Request body of ${declared} bytes exceeds the ${MAX_BODY_BYTES}-byte limit.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(httpInvalid(413, 'request_too_large', `Request body exceeds the ${MAX_BODY_BYTES}-byte limit.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => !failed && resolve(Buffer.concat(chunks)));
    req.on('error', (e) => !failed && reject(e));
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: ApiError): void {
  sendJson(res, status, { error });
}

function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseJson(text: string, param: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw httpInvalid(400, 'invalid_json', `We could not parse the JSON in '${param}': ${(e as Error).message}`, param);
  }
}

export async function startEmulator(options: EmulatorOptions): Promise<EmulatorHandle> {
  if (!options.apiKey) throw new Error('startEmulator: apiKey is required');
  const log = options.log ?? (() => undefined);
  const clips: Clip[] = shapeScript(loadClips(), options.script);
  const faults: EmulatorFaults = { ...options.faults };
  const sessionLimitMs = options.sessionLimitMs ?? 3_600_000;
  const candidates = options.candidates ?? 'loopback';
  const stunUrl = await loopbackStunUrl();
  const ephemeral = new Map<string, { expiresAt: number; session: JsonObject }>();
  const calls = new Map<string, CallEntry>();
  let responseRequests = 0;

  type Auth = { kind: 'standard' } | { kind: 'ephemeral'; session: JsonObject };
  function authorise(req: IncomingMessage): Auth {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match)
      throw httpInvalid(401, 'invalid_api_key', "You didn't provide an API key. Provide it in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).");
    const key = match[1]!;
    if (sameKey(key, options.apiKey)) return { kind: 'standard' };
    const ek = ephemeral.get(key);
    if (ek && ek.expiresAt * 1000 > Date.now()) return { kind: 'ephemeral', session: ek.session };
    if (ek) throw httpInvalid(401, 'invalid_api_key', 'The ephemeral key has expired.');
    throw httpInvalid(401, 'invalid_api_key', `Incorrect API key provided: ${key.slice(0, 3)}…${key.slice(-4)}.`);
  }

  function fullSession(base: JsonObject, patch: JsonObject | null): JsonObject {
    const merged = patch ? mergeSession(base, patch) : structuredClone(base);
    return { ...merged, object: 'realtime.session', id: newId('sess_'), expires_at: Math.floor((Date.now() + sessionLimitMs) / 1000) };
  }

  function sessionPatchFrom(raw: unknown, param: string): JsonObject {
    try {
      validateSessionPatch(raw, param);
      return raw;
    } catch (e) {
      if (e instanceof ApiErrorException) throw new HttpError(400, e.error);
      throw e;
    }
  }

  async function createCall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (faults.sdpStatus) throw statusError(faults.sdpStatus);
    if (faults.answerDelayMs) await new Promise((resolve) => setTimeout(resolve, faults.answerDelayMs!));
    const auth = authorise(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const body = await readBody(req);
    let offer: string;
    let patch: JsonObject | null = null;
    if (/^multipart\/form-data/i.test(contentType)) {
      let parts;
      try {
        parts = parseMultipart(body, contentType);
      } catch (e) {
        if (e instanceof MultipartError) throw httpInvalid(400, 'invalid_multipart', `Malformed multipart/form-data body: ${e.message}`);
        throw e;
      }
      const sdpPart = parts.find((p) => p.name === 'sdp');
      if (!sdpPart) throw httpInvalid(400, 'missing_required_parameter', "Missing required parameter: 'sdp'.", 'sdp');
      for (const p of parts) if (p.name !== 'sdp' && p.name !== 'session') throw httpInvalid(400, 'unknown_parameter', `Unknown parameter: '${p.name}'.`, p.name);
      offer = sdpPart.data.toString('utf8');
      const sessionPart = parts.find((p) => p.name === 'session');
      if (sessionPart) patch = sessionPatchFrom(parseJson(sessionPart.data.toString('utf8'), 'session'), 'session');
    } else if (/^application\/sdp/i.test(contentType)) {
      if (auth.kind !== 'ephemeral')
        throw httpInvalid(400, 'invalid_request', 'Raw application/sdp is for ephemeral (ek_) keys; with a standard key send multipart/form-data with sdp and session parts.');
      offer = body.toString('utf8');
    } else {
      throw httpInvalid(400, 'invalid_content_type', `Unsupported Content-Type '${contentType || '(none)'}': use multipart/form-data (sdp + session) or application/sdp with an ephemeral key.`);
    }
    const base = auth.kind === 'ephemeral' ? auth.session : defaultSession();
    const session = fullSession(base, patch);
    if (!offer.trim()) throw httpInvalid(400, 'invalid_offer', 'Invalid SDP offer: it is empty.', 'sdp');

    const id = newId('rtc_', 24);
    const callLog = (line: string) => log(`[${id}] ${line}`);
    const peer = new EmulatorPeer({ candidates, stunUrl, log: callLog });
    let answer: string;
    try {
      answer = await peer.answer(offer);
    } catch (e) {
      await peer.close('offer rejected');
      if (e instanceof ApiErrorException) throw new HttpError(e.error.type === 'server_error' ? 500 : 400, e.error);
      throw e;
    }
    const entry: CallEntry = { call: null as unknown as RealtimeCall, peer, closed: false, timers: [], drop: async () => {} };
    const endCall = async (reason: string) => {
      if (entry.closed) return;
      entry.closed = true;
      entry.timers.forEach(clearTimeout);
      callLog(`call ended: ${reason}`);
      entry.call.dispose();
      await peer.close(reason);
    };
    entry.drop = endCall;
    entry.call = new RealtimeCall({
      id,
      session,
      clips,
      userTranscripts: options.userTranscripts,
      faults: () => faults,
      ports: {
        send: (event) => peer.sendEvent(event),
        playClip: (clip, onEnd) => peer.playClip(clip.packets, onEnd),
        stopAudio: () => peer.stopAudio(),
        playedMs: () => peer.playedMs(),
        close: (reason) => void peer.flush().then(() => endCall(reason)),
        log: callLog,
      },
    });
    calls.set(id, entry);
    entry.timers.push(setTimeout(() => entry.call.expire(sessionLimitMs), sessionLimitMs));
    peer.attach({
      onOpen: () => {
        const delay = faults.channelOpenDelayMs;
        if (delay) entry.timers.push(setTimeout(() => entry.call.onOpen(), delay));
        else entry.call.onOpen();
      },
      onMessage: (data) => entry.call.onMessage(data),
      onAudioFrame: (level, startMs, durationMs) => entry.call.onAudioFrame(level, startMs, durationMs),
      onConnected: () => {
        const drop = faults.dropCallAfterMs;
        if (drop !== null && drop !== undefined && drop >= 0)
          entry.timers.push(setTimeout(() => void endCall(`dropped by fault injection after ${drop} ms`), drop));
      },
      onClosed: (reason) => void endCall(reason),
    });
    callLog(`created (${auth.kind} key, model ${String(session.model)})`);
    res.writeHead(201, { 'Content-Type': 'application/sdp', Location: `/v1/realtime/calls/${id}`, 'Content-Length': Buffer.byteLength(answer) });
    res.end(answer);
  }

  async function createClientSecret(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = authorise(req);
    if (auth.kind !== 'standard') throw httpInvalid(401, 'invalid_api_key', 'Client secrets must be minted with a standard API key.');
    const text = (await readBody(req)).toString('utf8');
    const body = text.trim() ? parseJson(text, 'body') : {};
    if (!isObject(body)) throw httpInvalid(400, 'invalid_type', 'The request body must be a JSON object.');
    for (const key of Object.keys(body))
      if (key !== 'expires_after' && key !== 'session') throw httpInvalid(400, 'unknown_parameter', `Unknown parameter: '${key}'.`, key);
    let seconds = 600;
    if (body.expires_after !== undefined) {
      const ea = body.expires_after;
      if (!isObject(ea) || ea.anchor !== 'created_at')
        throw httpInvalid(400, 'invalid_value', "'expires_after.anchor' must be 'created_at'.", 'expires_after.anchor');
      if (ea.seconds !== undefined) {
        if (typeof ea.seconds !== 'number' || !Number.isInteger(ea.seconds) || ea.seconds < EK_MIN_S || ea.seconds > EK_MAX_S)
          throw httpInvalid(400, 'invalid_value', `'expires_after.seconds' must be an integer between ${EK_MIN_S} and ${EK_MAX_S}.`, 'expires_after.seconds');
        seconds = ea.seconds;
      }
    }
    const patch = body.session === undefined ? null : sessionPatchFrom(body.session, 'session');
    const session = fullSession(defaultSession(), patch);
    const value = newId('ek_', 32);
    const expiresAt = Math.floor(Date.now() / 1000) + seconds;
    ephemeral.set(value, { expiresAt, session: patch ? mergeSession(defaultSession(), patch) : defaultSession() });
    sendJson(res, 200, { value, expires_at: expiresAt, session });
  }

  async function hangup(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    authorise(req);
    const entry = calls.get(id);
    if (!entry) throw httpInvalid(404, 'call_not_found', `Call '${id}' not found.`, 'call_id');
    await readBody(req);
    await entry.peer.close('hangup');
    res.writeHead(200, { 'Content-Length': 0 });
    res.end();
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const path = url.pathname.replace(/\/+$/, '');
    if (req.headers['openai-beta'] !== undefined && /realtime/i.test(String(req.headers['openai-beta']))) throw new HttpError(400, betaDisabled().error);
    if (req.method === 'POST' && path === '/v1/realtime/calls') return createCall(req, res);
    if (req.method === 'POST' && path === '/v1/realtime/client_secrets') return createClientSecret(req, res);
    if (req.method === 'POST' && path === '/v1/responses') {
      authorise(req);
      responseRequests++;
      try {
        return serveResponses(faults, await readBody(req), req, res, (status, body) => sendJson(res, status, body));
      } catch (e) {
        if (e instanceof ResponsesError) throw new HttpError(e.status, e.error);
        throw e;
      }
    }
    const hang = /^\/v1\/realtime\/calls\/([A-Za-z0-9_-]+)\/hangup$/.exec(path);
    if (req.method === 'POST' && hang) return hangup(req, res, hang[1]!);
    // Beta endpoints (retired): say so, as the real service does.
    if (req.method === 'POST' && (path === '/v1/realtime/sessions' || path === '/v1/realtime')) throw new HttpError(400, betaDisabled().error);
    throw httpInvalid(404, 'unknown_url', `Unknown request URL: ${req.method} ${url.pathname}.`);
  }

  const server = createServer((req, res) => {
    // Browsers holding an ephemeral key call /v1/realtime/calls from their own origin (the official Agents SDK's
    // WebRTC transport does exactly that): the preflight is answered and Location is readable cross-origin
    // (openai-agents-js openaiRealtimeWebRtc.ts reads the call id from Location).
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Location');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': String(req.headers['access-control-request-headers'] ?? 'Authorization, Content-Type'),
        'Access-Control-Max-Age': '600',
        'Content-Length': '0',
      });
      res.end();
      return;
    }
    route(req, res).catch((e: unknown) => {
      if (res.headersSent) return;
      if (e instanceof HttpError) {
        if (e.status === 413) res.setHeader('Connection', 'close');
        sendError(res, e.status, e.error);
        if (e.status === 413) req.resume();
        return;
      }
      log(`internal error on ${req.method} ${req.url}: ${(e as Error)?.stack ?? e}`);
      sendError(res, 500, { type: 'server_error', code: null, message: 'The emulator had an internal error.', param: null });
    });
  });
  // Outlive clients' idle keep-alive (undici's is 4 s) so a pooled connection is never closed by us just as a
  // client reuses it: the SDP POST would fail with ECONNRESET on a loaded machine.
  server.keepAliveTimeout = 60_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  log(`Realtime emulator listening on ${baseUrl}`);

  return {
    baseUrl,
    setFaults(patch) {
      Object.assign(faults, patch);
    },
    async dropCalls(reason = 'dropped by test hook') {
      await Promise.all([...calls.values()].filter((e) => !e.closed).map((e) => e.drop(reason)));
    },
    responseRequests: () => responseRequests,
    calls() {
      return [...calls.entries()].map(([id, e]) => ({
        id,
        model: String(e.call.session.model),
        connected: e.peer.connected,
        closed: e.closed,
        userTurns: e.call.userTurns,
        scriptStep: e.call.scriptStep,
        replayedItems: e.call.replayedItems,
        context: e.call.context.map((c) => ({ ...c })),
        resumedAtStep: e.call.resumedAtStep,
        spoken: e.call.spoken.map((x) => ({ ...x })),
        instructions: String(e.call.session.instructions ?? ''),
        voice: voiceName((e.call.session.audio as { output?: { voice?: unknown } } | undefined)?.output?.voice),
        session: structuredClone(e.call.session),
        responses: e.call.responses.map((r) => ({ ...r })),
        events: e.call.events.map((ev) => ({ ...ev })),
      }));
    },
    async close() {
      await Promise.all([...calls.values()].map(async (e) => {
        e.timers.forEach(clearTimeout);
        e.call.dispose();
        e.closed = true;
        await e.peer.close('emulator closing');
      }));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

