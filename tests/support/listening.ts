import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** `0100007F:1F90` (little-endian IPv4, hex port) or its IPv6 form, as an address. */
function decode(hex: string): string {
  const [address = '', port = ''] = hex.split(':');
  if (address.length === 8) {
    return `${(address.match(/../g) ?? [])
      .reverse()
      .map((byte) => Number.parseInt(byte, 16))
      .join('.')}:${Number.parseInt(port, 16)}`;
  }
  const loopback6 = address === '00000000000000000000000001000000';
  const any6 = /^0+$/.test(address);
  return `${loopback6 ? '[::1]' : any6 ? '[::]' : `[${address}]`}:${Number.parseInt(port, 16)}`;
}

/**
 * The addresses processes listen on (TCP), read from /proc (Linux): the tests need to know that
 * `pnpm dev` binds nothing beyond loopback, without sending any traffic off this machine.
 */
export function listeningAddresses(pids: readonly number[]): string[] {
  const listening = new Map<string, string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && fields[1] && fields[9]) listening.set(fields[9], decode(fields[1]));
    }
  }
  const addresses = new Set<string>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        const address = inode === undefined ? undefined : listening.get(inode);
        if (address) addresses.add(address);
      } catch {
        // closed meanwhile
      }
    }
  }
  return [...addresses];
}

/** Every process id in the process tree below `root`, `root` included (from /proc). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}
