// Preloaded into netlify dev (`node --import`) by `pnpm dev`: netlify dev has no option for the
// address it listens on and binds its ports to every interface; with this, a listen that names no
// host binds to loopback instead, so the local stack is not reachable from the network.
import { Server } from 'node:net';

const listen = Server.prototype.listen;
Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback]): insert the host where none was given.
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  } else if (
    first !== null &&
    typeof first === 'object' &&
    !('fd' in first) &&
    !('path' in first) &&
    !('_handle' in first)
  ) {
    if (first.host === undefined) args[0] = { ...first, host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
