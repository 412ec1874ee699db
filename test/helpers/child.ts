import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/**
 * Runs one of test/children/*.ts in its own process (so that its logger writes to a stdout of its
 * own) against `engine`, and gives back its exit code and what it wrote. The children are modules
 * like any other, so the type-check follows their imports when a helper moves.
 */
export function runChild(name: string, engine: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [path.join(ROOT, 'test', 'children', `${name}.ts`)], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', ENGINE: engine },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
