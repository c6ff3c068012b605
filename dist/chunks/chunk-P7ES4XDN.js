import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
var s=n=>new Promise(e=>setTimeout(e,n));async function i(n,e){for(let t=1;;t++)try{return await n(t)}catch(r){if(t>=e.attempts||e.transient&&!e.transient(r))throw r;let a=typeof e.delayMs=="number"?e.delayMs*2**(t-1):e.delayMs(t,r);e.onRetry?.(r,t,a),a>0&&await s(a)}}export{i as a};
