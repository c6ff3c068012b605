import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
function i(g,r){let l=Array.from({length:r.length+1},(e,n)=>n);for(let e=1;e<=g.length;e++){let n=[e];for(let t=1;t<=r.length;t++)n[t]=Math.min(l[t]+1,n[t-1]+1,l[t-1]+(g[e-1]===r[t-1]?0:1));l=n}return l[r.length]}export{i as a};
