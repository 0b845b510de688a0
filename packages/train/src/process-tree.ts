import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";

/** Totals over the live processes of a tree at one moment. */
export interface TreeSample {
  processes: number;
  rssBytes: number;
  /** User + system time of the live processes and of the children they have reaped. */
  cpuSeconds: number;
}

/**
 * The processes a command started. A timeout or a cancellation signals all of them, including those that left
 * the process group (`setsid`) or were orphaned by a double fork.
 */
export interface ProcessTree {
  /** Re-reads the tree; undefined where the platform offers no per-process accounting. */
  sample(): TreeSample | undefined;
  /** Sends `signal` to every live process of the tree; returns how many there were. */
  signal(signal: NodeJS.Signals): number;
  /** How many processes of the tree are still running (zombies, already dead, excluded). */
  alive(): number;
  /** The highest resident memory the tree was seen to use, when sampling is available. */
  readonly peakRssBytes: number | undefined;
}

/** The environment variable whose value marks every process of one run, as Jenkins marks a build's processes. */
export const TREE_MARKER_VARIABLE = "CTRAIN_PROCESS_TREE";

/** The /proc ABI counts CPU time in USER_HZ ticks, fixed at 100 per second on every Linux architecture. */
const TICKS_PER_SECOND = 100;

export function procfsAvailable(): boolean {
  return existsSync("/proc/self/stat");
}

/** Clock ticks since boot, the unit of a process's start time in /proc/<pid>/stat. */
export function bootTicksNow(): number {
  return Math.floor(Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * TICKS_PER_SECOND);
}

interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  cpuTicks: number;
  startTicks: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields count from the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  const fields = text.slice(close + 2).split(" ");
  // fields[0] is field 3 (state) of proc(5); utime..cstime are fields 14-17, starttime is field 22.
  const number = (field: number): number => Number(fields[field - 3]);
  return {
    pid,
    state: fields[0] ?? "?",
    ppid: number(4),
    pgrp: number(5),
    session: number(6),
    cpuTicks: number(14) + number(15) + number(16) + number(17),
    startTicks: number(22),
  };
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "latin1"));
  } catch {
    return undefined; // exited between listing and reading
  }
}

/** VmRSS and VmHWM (the process's own peak) from /proc/<pid>/status, in bytes. */
export function parseMemoryStatus(text: string): { rss: number; peak: number } {
  const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

const isGone = (state: string): boolean => state === "Z" || state === "X" || state === "x";

/** File descriptors looked at per process when searching for the output pipe; a process holds few. */
const DESCRIPTORS_CHECKED = 64;

/**
 * Linux: a process belongs to the tree when it started after the command and is the root, a child of a member, in
 * a process group or session a member created, or carries one of the run's marks: the marker in its environment
 * (which survives setsid and double forks) or the command's output pipe among its open files (which survives
 * `env -i setsid` too, unless the process closes it). Membership is remembered while running, so a process stays
 * a member once its parent has exited. Identity is (pid, start time), so a reused pid is never mistaken for a
 * member.
 */
export class ProcfsProcessTree implements ProcessTree {
  private readonly members = new Map<number, number>();
  private readonly strangers = new Map<number, number>();
  /** Process groups and sessions whose leader is a member: whatever joins them later is the command's too. */
  private readonly groups = new Set<number>();
  private readonly sessions = new Set<number>();
  private readonly markerBytes: Buffer;
  /** `pipe:[inode]` of the command's output, or undefined if it could not be read. */
  private readonly outputPipe: string | undefined;
  private peak = 0;

  constructor(
    private readonly rootPid: number,
    marker: string,
    private readonly startedAfterTicks: number,
  ) {
    this.markerBytes = Buffer.from(`${TREE_MARKER_VARIABLE}=${marker}\0`);
    this.outputPipe = readLink(`/proc/${rootPid}/fd/1`);
    this.groups.add(rootPid);
    this.sessions.add(rootPid);
  }

  get peakRssBytes(): number {
    return this.peak;
  }

  sample(): TreeSample {
    const live = this.scan();
    let rssBytes = 0;
    let cpuTicks = 0;
    let processes = 0;
    for (const process of live) {
      cpuTicks += process.cpuTicks;
      if (isGone(process.state)) continue;
      processes++;
      try {
        const memory = parseMemoryStatus(readFileSync(`/proc/${process.pid}/status`, "latin1"));
        rssBytes += memory.rss;
        this.peak = Math.max(this.peak, memory.peak);
      } catch {
        // exited since the scan
      }
    }
    this.peak = Math.max(this.peak, rssBytes);
    return { processes, rssBytes, cpuSeconds: cpuTicks / TICKS_PER_SECOND };
  }

  alive(): number {
    return this.scan().filter((process) => !isGone(process.state)).length;
  }

  signal(signal: NodeJS.Signals): number {
    sendToGroup(this.rootPid, signal);
    let signalled = 0;
    for (const process of this.scan()) {
      if (isGone(process.state)) continue;
      // Re-check identity right before signalling: the pid may have been reused since the scan.
      if (readStat(process.pid)?.startTicks !== process.startTicks) continue;
      try {
        globalThis.process.kill(process.pid, signal);
        signalled++;
      } catch {
        // already gone
      }
    }
    return signalled;
  }

  /** Members of the tree now in /proc (zombies included: their CPU time is not yet in a parent's). */
  private scan(): ProcStat[] {
    const young: ProcStat[] = [];
    for (const entry of readdirSync("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      const stat = readStat(pid);
      if (stat && stat.startTicks >= this.startedAfterTicks) young.push(stat);
    }
    forgetExcept(this.strangers, young);
    forgetExcept(this.members, young);
    // Parents start before their children: one pass in start order finds every descendant still linked by ppid.
    young.sort((a, b) => a.startTicks - b.startTicks || a.pid - b.pid);
    const found: ProcStat[] = [];
    const foundPids = new Set<number>();
    for (const stat of young) {
      if (this.belongs(stat, foundPids)) {
        this.members.set(stat.pid, stat.startTicks);
        if (stat.pgrp === stat.pid) this.groups.add(stat.pid);
        if (stat.session === stat.pid) this.sessions.add(stat.pid);
        found.push(stat);
        foundPids.add(stat.pid);
      }
    }
    return found;
  }

  private belongs(stat: ProcStat, foundPids: Set<number>): boolean {
    if (this.members.get(stat.pid) === stat.startTicks) return true;
    if (stat.pid === this.rootPid || foundPids.has(stat.ppid)) return true;
    // A leader joins by its own links only: its group or session number is its pid, which may be a reused one.
    const joined =
      (stat.pgrp !== stat.pid && this.groups.has(stat.pgrp)) ||
      (stat.session !== stat.pid && this.sessions.has(stat.session));
    if (joined) return true;
    if (this.strangers.get(stat.pid) === stat.startTicks) return false;
    const marked = this.carriesMarker(stat.pid);
    const piped = marked === true ? true : this.holdsOutputPipe(stat.pid);
    if (marked === true || piped === true) return true;
    // Only a definite "no" is remembered: a read that failed (a process in the middle of exec) is tried again.
    if (marked === false && piped === false) this.strangers.set(stat.pid, stat.startTicks);
    return false;
  }

  /** Whether the process's environment holds the run's marker; undefined when it could not be read. */
  private carriesMarker(pid: number): boolean | undefined {
    try {
      const environment = readFileSync(`/proc/${pid}/environ`);
      return environment.includes(this.markerBytes);
    } catch {
      return undefined; // another user's process, or gone
    }
  }

  /** Whether the process holds the command's output pipe; undefined when its descriptors could not be read. */
  private holdsOutputPipe(pid: number): boolean | undefined {
    if (this.outputPipe === undefined) return false;
    try {
      const descriptors = readdirSync(`/proc/${pid}/fd`).slice(0, DESCRIPTORS_CHECKED);
      return descriptors.some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === this.outputPipe);
    } catch {
      return undefined; // another user's process, gone, or a descriptor closed while being read
    }
  }
}

/** Elsewhere (macOS): the process group is the tree; no per-process accounting. */
export class ProcessGroupTree implements ProcessTree {
  readonly peakRssBytes = undefined;

  constructor(private readonly rootPid: number) {}

  sample(): undefined {
    return undefined;
  }

  signal(signal: NodeJS.Signals): number {
    return sendToGroup(this.rootPid, signal) ? 1 : 0;
  }

  alive(): number {
    return sendToGroup(this.rootPid, 0) ? 1 : 0;
  }
}

function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** Drops remembered processes that have left /proc, so long runs on busy machines keep small maps. */
function forgetExcept(known: Map<number, number>, present: ProcStat[]): void {
  const pids = new Set(present.map((stat) => stat.pid));
  for (const pid of known.keys()) if (!pids.has(pid)) known.delete(pid);
}

function sendToGroup(leader: number, signal: NodeJS.Signals | 0): boolean {
  // -1 would signal every process ctrain may signal, -0 its own group: never.
  if (!(leader > 1)) return false;
  try {
    process.kill(-leader, signal);
    return true;
  } catch {
    return false;
  }
}
