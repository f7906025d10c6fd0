// A small, strict multipart/form-data parser (RFC 7578) for POST /v1/realtime/calls. Pure and bounded: the
// HTTP layer caps the body size first; here we cap the number of parts and header sizes and reject anything
// ambiguous with a MultipartError whose message is safe to return to the client.

export class MultipartError extends Error {}

export interface MultipartPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

const MAX_PARTS = 16;
const MAX_HEADER_BYTES = 4096;

/** Extracts the boundary from a Content-Type header value, or throws. */
export function boundaryOf(contentType: string): string {
  const [type, ...params] = contentType.split(';');
  if (type?.trim().toLowerCase() !== 'multipart/form-data') throw new MultipartError('Content-Type is not multipart/form-data');
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'boundary') continue;
    let value = param.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (value.length < 1 || value.length > 70) throw new MultipartError('multipart boundary must be 1–70 characters');
    return value;
  }
  throw new MultipartError('multipart/form-data without a boundary parameter');
}

function parseDisposition(value: string): { name: string; filename: string | null } {
  const [kind, ...params] = value.split(';');
  if (kind?.trim().toLowerCase() !== 'form-data') throw new MultipartError('part Content-Disposition is not form-data');
  let name: string | null = null;
  let filename: string | null = null;
  for (const param of params) {
    const match = /^\s*([a-zA-Z*]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))\s*$/.exec(param);
    if (!match) continue;
    const key = match[1]!.toLowerCase();
    const val = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
    if (key === 'name') name = val;
    else if (key === 'filename') filename = val;
  }
  if (name === null || name === '') throw new MultipartError('part without a name');
  return { name, filename };
}

export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const boundary = boundaryOf(contentType);
  const delimiter = Buffer.from(`--${boundary}`);
  // The first delimiter may be preceded by a preamble; later ones are always preceded by CRLF.
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError('body does not contain the multipart boundary');
  if (pos > 0 && (pos < 2 || body[pos - 2] !== 0x0d || body[pos - 1] !== 0x0a)) throw new MultipartError('garbage before the first boundary');
  const next = Buffer.from(`\r\n--${boundary}`);
  const parts: MultipartPart[] = [];
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return finish(parts); // closing "--boundary--"
    // Transport padding (spaces/tabs) is allowed after a delimiter, then CRLF.
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new MultipartError('malformed boundary line');
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    const emptyHeaders = body[pos] === 0x0d && body[pos + 1] === 0x0a;
    if (!emptyHeaders && (headerEnd < 0 || headerEnd - pos > MAX_HEADER_BYTES)) throw new MultipartError('part headers missing or too long');
    const headerText = emptyHeaders ? '' : body.toString('utf8', pos, headerEnd);
    const dataStart = emptyHeaders ? pos + 2 : headerEnd + 4;
    const end = body.indexOf(next, dataStart);
    if (end < 0) throw new MultipartError('part is not terminated by a boundary (truncated body?)');
    let disposition: { name: string; filename: string | null } | null = null;
    let partType: string | null = null;
    for (const line of headerText.split('\r\n')) {
      if (line === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new MultipartError(`malformed part header line: ${JSON.stringify(line.slice(0, 80))}`);
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-disposition') disposition = parseDisposition(value);
      else if (key === 'content-type') partType = value;
    }
    if (!disposition) throw new MultipartError('part without Content-Disposition');
    parts.push({ ...disposition, contentType: partType, data: body.subarray(dataStart, end) });
    if (parts.length > MAX_PARTS) throw new MultipartError(`more than ${MAX_PARTS} parts`);
    pos = end + 2; // at "--boundary"
  }
}

function finish(parts: MultipartPart[]): MultipartPart[] {
  const seen = new Set<string>();
  for (const p of parts) {
    if (seen.has(p.name)) throw new MultipartError(`duplicate part "${p.name}"`);
    seen.add(p.name);
  }
  return parts;
}

/** Builds a multipart body (tests and the CLI's self-check use it; also documents the expected shape). */
export function buildMultipart(fields: { name: string; contentType: string; value: string }[], boundary = `----emu${Date.now().toString(36)}`) {
  const chunks = fields.map(
    (f) => `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"\r\nContent-Type: ${f.contentType}\r\n\r\n${f.value}\r\n`,
  );
  return { body: Buffer.from(chunks.join('') + `--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}` };
}
