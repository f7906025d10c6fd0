import type { IncomingMessage, ServerResponse } from 'node:http';
export declare const MIME_TYPES: Record<string, string>;
/**
 * Maps a request path to a file under root, or null when the path is malformed or escapes root. Pure apart from
 * nothing: the caller checks existence.
 */
export declare function resolveStaticPath(root: string, urlPath: string): string | null;
export declare function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void;
