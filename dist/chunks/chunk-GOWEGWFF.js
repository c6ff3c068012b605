import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
var g=/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}]/gu,l=/\r\n|[\r\n\u0085\u2028\u2029]/g;function c(t,e=!1){return t.replaceAll("	"," ").replace(g,n=>e&&n===`
`?n:`\\u${n.charCodeAt(0).toString(16).padStart(4,"0")}`)}function s(t){return t.replaceAll("&","&amp;").replaceAll("<","&lt;").replaceAll(">","&gt;").replaceAll('"',"&quot;").replaceAll("'","&#39;")}function u(t){return s(c(t.replace(l," "))).replace(/[\\`*_[\]!~|]/g,e=>`\\${e}`)}function f(t){return s(c(t.replace(l," ")))}function m(t,e=!1){return s(c(t.replace(l,e?`
`:" "),e))}function A(t,e=!0){if(t==="")return"";let n=c(t.replace(l," ")),r=e?n.replaceAll("|","\\|"):n,a=Math.max(0,...[...r.matchAll(/`+/g)].map(i=>i[0].length)),p="`".repeat(a+1),o=r.startsWith("`")||r.endsWith("`")?" ":"";return`${p}${o}${r}${o}${p}`}function $(t,e=""){let n=c(t.replace(l,`
`),!0),r=Math.max(2,...[...n.matchAll(/`+/g)].map(p=>p[0].length)),a="`".repeat(r+1);return`${a}${e}
${n}
${a}`}export{u as a,f as b,m as c,A as d,$ as e};
