import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as s}from"./chunk-JVEHTDVA.js";import{parseArgs as o}from"node:util";function f(n,t,r,e=!1){try{return o({args:t,options:r,strict:!0,allowPositionals:e})}catch(i){throw new s(`ext-actions ${n.name}: ${i.message}
usage: ${n.usage}`)}}function d(n){return n===void 0||typeof n=="boolean"?[]:(Array.isArray(n)?n:[n]).filter(r=>typeof r=="string").flatMap(r=>r.split(",")).map(r=>r.trim()).filter(r=>r!=="")}function p(n,t,r,e){if(t===void 0)return e;if(r.includes(t))return t;throw new s(`${n}: expected one of ${r.join(", ")}, got "${t}"`)}function u(n,t){for(let r of t)n.stderr(`warning: ${r}
`)}export{f as a,d as b,p as c,u as d};
