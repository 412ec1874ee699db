import { parseArgs } from 'node:util';
import readline from 'node:readline';
import { loadConfig } from '../config';
import { listTopics } from '../queries/reference.queries';
import { createUser } from '../services/user.service';
import { scryptParams } from '../services/password.service';
import { refusal } from './failure';

/* The CLI's staff accounts (see USAGE in ../cli.ts). */

/** Reads one line from standard input; on a terminal, without echoing what is typed. */
async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let data = '';
    for await (const chunk of process.stdin) data += chunk;
    return data.split(/\r?\n/)[0] ?? '';
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const rlo = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  let muted = false;
  rlo._writeToOutput = (s: string) => {
    if (!muted || s.includes(prompt)) rlo.output.write(s);
  };
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/** `user:create`: a staff account, its password read from standard input. */
export async function userCreate(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      capacity: { type: 'string' },
      expertise: { type: 'string' },
    },
    strict: true,
  });
  if (!values.email || !values.name || !values.role) {
    console.error('user:create needs --email, --name and --role (director or consultant).');
    return 2;
  }
  const password = await readPassword('Password (at least 12 characters): ');
  const config = loadConfig();
  const payload: Record<string, unknown> = { email: values.email, name: values.name, role: values.role, password };
  if (values.capacity !== undefined) payload.capacity = /^\d+$/.test(values.capacity) ? Number(values.capacity) : values.capacity;
  if (values.expertise !== undefined)
    payload.topics = values.expertise
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const user = await createUser(payload, { scrypt: scryptParams(config.scryptLogN), operator: true }).catch(async (err: unknown) => {
    // Name the topics one may give, rather than only "choose from the list".
    if (refusal(err)?.some((e) => e.field === 'topics')) {
      console.error(`--expertise takes topic slugs separated by commas: ${(await listTopics()).map((t) => t.slug).join(', ')}`);
    }
    throw err;
  });
  console.log(`Created ${user.role} ${user.name} <${user.email}> (id ${user.id}).`);
  return 0;
}
