import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
var e=class extends Error{constructor(t,o=[]){super(o.length?`${t}
${o.map(i=>`  - ${i}`).join(`
`)}`:t);this.details=o}details;name="UserError";unreachable=!1};function s(r){return r instanceof e}function p(r){let n;if(r===void 0)return"nothing";if(typeof r=="string")n=JSON.stringify(r);else try{n=JSON.stringify(r)??String(r)}catch{n=String(r)}return n=n.replace(/[\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\u007f-\u009f]/gu,t=>`\\u${t.charCodeAt(0).toString(16).padStart(4,"0")}`),n.length>120?`${n.slice(0,117)}...`:n}export{e as a,s as b,p as c};
