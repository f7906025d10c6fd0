export declare class MultipartError extends Error {
}
export interface MultipartPart {
    name: string;
    filename: string | null;
    contentType: string | null;
    data: Buffer;
}
/** Extracts the boundary from a Content-Type header value, or throws. */
export declare function boundaryOf(contentType: string): string;
export declare function parseMultipart(body: Buffer, contentType: string): MultipartPart[];
/** Builds a multipart body (tests and the CLI's self-check use it; also documents the expected shape). */
export declare function buildMultipart(fields: {
    name: string;
    contentType: string;
    value: string;
}[], boundary?: string): {
    body: Buffer<ArrayBuffer>;
    contentType: string;
};
