export interface Migration {
    version: number;
    name: string;
    sql: string;
}
export declare const MIGRATIONS: readonly Migration[];
