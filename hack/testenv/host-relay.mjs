// Runs in the machine's own network namespace (started by nsenter from inside hack/testenv/offline.sh's namespace):
// listens on 127.0.0.1 of the machine and pipes each connection to a Unix socket, which the process inside the
// namespace pipes on to its loopback listener (the demo's kube-apiserver). Unix sockets live in the filesystem, not
// in a network namespace, so this is the one way in; nothing goes out. Prints the port it listens on.
//
//   node host-relay.mjs <unix socket> [preferred port]
import { createConnection, createServer } from 'node:net';

const [socketPath, preferred] = process.argv.slice(2);
if (!socketPath) { console.error('usage: host-relay.mjs <unix socket> [port]'); process.exit(2); }
const server = createServer((inbound) => {
  const outbound = createConnection({ path: socketPath });
  inbound.on('error', () => outbound.destroy());
  outbound.on('error', () => inbound.destroy());
  inbound.pipe(outbound).pipe(inbound);
});
const listen = (port) => new Promise((resolve, reject) => {
  server.once('error', reject).listen(port, '127.0.0.1', () => { server.removeListener('error', reject); resolve(); });
});
// The same port as inside keeps the printed kubeconfig valid on both sides; any free port when it is taken here.
await listen(Number(preferred ?? 0)).catch(() => listen(0));
console.log(String(server.address().port));
// Gone with the demo: its parent closes our stdin when it stops (or dies).
process.stdin.resume().on('end', () => process.exit(0)).on('error', () => process.exit(0));
