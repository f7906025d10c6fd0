// Unit tests for the gateway's pure parts: PostgREST query parsing/SQL building, JWTs, SQLSTATE → HTTP status,
// the streaming multipart parser, and fault counters. No database needed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { statusForSqlState } from '../../support/gateway/errors';
import { FaultState } from '../../support/gateway/faults';
import { signJwt, verifyJwt } from '../../support/gateway/jwt';
import { boundaryOf, MultipartError, parseMultipart } from '../../support/gateway/multipart';
import {
  buildInsert, buildOrder, buildSelectList, buildWhere, parseColumns, parsePrefer, resolveFunction, splitTopLevel, type TableInfo,
} from '../../support/gateway/postgrest';

const table: TableInfo = {
  name: 'entries',
  columns: new Map([['id', 'uuid'], ['seq', 'integer'], ['text', 'text'], ['start_ms', 'integer']]),
  primaryKey: ['id'],
};

describe('PostgREST parsing', () => {
  it('parses Prefer and columns', () => {
    assert.deepEqual(parsePrefer('return=representation, resolution=merge-duplicates,missing=default'),
      { return: 'representation', resolution: 'merge-duplicates', missing: 'default' });
    assert.deepEqual(parseColumns('"id","seq"', table), ['id', 'seq']);
    assert.throws(() => parseColumns('"id","colour"', table), (e: { body: { code: string } }) => e.body.code === 'PGRST204');
  });

  it('splits lists honouring quotes and parentheses', () => {
    assert.deepEqual(splitTopLevel('a,"b,c",(d,e)'), ['a', '"b,c"', '(d,e)']);
  });

  it('builds filters with parameters only, splitting eq on the first dot', () => {
    const w = buildWhere(new URLSearchParams('select=*&text=eq.a.b.c&seq=not.in.(1,"2,3")&start_ms=is.null&id=gte.5'), table);
    assert.equal(w.sql, `"t"."text" = $1 AND NOT ("t"."seq" = ANY($2)) AND "t"."start_ms" IS NULL AND "t"."id" >= $3`);
    assert.deepEqual(w.values, ['a.b.c', ['1', '2,3'], '5']);
    const offset = buildWhere(new URLSearchParams('seq=lt.3'), table, 1);
    assert.equal(offset.sql, `"t"."seq" < $2`);
    assert.deepEqual(buildWhere(new URLSearchParams('text=like.*abc*'), table).values, ['%abc%']);
  });

  it('builds or/and logic trees (keyset pagination shape)', () => {
    const w = buildWhere(new URLSearchParams('seq=gte.0&or=(start_ms.gt.5,and(start_ms.eq.5,id.gt."a,b"))&not.and=(seq.eq.1,text.is.null)'), table);
    assert.equal(w.sql, `"t"."seq" >= $1 AND ("t"."start_ms" > $2 OR ("t"."start_ms" = $3 AND "t"."id" > $4)) AND NOT ("t"."seq" = $5 AND "t"."text" IS NULL)`);
    assert.deepEqual(w.values, ['0', '5', '5', 'a,b', '1']);
  });

  it('refuses unknown columns, operators and injection attempts', () => {
    const code = (f: () => unknown) => { try { f(); return null; } catch (e) { return (e as { body: { code: string } }).body.code; } };
    assert.equal(code(() => buildWhere(new URLSearchParams('colour=eq.red'), table)), '42703');
    assert.equal(code(() => buildWhere(new URLSearchParams('seq=approx.3'), table)), 'PGRST100');
    assert.equal(code(() => buildWhere(new URLSearchParams('seq=is.1;drop table x'), table)), 'PGRST100');
    assert.equal(code(() => buildWhere(new URLSearchParams('or=(seq.eq.1,colour.eq.2)'), table)), '42703');
    assert.equal(code(() => buildWhere(new URLSearchParams('or=seq.eq.1'), table)), 'PGRST100');
    assert.equal(code(() => buildWhere(new URLSearchParams('or=(seq.eq.1,)'), table)), 'PGRST100');
    assert.equal(code(() => buildSelectList('id,"x"; drop', table)), 'PGRST100');
    assert.equal(code(() => buildSelectList('id,other(*)', table)), 'PGRST100');
    assert.equal(code(() => buildOrder('seq.sideways', table)), 'PGRST100');
  });

  it('expands * and supports aliases and casts in select', () => {
    assert.equal(buildSelectList('*', table), `"t"."id", "t"."seq", "t"."text", "t"."start_ms"`);
    assert.equal(buildSelectList('n:seq,text::varchar', table), `"t"."seq" AS "n", "t"."text"::varchar AS "text"`);
    assert.equal(buildOrder('seq.desc.nullslast,id', table), `ORDER BY "t"."seq" DESC NULLS LAST, "t"."id"`);
  });

  it('builds upserts on the primary key unless on_conflict says otherwise', () => {
    const merge = buildInsert({ table, columns: ['id', 'text'], onConflict: null, resolution: 'merge', returning: null });
    assert.match(merge, /ON CONFLICT \("id"\) DO UPDATE SET "text" = EXCLUDED\."text"/);
    assert.match(merge, /RETURNING 1/);
    const ignore = buildInsert({ table, columns: ['id'], onConflict: ['seq'], resolution: 'ignore', returning: '"t"."id"' });
    assert.match(ignore, /ON CONFLICT \("seq"\) DO NOTHING/);
    assert.match(ignore, /xmax = 0/);
  });

  it('resolves RPC overloads by argument names, honouring defaults', () => {
    const f = { name: 'f', args: [{ name: 'a', type: 'text' }, { name: 'b', type: 'int' }], defaults: 1, returnsSet: false, returnKind: 'scalar' as const };
    assert.equal(resolveFunction([f], ['a']), f);
    assert.equal(resolveFunction([f], ['a', 'b']), f);
    assert.equal(resolveFunction([f], ['b']), null);
    assert.equal(resolveFunction([f], ['a', 'c']), null);
  });
});

describe('errors and JWTs', () => {
  it('maps SQLSTATEs to PostgREST statuses', () => {
    const cases: [string, string, number][] = [
      ['23505', 'authenticated', 409], ['23503', 'authenticated', 409], ['42501', 'authenticated', 403], ['42501', 'anon', 401],
      ['42P01', 'authenticated', 404], ['25006', 'authenticated', 405], ['23502', 'authenticated', 400], ['P0001', 'authenticated', 400],
      ['P0002', 'authenticated', 500], ['08006', 'authenticated', 503], ['53300', 'authenticated', 503], ['53400', 'authenticated', 500],
      ['KI404', 'authenticated', 400], ['PT418', 'authenticated', 418], ['28P01', 'authenticated', 403],
    ];
    for (const [code, role, status] of cases) assert.equal(statusForSqlState(code, role), status, code);
  });

  it('signs and verifies HS256, detecting tampering and expiry', () => {
    const secret = 'x'.repeat(32);
    const t = signJwt({ sub: 'u', role: 'authenticated', exp: 1000 }, secret);
    assert.deepEqual(verifyJwt(t, secret, 999), { ok: true, claims: { sub: 'u', role: 'authenticated', exp: 1000 } });
    assert.equal((verifyJwt(t, secret, 1000) as { reason: string }).reason, 'expired');
    assert.equal((verifyJwt(t, 'y'.repeat(32), 999) as { reason: string }).reason, 'signature');
    const [h, , s] = t.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'u', role: 'service_role', exp: 1000 })).toString('base64url')}.${s}`;
    assert.equal((verifyJwt(forged, secret, 999) as { reason: string }).reason, 'signature');
    assert.equal((verifyJwt('a.b', secret) as { reason: string }).reason, 'malformed');
  });
});

describe('multipart parser', () => {
  const boundary = '----formdata-test-123';
  const body = (file: Buffer) => Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="cacheControl"\r\n\r\n3600\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name=""; filename="blob"\r\nContent-Type: audio/webm\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  async function* chunked(buf: Buffer, size: number) { for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size); }
  const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mp-')), 'file');

  it('streams the file part to disk intact whatever the chunking (delimiter split across chunks)', async () => {
    // File content that contains near-delimiters and CRLFs.
    const file = Buffer.concat([Buffer.from(`\r\n--${boundary.slice(0, -1)}X\r\n`), Buffer.alloc(5000, 7), Buffer.from('\r\n--')]);
    for (const size of [1, 3, 17, 4096, 1 << 20]) {
      const out = tmp();
      const r = await parseMultipart(chunked(body(file), size), boundary, out, 1 << 20);
      assert.equal(r.fields.cacheControl, '3600', `chunk ${size}`);
      assert.equal(r.file?.size, file.length);
      assert.equal(r.file?.contentType, 'audio/webm');
      assert.ok(fs.readFileSync(out).equals(file), `chunk ${size}`);
      fs.rmSync(path.dirname(out), { recursive: true });
    }
  });

  it('enforces the size limit and rejects truncated bodies', async () => {
    const out = tmp();
    await assert.rejects(parseMultipart(chunked(body(Buffer.alloc(2000)), 512), boundary, out, 1000),
      (e: unknown) => e instanceof MultipartError && e.tooLarge);
    const truncated = body(Buffer.alloc(10)).subarray(0, 150);
    await assert.rejects(parseMultipart(chunked(truncated, 64), boundary, out, 1000), /closing boundary/);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
    assert.equal(boundaryOf('multipart/form-data; boundary="abc def"'), 'abc def');
    assert.equal(boundaryOf('multipart/form-data; boundary=xyz'), 'xyz');
    assert.equal(boundaryOf('multipart/form-data'), null);
  });
});

describe('fault counters', () => {
  it('are bounded and reset by assignment', () => {
    let expired = 0;
    const downs: boolean[] = [];
    const f = new FaultState({ onExpireTokens: () => { expired++; }, onDown: (d) => downs.push(d) });
    f.assign({ status5xx: 2, timeoutMs: 10, timeoutCount: 1, resetAfterCommit: 1, htmlAnswers: 1 });
    assert.deepEqual([f.take5xx(), f.take5xx(), f.take5xx()], [500, 500, null]);
    assert.deepEqual([f.takeTimeout(), f.takeTimeout()], [10, null]);
    assert.deepEqual([f.takeResetAfterCommit(), f.takeResetAfterCommit()], [true, false]);
    assert.deepEqual([f.takeHtml(), f.takeHtml()], [true, false]);
    f.expireTokens = true;
    f.down = true;
    f.down = true;
    f.assign({});
    assert.equal(expired, 1);
    assert.deepEqual(downs, [true, false]);
    assert.equal(f.resetAfterCommit, false);
  });
});
