export interface ApiError {
    type: string;
    code: string | null;
    message: string;
    param: string | null;
}
export declare class ApiErrorException extends Error {
    readonly error: ApiError;
    constructor(error: ApiError);
}
export declare function invalid(code: string, message: string, param?: string | null): ApiErrorException;
export declare const BETA_MESSAGE = "The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.";
export declare function betaDisabled(param?: string | null): ApiErrorException;
