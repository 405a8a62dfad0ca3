// A local stand-in for the SMS provider: anju's HTTP sender posts `{phone, text}` to /send;
// tests read what was "sent" from /messages?phone=…. Nothing leaves this machine.
import http from 'node:http';

const port = Number(process.env.ANJU_E2E_SMS_PORT ?? 3918);
const messages = [];

const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/send') {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        try {
          const { phone, text } = JSON.parse(body);
          messages.push({ phone, text, at: Date.now() });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
        } catch {
          res.writeHead(400);
          res.end();
        }
      });
    } else if (req.method === 'GET' && url.pathname === '/messages') {
      const phone = url.searchParams.get('phone');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(messages.filter(m => !phone || m.phone === phone)));
    } else if (url.pathname === '/health') {
      res.end('ok');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
// Longer than anju's idle connection timeout, so the peer never closes a connection the
// sender is about to reuse (the race real providers can have too; anju drops idle ones first).
server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1');
