import type { EngineName, SizeName, SizeSpec } from './data';
import type { FirstView, MixedResult } from './first-view';
import type { Measured } from './load';
import type { MachineInfo } from './machine';

/** What a benchmark run measured, as results.json keeps it. */
export interface RouteResult {
  key: string;
  label: string;
  staff: boolean;
  /** The floor: a signed-in page that does nothing of its own. */
  ladder: boolean;
  method: string;
  path: string;
  firstStatus: number;
  firstBytes: number;
  firstMs: number;
  /** The highest resident memory sampled while this route was loaded. */
  peakRssMB: number | null;
  /** Server CPU time (all threads) per answered request, warm-up and rounds together: steadier than req/s. */
  cpuMicrosPerRequest?: number | null;
  measured: Measured;
}

/** The CLI import run beside the serving app. */
export interface ImportRun {
  rows: number;
  seconds: number;
  exitCode: number;
  peakRssMB: number | null;
  healthP99: number;
  healthMax: number;
  pageP99: number;
  pageMax: number;
  asked: number;
  failures: number;
  /** The notes added during the import (a write every second): p99 and worst ms, how many, how many failed. */
  writeP99?: number;
  writeMax?: number;
  writes?: number;
  writeFailures?: number;
  output: string;
}

export interface SizeRun {
  engine: EngineName;
  size: SizeName;
  spec: SizeSpec;
  counts: { cases: number; engagements: number; served: number };
  busiestCase: { id: number; engagements: number; events: number };
  generationSeconds: number;
  fromCache: boolean;
  memory: { peakMB: number | null; rssMB: number | null; afterSignInMB: number | null; peakAfterSignInMB: number | null };
  firstView: FirstView[];
  mixed: MixedResult & { peakRssMB: number | null; csvPeriod: string };
  imported?: ImportRun;
  routes: RouteResult[];
}

export interface BenchResults {
  machine: MachineInfo;
  options: {
    sizes: SizeName[];
    engines: EngineName[];
    seconds: number;
    rounds: number;
    warmup: number;
    connections: number;
    reuseData: boolean;
    today: string;
    tries: number;
    mixedSeconds: number;
    mixedClients: number;
    importRows: number;
  };
  command: string;
  build: { seconds: number; warning?: string };
  totalSeconds: number;
  runs: SizeRun[];
}
