/** Root mean square of float samples (-1…1). */
export declare function rms(samples: ArrayLike<number>): number;
/**
 * Meter position 0…1 from an RMS value, on a dB scale from -60 dBFS (0) to 0 dBFS (1): speech at arm's length
 * (-30…-15 dBFS) lands mid-scale, where a linear scale would barely move.
 */
export declare function meterLevel(rmsValue: number): number;
/** Words for the meter: the candidate needs to know whether they are heard. */
export declare function levelLabel(level: number): string;
