import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
var t=class extends Error{constructor(e,i=[]){super(i.length?`${e}
${i.map(o=>`  - ${o}`).join(`
`)}`:e);this.details=i}details;name="UserError"};function s(r){return r instanceof t}function g(r){let n;if(r===void 0)return"nothing";if(typeof r=="string")n=JSON.stringify(r);else try{n=JSON.stringify(r)??String(r)}catch{n=String(r)}return n.length>120?`${n.slice(0,117)}...`:n}export{t as a,s as b,g as c};
