import type { CandidateView, PositionView, SessionSummary, SessionView } from '../../preload/contract';
export type Screen = {
    name: 'setup';
} | {
    name: 'settings';
} | {
    name: 'preflight';
    candidate: CandidateView;
    position: PositionView;
} | {
    name: 'interview';
    session: SessionView;
    mic: MediaStream;
} | {
    name: 'summary';
    sessionId: string;
    summary: SessionSummary | null;
};
export declare function App(): import("react").JSX.Element;
