import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** What the numbers were measured on: they mean little without it. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string;
  pinned: boolean;
  commit: string;
  dirty: boolean;
}

/** True when `taskset` works and there are at least two cores to split between server and load. */
export function canPin(): boolean {
  if (os.availableParallelism() < 2) return false;
  return spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
}

/**
 * Moves every thread of this process to core 1, so that the load generator never competes with
 * the server (pinned to core 0). Threads started later inherit the mask.
 */
export function pinSelfToCore(core: number): boolean {
  return spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' }).status === 0;
}

/** The command and arguments that run `command` on one core when pinning is possible. */
export function pinnedCommand(core: number | undefined, command: string, args: string[]): [string, string[]] {
  return core === undefined ? [command, args] : ['taskset', ['-c', String(core), command, ...args]];
}

export function machineInfo(pinned: boolean): MachineInfo {
  const git = (args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    pinned,
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    dirty: git(['status', '--porcelain']).length > 0,
  };
}

/** Peak and current resident memory of a process, in MB (10^6 bytes), from /proc (Linux only). */
let clockTicks: number | undefined;

/** CPU seconds (user + system, all threads) a process has used so far, or null without /proc. */
export function cpuSecondsOf(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    // utime and stime: fields 14 and 15 of /proc/<pid>/stat, the 12th and 13th after the command name.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

export function memoryOf(pid: number | undefined): { peakMB: number | null; rssMB: number | null } {
  if (!pid) return { peakMB: null, rssMB: null };
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Math.round((Number(m[1]) * 1024) / 1e5) / 10 : null;
    };
    return { peakMB: kib('VmHWM'), rssMB: kib('VmRSS') };
  } catch {
    return { peakMB: null, rssMB: null };
  }
}
