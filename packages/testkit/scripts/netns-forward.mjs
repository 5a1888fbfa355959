// Runs inside a test's network namespace (started with nsenter) and makes host services reachable
// there. It dials the control socket named by its argument; for each `PORT SOCKET` line it reads
// there it listens on 0.0.0.0:PORT in the namespace and pipes every connection to the unix socket
// SOCKET, which the test process serves on the host side (unix sockets cross network namespaces;
// TCP does not). It answers `PORT` once listening, `! PORT why` if not, and exits with the control.
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';

const pipe = (a, b) => {
  a.pipe(b).pipe(a);
  a.once('error', () => b.destroy());
  b.once('error', () => a.destroy());
};

const control = connect(process.argv[2]);
control.once('close', () => process.exit(0));
createInterface({ input: control }).on('line', (line) => {
  const [port, socket] = line.split(' ');
  const server = createServer((client) => pipe(client, connect(socket)));
  server.once('error', (error) => control.write(`! ${port} ${error.message}\n`));
  server.listen(Number(port), '0.0.0.0', () => control.write(`${port}\n`));
});
