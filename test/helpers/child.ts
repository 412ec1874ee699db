// Child processes of the tests, run from the sources with tsx: the CLI (see importing-cli.ts) and
// the scripts of test/children/. One way to run them and collect what they wrote.
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tsx file args…` from the repository's root with exactly `env`, writes `input` (if any) to
 * its standard input, and gives back its exit code and what it wrote.
 */
export function runTsx(file: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [file, ...args], { cwd: ROOT, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) {
      child.stdin?.on('error', () => undefined); // the command may exit before reading
      child.stdin?.end(input);
    }
  });
}

/**
 * Runs one of test/children/*.ts in its own process (so that its logger writes to a stdout of its
 * own) against `engine`. The children are modules like any other, so the type-check follows their
 * imports when a helper moves.
 */
export function runChild(name: string, engine: string): Promise<Run> {
  return runTsx(path.join('test', 'children', `${name}.ts`), [], { ...process.env, NODE_ENV: 'test', ENGINE: engine });
}
