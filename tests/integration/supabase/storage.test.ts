// Storage uploads through supabase-js: large recordings (raw and multipart), duplicates, upserts, limits.
// Devices may only insert the recording of a session of their own (supabase/README.md "Device rules"), so every
// name here belongs to a fresh session of device A; replacing and reading objects back is the service role's.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { SupabaseClient } from '@supabase/supabase-js';
import { serviceClient, sessionRow, signedIn, startStack, type Stack } from './fixture';

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const fileSha = async (p: string) => {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(p)) h.update(chunk as Buffer);
  return h.digest('hex');
};

describe('Storage: recordings bucket', { timeout: 120_000 }, () => {
  let s: Stack;
  let a: SupabaseClient;
  let svc: SupabaseClient;
  /** The object name of a new session of device A. */
  const path = async () => {
    const row = sessionRow(s.a);
    assert.equal((await a.from('interview_sessions').insert(row)).error, null);
    return `${s.a.id}/${row.id as string}.webm`;
  };

  before(async () => {
    s = await startStack({ maxUploadBytes: 48 * 1024 * 1024 });
    a = await signedIn(s.gateway, s.a);
    svc = serviceClient(s.gateway);
  });
  after(async () => { await s?.stop(); });

  it('uploads a 32 MB recording as a raw body; the row and the file match', async () => {
    const body = crypto.randomBytes(32 * 1024 * 1024);
    const name = await path();
    const r = await a.storage.from('recordings').upload(name, body, { contentType: 'audio/webm' });
    assert.equal(r.error, null);
    assert.equal(r.data?.path, name);
    assert.equal(r.data?.fullPath, `recordings/${name}`);
    const file = await s.gateway.objectFile('recordings', name);
    assert.ok(file);
    assert.equal(fs.statSync(file).size, body.length);
    assert.equal(await fileSha(file), sha(body));
    const row = await s.db.query(`select id, metadata->>'size' as size, metadata->>'mimetype' as mime from storage.objects where name = $1`, [name]);
    assert.equal(row.rows[0].id, r.data?.id);
    assert.equal(Number(row.rows[0].size), body.length);
    assert.equal(row.rows[0].mime, 'audio/webm');
  });

  it('uploads a 31 MB Blob (multipart form) and downloads it back intact', async () => {
    const body = crypto.randomBytes(31 * 1024 * 1024 + 7);
    const name = await path();
    const r = await a.storage.from('recordings').upload(name, new Blob([body], { type: 'audio/webm' }));
    assert.equal(r.error, null);
    const down = await svc.storage.from('recordings').download(name);
    assert.equal(down.error, null);
    const got = Buffer.from(await down.data!.arrayBuffer());
    assert.equal(got.length, body.length);
    assert.equal(sha(got), sha(body));
  });

  it('a second upload without upsert is a Duplicate (statusCode "409"); with upsert it replaces the file', async () => {
    const name = await path();
    assert.equal((await a.storage.from('recordings').upload(name, Buffer.from('one'), { contentType: 'audio/webm' })).error, null);
    const dup = await a.storage.from('recordings').upload(name, Buffer.from('two'), { contentType: 'audio/webm' });
    assert.ok(dup.error);
    const e = dup.error as unknown as { statusCode: string; status: number };
    assert.equal(e.statusCode, '409');
    assert.equal(e.status, 400);
    const up = await svc.storage.from('recordings').upload(name, Buffer.from('three'), { contentType: 'audio/webm', upsert: true });
    assert.equal(up.error, null);
    const file = await s.gateway.objectFile('recordings', name);
    assert.equal(fs.readFileSync(file!).toString(), 'three');
    // The replaced version's file is gone: one file in the object's folder.
    assert.equal(fs.readdirSync(`${s.gateway.storageDir}/recordings/${name}`).length, 1);
    const rows = await s.db.query('select count(*)::int as n from storage.objects where name = $1', [name]);
    assert.equal(rows.rows[0].n, 1);
  });

  it('refuses a wrong mime type, a missing bucket, a bad key and an over-limit body, storing nothing', async () => {
    const before = (await s.db.query('select count(*)::int as n from storage.objects')).rows[0].n;
    const mime = await a.storage.from('recordings').upload(await path(), Buffer.from('x'));
    assert.equal((mime.error as unknown as { statusCode: string }).statusCode, '415', 'default text/plain is not allowed');
    const bucket = await a.storage.from('nope').upload(await path(), Buffer.from('x'), { contentType: 'audio/webm' });
    assert.equal((bucket.error as unknown as { statusCode: string }).statusCode, '404');
    // fetch() would resolve "..", so send the raw path with node:http.
    const token = (await a.auth.getSession()).data.session!.access_token;
    for (const raw of [`/storage/v1/object/recordings/${s.a.id}/../x.webm`, `/storage/v1/object/recordings/${s.a.id}/a%00b.webm`]) {
      const key = await rawPost(s.gateway.url, raw, { apikey: s.gateway.anonKey, Authorization: `Bearer ${token}`, 'content-type': 'audio/webm' }, 'x');
      assert.equal(key.status, 400, raw);
      assert.equal((JSON.parse(key.body) as { statusCode: string }).statusCode, '400', raw);
    }
    const big = await a.storage.from('recordings').upload(await path(), crypto.randomBytes(49 * 1024 * 1024), { contentType: 'audio/webm' });
    assert.equal((big.error as unknown as { statusCode: string }).statusCode, '413');
    const wrongName = await a.storage.from('recordings').upload(`${s.a.id}/notes.txt`, Buffer.from('x'), { contentType: 'audio/webm' });
    assert.equal((wrongName.error as unknown as { statusCode: string }).statusCode, '403', 'only <tenant>/<name>.webm');
    const after = (await s.db.query('select count(*)::int as n from storage.objects')).rows[0].n;
    assert.equal(after, before);
    assert.deepEqual(fs.readdirSync(`${s.gateway.storageDir}/.tmp`), [], 'no temp files left behind');
  });

  it('an upload whose answer is lost is committed; the upsert retry leaves one object with the same content', async () => {
    const name = await path();
    const body = crypto.randomBytes(1024 * 1024);
    s.gateway.faults = { resetAfterCommit: 1 };
    try {
      const lost = await svc.storage.from('recordings').upload(name, body, { contentType: 'audio/webm', upsert: true });
      assert.ok(lost.error);
    } finally {
      s.gateway.faults = {};
    }
    assert.ok(await s.gateway.objectFile('recordings', name), 'committed despite the lost answer');
    const retry = await svc.storage.from('recordings').upload(name, body, { contentType: 'audio/webm', upsert: true });
    assert.equal(retry.error, null);
    const rows = await s.db.query('select count(*)::int as n from storage.objects where name = $1', [name]);
    assert.equal(rows.rows[0].n, 1);
    assert.equal(await fileSha((await s.gateway.objectFile('recordings', name))!), sha(body));
    assert.equal(fs.readdirSync(`${s.gateway.storageDir}/recordings/${name}`).length, 1, 'the replaced version was removed');
  });

  it('update() (PUT) replaces an existing object and 404s a missing one', async () => {
    const name = await path();
    assert.equal((await a.storage.from('recordings').upload(name, Buffer.from('v1'), { contentType: 'audio/webm' })).error, null);
    const upd = await svc.storage.from('recordings').update(name, Buffer.from('v2'), { contentType: 'audio/webm' });
    assert.equal(upd.error, null);
    assert.equal(fs.readFileSync((await s.gateway.objectFile('recordings', name))!).toString(), 'v2');
    const missing = await svc.storage.from('recordings').update(await path(), Buffer.from('v2'), { contentType: 'audio/webm' });
    assert.equal((missing.error as unknown as { statusCode: string }).statusCode, '404');
  });
});

function rawPost(base: string, rawPath: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method: 'POST', path: rawPath, headers, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}
