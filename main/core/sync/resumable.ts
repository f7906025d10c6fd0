// Resumable recording upload: Supabase Storage's TUS endpoint (/storage/v1/upload/resumable) through tus-js-client,
// as Supabase's "Resumable Uploads" guide describes it: Upload-Metadata bucketName/objectName/contentType, 6 MB
// chunks (the guide: "it must be set to 6MB (for now)"). No `x-upsert`: recordings are insert-only (a device may not
// overwrite objects), so "already exists" (409) at creation means an earlier try landed, which the engine accepts. Used for recordings above 6 MB (the guide recommends TUS above that size).
//
// The file is streamed: an fs.ReadStream with a path makes tus-js-client read each chunk as its own byte range of
// the file, so no more than one chunk is in memory. The upload's URL and the offset the server confirmed are kept
// in SQLite (ProgressStore) as they change, so after a restart of the app the upload continues: tus-js-client asks
// the server for its offset (HEAD) and sends only the rest. An expired or unknown upload (410/404) starts over.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export const RESUMABLE_THRESHOLD_BYTES = 6 * 1024 * 1024;
export const TUS_CHUNK_BYTES = 6 * 1024 * 1024;

export interface UploadProgress {
  url: string;
  size: number;
  /** Bytes the server confirmed. */
  offset: number;
}

/** Where an upload's URL and confirmed offset survive restarts (one record per recording). */
export interface ProgressStore {
  get(key: string): UploadProgress | null;
  set(key: string, progress: UploadProgress): void;
  clear(key: string): void;
}

export interface ResumableUploadRequest {
  /** `<project url>/storage/v1/upload/resumable`. */
  endpoint: string;
  /** Headers for every request (apikey, a fresh Authorization). */
  headers: () => Record<string, string>;
  file: string;
  bucket: string;
  objectName: string;
  contentType: string;
  /** Key of this upload in the store (the session id). */
  key: string;
  store: ProgressStore;
  /** Bytes confirmed by the server so far, of the total. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  /** Stops the transfer (the app is closing); what the server confirmed stays resumable. */
  signal?: AbortSignal;
}

export type ResumableResult =
  | { ok: true; resumedFrom: number; bytesSent: number }
  | { ok: false; status: number; message: string };

/** One attempt: create or continue, stream the rest, resolve when the server holds every byte (or on failure). */
export async function uploadResumable(r: ResumableUploadRequest): Promise<ResumableResult> {
  const size = (await stat(r.file)).size;
  const previous = r.store.get(r.key);
  // A record for another file size is from another recording attempt: start over.
  const resumeUrl = previous && previous.size === size ? previous.url : null;
  let resumedFrom = -1;
  let bytesSent = 0;
  let lastConfirmed = previous?.offset ?? 0;
  // Loaded on the first upload, not at every start: a restart of the app is on the path of a resumed interview.
  const tus = await import('tus-js-client');
  return new Promise<ResumableResult>((resolve) => {
    const upload = new tus.Upload(createReadStream(r.file), {
      endpoint: r.endpoint,
      ...(resumeUrl ? { uploadUrl: resumeUrl } : {}),
      chunkSize: TUS_CHUNK_BYTES,
      uploadSize: size,
      // A cut transfer is continued at once from the server's offset (HEAD), then after 1, 3 and 5 s (Supabase's
      // guide uses [0, 3000, 5000, 10000, 20000]); beyond that the sync engine's own backoff takes over.
      retryDelays: [0, 1000, 3000, 5000],
      headers: r.headers(),
      metadata: { bucketName: r.bucket, objectName: r.objectName, contentType: r.contentType },
      storeFingerprintForResuming: false, // we keep the URL ourselves (SQLite), not in tus-js-client's storage
      onBeforeRequest: (req) => {
        // A token refreshed since the upload began: every request carries the current one.
        for (const [k, v] of Object.entries(r.headers())) req.setHeader(k, v);
      },
      onUploadUrlAvailable: () => {
        if (upload.url) r.store.set(r.key, { url: upload.url, size, offset: upload.url === resumeUrl ? lastConfirmed : 0 });
      },
      onAfterResponse: (req, res) => {
        const offset = Number(res.getHeader('Upload-Offset'));
        if (req.getMethod() === 'HEAD' && Number.isFinite(offset) && resumedFrom < 0) resumedFrom = offset;
      },
      onProgress: (sent) => {
        bytesSent = Math.max(bytesSent, sent);
      },
      onChunkComplete: (_chunk, accepted, total) => {
        lastConfirmed = accepted;
        if (upload.url) r.store.set(r.key, { url: upload.url, size, offset: accepted });
        r.onProgress?.(accepted, total);
      },
      onSuccess: () => {
        r.store.clear(r.key);
        resolve({ ok: true, resumedFrom: Math.max(0, resumedFrom), bytesSent });
      },
      onError: (error) => {
        const status = error instanceof tus.DetailedError ? (error.originalResponse?.getStatus() ?? 0) : 0;
        // Gone or unknown on the server (expired, or another server): the next try starts a new upload.
        if (status === 404 || status === 410) r.store.clear(r.key);
        resolve({ ok: false, status, message: error.message });
      },
    });
    if (r.signal?.aborted) return resolve({ ok: false, status: 0, message: 'the upload was stopped' });
    r.signal?.addEventListener('abort', () => {
      void upload.abort(false).catch(() => undefined); // false: keep the server's upload, to continue it later
      resolve({ ok: false, status: 0, message: 'the upload was stopped' });
    }, { once: true });
    upload.start();
  });
}
