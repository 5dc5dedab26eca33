// Independent WeCom crypto peer for bot/wecom's interop test, built on the
// npm package @wecom/crypto. Reads one JSON request on stdin and writes one
// JSON answer on stdout:
//   {"op":"encrypt","key","token","id","timestamp","nonce","message"} -> {"encrypt","signature"}
//   {"op":"decrypt","key","token","timestamp","nonce","encrypt"}      -> {"message","id","signature"}
'use strict';
const wecom = require('@wecom/crypto');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const r = JSON.parse(input);
  let out;
  if (r.op === 'encrypt') {
    const encrypt = wecom.encrypt(r.key, r.message, r.id);
    out = { encrypt, signature: wecom.getSignature(r.token, r.timestamp, r.nonce, encrypt) };
  } else if (r.op === 'decrypt') {
    const d = wecom.decrypt(r.key, r.encrypt);
    out = { message: d.message, id: d.id, signature: wecom.getSignature(r.token, r.timestamp, r.nonce, r.encrypt) };
  } else {
    throw new Error('unknown op ' + r.op);
  }
  process.stdout.write(JSON.stringify(out));
});
