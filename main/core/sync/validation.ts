// Input checks for the backend settings, shared by the dispatcher's schemas and the sync feature.
import { z } from 'zod';

/** A service base URL (OpenAI, Supabase): https anywhere; plain http only to this machine (a test stub or a local
 * stack), so a key or token never crosses a network in clear text. */
export const serviceUrlSchema = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const u = new URL(value);
      if (u.username || u.password || u.search || u.hash) return false;
      if (u.protocol === 'https:') return true;
      return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
    } catch {
      return false;
    }
  }, 'must be an https:// URL (http:// only for 127.0.0.1 or localhost), without credentials, query or fragment');

export const supabaseUrlSchema = serviceUrlSchema.transform((s) => s.replace(/\/+$/, ''));

export const anonKeySchema = z.string().min(20, 'is too short to be a Supabase anon key').max(4096).regex(/^[\w.-]+$/, 'may contain only letters, digits, ".", "-" and "_"');
