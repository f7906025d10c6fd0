// The packaged-build start-up check: a pure function of argv, the environment and the platform, run by
// main/app.ts before anything else. A packaged kiosk is started by a supervisor with fixed arguments; any switch
// or variable that opens a debugger, turns the sandbox off, routes traffic through someone else's proxy or turns
// certificate checks off can only come from someone tampering with the shortcut or the service file, so the app
// refuses to start and says which one. Development builds (`npm start`) keep every switch, for debugging.
//
// Chromium parses switches as `--name`, `--name=value` (and `-name` on POSIX, `/name` on Windows; names are
// case-insensitive on Windows), so every spelling is matched. Node's own options (`--inspect*`) are matched the
// same way. Sources: Chromium base/command_line.cc (switch prefixes), Electron docs "Supported Command Line
// Switches" and "Environment Variables".

export type StartupProblemKind = 'debugging' | 'sandbox' | 'proxy' | 'certificates';

export interface StartupProblem {
  kind: StartupProblemKind;
  /** The switch (`--no-sandbox`) or variable (`NODE_TLS_REJECT_UNAUTHORIZED`) as found. */
  what: string;
}

/** Switches a packaged kiosk refuses, by the kind of escape they open. Matched by exact name (no prefix games). */
export const REFUSED_SWITCHES: Readonly<Record<StartupProblemKind, readonly string[]>> = {
  debugging: [
    'remote-debugging-port', 'remote-debugging-pipe', 'remote-debugging-address', 'remote-allow-origins',
    'inspect', 'inspect-brk', 'inspect-port', 'inspect-wait', 'inspect-publish-uid', 'debug', 'debug-brk', 'debug-port',
    'js-flags', 'enable-logging', 'v', 'vmodule', 'auto-open-devtools-for-tabs',
  ],
  sandbox: [
    'no-sandbox', 'disable-gpu-sandbox', 'disable-setuid-sandbox', 'disable-seccomp-filter-sandbox',
    'disable-namespace-sandbox', 'no-zygote', 'disable-web-security', 'disable-site-isolation-trials',
  ],
  proxy: ['proxy-server', 'proxy-pac-url', 'proxy-auto-detect', 'proxy-bypass-list', 'host-rules', 'host-resolver-rules'],
  certificates: [
    'ignore-certificate-errors', 'ignore-certificate-errors-spki-list', 'ignore-urlfetcher-cert-requests',
    'allow-insecure-localhost', 'unsafely-treat-insecure-origin-as-secure', 'ssl-key-log-file',
  ],
};

/** Variables a packaged kiosk refuses when set (to anything but the given harmless values). */
const REFUSED_VARIABLES: ReadonlyArray<{ name: string; kind: StartupProblemKind; harmless?: (value: string) => boolean }> = [
  { name: 'ELECTRON_RUN_AS_NODE', kind: 'debugging' },
  { name: 'NODE_OPTIONS', kind: 'debugging' },
  { name: 'ELECTRON_ENABLE_LOGGING', kind: 'debugging' },
  { name: 'ELECTRON_ENABLE_STACK_DUMPING', kind: 'debugging' },
  { name: 'SSLKEYLOGFILE', kind: 'debugging' },
  { name: 'ELECTRON_DISABLE_SANDBOX', kind: 'sandbox' },
  { name: 'HTTPS_PROXY', kind: 'proxy' },
  { name: 'HTTP_PROXY', kind: 'proxy' },
  { name: 'ALL_PROXY', kind: 'proxy' },
  { name: 'NODE_TLS_REJECT_UNAUTHORIZED', kind: 'certificates', harmless: (v) => v !== '0' },
  { name: 'NODE_EXTRA_CA_CERTS', kind: 'certificates' },
];

/** Settings a packaged build does not take from outside (they would load other code or another profile). */
export const IGNORED_WHEN_PACKAGED = { variables: ['KIOSK_SQLITE_BINDING'], switches: ['user-data-dir'] } as const;

export interface StartupInput {
  packaged: boolean;
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
}

export interface StartupDecision {
  /** Refuse to start when non-empty (packaged builds only). */
  problems: StartupProblem[];
  /** Honour KIOSK_SQLITE_BINDING (development only). */
  sqliteBindingFromEnv: string | null;
  /** Honour --user-data-dir=… (development only). */
  userDataDir: string | null;
}

/** The switch name of one argument (`--Proxy-Server=x` → `proxy-server` on Windows), or null if not a switch. */
export function switchName(arg: string, platform: NodeJS.Platform): string | null {
  const m = /^(?:--|-|\/)([^=\s]+)/.exec(arg);
  if (!m || (arg.startsWith('/') && platform !== 'win32')) return null;
  return platform === 'win32' ? m[1]!.toLowerCase() : m[1]!;
}

function switchValue(argv: readonly string[], name: string, platform: NodeJS.Platform): string | null {
  for (const arg of argv) {
    if (switchName(arg, platform) !== name) continue;
    const eq = arg.indexOf('=');
    if (eq > 0 && eq < arg.length - 1) return arg.slice(eq + 1);
  }
  return null;
}

function envValue(env: StartupInput['env'], name: string, platform: NodeJS.Platform): { key: string; value: string } | null {
  // Proxy variables are read in both cases on every platform (curl convention); Windows names are case-insensitive.
  const anyCase = platform === 'win32' || name.endsWith('_PROXY');
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (key === name || (anyCase && key.toUpperCase() === name)) return { key, value };
  }
  return null;
}

export function checkStartup(input: StartupInput): StartupDecision {
  const { packaged, argv, env, platform } = input;
  if (!packaged) {
    return {
      problems: [],
      sqliteBindingFromEnv: env.KIOSK_SQLITE_BINDING || null,
      userDataDir: switchValue(argv, 'user-data-dir', platform),
    };
  }
  const problems: StartupProblem[] = [];
  const byName = new Map<string, StartupProblemKind>();
  for (const [kind, names] of Object.entries(REFUSED_SWITCHES) as [StartupProblemKind, readonly string[]][]) {
    for (const name of names) byName.set(name, kind);
  }
  for (const arg of argv.slice(1)) {
    const name = switchName(arg, platform);
    const kind = name === null ? undefined : byName.get(name);
    if (kind) problems.push({ kind, what: arg.split('=')[0]! });
  }
  for (const v of REFUSED_VARIABLES) {
    const found = envValue(env, v.name, platform);
    if (found && !(v.harmless?.(found.value) ?? false)) problems.push({ kind: v.kind, what: found.key });
  }
  return { problems, sqliteBindingFromEnv: null, userDataDir: null };
}

const WHY: Record<StartupProblemKind, string> = {
  debugging: 'opens a debugger or a diagnostic channel into the app',
  sandbox: 'turns the renderer sandbox or web security off',
  proxy: "routes the kiosk's traffic through another machine",
  certificates: 'turns certificate checks off or trusts extra authorities',
};

/** The refusal in words, one line per problem, for the log and the supervisor's journal. */
export function describeStartupProblems(problems: readonly StartupProblem[]): string {
  return [
    'The kiosk refuses to start: a packaged build does not run with these switches or variables.',
    ...problems.map((p) => `  ${p.what}: ${WHY[p.kind]}.`),
    'Remove them from the shortcut, the service file or the environment, then start it again.',
  ].join('\n');
}
