import OpenAI from 'openai';
import { createServer } from 'node:http';
const s = createServer((req, res) => { console.log('req', req.method, req.url, req.headers); req.resume(); req.on('end', () => { res.writeHead(200); res.end(); }); });
await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
const c = new OpenAI({ apiKey: 'sk-x', baseURL: `http://127.0.0.1:${(s.address() as any).port}/v1`, maxRetries: 0, timeout: 3000 });
setTimeout(() => console.log('tick'), 5000);
c.realtime.calls.hangup('rtc_1').then((v) => console.log('ok', v), (e) => console.log('ERR', e));
