import { type ReactNode } from 'react';
export declare function ScreenHeading({ children }: {
    children: ReactNode;
}): import("react").JSX.Element;
export declare function ErrorBox({ error, children }: {
    error: unknown;
    children?: ReactNode;
}): import("react").JSX.Element | null;
